// The contact of the open conversation: profile, cart and orders (live), tags, attributes,
// recent events, earlier conversations.
import { useEffect, useState } from "preact/hooks";
import type { Contact, ContactEvent, Conversation } from "../../shared/types";
import { errorText } from "../api/client";
import * as ep from "../api/endpoints";
import { sidebarOpen } from "../inbox/InboxPage";
import { contact, displayName, setContact } from "../state/contacts";
import { cached, cacheVersion } from "../state/inbox";
import { openConversation } from "../state/router";
import { Avatar } from "../ui/Avatar";
import { dateTime, shortTime } from "../ui/format";
import { toast } from "../ui/toast";
import { CartSection } from "./CartSection";
import { OrdersSection } from "./OrdersSection";
import { useCommerceRefresh } from "./useCommerceRefresh";

export function ContactSidebar(p: { conversationId: string }) {
  cacheVersion.value;
  const conv = cached(p.conversationId);
  if (!conv) return <aside class="sidebar" data-testid="contact-sidebar" />;
  return <ContactPanel contactId={conv.contact_id} conversationId={conv.id} />;
}

function ContactPanel(p: { contactId: string; conversationId: string }) {
  const c = contact(p.contactId).value;
  const refresh = useCommerceRefresh(p.conversationId);
  if (!c) {
    return (
      <aside class="sidebar" data-testid="contact-sidebar" aria-label="Contact">
        <div class="spinner" aria-label="Loading" />
      </aside>
    );
  }
  const name = displayName(c);
  const save = async (patch: ep.ContactPatch) => {
    try {
      setContact(await ep.patchContact(c.id, patch));
    } catch (e) {
      toast(errorText(e), "error");
    }
  };
  return (
    <aside class="sidebar" data-testid="contact-sidebar" aria-label="Contact">
      <button class="icon-btn sidebar-close" aria-label="Close contact details" onClick={() => (sidebarOpen.value = false)}>
        ✕
      </button>
      <div class="profile">
        <Avatar name={name} seed={c.id} size="lg" />
        <h2 class="profile-name" title={name}>
          {name}
        </h2>
        <span class={"pill " + (c.anonymous ? "pill-muted" : "pill-ok")}>{c.anonymous ? "Anonymous visitor" : "Identified"}</span>
      </div>
      <section class="side-section">
        <h3>Profile</h3>
        <dl class="props">
          <EditableProp label="Name" value={c.name} onSave={(v) => save({ name: v })} />
          <EditableProp label="Email" value={c.email} onSave={(v) => save({ email: v })} type="email" />
          <EditableProp label="Phone" value={c.phone} onSave={(v) => save({ phone: v })} type="tel" />
          <Prop label="Locale" value={c.locale} />
          <Prop label="Time zone" value={c.timezone ? `${c.timezone} (${localTime(c.timezone)})` : null} />
          {c.external_id && <Prop label="External id" value={c.external_id} />}
          <Prop label="First seen" value={dateTime(c.created_at)} />
        </dl>
      </section>
      <CartSection contactId={c.id} refresh={refresh} />
      <OrdersSection contactId={c.id} refresh={refresh} />
      <Tags c={c} onSave={(tags) => save({ tags })} />
      <Attributes c={c} onSave={(attributes) => save({ attributes })} />
      <Events contactId={c.id} />
      <EarlierConversations contactId={c.id} currentId={p.conversationId} />
    </aside>
  );
}

function localTime(tz: string): string {
  try {
    return new Date().toLocaleTimeString(undefined, { timeZone: tz, hour: "2-digit", minute: "2-digit" });
  } catch {
    return "?";
  }
}

function Prop(p: { label: string; value: string | null | undefined }) {
  return (
    <>
      <dt>{p.label}</dt>
      <dd>{p.value || <span class="muted">—</span>}</dd>
    </>
  );
}

function EditableProp(p: { label: string; value: string | null; onSave: (v: string) => void; type?: "text" | "email" | "tel" }) {
  const [editing, setEditing] = useState(false);
  const [v, setV] = useState(p.value ?? "");
  return (
    <>
      <dt>{p.label}</dt>
      <dd>
        {editing ? (
          <form
            class="inline-edit"
            onSubmit={(e) => {
              e.preventDefault();
              setEditing(false);
              if (v.trim() !== (p.value ?? "")) p.onSave(v.trim());
            }}
          >
            <input type={(p.type ?? "text") as "text"} value={v} onInput={(e) => setV(e.currentTarget.value)} autoFocus onKeyDown={(e) => {
                if (e.key === "Escape") setEditing(false);
              }}
            />
            <button class="btn btn-sm" type="submit">
              Save
            </button>
          </form>
        ) : (
          <button
            class="editable"
            onClick={() => {
              setV(p.value ?? "");
              setEditing(true);
            }}
            title={p.value ? `${p.value} (click to edit)` : `Add ${p.label.toLowerCase()}`}
            aria-label={p.value ? `${p.label}: ${p.value}, edit` : `Add ${p.label.toLowerCase()}`}
          >
            {p.value || <span class="muted">Add…</span>}
          </button>
        )}
      </dd>
    </>
  );
}

