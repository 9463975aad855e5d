import { toast } from "./toast";

export async function copyText(text: string, what = "Copied"): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    toast(`${what} to the clipboard.`);
  } catch {
    toast("The browser refused to copy: select the text and copy it by hand.", "error");
  }
}
