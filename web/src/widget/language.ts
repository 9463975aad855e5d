// The language shown and its strings. It is the workspace's (settings.locale, once the config is
// here), else the script's data-locale, else the browser's. Only English is built in: the others
// are fetched (i18n.ts).

import { computed, signal, type ReadSignal } from "./store";
import { loadStrings, pickLocale, translator } from "./i18n";

export function createLanguage(baseUrl: string, locale: string | undefined, isOpen: ReadSignal<boolean>) {
  const wanted = () => [locale, ...(navigator.languages ?? [navigator.language])];
  const guess = pickLocale(wanted());
  /// The language shown, and its strings (null: English).
  const lang = signal("en");
  const strings = signal<Record<string, string> | null>(null);
  /// The launcher appears once the first language's strings are here (or could not be had)…
  const ready = signal(guess === "en");
  /// …and the panel, when opened, waits for a language still being fetched.
  const holdPanel = signal(false);

  let tCache: [Record<string, string> | null | undefined, (k: string) => string] = [undefined, (k) => k];
  const t = computed(() => (tCache[0] === strings.value ? tCache : (tCache = [strings.value, translator(strings.value)]))[1]);

  const tables: Record<string, Promise<Record<string, string> | null>> = {};
  let asked = 0;
  let shown = 0;
  /// Switches to `want` once its strings are here (English when they cannot be had). The
  /// latest call wins; an earlier one that arrives first is shown meanwhile.
  async function switchLang(want: string) {
    if (want === lang.value && asked === shown) return;
    const n = ++asked;
    if (!isOpen.value) holdPanel.value = true; // an open panel rather switches in place
    const table = await (tables[want] ??= loadStrings(baseUrl, want));
    if (n > shown) {
      shown = n;
      lang.value = table ? want : "en";
      strings.value = table;
      ready.value = true;
    }
    if (n === asked) holdPanel.value = false;
  }
  // Fetched now, alongside the config request (boot), which usually confirms it.
  if (!ready.value) void switchLang(guess);

  return {
    lang,
    t,
    ready,
    holdPanel,
    /// Settles on the language once the workspace's own (if any) is known.
    settle: (workspaceLocale?: string) => switchLang(pickLocale([workspaceLocale, ...wanted()])),
  };
}
