// Settings: workspace, widget, install, shop, integrations, agents, API keys, webhooks, canned
// responses (admins and owners), account (everyone).
import { navigate } from "../state/router";
import { isAdmin } from "../state/session";
import { AccountSettings } from "./AccountSettings";
import { AgentsSettings } from "./AgentsSettings";
import { ApiKeysSettings } from "./ApiKeysSettings";
import { CannedSettings } from "./CannedSettings";
import { InstallSettings } from "./InstallSettings";
import { IntegrationsSettings } from "./IntegrationsSettings";
import { ShopSettingsPage } from "./ShopSettings";
import { WebhooksSettings } from "./WebhooksSettings";
import { WidgetSettingsPage } from "./WidgetSettings";
import { WorkspaceSettings } from "./WorkspaceSettings";

const ADMIN_TABS = [
  { id: "workspace", label: "Workspace" },
  { id: "widget", label: "Widget" },
  { id: "install", label: "Install" },
  { id: "shop", label: "Shop" },
  { id: "integrations", label: "Integrations" },
  { id: "agents", label: "Agents" },
  { id: "api-keys", label: "API keys" },
  { id: "webhooks", label: "Webhooks" },
  { id: "canned", label: "Canned responses" },
];
const ALL_TABS = [{ id: "account", label: "Account" }];

export function SettingsPage(p: { tab: string }) {
  const admin = isAdmin.value;
  const tabs = admin ? [...ADMIN_TABS, ...ALL_TABS] : ALL_TABS;
  const tab = tabs.some((t) => t.id === p.tab) ? p.tab : tabs[0].id;
  return (
    <div class="settings">
      <nav class="settings-nav" aria-label="Settings">
        <h2 class="views-title">Settings</h2>
        {tabs.map((t) => (
          <button
            key={t.id}
            class={"view-item" + (t.id === tab ? " active" : "")}
            data-testid={`settings-${t.id}`}
            aria-current={t.id === tab ? "page" : undefined}
            onClick={() => navigate({ page: "settings", tab: t.id })}
          >
            {t.label}
          </button>
        ))}
      </nav>
      <main class="settings-body">
        {tab === "workspace" && <WorkspaceSettings />}
        {tab === "widget" && <WidgetSettingsPage />}
        {tab === "install" && <InstallSettings />}
        {tab === "shop" && <ShopSettingsPage />}
        {tab === "integrations" && <IntegrationsSettings />}
        {tab === "agents" && <AgentsSettings />}
        {tab === "api-keys" && <ApiKeysSettings />}
        {tab === "webhooks" && <WebhooksSettings />}
        {tab === "canned" && <CannedSettings />}
        {tab === "account" && <AccountSettings />}
      </main>
    </div>
  );
}
