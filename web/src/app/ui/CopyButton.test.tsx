import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { bubbleClass } from "../conversation/MessageRow";
import { CodeBlock } from "./CodeBlock";
import { CopyButton } from "./CopyButton";

let root: HTMLElement;
const writeText = vi.fn<(t: string) => Promise<void>>();

beforeEach(() => {
  vi.useFakeTimers();
  root = document.createElement("div");
  document.body.appendChild(root);
  writeText.mockReset().mockResolvedValue(undefined);
  Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
});
afterEach(() => {
  render(null, root);
  root.remove();
  vi.useRealTimers();
});

const button = () => root.querySelector<HTMLButtonElement>("[data-testid=copy]")!;
const click = async () => {
  await act(async () => {
    button().click();
    await Promise.resolve();
  });
};

describe("CopyButton", () => {
  it("copies, says Copied for a moment, then goes back", async () => {
    render(<CopyButton text="<script>x</script>" label="Copy embed code" testid="copy" />, root);
    expect(button().textContent).toBe("Copy embed code");
    expect(button().type).toBe("button");
    await click();
    expect(writeText).toHaveBeenCalledWith("<script>x</script>");
    expect(button().textContent).toBe("Copied");
    expect(button().dataset.copied).toBe("true");
    await act(async () => {
      vi.advanceTimersByTime(2100);
    });
    expect(button().textContent).toBe("Copy embed code");
  });

  it("stays put when the browser refuses", async () => {
    writeText.mockRejectedValue(new Error("denied"));
    (document as unknown as { execCommand: () => boolean }).execCommand = () => false;
    render(<CopyButton text="secret" testid="copy" />, root);
    await click();
    expect(button().textContent).toBe("Copy");
    expect(button().dataset.copied).toBeUndefined();
  });
});

describe("CodeBlock", () => {
  it("shows the code as text, focusable and named", () => {
    render(<CodeBlock code={'<script src="x" async></script>'} label="Embed code" testid="snippet" />, root);
    const pre = root.querySelector<HTMLElement>("[data-testid=snippet]")!;
    expect(pre.tagName).toBe("PRE");
    expect(pre.textContent).toBe('<script src="x" async></script>');
    expect(pre.querySelector("script")).toBeNull();
    expect(pre.tabIndex).toBe(0);
    expect(pre.getAttribute("aria-label")).toBe("Embed code");
  });
});

describe("bubbleClass", () => {
  it("frames cards, lists, forms… neutrally and leaves text bubbles alone", () => {
    for (const type of ["product", "products", "carousel", "order", "cart", "list", "form", "form_response", "payment_request"]) {
      expect(bubbleClass({ type }), type).toBe("bubble bubble-rich");
    }
    for (const type of ["text", "postback", "image", "video", "audio", "file", "location", "nonsense"]) expect(bubbleClass({ type }), type).toBe("bubble");
    expect(bubbleClass(null)).toBe("bubble");
  });
});
