// The widget's UI: launcher, panel (header, messages, composer). Reads the controller's
// signals; every control is a button with an accessible name; test ids for the e2e suite.

import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { RefObject } from "preact";
import { ContentView, type RenderContext } from "../shared/render";
import { safeUrl } from "../shared/safeUrl";
import type { Message } from "../shared/types";
import type { Controller } from "./controller";
import { rtl } from "./i18n";
import { useStore } from "./store";
import { charCount, COUNTER_FROM, MAX_CHARS, NEAR_BOTTOM, stuckAfterScroll, tick, type Local, type Tick } from "./state";

const EMOJI =
  "😀 😃 😄 😁 😆 😅 😂 🤣 😊 😇 🙂 😉 😍 🥰 😘 😋 😜 🤔 🤗 🤩 😎 🥳 😏 😌 😴 🤤 😬 🙄 😮 😲 😳 🥺 😢 😭 😤 😡 🤯 😱 🤭 🤫 👍 👎 👌 ✌️ 🤞 👏 🙌 🙏 💪 👋 ❤️ 🧡 💛 💚 💙 💜 🖤 💔 💯 ✨ 🔥 ⭐ 🎉 🎁 🛍️ 🛒 📦 🚚 💳 💰 ✅ ❌ ❓ ❗ 👀 💬 📷 ☕ 🌸 😺".split(
    " ",
  );

const I = {
  chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z",
  x: "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6 10.6 12 5 6.4z",
  send: "M3 20.5 21 12 3 3.5v6.6l12 1.9-12 1.9z",
  clip: "M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z",
  smile: "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm-3.5-9a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm7 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM12 17.5a5.5 5.5 0 0 0 5.1-3.5H6.9a5.5 5.5 0 0 0 5.1 3.5z",
  sound: "M3 9v6h4l5 5V4L7 9H3zm13.5 3a4.5 4.5 0 0 0-2.5-4v8a4.5 4.5 0 0 0 2.5-4z",
  mute: "M3 9v6h4l5 5V4L7 9H3zm13.6 3 2.9-2.9-1.4-1.4-2.9 2.9-2.9-2.9-1.4 1.4 2.9 2.9-2.9 2.9 1.4 1.4 2.9-2.9 2.9 2.9 1.4-1.4z",
  back: "M12.5 8c-2.65 0-5.05 1-6.9 2.6L2 7v9h9l-3.62-3.62A7.9 7.9 0 0 1 20.1 16l2.37-.78A10.5 10.5 0 0 0 12.5 8z",
};
const Icon = (p: { d: string }) => (
  <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <path d={p.d} />
  </svg>
);

const TICKS: Record<Tick, string> = {
  pending: "M12 7v5l3 2M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0z",
  sent: "M5 12.5l4.5 4.5L19 7.5",
  delivered: "M2 12.5l4.5 4.5L16 7.5M10 16l1 1 9.5-9.5",
  read: "M2 12.5l4.5 4.5L16 7.5M10 16l1 1 9.5-9.5",
  failed: "M12 7v6m0 4v.5M21 12a9 9 0 1 1-18 0 9 9 0 0 1 18 0z",
};

function TickMark(p: { s: Tick; t: (k: string) => string }) {
  return (
    <span class={"st-tick" + (p.s === "read" ? " st-read" : p.s === "failed" ? " st-failed" : "")} role="img" aria-label={p.t(p.s === "sent" ? "sent" : p.s)}>
      <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d={TICKS[p.s]} />
      </svg>
    </span>
  );
}

const time = (iso: string, locale: string) => {
  try {
    return new Date(iso).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
  } catch {
    return "";
  }
};

