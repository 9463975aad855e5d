// The agent's side: the web app at /app.
import { expect, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "@playwright/test";
import type { StaffLogin } from "./env";

export function app(page: Page) {
  const id = (testId: string) => page.getByTestId(testId);
  const messages = page.locator("[data-testid=message]");
  const conversations = page.locator("[data-testid=conversation-item]");
  return {
    viewMine: id("view-mine"),
    viewUnassigned: id("view-unassigned"),
    viewAll: id("view-all"),
    conversations,
    conversation: (text: string | RegExp) => conversations.filter({ hasText: text }),
    conversationById: (conversationId: string) => page.locator(`[data-testid=conversation-item][data-id="${conversationId}"]`),
    messages,
    message: (text: string | RegExp) => messages.filter({ hasText: text }),
    composer: id("composer-input"),
    composerSend: id("composer-send"),
    composerNote: id("composer-note"),
    richOpen: id("rich-open"),
    richButtonsText: id("rich-buttons-text"),
    richButtonLabels: id("rich-button-label"),
    richSend: id("rich-send"),
    assignMe: id("action-assign-me"),
    resolve: id("action-resolve"),
    snooze: id("action-snooze"),
    sidebar: id("contact-sidebar"),
    navSettings: id("nav-settings"),
    embedSnippet: id("embed-snippet"),
    embedCopy: id("embed-copy"),
  };
}

export type AgentApp = ReturnType<typeof app>;

/// Logs in at /app and waits for the inbox.
export async function loginAgent(page: Page, login: StaffLogin): Promise<AgentApp> {
  await page.goto("/app");
  await page.locator("#email").fill(login.email);
  await page.locator("#password").fill(login.password);
  await page.getByTestId("login-submit").click();
  const a = app(page);
  await expect(a.viewAll).toBeVisible();
  return a;
}

/// A second browser context (its own storage) with an agent logged in.
export async function agentContext(
  browser: Browser,
  login: StaffLogin,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page; app: AgentApp }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const a = await loginAgent(page, login);
  return { context, page, app: a };
}

/// Opens the All view and the conversation holding `text` (waits for it to show up live).
export async function openConversation(page: Page, match: { text?: string; id?: string }): Promise<void> {
  const a = app(page);
  await a.viewAll.click();
  const item = match.id ? a.conversationById(match.id) : a.conversation(match.text!);
  await expect(item).toHaveCount(1);
  await item.click();
  if (match.text) await expect(a.message(match.text).first()).toBeVisible();
}
