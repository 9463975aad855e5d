// Listens for shortcut keys on the document and runs them; the help dialog.
import { signal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { focusComposer } from "../composer/Composer";
import { assignToMe, openMenu, toggleResolved } from "../conversation/actions";
import { list, loadMore } from "../state/inbox";
import { openConversation, route } from "../state/router";
import { Dialog } from "../ui/Dialog";
import { commandOf, SHORTCUTS, step, type Command } from "./dispatch";

const helpOpen = signal(false);
export const showShortcuts = () => (helpOpen.value = true);

function currentId(): string | null {
  const r = route.peek();
  return r.page === "inbox" ? r.conversationId : null;
}

export function run(cmd: Command): void {
  const id = currentId();
  switch (cmd) {
    case "help":
      helpOpen.value = true;
      return;
    case "search": {
      const el = document.getElementById("search") as HTMLInputElement | null;
      el?.focus();
      el?.select();
      return;
    }
    case "next":
    case "prev": {
      const items = list.peek().items;
      const next = step(
        items.map((c) => c.id),
        id,
        cmd === "next" ? 1 : -1,
      );
      if (next) openConversation(next);
      if (cmd === "next" && items.length && next === items[items.length - 1].id) void loadMore();
      return;
    }
  }
  if (!id) return;
  switch (cmd) {
    case "reply":
      focusComposer("reply");
      break;
    case "note":
      focusComposer("note");
      break;
    case "assign-me":
      void assignToMe(id);
      break;
    case "resolve":
      void toggleResolved(id);
      break;
    case "snooze":
      openMenu.value = "snooze";
      break;
    case "labels":
      openMenu.value = "labels";
      break;
  }
}

export function ShortcutsHost() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector(".overlay")) return;
      const cmd = commandOf(e);
      if (!cmd) return;
      if (route.peek().page !== "inbox" && cmd !== "help") return;
      e.preventDefault();
      run(cmd);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  if (!helpOpen.value) return null;
  return (
    <Dialog title="Keyboard shortcuts" onClose={() => (helpOpen.value = false)}>
      <table class="shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.key}>
              <td>
                <kbd>{s.key}</kbd>
              </td>
              <td>{s.label}</td>
            </tr>
          ))}
          <tr>
            <td>
              <kbd>Enter</kbd>
            </td>
            <td>Send (in the reply box); Shift+Enter for a new line</td>
          </tr>
          <tr>
            <td>
              <kbd>Esc</kbd>
            </td>
            <td>Leave the reply box, close menus and dialogs</td>
          </tr>
        </tbody>
      </table>
      <p class="muted small">Shortcuts are off while you type in a field.</p>
    </Dialog>
  );
}
