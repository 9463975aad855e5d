// The widget's brain, composed of one module per job: the visitor's session, the conversation
// and its history, live updates, sending, receipts and typing, uploads, tracking, language. The
// UI (ui.tsx) reads its signals and calls its methods; the JS API (jsapi.ts) wraps it.

import { api, ApiError } from "../shared/api";
import type { WebSocketLike } from "../shared/realtime";
import { mediaSource } from "../shared/media";
import type { WidgetConfig } from "../shared/types";
import { createActions } from "./actions";
import { createConversation } from "./conversation";
import { createFrameHandler } from "./frames";
import { createHistory } from "./history";
import { createLanguage } from "./language";
import { createLive } from "./live";
import { createNotifier } from "./notify";
import { createReceipts } from "./receipts";
import { createSending } from "./sending";
import { createSession } from "./session";
import { unlockAudio } from "./sound";
import { load, save } from "./storage";
import { signal, type ReadSignal, type Signal } from "./store";
import { createThread } from "./thread";
import { createTracking } from "./tracking";
import { createUploads } from "./uploads";

export interface WidgetEnv {
  baseUrl: string;
  widgetKey: string;
  locale?: string;
  WebSocketImpl?: new (url: string) => WebSocketLike;
}

/// The state the panel shows beside the conversation, shared with the modules that change it.
export interface Ui {
  cfg: Signal<WidgetConfig | null>;
  isOpen: Signal<boolean>;
  muted: Signal<boolean>;
  error: Signal<string>;
  t: ReadSignal<(k: string) => string>;
  /// Shows why a request failed: the server's message, else a generic one.
  showError: (e: unknown) => string;
}

export function createController(env: WidgetEnv) {
  const key = env.widgetKey;
  const muteKey = `shoptalk:${key}:muted`;
  const openKey = `shoptalk:${key}:open`;

  const cfg = signal<WidgetConfig | null>(null);
  const isOpen = signal(false);
  const muted = signal(load(muteKey) === "1");
  const error = signal("");
  const language = createLanguage(env.baseUrl, env.locale, isOpen);
  const { t } = language;
  const ui: Ui = {
    cfg,
    isOpen,
    muted,
    error,
    t,
    showError: (e) => (error.value = e instanceof ApiError && e.message ? e.message : t.value("error")),
  };

  // Created in dependency order; the few calls back into later modules (a session opened, a
  // frame arrived, the network came back) only happen once all exist.
  const thread = createThread();
  const notifier = createNotifier(thread, ui);
  const { emit } = notifier;
  const session = createSession(env.baseUrl, key, (contactChanged) => {
    if (contactChanged) conversation.reset();
    live.connect();
    void tracking.flush();
    conversation.find().catch(() => undefined);
  });
  const live = createLive(
    env,
    session,
    (f) => frames.onFrame(f),
    () => void sending.flushWaiting(),
  );
  const { socket } = live;
  const receipts = createReceipts(thread, isOpen, socket);
  const { markRead } = receipts;
  const history = createHistory(session.call, thread, ui.showError);
  const conversation = createConversation(session, thread, socket, history.loadLatest, markRead);
  const frames = createFrameHandler(
    thread,
    ui,
    socket,
    () => void conversation.find(true).catch(() => undefined),
    notifier.shopMessage,
    markRead,
  );
  const sending = createSending(thread, socket, ui, conversation.ensure, receipts.stopTyping);
  const uploads = createUploads(session.call, sending.send, ui);
  const actions = createActions(sending.send, session.call, conversation.ensure, ui);
  const tracking = createTracking(session.call, session.token);

  // ---------------------------------------------------------------- open / close
  function open() {
    if (isOpen.value) return;
    isOpen.value = true;
    if (cfg.value?.settings.sound) unlockAudio();
    save(openKey, "1", "sessionStorage");
    session
      .ensure()
      .then(() => conversation.find())
      .then(markRead, ui.showError);
    markRead();
    emit("open");
  }
  function close() {
    if (!isOpen.value) return;
    isOpen.value = false;
    receipts.stopTyping();
    save(openKey, null, "sessionStorage");
    emit("close");
  }

  function toggleMute() {
    muted.value = !muted.value;
    save(muteKey, muted.value ? "1" : null);
  }

  /// Identifies the visitor with a shop-signed JWT: the server merges the anonymous contact;
  /// the new token replaces the stored one and the socket reconnects.
  async function identify(jwt: string) {
    try {
      await session.identify(jwt);
    } catch (e) {
      ui.showError(e);
    }
  }

  // ---------------------------------------------------------------- boot
  async function boot() {
    try {
      cfg.value = await api<WidgetConfig>(session.anon, "GET", `/api/v1/widget/config?widget_key=${encodeURIComponent(key)}`);
    } catch {
      // Keep the defaults: the chat works without the cosmetics.
    }
    const languageSettled = language.settle(cfg.value?.settings?.locale);
    session.resume();
    const reopen = load(openKey, "sessionStorage") === "1";
    // Resolved once the language is settled, so a panel opened now shows in it.
    await languageSettled;
    return reopen;
  }

  return {
    // state
    cfg,
    lang: language.lang,
    t,
    ready: language.ready,
    holdPanel: language.holdPanel,
    isOpen,
    conn: live.conn,
    offline: live.offline,
    messages: thread.messages,
    locals: thread.locals,
    agentTyping: frames.agentTyping,
    agentDelivered: thread.agentDelivered,
    agentRead: thread.agentRead,
    contactRead: thread.contactRead,
    unread: notifier.unread,
    error,
    uploading: uploads.uploading,
    hasMore: history.hasMore,
    loadingOlder: history.loadingOlder,
    muted,
    announce: notifier.announce,
    /// The composer's unsent text (kept while the panel is closed).
    draft: { text: "" },
    // actions
    boot,
    open,
    close,
    toggle: () => (isOpen.value ? close() : open()),
    sendText: sending.sendText,
    send: sending.send,
    retry: sending.retry,
    upload: uploads.upload,
    onAction: actions.onAction,
    onFormSubmit: actions.onFormSubmit,
    userTyping: receipts.userTyping,
    loadOlder: history.loadOlder,
    markRead,
    toggleMute,
    identify,
    track: tracking.track,
    on: notifier.on,
    mediaSrc: mediaSource(session.client),
    get conversationId() {
      return thread.id;
    },
  };
}

export type Controller = ReturnType<typeof createController>;