export function Widget({ c }: { c: Controller }) {
  useStore();
  const launcher = useRef<HTMLButtonElement>(null);
  const cfg = c.cfg.value;
  const t = c.t.value;
  const open = c.isOpen.value;
  const unread = c.unread.value;
  const left = cfg?.settings?.position === "left";
  // Nothing until the visitor's language is here (one fetch at most): no text in the wrong one.
  if (!c.ready.value) return null;
  return (
    <div class={"st " + (left ? "st-left" : "st-right") + (open ? " st-open" : "")}>
      {open && !c.holdPanel.value && <Panel c={c} launcher={launcher} />}
      <button
        type="button"
        ref={launcher}
        class="st-launcher"
        data-testid="st-launcher"
        aria-label={open ? t("close") : t("open_chat") + (unread ? ` (${unread})` : "")}
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={c.toggle}
      >
        <Icon d={open ? I.x : I.chat} />
        {!open && unread > 0 && (
          <span class="st-badge" data-testid="st-unread" aria-hidden="true">
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
    </div>
  );
}

const FOCUSABLE = 'button:not([disabled]),textarea:not([disabled]),input:not([disabled]):not([type=file]),select:not([disabled]),a[href],[tabindex]:not([tabindex="-1"])';

function Panel({ c, launcher }: { c: Controller; launcher: RefObject<HTMLButtonElement | null> }) {
  const panel = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState(false);
  const cfg = c.cfg.value;
  const s = cfg?.settings;
  const t = c.t.value;
  const lang = c.lang.value;
  const name = cfg?.workspace_name || "Chat";
  const logo = safeUrl(s?.logo_url, { src: true });
  const available = cfg ? cfg.available : true;
  const status = available ? t("reply_time") : s?.away_message || t("away");

  useEffect(() => {
    panel.current?.querySelector<HTMLElement>("textarea")?.focus();
    // Escape also works when focus was lost to the page (e.g. a pressed button went away).
    const esc = (e: KeyboardEvent) => e.key === "Escape" && !e.defaultPrevented && c.close();
    document.addEventListener("keydown", esc);
    const back = launcher.current;
    // After the commit: the launcher may only now be displayed again (narrow screens).
    return () => {
      document.removeEventListener("keydown", esc);
      queueMicrotask(() => back?.focus());
    };
  }, []);

  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.preventDefault();
      c.close();
      return;
    }
    if (e.key !== "Tab" || !panel.current) return;
    const els = Array.from(panel.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    if (!els.length) return;
    const active = (panel.current.getRootNode() as ShadowRoot | Document).activeElement;
    const first = els[0];
    const last = els[els.length - 1];
    const inside = !!active && panel.current.contains(active);
    if (e.shiftKey && (active === first || !inside)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !inside)) {
      e.preventDefault();
      first.focus();
    }
  };

  const files = (e: DragEvent) => Array.from(e.dataTransfer?.files ?? []);
  return (
    <div
      ref={panel}
      class="st-panel"
      data-testid="st-panel"
      role="dialog"
      aria-modal="true"
      aria-label={name}
      dir={rtl(lang) ? "rtl" : "ltr"}
      lang={lang}
      onKeyDown={onKey}
      onDragOver={(e) => {
        if (e.dataTransfer?.types?.includes("Files")) {
          e.preventDefault();
          setDrag(true);
        }
      }}
      onDragLeave={(e) => {
        if (e.target === e.currentTarget || !(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node)) setDrag(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setDrag(false);
        files(e).forEach((f) => void c.upload(f));
      }}
    >
      <header class={"st-head" + (cfg?.agents_online ? " st-on" : "")}>
        {logo && <img class="st-logo" src={logo} alt="" />}
        <div class="st-ht">
          <h2>{name}</h2>
          <p>
            <span class="st-dot" aria-hidden="true" />
            {status}
          </p>
        </div>
        {cfg?.shop && (
          // The server leads the return from here (which order, which items, why).
          <button
            type="button"
            class="st-icon"
            data-testid="st-return"
            aria-label={t("start_return")}
            title={t("start_return")}
            onClick={() => void c.send({ type: "postback", text: t("start_return"), payload: "return:start" })}
          >
            <Icon d={I.back} />
          </button>
        )}
        {s?.sound && (
          <button type="button" class="st-icon" aria-label={t("sound")} aria-pressed={!c.muted.value} onClick={c.toggleMute}>
            <Icon d={c.muted.value ? I.mute : I.sound} />
          </button>
        )}
        <button type="button" class="st-icon" data-testid="st-close" aria-label={t("close")} onClick={c.close}>
          <Icon d={I.x} />
        </button>
      </header>
      {c.offline.value && (
        <div class="st-offline" data-testid="st-offline" role="status">
          {t("offline")}
        </div>
      )}
      <Messages c={c} status={status} />
      <Composer c={c} />
      {drag && <div class="st-drop">{t("attach")}</div>}
    </div>
  );
}

function Messages({ c, status }: { c: Controller; status: string }) {
  const box = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement>(null);
  // Stuck to the bottom: the list follows the newest message (stuckAfterScroll in state.ts).
  const stick = useRef(true);
  /// The scrollTop where the list was last at the bottom.
  const at = useRef(0);
  const prev = useRef({ h: 0, first: 0, locals: 0 });
  const t = c.t.value;
  const lang = c.lang.value;
  const msgs = c.messages.value;
  const locals = c.locals.value;
  const typing = c.agentTyping.value;
  const delivered = c.agentDelivered.value;
  const read = c.agentRead.value;
  const greeting = c.cfg.value?.settings?.greeting;

  // A pressed button may be disabled or gone after the re-render: keep focus in the panel.
  const keepFocus = () =>
    setTimeout(() => {
      const root = box.current?.getRootNode() as ShadowRoot | undefined;
      const a = root?.activeElement as HTMLButtonElement | null | undefined;
      if (!a || a.disabled || !a.isConnected) root?.querySelector<HTMLElement>("textarea")?.focus();
    }, 60);
  // Prices as the shop shows them (its locale), else in the visitor's language.
  const priceLocale = c.cfg.value?.shop?.locale || lang;
  const ctx = useMemo<RenderContext>(
    () => ({
      viewer: "contact",
      locale: priceLocale,
      t,
      mediaSrc: c.mediaSrc,
      onAction: (a, m) => {
        const done = c.onAction(a, m);
        keepFocus();
        return done;
      },
      onFormSubmit: (v, m) => {
        c.onFormSubmit(v, m);
        keepFocus();
      },
    }),
    [priceLocale, t],
  );
  const off = useMemo<RenderContext>(() => ({ ...ctx, disabled: true }), [ctx]);

  // Forms already answered (by a committed or pending form_response) stay disabled.
  const answered = new Set<string>();
  for (const x of [...msgs.map((m) => m.content), ...locals.map((l) => l.content)]) {
    if (x.type === "form_response" && x.form_message_id) answered.add(x.form_message_id);
  }

  const pin = () => {
    const el = box.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    at.current = el.scrollTop;
  };

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const first = msgs[0]?.seq ?? 0;
    const p = prev.current;
    if (locals.length > p.locals) stick.current = true;
    if (p.first && first && first < p.first && !stick.current) el.scrollTop += el.scrollHeight - p.h;
    else if (stick.current) pin();
    prev.current = { h: el.scrollHeight, first, locals: locals.length };
  }, [msgs, locals, typing]);

  // Whatever grows the content after it was rendered (images, video metadata, carousels, fonts)
  // or shrinks the list (composer, banners): while stuck, stay at the bottom.
  useEffect(() => {
    if (typeof ResizeObserver != "function") return;
    const ro = new ResizeObserver(() => {
      if (stick.current) pin();
      if (box.current) prev.current.h = box.current.scrollHeight;
    });
    ro.observe(box.current!);
    ro.observe(list.current!);
    return () => ro.disconnect();
  }, []);

  const onScroll = () => {
    const el = box.current!;
    const gap = el.scrollHeight - el.scrollTop - el.clientHeight;
    stick.current = stuckAfterScroll(stick.current, at.current, el.scrollTop, gap);
    // Still stuck but away from the bottom: the content grew since we pinned it, follow it.
    if (stick.current && gap >= NEAR_BOTTOM) pin();
    else if (stick.current) at.current = el.scrollTop;
    prev.current.h = el.scrollHeight;
    if (el.scrollTop < 60) void c.loadOlder();
  };

  const last = locals.length ? undefined : msgs[msgs.length - 1];

  return (
    <div
      class="st-msgs"
      ref={box}
      onScroll={onScroll}
      // Images and media grow the list (the ResizeObserver's fallback).
      onLoadCapture={() => stick.current && pin()}
      data-testid="st-messages"
    >
      {c.loadingOlder.value && <div class="st-more">…</div>}
      <ol class="st-list" ref={list}>
        {!msgs.length &&
          !locals.length &&
          (greeting ? (
            <li class="st-row st-them" data-testid="st-greeting">
              <div class="st-bubble ct-txt">{greeting}</div>
            </li>
          ) : (
            // No greeting set: a default welcome, not a blank panel.
            <li class="st-welcome" data-testid="st-welcome">
              <span aria-hidden="true">
                <Icon d={I.chat} />
              </span>
              <p>{t("welcome")}</p>
              <small>{status}</small>
            </li>
          ))}
        {msgs.map((m) => (
          <Row
            key={m.id}
            m={m}
            ctx={answered.has(m.id) ? off : ctx}
            last={m === last && m.sender.type !== "contact"}
            status={m.sender.type === "contact" ? tick(m.seq, delivered, read) : undefined}
            t={t}
            lang={lang}
          />
        ))}
        {locals.map((l) => (
          <LocalRow key={l.cid} l={l} c={c} ctx={off} t={t} />
        ))}
      </ol>
      {typing && (
        <div class="st-typing" data-testid="st-typing" role="status" aria-label={t("typing")}>
          <i />
          <i />
          <i />
        </div>
      )}
      <div class="st-sr" aria-live="polite">
        {c.announce.value}
      </div>
    </div>
  );
}

