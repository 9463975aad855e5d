// The reply box: Enter sends, Shift+Enter breaks the line; reply / private note; emoji;
// attachments (button, drag and drop, paste); `/` canned responses; quick replies; rich
// messages; the shop's tools (products, cart, payment links). Typing frames go out while the agent types a reply.
import { signal } from "@preact/signals";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Content, Conversation } from "../../shared/types";
import { LIMITS } from "../../shared/types";
import { errorText } from "../api/client";
import * as ep from "../api/endpoints";
import { canned } from "../state/canned";
import { contact } from "../state/contacts";
import { failures, sendContent, sendTyping } from "../state/live";
import { me, workspace } from "../state/session";
import { Popover } from "../ui/Popover";
import { Icon } from "../ui/icons";
import { expandVariables, filterCanned, insertCanned, slashQuery } from "./canned";
import { EMOJI } from "./emoji";
import { mediaContent } from "./media";
import { buildText } from "./rich/builders";
import { chars } from "./rich/validate";
import { RichDialog } from "./RichDialog";
import { ShopTools } from "./shop/ShopTools";

export const composerMode = signal<"reply" | "note">("reply");
let textarea: HTMLTextAreaElement | null = null;

/// Focuses the reply box (shortcuts r and n).
export function focusComposer(mode?: "reply" | "note"): void {
  if (mode) composerMode.value = mode;
  textarea?.focus();
}

const drafts = new Map<string, string>();

