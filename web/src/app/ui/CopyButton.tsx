// A "Copy" button that turns into "Copied" for a moment once the text is on the clipboard.
import { useEffect, useRef, useState } from "preact/hooks";
import { copyText } from "./copy";
import { Icon } from "./icons";

export function CopyButton(p: { text: string; what?: string; label?: string; class?: string; testid?: string; title?: string }) {
  const [copied, setCopied] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = async () => {
    if (!(await copyText(p.text, p.what))) return;
    setCopied(true);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setCopied(false), 2000);
  };
  return (
    <button
      type="button"
      class={`btn btn-sm copy-btn${copied ? " copied" : ""}${p.class ? " " + p.class : ""}`}
      data-testid={p.testid}
      data-copied={copied ? "true" : undefined}
      title={p.title}
      onClick={() => void copy()}
    >
      <Icon name={copied ? "check" : "copy"} size={14} />
      <span>{copied ? "Copied" : (p.label ?? "Copy")}</span>
    </button>
  );
}