const rich = (type: string) => type !== "text" && type !== "postback";

function Row(p: { m: Message; ctx: RenderContext; last: boolean; status?: Tick; t: (k: string) => string; lang: string }) {
  const { m } = p;
  const kind = m.sender.type;
  return (
    <li
      class={"st-row " + (kind === "contact" ? "st-me" : kind === "system" ? "st-sys" : "st-them")}
      data-testid="st-message"
      data-seq={m.seq}
      data-sender={kind}
      data-client-msg-id={m.client_msg_id ?? undefined}
      data-status={p.status}
    >
      <div class={"st-bubble" + (rich(m.content.type) ? " st-rich" : "")}>
        <ContentView content={m.content} message={m} ctx={p.ctx} last={p.last} />
      </div>
      <div class="st-meta">
        <time dateTime={m.created_at}>{time(m.created_at, p.lang)}</time>
        {p.status && <TickMark s={p.status} t={p.t} />}
      </div>
    </li>
  );
}

function LocalRow(p: { l: Local; c: Controller; ctx: RenderContext; t: (k: string) => string }) {
  const { l, t } = p;
  return (
    <li class="st-row st-me" data-testid="st-message" data-sender="contact" data-client-msg-id={l.cid} data-status={l.status}>
      <div class={"st-bubble" + (rich(l.content.type) ? " st-rich" : "")}>
        <ContentView content={l.content} ctx={p.ctx} />
      </div>
      <div class="st-meta">
        <TickMark s={l.status} t={t} />
        {l.status === "failed" && (
          <>
            <span class="st-failed">{l.error || t("failed")}</span>
            <button type="button" class="st-retry" onClick={() => p.c.retry(l.cid)}>
              {t("retry")}
            </button>
          </>
        )}
      </div>
    </li>
  );
}

