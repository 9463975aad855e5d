// Compile-time constants the widget build defines (scripts/build.mjs; vite.config.ts for tests).

/// Languages besides English → their translations file, relative to the server's origin:
/// `{ "fr": "assets/widget-i18n-fr-<hash>.json", … }`.
declare const __SHOPTALK_LOCALES__: Record<string, string>;
