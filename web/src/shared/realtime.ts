// The WebSocket client of docs/protocol.md, shared by the widget and the agent app.
//
// - Reconnects with exponential backoff and jitter (capped at 10 s), at once on the browser's
//   `online` event, after `retry_after_ms` of a `reconnect` frame; the `offline` event drops
//   the socket at once.
// - Sends an application-level `ping` every heartbeat_ms/2 (from `hello`); a ping not answered
//   by the next tick means the socket is dead: it is closed and reopened.
// - Sends go through an outbox (optionally persisted in localStorage): sent when online,
//   re-sent with the same client_msg_id after every reconnect until acknowledged, dropped on
//   a non-retryable `error` whose ref is the client_msg_id (that frame is passed on).
// - `follow(c, lastSeq)`: on every (re)connect, `resume` after lastSeq(); messages of c that
//   arrive before its `resumed` are held back and then delivered in seq order (the client
//   rule of protocol §5, step 2–3). Consumers still drop duplicates (by id / seq).

import type {
  ClientFrame,
  Content,
  Message,
  PresenceStatus,
  ReceiptKind,
  ServerFrame,
} from "./types";
import { uuid } from "./uuid";

export type ConnectionState = "connecting" | "online" | "offline";

export interface OutboxItem {
  client_msg_id: string;
  conversation_id: string;
  content: Content;
  private: boolean;
  queued_at: string;
}

/// The subset of the browser's WebSocket this client uses (tests inject a fake).
export interface WebSocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: any) => void) | null;
  onmessage: ((ev: { data: any }) => void) | null;
  onclose: ((ev: any) => void) | null;
  onerror: ((ev: any) => void) | null;
}

export interface RealtimeOptions {
  baseUrl: string;
  token: () => string | null;
  onFrame: (f: ServerFrame) => void;
  onState?: (s: ConnectionState) => void;
  /// localStorage key persisting unsent sends across reloads; absent = memory only.
  outboxKey?: string;
  /// Defaults to the global WebSocket.
  WebSocketImpl?: new (url: string) => WebSocketLike;
  /// Extra query parameters of the socket URL (e.g. `identity`).
  query?: () => Record<string, string>;
}

const MAX_BACKOFF_MS = 10_000;
const BASE_BACKOFF_MS = 500;
/// Error codes after which the same send is worth retrying (protocol §5, §7).
const RETRYABLE = new Set(["unavailable", "internal", "rate_limited"]);

export function wsUrl(baseUrl: string, token: string, extra: Record<string, string> = {}): string {
  const base = baseUrl || (typeof location !== "undefined" ? location.origin : "http://localhost");
  const u = new URL("/api/v1/ws", base);
  u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
  u.searchParams.set("token", token);
  for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
  return u.toString();
}

export class Realtime {
  // Fields are declared and set in the constructor: class-field initialisers would be lowered
  // to helpers that Vite's IIFE build puts outside the widget's closure (as globals).
  declare private o: RealtimeOptions;
  declare private ws: WebSocketLike | null;
  declare private _state: ConnectionState;
  declare private running: boolean;
  declare private attempt: number;
  declare private retryTimer: ReturnType<typeof setTimeout> | undefined;
  declare private pingTimer: ReturnType<typeof setInterval> | undefined;
  declare private resendTimer: ReturnType<typeof setTimeout> | undefined;
  declare private retrySoon: Set<OutboxItem>;
  declare private nextDelay: number | null;
  declare private lastHeard: number;
  declare private lastPing: number;
  declare private nonce: number;
  declare private outbox: OutboxItem[];
  declare private follows: Map<string, () => number>;
  /// Conversations with a resume in flight → messages held back until `resumed`.
  declare private held: Map<string, Message[]>;
  declare private receipts: Map<string, number>;
  declare private typingOn: Set<string>;
  declare private presenceStatus: PresenceStatus | null;
  declare private onOnline: () => void;
  declare private onOffline: () => void;

  constructor(o: RealtimeOptions) {
    this.o = o;
    this.ws = null;
    this._state = "offline";
    this.running = false;
    this.attempt = 0;
    this.nextDelay = null;
    this.lastHeard = this.lastPing = this.nonce = 0;
    this.follows = new Map();
    this.held = new Map();
    this.receipts = new Map();
    this.typingOn = new Set();
    this.retrySoon = new Set();
    this.presenceStatus = null;
    this.onOnline = () => {
      if (this.running && this._state === "offline") {
        this.attempt = 0;
        this.connectNow();
      }
    };
    this.onOffline = () => {
      if (!this.running || !this.ws) return;
      this.drop(4000);
      this.setState("offline");
      this.scheduleReconnect();
    };
    this.outbox = this.load();
  }