function Composer({ c }: { c: Controller }) {
  const [text, setText] = useState(c.draft.text);
  c.draft.text = text; // survives closing the panel
  const [emoji, setEmoji] = useState(false);
  const ta = useRef<HTMLTextAreaElement>(null);
  const file = useRef<HTMLInputElement>(null);
  const t = c.t.value;
  const n = charCount(text);
  const over = n > MAX_CHARS;
  const err = over ? t("too_long").replace("{n}", String(n)) : c.error.value;

  const grow = () => {
    const el = ta.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = Math.min(el.scrollHeight, 120) + "px";
  };
  useEffect(grow, [text]);

  const submit = () => {
    if (c.sendText(text)) {
      setText("");
      setEmoji(false);
    }
    ta.current?.focus();
  };
  const insert = (e: string) => {
    const el = ta.current;
    const at = el ? el.selectionStart ?? text.length : text.length;
    const end = el ? el.selectionEnd ?? at : at;
    const next = text.slice(0, at) + e + text.slice(end);
    setText(next);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + e.length, at + e.length);
    });
  };

  return (
    <div
      class="st-comp"
      onKeyDown={(e) => {
        if (e.key === "Escape" && emoji) {
          e.stopPropagation();
          e.preventDefault();
          setEmoji(false);
          ta.current?.focus();
        }
      }}
    >
      {err && (
        <div class="st-error" data-testid="st-error" role="alert">
          {err}
        </div>
      )}
      {c.uploading.value && <div class="st-note" role="status">{t("pending")}…</div>}
      {n >= COUNTER_FROM && (
        <div class={"st-count" + (over ? " st-over" : "")}>
          {n} / {MAX_CHARS}
        </div>
      )}
      {emoji && (
        <div class="st-emo" role="group" aria-label={t("emoji")}>
          {EMOJI.map((e) => (
            <button type="button" aria-label={e} onClick={() => insert(e)}>
              {e}
            </button>
          ))}
        </div>
      )}
      <div class="st-bar">
        <button type="button" class="st-icon" data-testid="st-emoji" aria-label={t("emoji")} aria-expanded={emoji} onClick={() => setEmoji(!emoji)}>
          <Icon d={I.smile} />
        </button>
        <button type="button" class="st-icon" aria-label={t("attach")} onClick={() => file.current?.click()}>
          <Icon d={I.clip} />
        </button>
        <input
          ref={file}
          type="file"
          class="st-fi"
          data-testid="st-attach"
          multiple
          tabIndex={-1}
          aria-label={t("attach")}
          onChange={(e) => {
            const input = e.currentTarget;
            Array.from(input.files ?? []).forEach((f) => void c.upload(f));
            input.value = "";
          }}
        />
        <textarea
          ref={ta}
          class="st-ta"
          data-testid="st-input"
          rows={1}
          aria-label={t("placeholder")}
          placeholder={t("placeholder")}
          aria-invalid={over}
          value={text}
          onInput={(e) => {
            const v = e.currentTarget.value;
            setText(v);
            if (c.error.value && !over) c.error.value = "";
            c.userTyping(v);
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
          onPaste={(e) => {
            const fs = Array.from(e.clipboardData?.files ?? []);
            if (fs.length) {
              e.preventDefault();
              fs.forEach((f) => void c.upload(f));
            }
          }}
        />
        <button type="button" class="st-icon st-send" data-testid="st-send" aria-label={t("send")} disabled={!text.trim() || over} onClick={submit}>
          <Icon d={I.send} />
        </button>
      </div>
    </div>
  );
}
