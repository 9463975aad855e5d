import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Realtime, wsUrl, type WebSocketLike } from "./realtime";
import type { ClientFrame, Message, ServerFrame } from "./types";

class FakeWS implements WebSocketLike {
  static all: FakeWS[] = [];
  readyState = 0;
  sent: ClientFrame[] = [];
  onopen: ((ev: any) => void) | null = null;
  onmessage: ((ev: { data: any }) => void) | null = null;
  onclose: ((ev: any) => void) | null = null;
  onerror: ((ev: any) => void) | null = null;
  closed = false;
  constructor(public url: string) {
    FakeWS.all.push(this);
  }
  send(data: string) {
    if (this.readyState !== 1) throw new Error("not open");
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  // test helpers
  open(heartbeat_ms = 30000) {
    this.readyState = 1;
    this.onopen?.({});
    this.push({
      type: "hello",
      workspace_id: "w",
      principal: { kind: "contact", id: "c" },
      heartbeat_ms,
    });
  }
  push(f: ServerFrame) {
    this.onmessage?.({ data: JSON.stringify(f) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }
  sends() {
    return this.sent.filter((f) => f.type === "send");
  }
  static last() {
    return FakeWS.all[FakeWS.all.length - 1];
  }
}

function msg(seq: number, extra: Partial<Message> = {}): Message {
  return {
    id: "m" + seq,
    conversation_id: "conv",
    seq,
    sender: { type: "agent", id: "a" },
    content: { type: "text", text: "hi " + seq },
    private: false,
    client_msg_id: null,
    created_at: new Date().toISOString(),
    ...extra,
  };
}

function make(frames: ServerFrame[] = [], outboxKey?: string) {
  const states: string[] = [];
  const rt = new Realtime({
    baseUrl: "https://chat.example",
    token: () => "stv_tok",
    onFrame: (f) => frames.push(f),
    onState: (s) => states.push(s),
    outboxKey,
    WebSocketImpl: FakeWS,
  });
  return { rt, states, frames };
}

beforeEach(() => {
  FakeWS.all = [];
  localStorage.clear();
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("Realtime", () => {
  it("derives the ws URL from the http base", () => {
    expect(wsUrl("https://a.example", "t k")).toBe("wss://a.example/api/v1/ws?token=t+k");
    expect(wsUrl("http://a.example:8080/", "x")).toBe("ws://a.example:8080/api/v1/ws?token=x");
  });

  it("queues sends while offline and sends them once on reconnect with the same id", () => {
    const { rt, states } = make();
    rt.start();
    const ws1 = FakeWS.last();
    expect(ws1.url).toBe("wss://chat.example/api/v1/ws?token=stv_tok");
    ws1.open();
    expect(rt.state).toBe("online");
    ws1.drop();
    expect(rt.state).toBe("offline");

    const item = rt.send("conv", { type: "text", text: "hello" });
    expect(rt.pending("conv")).toHaveLength(1);
    expect(ws1.sends()).toHaveLength(0);

    vi.advanceTimersByTime(1000);
    const ws2 = FakeWS.last();
    expect(ws2).not.toBe(ws1);
    ws2.open();
    const sends = ws2.sends();
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatchObject({ conversation_id: "conv", client_msg_id: item.client_msg_id });
    expect(states).toEqual(["connecting", "online", "offline", "connecting", "online"]);

    // Not acked: the next socket sends it again, same id.
    ws2.drop();
    vi.advanceTimersByTime(2000);
    const ws3 = FakeWS.last();
    ws3.open();
    expect(ws3.sends().map((s) => (s as any).client_msg_id)).toEqual([item.client_msg_id]);
    rt.stop();
  });

  it("does not re-send after the ack", () => {
    const frames: ServerFrame[] = [];
    const { rt } = make(frames);
    rt.start();
    const ws1 = FakeWS.last();
    ws1.open();
    const item = rt.send("conv", { type: "text", text: "hello" });
    expect(ws1.sends()).toHaveLength(1);
    ws1.push({ type: "ack", client_msg_id: item.client_msg_id, message: msg(1, { client_msg_id: item.client_msg_id }) });
    expect(rt.pending()).toHaveLength(0);
    expect(frames.some((f) => f.type === "ack")).toBe(true);
    ws1.drop();
    vi.advanceTimersByTime(1000);
    const ws2 = FakeWS.last();
    ws2.open();
    expect(ws2.sends()).toHaveLength(0);
    rt.stop();
  });

  it("drops a send on a non-retryable error and passes the error on; keeps it on unavailable", () => {
    const frames: ServerFrame[] = [];
    const { rt } = make(frames);
    rt.start();
    const ws = FakeWS.last();
    ws.open();
    const bad = rt.send("conv", { type: "text", text: "" });
    const later = rt.send("conv", { type: "text", text: "x" });
    ws.push({ type: "error", ref: bad.client_msg_id, error: { code: "validation_failed", message: "empty" } });
    ws.push({ type: "error", ref: later.client_msg_id, error: { code: "unavailable", message: "retry" } });
    expect(rt.pending().map((i) => i.client_msg_id)).toEqual([later.client_msg_id]);
    expect(frames.filter((f) => f.type === "error")).toHaveLength(1);
    vi.advanceTimersByTime(2500);
    expect(ws.sends().filter((s) => (s as any).client_msg_id === later.client_msg_id)).toHaveLength(2);
    rt.stop();
  });

  it("resumes followed conversations on every reconnect with the latest seq", () => {
    const frames: ServerFrame[] = [];
    const { rt } = make(frames);
    let seq = 3;
    rt.follow("conv", () => seq);
    rt.start();
    const ws1 = FakeWS.last();
    ws1.open();
    expect(ws1.sent.find((f) => f.type === "resume")).toEqual({ type: "resume", conversation_id: "conv", after_seq: 3 });
    // Held back until resumed, then in seq order.
    ws1.push({ type: "message", message: msg(5) });
    ws1.push({ type: "message", message: msg(4) });
    expect(frames.filter((f) => f.type === "message")).toHaveLength(0);
    ws1.push({ type: "resumed", conversation_id: "conv", last_seq: 5 });
    expect(frames.filter((f) => f.type === "message").map((f) => (f as any).message.seq)).toEqual([4, 5]);
    seq = 5;
    ws1.push({ type: "message", message: msg(6) });
    seq = 6;
    expect(frames.filter((f) => f.type === "message")).toHaveLength(3);

    ws1.drop();
    vi.advanceTimersByTime(1000);
    const ws2 = FakeWS.last();
    ws2.open();
    expect(ws2.sent.find((f) => f.type === "resume")).toEqual({ type: "resume", conversation_id: "conv", after_seq: 6 });
    rt.stop();
  });

  it("keeps the outbox across a reload via localStorage", () => {
    const a = make([], "shoptalk:k:outbox");
    const item = a.rt.send("conv", { type: "text", text: "survive me" });
    a.rt.stop();
    // "Reload": a new client with the same key.
    const b = make([], "shoptalk:k:outbox");
    expect(b.rt.pending("conv")).toEqual([item]);
    b.rt.start();
    const ws = FakeWS.last();
    ws.open();
    expect(ws.sends()[0]).toMatchObject({ client_msg_id: item.client_msg_id, content: { text: "survive me" } });
    ws.push({ type: "ack", client_msg_id: item.client_msg_id, message: msg(1) });
    expect(localStorage.getItem("shoptalk:k:outbox")).toBeNull();
    b.rt.stop();
  });

  it("honours reconnect frames, pings and treats a missing pong as dead", () => {
    const { rt } = make();
    rt.start();
    const ws1 = FakeWS.last();
    ws1.open(1000);
    vi.advanceTimersByTime(500);
    expect(ws1.sent.filter((f) => f.type === "ping")).toHaveLength(1);
    ws1.push({ type: "pong", nonce: 1 });
    vi.advanceTimersByTime(500);
    expect(ws1.sent.filter((f) => f.type === "ping")).toHaveLength(2);
    expect(rt.state).toBe("online");
    vi.advanceTimersByTime(500); // no pong for the second ping
    expect(rt.state).not.toBe("online");
    expect(ws1.closed).toBe(true);

    vi.advanceTimersByTime(1000);
    const ws2 = FakeWS.last();
    expect(ws2).not.toBe(ws1);
    ws2.open();
    ws2.push({ type: "reconnect", retry_after_ms: 5000 });
    ws2.drop();
    vi.advanceTimersByTime(4900);
    expect(FakeWS.last()).toBe(ws2);
    vi.advanceTimersByTime(700);
    expect(FakeWS.last()).not.toBe(ws2);
    rt.stop();
  });

  it("backs off exponentially, capped, and retries at once on the online event", () => {
    const { rt } = make();
    rt.start();
    for (let i = 0; i < 8; i++) {
      FakeWS.last().drop();
      vi.advanceTimersByTime(10_000);
    }
    const n = FakeWS.all.length;
    FakeWS.last().drop();
    vi.advanceTimersByTime(100);
    expect(FakeWS.all.length).toBe(n);
    window.dispatchEvent(new Event("online"));
    expect(FakeWS.all.length).toBe(n + 1);
    rt.stop();
  });
});
