// What a host passes to the renderer, and the props every view shares.

import type { Action, Content, MediaRef, Message } from "../types";

export interface RenderContext {
  viewer: "contact" | "agent";
  locale: string;
  /// UI strings by key (see RENDER_EN in ./strings.ts for the keys and English text).
  t: (key: string) => string;
  /// A media_id → blob: URL (fetched with the bearer token); external https URLs pass
  /// through; anything else → null. See mediaSource() in ../media.ts.
  mediaSrc: (ref: MediaRef) => Promise<string | null>;
  /// A returned promise marks the pressed button busy until it settles; a rejection's message
  /// is shown under the button.
  onAction?: (action: Action, message?: Message) => void | Promise<unknown>;
  onFormSubmit?: (values: Record<string, string>, message?: Message) => void;
  disabled?: boolean;
}

export interface P {
  ctx: RenderContext;
  message?: Message;
}

/// The content of one type, e.g. `ContentOf<"cart">`.
export type ContentOf<K extends Content["type"]> = Extract<Content, { type: K }>;
