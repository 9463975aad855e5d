// The composer's shop buttons: send products from the catalog, send the contact's cart, send
// a payment link. What they send goes to the customer (never a note).
import { useState } from "preact/hooks";
import type { Content, Conversation } from "../../../shared/types";
import * as commerce from "../../api/commerce";
import { errorText } from "../../api/client";
import { sendContent } from "../../state/live";
import { Icon } from "../../ui/icons";
import { toast } from "../../ui/toast";
import { PaymentLinkDialog } from "./PaymentLinkDialog";
import { ProductPicker } from "./ProductPicker";
import { cartMessage } from "./shopContent";

export function ShopTools(p: { conversation: Conversation; onError: (message: string | null) => void }) {
  const [picker, setPicker] = useState(false);
  const [payment, setPayment] = useState(false);
  const [cartBusy, setCartBusy] = useState(false);
  const send = (c: Content) => sendContent(p.conversation.id, c, false);

  const sendCart = async () => {
    setCartBusy(true);
    p.onError(null);
    try {
      const cart = await commerce.getCart(p.conversation.contact_id);
      const content = cart && cart.status !== "converted" ? cartMessage(cart) : null;
      if (content) send(content);
      else p.onError("The customer has no open cart to send.");
    } catch (e) {
      p.onError(`The cart could not be read: ${errorText(e)}`);
    } finally {
      setCartBusy(false);
    }
  };

  return (
    <>
      <button class="icon-btn" title="Send products" aria-label="Send products" data-testid="shop-products" onClick={() => setPicker(true)}>
        <Icon name="bag" />
      </button>
      <button
        class="icon-btn"
        title="Send cart"
        aria-label="Send cart"
        data-testid="shop-send-cart"
        aria-busy={cartBusy || undefined}
        disabled={cartBusy}
        onClick={sendCart}
      >
        <Icon name="cart" />
      </button>
      <button class="icon-btn" title="Send payment link" aria-label="Send payment link" data-testid="shop-payment-link" onClick={() => setPayment(true)}>
        <Icon name="card" />
      </button>
      {picker && (
        <ProductPicker
          onClose={() => setPicker(false)}
          onSend={(c) => {
            send(c);
            setPicker(false);
          }}
        />
      )}
      {payment && (
        <PaymentLinkDialog
          conversation={p.conversation}
          onClose={() => setPayment(false)}
          onSent={() => {
            setPayment(false);
            toast("Payment link sent.");
          }}
        />
      )}
    </>
  );
}
