// The REST API as the shop's backend uses it: the demo's admin API key.
import { expect, request, type APIRequestContext } from "@playwright/test";
import type { Content, Contact, Conversation, Message, Page } from "../../src/shared/types";
import { e2eState } from "./env";

export interface Reply<T> {
  status: number;
  body: T;
}

export class ShopApi {
  private constructor(readonly http: APIRequestContext) {}

  static async open(): Promise<ShopApi> {
    const state = e2eState();
    const http = await request.newContext({
      baseURL: state.baseURL,
      extraHTTPHeaders: { authorization: `Bearer ${state.demo.api_key}` },
    });
    return new ShopApi(http);
  }

  async dispose(): Promise<void> {
    await this.http.dispose();
  }

  async call<T = unknown>(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, data?: unknown): Promise<Reply<T>> {
    const response = await this.http.fetch(path, { method, data, failOnStatusCode: false });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: kept as text.
    }
    return { status: response.status(), body: body as T };
  }

  async ok<T>(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, data?: unknown): Promise<T> {
    const reply = await this.call<T>(method, path, data);
    expect(reply.status, `${method} ${path} → ${JSON.stringify(reply.body)}`).toBeLessThan(300);
    return reply.body;
  }

  /// Every message of a conversation, oldest first (private notes included: staff view).
  async messages(conversationId: string): Promise<Message[]> {
    const all: Message[] = [];
    let after = 0;
    for (;;) {
      const page = await this.ok<Page<Message>>("GET", `/api/v1/conversations/${conversationId}/messages?after_seq=${after}&limit=200`);
      all.push(...page.items);
      if (page.items.length < 200) return all;
      after = page.items[page.items.length - 1].seq;
    }
  }

  async send(conversationId: string, content: Content, clientMsgId?: string): Promise<Reply<Message>> {
    return this.call<Message>("POST", `/api/v1/conversations/${conversationId}/messages`, {
      client_msg_id: clientMsgId ?? `e2e-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
      content,
    });
  }

  /// Sends and insists on success.
  async sendOk(conversationId: string, content: Content): Promise<Message> {
    const reply = await this.send(conversationId, content);
    expect(reply.status, `send ${JSON.stringify(content)} → ${JSON.stringify(reply.body)}`).toBeLessThan(300);
    return reply.body;
  }

  async conversation(id: string): Promise<Conversation> {
    return this.ok<Conversation>("GET", `/api/v1/conversations/${id}`);
  }

  async patchContact(id: string, patch: Partial<Contact>): Promise<Contact> {
    return this.ok<Contact>("PATCH", `/api/v1/contacts/${id}`, patch);
  }

  /// The conversation holding a message with exactly this text (a unique marker the test sent
  /// from the widget). Polls: the message may still be on its way.
  async conversationWithText(text: string, timeoutMs = 15_000): Promise<Conversation> {
    let found: Conversation | undefined;
    await expect
      .poll(
        async () => {
          found = await this.findConversationWithText(text);
          return found?.id;
        },
        { message: `a conversation with a message "${text}"`, timeout: timeoutMs },
      )
      .toBeTruthy();
    return found!;
  }

  private async findConversationWithText(text: string): Promise<Conversation | undefined> {
    // The search covers the last message; fall back to reading the most recent conversations.
    const q = await this.call<Page<Conversation>>("GET", `/api/v1/conversations?q=${encodeURIComponent(text)}&limit=20`);
    const candidates = q.status === 200 ? q.body.items : [];
    const recent = await this.ok<Page<Conversation>>("GET", `/api/v1/conversations?limit=30`);
    const seen = new Set<string>();
    for (const conversation of [...candidates, ...recent.items]) {
      if (seen.has(conversation.id)) continue;
      seen.add(conversation.id);
      const messages = await this.messages(conversation.id);
      if (messages.some((m) => m.content.type === "text" && m.content.text === text)) return conversation;
    }
    return undefined;
  }
}

/// Texts of the messages, for readable assertions.
export function texts(messages: Message[]): string[] {
  return messages.map((m) => ("text" in m.content ? String(m.content.text) : `[${m.content.type}]`));
}
