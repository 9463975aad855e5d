// One typed function per REST route the app uses.
import type {
  Agent,
  AgentPresence,
  ApiKey,
  ApiKeyCreated,
  CannedResponse,
  Contact,
  ContactEvent,
  Conversation,
  ConversationStatus,
  LoginResponse,
  Media,
  Message,
  Page,
  ReceiptKind,
  Role,
  Scope,
  Uuid,
  Webhook,
  WebhookCreated,
  WebhookDelivery,
  WidgetSettings,
  Workspace,
} from "../../shared/types";
import { call, qs } from "./client";

export const login = (email: string, password: string) =>
  call<LoginResponse>("POST", "/auth/login", { email, password });
export const logout = () => call<void>("POST", "/auth/logout");
export const getMe = () => call<Agent>("GET", "/me");
export const changePassword = (current_password: string, new_password: string) =>
  call<void>("POST", "/me/password", { current_password, new_password });

export const getWorkspace = () => call<Workspace>("GET", "/workspace");
export interface WorkspacePatch {
  name?: string;
  identity_required?: boolean;
  allowed_origins?: string[];
  widget?: WidgetSettings;
}
export const patchWorkspace = (patch: WorkspacePatch) => call<Workspace>("PATCH", "/workspace", patch);
export const getIdentitySecret = () =>
  call<{ identity_secret: string }>("GET", "/workspace/identity-secret");

export const listAgents = () => call<Agent[]>("GET", "/agents");
export const createAgent = (a: { email: string; name: string; role: Role; password: string }) =>
  call<Agent>("POST", "/agents", a);
export const patchAgent = (id: Uuid, patch: { name?: string; role?: Role; active?: boolean }) =>
  call<Agent>("PATCH", `/agents/${id}`, patch);
export const listPresence = () => call<AgentPresence[]>("GET", "/agents/presence");

export const listApiKeys = () => call<ApiKey[]>("GET", "/api-keys");
export const createApiKey = (name: string, scope: Scope) =>
  call<ApiKeyCreated>("POST", "/api-keys", { name, scope });
export const revokeApiKey = (id: Uuid) => call<void>("DELETE", `/api-keys/${id}`);

export const listWebhooks = () => call<Webhook[]>("GET", "/webhooks");
export const createWebhook = (url: string, events: string[]) =>
  call<WebhookCreated>("POST", "/webhooks", { url, events });
export const deleteWebhook = (id: Uuid) => call<void>("DELETE", `/webhooks/${id}`);
export const listDeliveries = (id: Uuid, cursor?: string) =>
  call<Page<WebhookDelivery>>("GET", `/webhooks/${id}/deliveries${qs({ cursor, limit: 50 })}`);

export const listCanned = () => call<CannedResponse[]>("GET", "/canned-responses");
export type CannedInput = Pick<CannedResponse, "shortcut" | "title" | "text">;
export const createCanned = (c: CannedInput) => call<CannedResponse>("POST", "/canned-responses", c);
export const patchCanned = (id: Uuid, c: Partial<CannedInput>) =>
  call<CannedResponse>("PATCH", `/canned-responses/${id}`, c);
export const deleteCanned = (id: Uuid) => call<void>("DELETE", `/canned-responses/${id}`);

export const getContact = (id: Uuid) => call<Contact>("GET", `/contacts/${id}`);
export interface ContactPatch {
  name?: string;
  email?: string;
  phone?: string;
  locale?: string;
  timezone?: string;
  tags?: string[];
  attributes?: Record<string, unknown>;
}
export const patchContact = (id: Uuid, patch: ContactPatch) => call<Contact>("PATCH", `/contacts/${id}`, patch);
export const listContactEvents = async (id: Uuid) =>
  (await call<Page<ContactEvent>>("GET", `/contacts/${id}/events?limit=20`)).items;

export interface ConversationQuery {
  status?: ConversationStatus;
  assignee?: string;
  label?: string;
  contact_id?: string;
  q?: string;
  limit?: number;
  cursor?: string;
}
export const listConversations = (q: ConversationQuery) =>
  call<Page<Conversation>>("GET", `/conversations${qs({ ...q })}`);
export const getConversation = (id: Uuid) => call<Conversation>("GET", `/conversations/${id}`);
export interface ConversationPatch {
  status?: ConversationStatus;
  snoozed_until?: string;
  assignee_id?: Uuid | null;
  labels?: string[];
}
export const patchConversation = (id: Uuid, patch: ConversationPatch) =>
  call<Conversation>("PATCH", `/conversations/${id}`, patch);

export const listMessages = (
  id: Uuid,
  q: { before_seq?: number; after_seq?: number; cursor?: string; limit?: number },
) => call<Page<Message>>("GET", `/conversations/${id}/messages${qs({ ...q })}`);
export const postReceipt = (id: Uuid, kind: ReceiptKind, seq: number) =>
  call<void>("POST", `/conversations/${id}/receipts`, { kind, seq });

export const uploadMedia = (file: Blob, filename: string) =>
  call<Media>("POST", `/media${qs({ filename })}`, file);