  get state(): ConnectionState {
    return this._state;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    if (typeof window !== "undefined") {
      window.addEventListener("online", this.onOnline);
      window.addEventListener("offline", this.onOffline);
    }
    this.connectNow();
  }

  stop(): void {
    this.running = false;
    if (typeof window !== "undefined") {
      window.removeEventListener("online", this.onOnline);
      window.removeEventListener("offline", this.onOffline);
    }
    clearTimeout(this.retryTimer);
    clearTimeout(this.resendTimer);
    this.drop(1000);
    this.setState("offline");
  }

  /// Closes the current socket and connects again at once (e.g. after a new token).
  reconnect(): void {
    if (!this.running) return;
    this.attempt = 0;
    this.drop(1000);
    this.connectNow();
  }

  send(conversationId: string, content: Content, opts: { private?: boolean } = {}): OutboxItem {
    const item: OutboxItem = {
      client_msg_id: uuid(),
      conversation_id: conversationId,
      content,
      private: !!opts.private,
      queued_at: new Date().toISOString(),
    };
    this.outbox.push(item);
    this.save();
    if (this._state === "online") this.sendItem(item);
    return item;
  }

  pending(conversationId?: string): OutboxItem[] {
    return this.outbox.filter((i) => !conversationId || i.conversation_id === conversationId);
  }

  /// Drops an unsent item from the outbox (e.g. the person discards it).
  discard(clientMsgId: string): void {
    this.outbox = this.outbox.filter((i) => i.client_msg_id !== clientMsgId);
    this.save();
  }

  follow(conversationId: string, lastSeq: () => number): void {
    const isNew = !this.follows.has(conversationId);
    this.follows.set(conversationId, lastSeq);
    if (isNew && this._state === "online") this.resume(conversationId);
  }

  unfollow(conversationId: string): void {
    this.follows.delete(conversationId);
    this.held.delete(conversationId);
  }

  receipt(conversationId: string, kind: ReceiptKind, seq: number): void {
    const key = conversationId + " " + kind;
    if ((this.receipts.get(key) ?? 0) >= seq) return;
    this.receipts.set(key, seq);
    this.write({ type: "receipt", conversation_id: conversationId, kind, seq });
  }

  typing(conversationId: string, typing: boolean): void {
    if (typing) this.typingOn.add(conversationId);
    else this.typingOn.delete(conversationId);
    this.write({ type: "typing", conversation_id: conversationId, typing });
  }

  presence(status: PresenceStatus): void {
    this.presenceStatus = status;
    this.write({ type: "presence", status });
  }

  // ---------------------------------------------------------------- internals

  private setState(s: ConnectionState) {
    if (s === this._state) return;
    this._state = s;
    this.o.onState?.(s);
  }

  private load(): OutboxItem[] {
    if (!this.o.outboxKey) return [];
    try {
      const v = JSON.parse(localStorage.getItem(this.o.outboxKey) || "[]");
      return Array.isArray(v) ? v.filter((i) => i && typeof i.client_msg_id === "string") : [];
    } catch {
      return [];
    }
  }

  private save() {
    if (!this.o.outboxKey) return;
    try {
      if (this.outbox.length) localStorage.setItem(this.o.outboxKey, JSON.stringify(this.outbox));
      else localStorage.removeItem(this.o.outboxKey);
    } catch {
      // storage full or blocked: memory only
    }
  }

  private write(f: ClientFrame): boolean {
    const ws = this.ws;
    if (!ws || this._state !== "online" || ws.readyState !== 1) return false;
    try {
      ws.send(JSON.stringify(f));
      return true;
    } catch {
      return false;
    }
  }

  private sendItem(i: OutboxItem) {
    const f: ClientFrame = {
      type: "send",
      conversation_id: i.conversation_id,
      client_msg_id: i.client_msg_id,
      content: i.content,
    };
    if (i.private) f.private = true;
    this.write(f);
  }

  private resume(c: string) {
    const lastSeq = this.follows.get(c);
    if (!lastSeq) return;
    if (this.write({ type: "resume", conversation_id: c, after_seq: Math.max(0, lastSeq() || 0) })) {
      this.held.set(c, this.held.get(c) ?? []);
    }
  }