function Tags(p: { c: Contact; onSave: (tags: string[]) => void }) {
  const [t, setT] = useState("");
  const tags = p.c.tags;
  return (
    <section class="side-section">
      <h3>Tags</h3>
      <div class="chips">
        {tags.map((tag) => (
          <span key={tag} class="label-chip removable">
            {tag}
            <button aria-label={`Remove tag ${tag}`} onClick={() => p.onSave(tags.filter((x) => x !== tag))}>
              ✕
            </button>
          </span>
        ))}
        <input
          class="chip-input"
          placeholder="Add tag…"
          value={t}
          data-testid="tag-input"
          onInput={(e) => setT(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && t.trim()) {
              e.preventDefault();
              if (!tags.includes(t.trim())) p.onSave([...tags, t.trim()]);
              setT("");
            }
          }}
        />
      </div>
    </section>
  );
}

function show(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function Attributes(p: { c: Contact; onSave: (a: Record<string, unknown>) => void }) {
  const [k, setK] = useState("");
  const [v, setV] = useState("");
  const entries = Object.entries(p.c.attributes ?? {});
  return (
    <section class="side-section">
      <h3>Attributes</h3>
      <dl class="props">
        {entries.length === 0 && <dd class="muted small span2">No attributes.</dd>}
        {entries.map(([key, value]) => (
          <AttributeRow key={key} name={key} value={value} onSave={(nv) => p.onSave({ [key]: nv })} />
        ))}
      </dl>
      <form
        class="attr-add"
        onSubmit={(e) => {
          e.preventDefault();
          if (!k.trim()) return;
          p.onSave({ [k.trim()]: parseValue(v) });
          setK("");
          setV("");
        }}
      >
        <input placeholder="Key" value={k} onInput={(e) => setK(e.currentTarget.value)} aria-label="Attribute key" />
        <input placeholder="Value" value={v} onInput={(e) => setV(e.currentTarget.value)} aria-label="Attribute value" />
        <button class="btn btn-sm" type="submit" disabled={!k.trim()}>
          Add
        </button>
      </form>
    </section>
  );
}

/// Numbers and booleans typed as such stay numbers and booleans.
function parseValue(s: string): unknown {
  const t = s.trim();
  if (t === "true") return true;
  if (t === "false") return false;
  if (t !== "" && !isNaN(Number(t)) && /^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return s;
}

function AttributeRow(p: { name: string; value: unknown; onSave: (v: unknown) => void }) {
  const [editing, setEditing] = useState(false);
  const [v, setV] = useState(show(p.value));
  return (
    <>
      <dt title={p.name}>{p.name}</dt>
      <dd class="attr-val">
        {editing ? (
          <form
            class="inline-edit"
            onSubmit={(e) => {
              e.preventDefault();
              setEditing(false);
              p.onSave(parseValue(v));
            }}
          >
            <input value={v} onInput={(e) => setV(e.currentTarget.value)} autoFocus />
            <button class="btn btn-sm" type="submit">
              Save
            </button>
          </form>
        ) : (
          <>
            <button class="editable" onClick={() => (setV(show(p.value)), setEditing(true))}>
              {show(p.value)}
            </button>
            <button class="icon-btn small" aria-label={`Remove ${p.name}`} title="Remove" onClick={() => p.onSave(null)}>
              ✕
            </button>
          </>
        )}
      </dd>
    </>
  );
}

function Events(p: { contactId: string }) {
  const [events, setEvents] = useState<ContactEvent[] | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  useEffect(() => {
    ep.listContactEvents(p.contactId).then(setEvents, () => setUnavailable(true));
  }, [p.contactId]);
  if (unavailable) return null;
  return (
    <section class="side-section">
      <h3>Recent activity</h3>
      {!events && <p class="muted small">Loading…</p>}
      {events && events.length === 0 && <p class="muted small">No activity recorded.</p>}
      <ul class="events">
        {events?.slice(0, 15).map((e) => (
          <li key={e.id}>
            <span class="event-name">{e.name}</span>
            {e.properties && Object.keys(e.properties).length > 0 && (
              <span class="muted small event-props">
                {Object.entries(e.properties)
                  .slice(0, 3)
                  .map(([k, v]) => `${k}: ${show(v)}`)
                  .join(" · ")}
              </span>
            )}
            <time class="muted small">{shortTime(e.occurred_at)}</time>
          </li>
        ))}
      </ul>
    </section>
  );
}

function EarlierConversations(p: { contactId: string; currentId: string }) {
  const [items, setItems] = useState<Conversation[] | null>(null);
  useEffect(() => {
    ep.listConversations({ contact_id: p.contactId, limit: 10 }).then(
      (page) => setItems(page.items),
      () => setItems([]),
    );
  }, [p.contactId]);
  const others = (items ?? []).filter((c) => c.id !== p.currentId);
  return (
    <section class="side-section">
      <h3>Conversations</h3>
      {items && others.length === 0 && <p class="muted small">No earlier conversations.</p>}
      <ul class="earlier">
        {others.map((c) => (
          <li key={c.id}>
            <button class="earlier-item" onClick={() => openConversation(c.id)}>
              <span class={`status status-${c.status}`}>{c.status}</span>
              <span class="earlier-preview">{c.last_message_preview ?? "No messages"}</span>
              <time class="muted small">{shortTime(c.last_message_at ?? c.created_at)}</time>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
