// The widget's brain: session, conversation, history, live updates, sending. The UI
// (ui.tsx) reads its signals and calls its methods; the JS API (api.ts) wraps it.

import { computed, onChange, signal } from "./store";
import { api, ApiError, type ApiClient } from "../shared/api";
import { Realtime, type ConnectionState, type WebSocketLike } from "../shared/realtime";
import { mediaSource } from "../shared/media";
import { safeUrl } from "../shared/safeUrl";
import { uuid } from "../shared/uuid";
import {
  LIMITS,
  type Action,
  type Content,
  type Conversation,
  type Media,
  type Message,
  type Page,
  type ServerFrame,
  type TrackEvent,
  type WidgetConfig,
  type WidgetSession,
} from "../shared/types";
import { loadStrings, pickLocale, translator } from "./i18n";
import { composerProblem, fromShop, lastSeq, mergeMessages, pruneLocals, unreadCount, type Local } from "./state";

export interface WidgetEnv {
  baseUrl: string;
  widgetKey: string;
  locale?: string;
  WebSocketImpl?: new (url: string) => WebSocketLike;
}

export type WidgetEvent = "message" | "open" | "close" | "unread";

const PAGE = 50;

function store(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
const sget = (k: string) => {
  try {
    return store()?.getItem(k) ?? null;
  } catch {
    return null;
  }
};
const sset = (k: string, v: string | null) => {
  try {
    if (v == null) store()?.removeItem(k);
    else store()?.setItem(k, v);
  } catch {
    // blocked storage: memory only
  }
};

let audio: AudioContext | undefined;
/// Browsers only let audio start from a user gesture: create the context then.
function unlockAudio() {
  if ((navigator as { userActivation?: { isActive: boolean } }).userActivation?.isActive === false) return;
  try {
    const C = window.AudioContext || (window as unknown as { webkitAudioContext: typeof AudioContext }).webkitAudioContext;
    audio ??= C && new C();
    void audio?.resume();
  } catch {
    // no audio
  }
}
/// A short two-tone chime, synthesised (no audio file).
export function beep() {
  try {
    unlockAudio();
    if (!audio) return;
    const now = audio.currentTime;
    [880, 1320].forEach((f, i) => {
      const o = audio!.createOscillator();
      const g = audio!.createGain();
      o.frequency.value = f;
      const t = now + i * 0.12;
      g.gain.setValueAtTime(0.0001, t);
      g.gain.exponentialRampToValueAtTime(0.08, t + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, t + 0.2);
      o.connect(g).connect(audio!.destination);
      o.start(t);
      o.stop(t + 0.22);
    });
  } catch {
    // no audio
  }
}

export function createController(env: WidgetEnv) {
  const key = env.widgetKey;
  const visitorKey = `shoptalk:${key}:visitor`;
  const muteKey = `shoptalk:${key}:muted`;

  // ---------------------------------------------------------------- state
  const cfg = signal<WidgetConfig | null>(null);
  // The language: the workspace's (settings.locale, once the config is here), else the script's
  // data-locale, else the browser's. Only English is built in: the others are fetched (i18n.ts).
  const wanted = () => [env.locale, ...(navigator.languages ?? [navigator.language])];
  const guess = pickLocale(wanted());
  /// The language shown, and its strings (null: English).
  const lang = signal("en");
  const strings = signal<Record<string, string> | null>(null);
  /// The launcher appears once the first language's strings are here (or could not be had)…
  const ready = signal(guess === "en");
  /// …and the panel, when opened, waits for a language still being fetched.
  const holdPanel = signal(false);
  const isOpen = signal(false);
  const conn = signal<ConnectionState>("offline");
  const started = signal(false);
  const hadOnline = signal(false);
  const messages = signal<Message[]>([]);
  const locals = signal<Local[]>([]);
  const agentTyping = signal(false);
  const agentDelivered = signal(0);
  const agentRead = signal(0);
  const contactRead = signal(0);
  const error = signal("");
  const uploading = signal(false);
  const hasMore = signal(false);
  const loadingOlder = signal(false);
  const muted = signal(sget(muteKey) === "1");
  const announce = signal("");
  const netDown = signal(navigator.onLine === false);

  let tCache: [Record<string, string> | null | undefined, (k: string) => string] = [undefined, (k) => k];
  const t = computed(() => (tCache[0] === strings.value ? tCache : (tCache = [strings.value, translator(strings.value)]))[1]);
  const unread = computed(() => unreadCount(messages.value, contactRead.value));
  const offline = computed(
    () =>
      netDown.value || (started.value && (conn.value === "offline" || (conn.value === "connecting" && hadOnline.value))),
  );

  // ---------------------------------------------------------------- language
  const tables: Record<string, Promise<Record<string, string> | null>> = {};
  let asked = 0;
  let shown = 0;
  /// Switches to `want` once its strings are here (English when they cannot be had). The
  /// latest call wins; an earlier one that arrives first is shown meanwhile.
  async function switchLang(want: string) {
    if (want === lang.value && asked === shown) return;
    const n = ++asked;
    if (!isOpen.value) holdPanel.value = true; // an open panel rather switches in place
    const table = await (tables[want] ??= loadStrings(env.baseUrl, want));
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

  // ---------------------------------------------------------------- events
  const handlers = new Map<string, Set<(arg?: unknown) => void>>();
  const on = (name: WidgetEvent, fn: (arg?: unknown) => void) => {
    if (!handlers.has(name)) handlers.set(name, new Set());
    handlers.get(name)!.add(fn);
    return () => void handlers.get(name)?.delete(fn);
  };
  const emit = (name: WidgetEvent, arg?: unknown) =>
    handlers.get(name)?.forEach((fn) => {
      try {
        fn(arg);
      } catch (e) {
        console.error(e);
      }
    });
  let lastUnread = 0;
  onChange(() => {
    const n = unread.value;
    if (n !== lastUnread) {
      lastUnread = n;
      emit("unread", n);
    }
  });

  // ---------------------------------------------------------------- REST
  let token: string | null = null;
  let contactId: string | null = null;
  let identity: string | null = null;
  const client: ApiClient = { baseUrl: env.baseUrl, token: () => token };
  const anon: ApiClient = { baseUrl: env.baseUrl, token: () => null };
  const headers = (): Record<string, string> => (identity ? { "x-shoptalk-identity": identity } : {});

  const errText = (e: unknown) => (e instanceof ApiError && e.message ? e.message : t.value("error"));

  let sessionP: Promise<void> | null = null;
  function ensureSession(fresh = false): Promise<void> {
    if (fresh) sessionP = null;
    return (sessionP ??= openSession(fresh).catch((e) => {
      sessionP = null;
      throw e;
    }));
  }

  async function openSession(fresh: boolean) {
    const stored = fresh ? null : sget(visitorKey);
    const body = { widget_key: key, visitor_token: stored ?? undefined, identity_token: identity ?? undefined };
    let s: WidgetSession;
    try {
      s = await api<WidgetSession>(anon, "POST", "/api/v1/widget/sessions", body);
    } catch (e) {
      if (!stored || !(e instanceof ApiError) || (e.status !== 401 && e.status !== 400 && e.status !== 404)) throw e;
      s = await api<WidgetSession>(anon, "POST", "/api/v1/widget/sessions", { ...body, visitor_token: undefined });
    }
    const changed = contactId && contactId !== s.contact_id;
    token = s.token;
    contactId = s.contact_id;
    sset(visitorKey, s.token);
    if (changed) resetConversation();
    if (!rt) startRealtime();
    else rt.reconnect();
    void flushEvents();
    findConversation().catch(() => undefined);
  }

  async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    await ensureSession();
    try {
      return await api<T>(client, method, path, body, headers());
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) throw e;
      await ensureSession(true);
      return api<T>(client, method, path, body, headers());
    }
  }

  const media = mediaSource(client);

  // ---------------------------------------------------------------- conversation
  let convId: string | null = null;
  let findP: Promise<void> | null = null;

  function resetConversation() {
    if (convId) rt?.unfollow(convId);
    convId = null;
    findP = null;
    messages.value = [];
    locals.value = [];
    agentRead.value = agentDelivered.value = contactRead.value = 0;
  }

  function findConversation(): Promise<void> {
    return (findP ??= (async () => {
      try {
        const page = await call<Page<Conversation>>("GET", "/api/v1/conversations?limit=1");
        const c = page.items[0];
        if (c && !convId) await adopt(c, true);
      } catch (e) {
        findP = null;
        throw e;
      }
    })());
  }

  function watermarks(c: Conversation) {
    agentRead.value = Math.max(agentRead.value, c.agent_read_seq || 0);
    contactRead.value = Math.max(contactRead.value, c.contact_read_seq || 0);
  }

  async function adopt(c: Conversation, load: boolean) {
    convId = c.id;
    watermarks(c);
    if (load) {
      try {
        const page = await call<Page<Message>>("GET", `/api/v1/conversations/${c.id}/messages?limit=${PAGE}`);
        merge(page.items);
        hasMore.value = page.items.length >= PAGE && page.items[0].seq > 1;
      } catch (e) {
        convId = null; // found again (and loaded) next time
        throw e;
      }
    }
    // Sends still in the outbox (from before a reload) show as pending.
    const known = new Set(locals.value.map((l) => l.cid));
    const pend = (rt?.pending(c.id) ?? []).filter((p) => !known.has(p.client_msg_id));
    if (pend.length) {
      locals.value = pruneLocals(
        [...locals.value, ...pend.map((p) => ({ cid: p.client_msg_id, content: p.content, status: "pending" as const, at: p.queued_at }))],
        messages.value,
      );
    }
    rt?.follow(c.id, () => lastSeq(messages.value));
    const last = lastSeq(messages.value);
    if (last) rt?.receipt(c.id, "delivered", last);
    markRead();
  }

  let convP: Promise<string> | null = null;
  function ensureConversation(): Promise<string> {
    if (convId) return Promise.resolve(convId);
    return (convP ??= (async () => {
      await ensureSession();
      // Not knowing whether one exists (offline, say): fail rather than create a second one.
      await findConversation();
      if (convId) return convId;
      const c = await call<Conversation>("POST", "/api/v1/conversations", { contact_id: contactId });
      if (!convId) await adopt(c, false);
      return convId!;
    })().finally(() => (convP = null)));
  }

  async function loadOlder() {
    const first = messages.value[0];
    if (!convId || !hasMore.value || loadingOlder.value || !first) return;
    loadingOlder.value = true;
    try {
      const page = await call<Page<Message>>(
        "GET",
        `/api/v1/conversations/${convId}/messages?before_seq=${first.seq}&limit=${PAGE}`,
      );
      merge(page.items);
      hasMore.value = page.items.length >= PAGE && page.items[0].seq > 1;
    } catch (e) {
      error.value = errText(e);
    } finally {
      loadingOlder.value = false;
    }
  }

  function merge(items: Message[]) {
    const next = mergeMessages(messages.value, items.filter((m) => !m.private));
    if (next === messages.value) return;
    messages.value = next;
    locals.value = pruneLocals(locals.value, next);
  }

  // ---------------------------------------------------------------- live
  let rt: Realtime | null = null;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  function startRealtime() {
    rt = new Realtime({
      baseUrl: env.baseUrl,
      token: () => token,
      query: () => (identity ? { identity } : ({} as Record<string, string>)),
      outboxKey: `shoptalk:${key}:outbox`,
      onFrame,
      onState: (s) => {
        conn.value = s;
        if (s === "online") {
          hadOnline.value = true;
          void flushWaiting();
        }
      },
      WebSocketImpl: env.WebSocketImpl,
    });
    started.value = true;
    rt.start();
  }

  function onFrame(f: ServerFrame) {
    switch (f.type) {
      case "ack":
        if (f.message.conversation_id === convId) merge([f.message]);
        break;
      case "message": {
        const m = f.message;
        if (!convId) {
          findP = null;
          findConversation().catch(() => undefined);
          return;
        }
        if (m.conversation_id !== convId) return;
        const known = messages.value.some((x) => x.id === m.id);
        merge([m]);
        if (!known && fromShop(m)) {
          agentTyping.value = false;
          rt?.receipt(convId, "delivered", m.seq);
          announce.value = preview(m.content);
          emit("message", m);
          const seen = isOpen.value && document.visibilityState !== "hidden";
          if (cfg.value?.settings.sound && !muted.value && !seen) beep();
          markRead();
        }
        break;
      }
      case "receipt":
        if (f.conversation_id !== convId) return;
        if (f.side === "agent") {
          if (f.kind === "read") agentRead.value = Math.max(agentRead.value, f.seq);
          else agentDelivered.value = Math.max(agentDelivered.value, f.seq);
        } else if (f.kind === "read") contactRead.value = Math.max(contactRead.value, f.seq);
        break;
      case "typing":
        if (f.conversation_id !== convId || f.from.kind === "contact") return;
        agentTyping.value = f.typing;
        clearTimeout(typingTimer);
        if (f.typing) typingTimer = setTimeout(() => (agentTyping.value = false), 10_000);
        break;
      case "error": {
        const ref = f.ref ?? "";
        const msg = f.error?.message || t.value("error");
        if (locals.value.some((l) => l.cid === ref)) {
          locals.value = locals.value.map((l) => (l.cid === ref ? { ...l, status: "failed", error: msg } : l));
          error.value = msg;
        } else if (!["receipt", "typing", "resume", "presence"].includes(ref)) {
          error.value = msg;
        }
        break;
      }
    }
  }

  const preview = (c: Content) => (c.type === "text" || c.type === "postback" ? c.text.slice(0, 140) : t.value("image"));

  /// Read receipt when the person can see the conversation.
  function markRead() {
    if (!convId || !isOpen.value || document.visibilityState === "hidden") return;
    const last = lastSeq(messages.value);
    if (last > contactRead.value) {
      contactRead.value = last;
      rt?.receipt(convId, "read", last);
    }
  }
  document.addEventListener("visibilitychange", markRead);

  // ---------------------------------------------------------------- sending
  let typingSentAt = 0;
  let typingStop: ReturnType<typeof setTimeout> | undefined;
  function stopTyping() {
    clearTimeout(typingStop);
    if (typingSentAt && convId) rt?.typing(convId, false);
    typingSentAt = 0;
  }
  /// The person typed: typing=true at most every 4 s, false after 3 s idle or when empty.
  function userTyping(text: string) {
    if (!convId || !rt) return;
    clearTimeout(typingStop);
    if (!text) return stopTyping();
    if (Date.now() - typingSentAt > 4000) {
      typingSentAt = Date.now();
      rt.typing(convId, true);
    }
    typingStop = setTimeout(stopTyping, 3000);
  }

  /// Sends that could not even get a conversation because the network was down: shown as
  /// pending, tried again (in order) once the browser is back online.
  let waiting: Local[] = [];

  async function send(content: Content): Promise<void> {
    error.value = "";
    const at = new Date().toISOString();
    let id: string;
    try {
      id = await ensureConversation();
    } catch (e) {
      const l: Local = { cid: uuid(), content, status: "pending", at };
      if (e instanceof ApiError && e.status === 0) waiting.push(l);
      else {
        l.status = "failed";
        l.error = error.value = errText(e);
      }
      locals.value = [...locals.value, l];
      return;
    }
    stopTyping();
    const item = rt!.send(id, content);
    if (!messages.value.some((m) => m.client_msg_id === item.client_msg_id)) {
      locals.value = [...locals.value, { cid: item.client_msg_id, content, status: "pending", at: item.queued_at }];
    }
  }

  async function flushWaiting() {
    const w = waiting;
    if (!w.length) return;
    waiting = [];
    locals.value = locals.value.filter((l) => !w.includes(l));
    for (const l of w) await send(l.content);
  }
  window.addEventListener("online", () => {
    netDown.value = false;
    void flushWaiting();
  });
  window.addEventListener("offline", () => (netDown.value = true));

  /// Sends the composer's text; false (and an error shown) when it cannot be sent.
  function sendText(text: string): boolean {
    const p = composerProblem(text);
    if (p === "empty") return false;
    if (p === "too_long") {
      error.value = t.value("too_long").replace("{n}", String([...text].length));
      return false;
    }
    void send({ type: "text", text });
    return true;
  }

  function retry(cid: string) {
    const l = locals.value.find((x) => x.cid === cid);
    if (!l) return;
    locals.value = locals.value.filter((x) => x !== l);
    rt?.discard(cid);
    void send(l.content);
  }

  async function upload(file: File) {
    error.value = "";
    if (file.size > LIMITS.MAX_UPLOAD_BYTES) {
      error.value = t.value("too_big");
      return;
    }
    uploading.value = true;
    try {
      const name = (file.name || "file").replace(/[/\\\u0000]/g, "_").slice(0, 255);
      const m = await call<Media>("POST", `/api/v1/media?filename=${encodeURIComponent(name)}`, file);
      const ref = { media_id: m.id, mime_type: m.content_type || undefined, size_bytes: m.size_bytes };
      const kind = (m.content_type || "").split("/")[0];
      await send(
        kind === "image" || kind === "video" || kind === "audio"
          ? ({ type: kind, media: ref } as Content)
          : { type: "file", media: ref, filename: m.filename || name },
      );
    } catch (e) {
      error.value = errText(e);
    } finally {
      uploading.value = false;
    }
  }

  const label = (s: string) => [...s].slice(0, LIMITS.ACTION_TEXT_MAX_CHARS).join("");

  function onAction(a: Action, m?: Message) {
    const mid = m ? { message_id: m.id } : {};
    switch (a.type) {
      case "reply":
      case "postback":
        return void send({
          type: "postback",
          text: label(a.text),
          ...(a.payload != null ? { payload: a.payload } : {}),
          ...mid,
        });
      case "add_to_cart":
      case "buy":
        return void send({ type: "postback", text: label(a.text), payload: JSON.stringify(a), ...mid });
      case "checkout": {
        const c = m?.content;
        const url = c && c.type === "cart" ? safeUrl(c.checkout_url) : null;
        if (url) window.open(url, "_blank", "noopener,noreferrer");
        else void send({ type: "postback", text: label(a.text), payload: JSON.stringify(a), ...mid });
        return;
      }
      case "link":
      case "webview": {
        const url = safeUrl(a.url);
        if (url) window.open(url, "_blank", "noopener,noreferrer");
        return;
      }
      case "location_request":
        if (!navigator.geolocation) {
          error.value = t.value("error");
          return;
        }
        navigator.geolocation.getCurrentPosition(
          (p) =>
            void send({
              type: "location",
              latitude: Math.round(p.coords.latitude * 1e6) / 1e6,
              longitude: Math.round(p.coords.longitude * 1e6) / 1e6,
            }),
          () => (error.value = t.value("error")),
          { timeout: 15000 },
        );
    }
  }

  function onFormSubmit(values: Record<string, string>, m?: Message) {
    void send({ type: "form_response", ...(m ? { form_message_id: m.id } : {}), values });
  }

  // ---------------------------------------------------------------- open / close
  function open() {
    if (isOpen.value) return;
    isOpen.value = true;
    if (cfg.value?.settings.sound) unlockAudio();
    try {
      sessionStorage.setItem(`shoptalk:${key}:open`, "1");
    } catch {
      // ignore
    }
    ensureSession()
      .then(() => findConversation())
      .then(markRead, (e) => (error.value = errText(e)));
    markRead();
    emit("open");
  }
  function close() {
    if (!isOpen.value) return;
    isOpen.value = false;
    stopTyping();
    try {
      sessionStorage.removeItem(`shoptalk:${key}:open`);
    } catch {
      // ignore
    }
    emit("close");
  }

  function toggleMute() {
    muted.value = !muted.value;
    sset(muteKey, muted.value ? "1" : null);
  }

  // ---------------------------------------------------------------- identify, track
  /// Identifies the visitor with a shop-signed JWT: the server merges the anonymous contact;
  /// the new token replaces the stored one and the socket reconnects.
  async function identify(jwt: string) {
    identity = String(jwt || "") || null;
    sessionP = null;
    try {
      await ensureSession();
    } catch (e) {
      error.value = errText(e);
    }
  }

  const events: TrackEvent[] = [];
  let eventsTimer: ReturnType<typeof setTimeout> | undefined;
  let eventsDelay = 2000;
  function track(name: string, properties?: Record<string, unknown>) {
    events.push({ id: uuid(), name: String(name), properties: properties ?? {}, occurred_at: new Date().toISOString() });
    if (events.length > 100) events.splice(0, events.length - 100);
    void flushEvents();
  }
  let flushing = false;
  async function flushEvents() {
    if (!token || flushing || !events.length) return;
    flushing = true;
    clearTimeout(eventsTimer);
    const chunk = events.slice(0, 50);
    let more = false;
    try {
      await call("POST", "/api/v1/events", { events: chunk });
      events.splice(0, chunk.length);
      eventsDelay = 2000;
      more = events.length > 0;
    } catch (e) {
      // Retry later (same ids: safe) unless the server refused the events themselves.
      const s = e instanceof ApiError ? e.status : 0;
      if (s >= 400 && s < 500 && s !== 401 && s !== 408 && s !== 429) events.splice(0, chunk.length);
      else {
        eventsTimer = setTimeout(() => void flushEvents(), eventsDelay);
        eventsDelay = Math.min(eventsDelay * 2, 60_000);
      }
    } finally {
      flushing = false;
    }
    if (more) void flushEvents();
  }

  // ---------------------------------------------------------------- boot
  async function boot() {
    try {
      const c = await api<WidgetConfig>(anon, "GET", `/api/v1/widget/config?widget_key=${encodeURIComponent(key)}`);
      cfg.value = c;
    } catch {
      // Keep the defaults: the chat works without the cosmetics.
    }
    const langP = switchLang(pickLocale([cfg.value?.settings?.locale, ...wanted()]));
    if (sget(visitorKey)) {
      ensureSession().catch(() => undefined);
    }
    let reopen = false;
    try {
      reopen = sessionStorage.getItem(`shoptalk:${key}:open`) === "1";
    } catch {
      // ignore
    }
    // Resolved once the language is settled, so a panel opened now shows in it.
    await langP;
    return reopen;
  }

  return {
    // state
    cfg,
    lang,
    t,
    ready,
    holdPanel,
    isOpen,
    conn,
    offline,
    messages,
    locals,
    agentTyping,
    agentDelivered,
    agentRead,
    contactRead,
    unread,
    error,
    uploading,
    hasMore,
    loadingOlder,
    muted,
    announce,
    /// The composer's unsent text (kept while the panel is closed).
    draft: { text: "" },
    // actions
    boot,
    open,
    close,
    toggle: () => (isOpen.value ? close() : open()),
    sendText,
    send,
    retry,
    upload,
    onAction,
    onFormSubmit,
    userTyping,
    loadOlder,
    markRead,
    toggleMute,
    identify,
    track,
    on,
    mediaSrc: media,
    get conversationId() {
      return convId;
    },
  };
}

export type Controller = ReturnType<typeof createController>;
