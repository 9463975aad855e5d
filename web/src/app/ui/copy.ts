import { toast } from "./toast";

/// Copies `text` to the clipboard and says so in a toast ("<what> to the clipboard.").
/// Falls back to a hidden textarea where the Clipboard API is missing (plain-http origins other
/// than localhost). Resolves to whether it worked.
export async function copyText(text: string, what = "Copied"): Promise<boolean> {
  let ok = false;
  try {
    if (!navigator.clipboard?.writeText) throw new Error("no Clipboard API");
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    ok = legacyCopy(text);
  }
  if (ok) toast(`${what} to the clipboard.`);
  else toast("The browser refused to copy: select the text and copy it by hand.", "error");
  return ok;
}

function legacyCopy(text: string): boolean {
  const active = document.activeElement as HTMLElement | null;
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.top = "-1000px";
  area.style.opacity = "0";
  document.body.appendChild(area);
  try {
    area.select();
    return typeof document.execCommand === "function" && document.execCommand("copy");
  } catch {
    return false;
  } finally {
    area.remove();
    active?.focus?.();
  }
}
