// When the sidebar fetches the contact's cart and orders again: a cart, order or payment
// message arrived in the conversation, every 30 seconds while the page is visible, and when
// the page becomes visible again.
import { useEffect, useRef, useState } from "preact/hooks";
import { thread } from "../state/messages";
import { pageVisible } from "../state/visibility";
import { lastCommerceSeq } from "./orderLogic";

export const COMMERCE_POLL_MS = 30_000;

/// A key that changes whenever the cart and orders should be fetched again.
export function useCommerceRefresh(conversationId: string): string {
  const seq = lastCommerceSeq(thread(conversationId).value.items);
  const visible = pageVisible.value;
  const [beat, setBeat] = useState(0);
  const wasVisible = useRef(visible);
  useEffect(() => {
    if (visible && !wasVisible.current) setBeat((n) => n + 1);
    wasVisible.current = visible;
    if (!visible) return;
    const timer = setInterval(() => setBeat((n) => n + 1), COMMERCE_POLL_MS);
    return () => clearInterval(timer);
  }, [visible]);
  return `${seq}:${beat}`;
}