export function Composer(p: { conversation: Conversation; contactName: string }) {
  const id = p.conversation.id;
  const [text, setTextState] = useState(drafts.get(id) ?? "");
  const [quick, setQuick] = useState<string[]>([]);
  const [quickOpen, setQuickOpen] = useState(false);
  const [quickText, setQuickText] = useState("");
  const [emojiOpen, setEmojiOpen] = useState(false);
  const [richOpen, setRichOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [uploads, setUploads] = useState<string[]>([]);
  const [slash, setSlash] = useState<{ start: number; query: string } | null>(null);
  const [slashIdx, setSlashIdx] = useState(0);
  const [drag, setDrag] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const typing = useRef<{ on: boolean; timer?: ReturnType<typeof setTimeout> }>({ on: false });
  const note = composerMode.value === "note";
  const length = chars(text);
  const tooLong = length > LIMITS.TEXT_MAX_CHARS;

  useEffect(() => {
    textarea = ref.current;
    return () => {
      if (textarea === ref.current) textarea = null;
      stopTyping();
    };
  }, []);

  // A send refused by the server: say so here too.
  const fails = failures.value;
  useEffect(() => {
    const mine = [...fails.values()].filter((f) => f.item.conversation_id === id);
    if (mine.length) setError(`Not sent: ${mine[mine.length - 1].error}`);
  }, [fails]);

  const setText = (t: string) => {
    setTextState(t);
    if (t) drafts.set(id, t);
    else drafts.delete(id);
  };

  const stopTyping = () => {
    clearTimeout(typing.current.timer);
    if (typing.current.on) {
      typing.current.on = false;
      sendTyping(id, false);
    }
  };
  const noteTyping = () => {
    if (composerMode.peek() === "note") return;
    if (!typing.current.on) {
      typing.current.on = true;
      sendTyping(id, true);
    }
    clearTimeout(typing.current.timer);
    typing.current.timer = setTimeout(stopTyping, 4000);
  };

  const send = (content: Content) => {
    sendContent(id, content, composerMode.peek() === "note");
  };

  const sendText = () => {
    if (uploads.length && !text.trim()) return;
    const built = buildText(text, quick);
    if (!built.ok) {
      setError(built.problems[0]);
      return;
    }
    setError(null);
    send(built.content);
    setText("");
    setQuick([]);
    setQuickOpen(false);
    stopTyping();
    ref.current?.focus();
  };

  const matches = slash ? filterCanned(canned.value, slash.query) : [];
  const chooseCanned = (i: number) => {
    const c = matches[i];
    const el = ref.current;
    if (!c || !slash || !el) return;
    const person = contact(p.conversation.contact_id).peek();
    const expanded = expandVariables(c.text, { contact: person, agent: me.peek(), workspace: workspace.peek() });
    const r = insertCanned(text, slash.start, el.selectionStart ?? text.length, expanded);
    setText(r.text);
    setSlash(null);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(r.caret, r.caret);
    });
  };

  const onInput = (e: Event) => {
    const el = e.currentTarget as HTMLTextAreaElement;
    setText(el.value);
    setError(null);
    const s = slashQuery(el.value, el.selectionStart ?? el.value.length);
    setSlash(s);
    setSlashIdx(0);
    if (el.value) noteTyping();
    else stopTyping();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (slash && matches.length) {
      if (e.key === "ArrowDown") {
        e.preventDefault();
        setSlashIdx((slashIdx + 1) % matches.length);
        return;
      }
      if (e.key === "ArrowUp") {
        e.preventDefault();
        setSlashIdx((slashIdx - 1 + matches.length) % matches.length);
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        chooseCanned(slashIdx);
        return;
      }
    }
    if (e.key === "Escape") {
      if (slash) {
        setSlash(null);
        e.stopPropagation();
        return;
      }
      (e.currentTarget as HTMLElement).blur();
      return;
    }
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      sendText();
    }
  };

  const upload = async (files: File[]) => {
    for (const f of files) {
      if (f.size > LIMITS.MAX_UPLOAD_BYTES) {
        setError(`${f.name} is larger than 25 MB: it cannot be sent.`);
        continue;
      }
      const name = f.name || "file";
      setUploads((u) => [...u, name]);
      try {
        const media = await ep.uploadMedia(f, name);
        send(mediaContent(media));
      } catch (err) {
        setError(`${name}: ${errorText(err)}`);
      } finally {
        setUploads((u) => {
          const i = u.indexOf(name);
          return i < 0 ? u : [...u.slice(0, i), ...u.slice(i + 1)];
        });
      }
    }
  };

  const insertAtCaret = (s: string) => {
    const el = ref.current;
    const at = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? at;
    const next = text.slice(0, at) + s + text.slice(end);
    setText(next);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + s.length, at + s.length);
    });
  };

  const addQuick = () => {
    const q = quickText.trim();
    if (!q) return;
    if (chars(q) > LIMITS.REPLY_TEXT_MAX_CHARS) {
      setError(`A quick reply has at most ${LIMITS.REPLY_TEXT_MAX_CHARS} characters.`);
      return;
    }
    if (quick.length >= LIMITS.QUICK_REPLIES_MAX) {
      setError(`At most ${LIMITS.QUICK_REPLIES_MAX} quick replies.`);
      return;
    }
    setQuick([...quick, q]);
    setQuickText("");
  };

  return (
    <div
      class={"composer" + (note ? " composer-note" : "") + (drag ? " dragging" : "")}
      onDragOver={(e) => {
        if (e.dataTransfer?.types.includes("Files")) {
          e.preventDefault();
          setDrag(true);
        }
      }}
      onDragLeave={() => setDrag(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDrag(false);
        const files = Array.from(e.dataTransfer?.files ?? []);
        if (files.length) void upload(files);
      }}
    >
      <div class="composer-tabs" role="tablist" aria-label="Message kind">
        <button
          role="tab"
          aria-selected={!note}
          class={"tab" + (!note ? " active" : "")}
          data-testid="composer-reply"
          onClick={() => focusComposer("reply")}
          title="Reply (r)"
        >
          Reply
        </button>
        <button
          role="tab"
          aria-selected={note}
          class={"tab" + (note ? " active" : "")}
          data-testid="composer-note"
          onClick={() => {
            composerMode.value = note ? "reply" : "note";
            stopTyping();
            ref.current?.focus();
          }}
          title="Private note (n)"
        >
          Private note
        </button>
        <span class="composer-hint muted small" title={note ? undefined : `To ${p.contactName}`}>
          {note ? "Only your team sees notes." : `To ${p.contactName}`}
        </span>
      </div>
      {slash && matches.length > 0 && (
        <div class="canned-pop" role="listbox" aria-label="Canned responses" data-testid="canned-popup">
          {matches.map((c, i) => (
            <div
              key={c.id}
              role="option"
              aria-selected={i === slashIdx}
              class={"canned-item" + (i === slashIdx ? " active" : "")}
              onMouseDown={(e) => {
                e.preventDefault();
                chooseCanned(i);
              }}
            >
              <b>/{c.shortcut}</b> <span class="muted">{c.title}</span>
              <div class="small muted canned-text">{c.text}</div>
            </div>
          ))}
        </div>
      )}
      {slash && matches.length === 0 && canned.value.length === 0 && (
        <div class="canned-pop muted small pad">No canned responses yet — add them in Settings.</div>
      )}
      <textarea
        ref={ref}
        class="composer-input"
        data-testid="composer-input"
        rows={3}
        value={text}
        placeholder={note ? "Write a private note…" : "Write a reply…  (/ for canned responses)"}
        onInput={onInput}
        onKeyDown={onKeyDown}
        onBlur={() => setTimeout(() => setSlash(null), 150)}
        onPaste={(e) => {
          const files = Array.from(e.clipboardData?.files ?? []);
          if (files.length) {
            e.preventDefault();
            void upload(files);
          }
        }}
        aria-label={note ? "Private note" : "Reply"}
        aria-invalid={tooLong}
      />
      {quickOpen && (
        <div class="quick-editor">
          <div class="chips">
            {quick.map((q, i) => (
              <span key={i} class="qr-chip removable">
                {q}
                <button aria-label={`Remove quick reply ${q}`} onClick={() => setQuick(quick.filter((_, j) => j !== i))}>
                  ✕
                </button>
              </span>
            ))}
            {quick.length < LIMITS.QUICK_REPLIES_MAX && (
              <input
                class="qr-input"
                placeholder="Quick reply, Enter to add"
                value={quickText}
                maxLength={LIMITS.REPLY_TEXT_MAX_CHARS}
                data-testid="quick-reply-input"
                onInput={(e) => setQuickText(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === "Enter") {
                    e.preventDefault();
                    addQuick();
                  }
                }}
              />
            )}
            <span class="muted small">
              {quick.length}/{LIMITS.QUICK_REPLIES_MAX}
            </span>
          </div>
        </div>
      )}
      {(error || tooLong) && (
        <p class="form-error composer-error" role="alert">
          {tooLong ? `The message is too long: ${length} characters, at most ${LIMITS.TEXT_MAX_CHARS}.` : error}
        </p>
      )}
      {uploads.length > 0 && <p class="muted small pad-x">Uploading {uploads.join(", ")}…</p>}
      <div class="composer-bar">
        <div class="menu-anchor">
          <button class="icon-btn" title="Emoji" aria-label="Emoji" onClick={() => setEmojiOpen(!emojiOpen)}>
            <Icon name="smile" />
          </button>
          <Popover open={emojiOpen} onClose={() => setEmojiOpen(false)} class="emoji-pop popover-up">
            <div class="emoji-grid">
              {EMOJI.map((em) => (
                <button
                  key={em}
                  class="emoji"
                  onClick={() => {
                    insertAtCaret(em);
                    setEmojiOpen(false);
                  }}
                >
                  {em}
                </button>
              ))}
            </div>
          </Popover>
        </div>
        <button class="icon-btn" title="Attach files" aria-label="Attach files" onClick={() => fileInput.current?.click()}>
          <Icon name="clip" />
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          data-testid="composer-file"
          onChange={(e) => {
            const files = Array.from(e.currentTarget.files ?? []);
            e.currentTarget.value = "";
            void upload(files);
          }}
        />
        <button
          class={"icon-btn" + (quickOpen ? " active" : "")}
          title="Quick replies"
          aria-label="Quick replies"
          aria-pressed={quickOpen}
          data-testid="quick-replies-toggle"
          onClick={() => setQuickOpen(!quickOpen)}
        >
          <Icon name="zap" />
        </button>
        <button class="icon-btn" title="Rich message" aria-label="Rich message" data-testid="rich-open" onClick={() => setRichOpen(true)}>
          <Icon name="grid" />
        </button>
        <ShopTools conversation={p.conversation} onError={setError} />
        <span class="spacer" />
        <span class={"counter small" + (tooLong ? " over" : length > LIMITS.TEXT_MAX_CHARS * 0.9 ? " near" : " muted")}>
          {length > 500 ? `${length}/${LIMITS.TEXT_MAX_CHARS}` : ""}
        </span>
        <button
          class={"btn " + (note ? "btn-note" : "btn-primary")}
          data-testid="composer-send"
          disabled={tooLong || !text.trim()}
          onClick={sendText}
          title="Send (Enter)"
        >
          {note ? "Add note" : "Send"}
        </button>
      </div>
      {richOpen && (
        <RichDialog
          onClose={() => setRichOpen(false)}
          onSend={(c) => {
            // Rich messages are for the customer, never notes.
            sendContent(id, c, false);
            setRichOpen(false);
          }}
        />
      )}
    </div>
  );
}