  private drop(code: number) {
    clearInterval(this.pingTimer);
    const ws = this.ws;
    this.ws = null;
    this.held.clear();
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(code);
      } catch {
        // already closed
      }
    }
  }

  private connectNow() {
    clearTimeout(this.retryTimer);
    if (!this.running || this.ws) return;
    const token = this.o.token();
    if (!token) {
      this.setState("offline");
      this.scheduleReconnect();
      return;
    }
    const Impl = this.o.WebSocketImpl ?? (WebSocket as unknown as new (url: string) => WebSocketLike);
    let ws: WebSocketLike;
    try {
      ws = new Impl(wsUrl(this.o.baseUrl, token, this.o.query?.()));
    } catch {
      this.setState("offline");
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.setState("connecting");
    ws.onmessage = (ev) => {
      this.lastHeard = Date.now();
      let f: ServerFrame;
      try {
        f = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      this.handle(f);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.drop(1000);
      this.setState("offline");
      this.scheduleReconnect();
    };
    ws.onerror = () => {
      // onclose follows
    };
  }

  private scheduleReconnect() {
    if (!this.running) return;
    clearTimeout(this.retryTimer);
    let delay: number;
    if (this.nextDelay != null) {
      delay = this.nextDelay + Math.random() * 500;
      this.nextDelay = null;
    } else {
      const exp = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** this.attempt);
      delay = exp / 2 + (Math.random() * exp) / 2;
    }
    this.attempt++;
    this.retryTimer = setTimeout(() => this.connectNow(), delay);
  }

  private handle(f: ServerFrame) {
    switch (f.type) {
      case "hello": {
        this.attempt = 0;
        this.setState("online");
        const hb = f.heartbeat_ms > 0 ? f.heartbeat_ms : 30_000;
        this.lastPing = 0;
        clearInterval(this.pingTimer);
        this.pingTimer = setInterval(() => this.tick(), hb / 2);
        for (const c of this.follows.keys()) this.resume(c);
        for (const i of this.outbox) this.sendItem(i);
        for (const [key, seq] of this.receipts) {
          const [c, kind] = key.split(" ");
          this.write({ type: "receipt", conversation_id: c, kind: kind as ReceiptKind, seq });
        }
        for (const c of this.typingOn) this.write({ type: "typing", conversation_id: c, typing: true });
        if (this.presenceStatus && this.presenceStatus !== "online") {
          this.write({ type: "presence", status: this.presenceStatus });
        }
        break;
      }
      case "ack": {
        const before = this.outbox.length;
        this.outbox = this.outbox.filter((i) => i.client_msg_id !== f.client_msg_id);
        if (this.outbox.length !== before) this.save();
        break;
      }
      case "message": {
        const held = this.held.get(f.message.conversation_id);
        if (held) {
          held.push(f.message);
          return;
        }
        break;
      }
      case "resumed": {
        const held = this.held.get(f.conversation_id);
        this.held.delete(f.conversation_id);
        if (held) {
          held.sort((a, b) => a.seq - b.seq);
          for (const message of held) this.o.onFrame({ type: "message", message });
        }
        break;
      }
      case "reconnect":
        this.nextDelay = Math.max(0, f.retry_after_ms || 0);
        break;
      case "error": {
        const ref = f.error && f.ref;
        if (ref === "resume") {
          // Ask again for every replay still open.
          const open = [...this.held.keys()];
          setTimeout(() => {
            for (const c of open) if (this.held.has(c)) this.resume(c);
          }, 1000);
        } else if (ref) {
          const item = this.outbox.find((i) => i.client_msg_id === ref);
          if (item) {
            if (RETRYABLE.has(f.error.code)) {
              // Not committed: send again (same client_msg_id) in a moment.
              this.retrySoon.add(item);
              clearTimeout(this.resendTimer);
              this.resendTimer = setTimeout(() => {
                const items = [...this.retrySoon];
                this.retrySoon.clear();
                for (const i of items) if (this.outbox.includes(i)) this.sendItem(i);
              }, 2000);
              return;
            }
            this.discard(ref);
          }
        }
        break;
      }
    }
    this.o.onFrame(f);
  }

  private tick() {
    if (!this.ws) return;
    // A ping sent at the previous tick and nothing heard since: the socket is dead.
    if (this.lastPing && this.lastHeard < this.lastPing) {
      this.drop(4000);
      this.setState("offline");
      this.scheduleReconnect();
      return;
    }
    this.lastPing = Date.now();
    this.write({ type: "ping", nonce: ++this.nonce });
  }
}
