// The rich message picker: build buttons, carousel, list, form, product card or payment
// request, checked against the limits before sending.
import { useState } from "preact/hooks";
import type { Content, FormFieldKind } from "../../shared/types";
import { LIMITS } from "../../shared/types";
import { Dialog } from "../ui/Dialog";
import {
  buildButtons,
  buildCarousel,
  buildForm,
  buildList,
  buildPayment,
  buildProduct,
  emptyButton,
  emptyCard,
  type Built,
  type ButtonDraft,
  type CardDraft,
  type FieldDraft,
  type ListDraft,
  type PaymentDraft,
  type ProductDraft,
} from "./rich/builders";
import { MORE_LIMITS } from "./rich/validate";

type Tab = "buttons" | "carousel" | "list" | "form" | "product" | "payment";
const TABS: { id: Tab; label: string }[] = [
  { id: "buttons", label: "Buttons" },
  { id: "carousel", label: "Carousel" },
  { id: "list", label: "List" },
  { id: "form", label: "Form" },
  { id: "product", label: "Product" },
  { id: "payment", label: "Payment" },
];

export function RichDialog(p: { onClose: () => void; onSend: (c: Content) => void }) {
  const [tab, setTab] = useState<Tab>("buttons");
  const [problems, setProblems] = useState<string[]>([]);
  const [buttons, setButtons] = useState({ text: "", buttons: [emptyButton(), emptyButton(), emptyButton()] as ButtonDraft[] });
  const [cards, setCards] = useState<CardDraft[]>([emptyCard()]);
  const [list, setList] = useState<ListDraft>({ title: "", body: "", button: "Choose", sections: [{ title: "", rows: [{ title: "", description: "" }] }] });
  const [form, setForm] = useState<{ title: string; submitLabel: string; fields: FieldDraft[] }>({
    title: "",
    submitLabel: "Send",
    fields: [{ label: "", kind: "text", required: true, options: "" }],
  });
  const [product, setProduct] = useState<ProductDraft>({
    productId: "",
    title: "",
    price: "",
    compareAt: "",
    currency: "EUR",
    stock: "",
    imageUrl: "",
    url: "",
    buttons: [],
  });
  const [payment, setPayment] = useState<PaymentDraft>({ amount: "", currency: "EUR", description: "", orderId: "", payUrl: "" });

  const build = (): Built => {
    switch (tab) {
      case "buttons":
        return buildButtons(buttons);
      case "carousel":
        return buildCarousel(cards);
      case "list":
        return buildList(list);
      case "form":
        return buildForm(form);
      case "product":
        return buildProduct(product);
      case "payment":
        return buildPayment(payment);
    }
  };
  const submit = () => {
    const b = build();
    if (!b.ok) {
      setProblems(b.problems);
      return;
    }
    p.onSend(b.content);
  };

  return (
    <Dialog
      title="Rich message"
      onClose={p.onClose}
      wide
      footer={
        <>
          <button class="btn btn-ghost" onClick={p.onClose}>
            Cancel
          </button>
          <button class="btn btn-primary" data-testid="rich-send" onClick={submit}>
            Send
          </button>
        </>
      }
    >
      <div class="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            role="tab"
            aria-selected={tab === t.id}
            class={"tab" + (tab === t.id ? " active" : "")}
            data-testid={`rich-tab-${t.id}`}
            onClick={() => {
              setTab(t.id);
              setProblems([]);
            }}
          >
            {t.label}
          </button>
        ))}
      </div>
      {problems.length > 0 && (
        <ul class="problems" role="alert">
          {problems.map((x, i) => (
            <li key={i}>{x}</li>
          ))}
        </ul>
      )}
      <div class="rich-body">
        {tab === "buttons" && (
          <div class="form-grid">
            <Field label={`Text (title up to ${LIMITS.TITLE_MAX_CHARS} characters, the rest becomes the description)`}>
              <textarea
                data-testid="rich-buttons-text"
                rows={3}
                value={buttons.text}
                onInput={(e) => setButtons({ ...buttons, text: e.currentTarget.value })}
              />
            </Field>
            <ButtonsEditor buttons={buttons.buttons} onChange={(b) => setButtons({ ...buttons, buttons: b })} min={1} />
          </div>
        )}
        {tab === "carousel" && (
          <div class="cards-editor">
            {cards.map((c, i) => (
              <fieldset key={i} class="card-edit">
                <legend>
                  Card {i + 1}
                  {cards.length > 1 && (
                    <button class="link-btn" onClick={() => setCards(cards.filter((_, j) => j !== i))}>
                      Remove
                    </button>
                  )}
                </legend>
                <Field label="Title">
                  <input value={c.title} maxLength={LIMITS.TITLE_MAX_CHARS} onInput={(e) => setCards(upd(cards, i, { ...c, title: e.currentTarget.value }))} />
                </Field>
                <Field label="Description">
                  <textarea rows={2} value={c.description} onInput={(e) => setCards(upd(cards, i, { ...c, description: e.currentTarget.value }))} />
                </Field>
                <Field label="Image URL (https://…)">
                  <input type="url" value={c.imageUrl} onInput={(e) => setCards(upd(cards, i, { ...c, imageUrl: e.currentTarget.value }))} />
                </Field>
                <ButtonsEditor buttons={c.buttons} onChange={(b) => setCards(upd(cards, i, { ...c, buttons: b }))} />
              </fieldset>
            ))}
            {cards.length < LIMITS.CARDS_MAX && (
              <button class="btn btn-sm" onClick={() => setCards([...cards, emptyCard()])}>
                + Add card ({cards.length}/{LIMITS.CARDS_MAX})
              </button>
            )}
          </div>
        )}
        {tab === "list" && (
          <div class="form-grid">
            <Field label="Title (optional)">
              <input value={list.title} onInput={(e) => setList({ ...list, title: e.currentTarget.value })} />
            </Field>
            <Field label="Body">
              <textarea rows={2} value={list.body} onInput={(e) => setList({ ...list, body: e.currentTarget.value })} />
            </Field>
            <Field label={`Button (up to ${LIMITS.BUTTON_MAX_CHARS} characters)`}>
              <input value={list.button} onInput={(e) => setList({ ...list, button: e.currentTarget.value })} />
            </Field>
            {list.sections.map((s, si) => (
              <fieldset key={si} class="card-edit">
                <legend>
                  Section {si + 1}
                  {list.sections.length > 1 && (
                    <button class="link-btn" onClick={() => setList({ ...list, sections: list.sections.filter((_, j) => j !== si) })}>
                      Remove
                    </button>
                  )}
                </legend>
                <Field label="Section title (optional)">
                  <input value={s.title} onInput={(e) => setList({ ...list, sections: upd(list.sections, si, { ...s, title: e.currentTarget.value }) })} />
                </Field>
                {s.rows.map((r, ri) => (
                  <div key={ri} class="row-edit">
                    <input
                      placeholder={`Row ${ri + 1} title`}
                      value={r.title}
                      onInput={(e) => setList({ ...list, sections: upd(list.sections, si, { ...s, rows: upd(s.rows, ri, { ...r, title: e.currentTarget.value }) }) })}
                    />
                    <input
                      placeholder="Description (optional)"
                      value={r.description}
                      onInput={(e) =>
                        setList({ ...list, sections: upd(list.sections, si, { ...s, rows: upd(s.rows, ri, { ...r, description: e.currentTarget.value }) }) })
                      }
                    />
                    {s.rows.length > 1 && (
                      <button class="icon-btn" aria-label="Remove row" onClick={() => setList({ ...list, sections: upd(list.sections, si, { ...s, rows: s.rows.filter((_, j) => j !== ri) }) })}>
                        ✕
                      </button>
                    )}
                  </div>
                ))}
                <button class="btn btn-sm" onClick={() => setList({ ...list, sections: upd(list.sections, si, { ...s, rows: [...s.rows, { title: "", description: "" }] }) })}>
                  + Row
                </button>
              </fieldset>
            ))}
            {list.sections.length < MORE_LIMITS.LIST_SECTIONS_MAX && (
              <button class="btn btn-sm" onClick={() => setList({ ...list, sections: [...list.sections, { title: "", rows: [{ title: "", description: "" }] }] })}>
                + Section
              </button>
            )}
          </div>
        )}
        {tab === "form" && (
          <div class="form-grid">
            <Field label="Title (optional)">
              <input value={form.title} onInput={(e) => setForm({ ...form, title: e.currentTarget.value })} />
            </Field>
            <Field label="Submit button">
              <input value={form.submitLabel} onInput={(e) => setForm({ ...form, submitLabel: e.currentTarget.value })} />
            </Field>
            {form.fields.map((f, i) => (
              <div key={i} class="field-edit">
                <input placeholder={`Field ${i + 1} label`} value={f.label} onInput={(e) => setForm({ ...form, fields: upd(form.fields, i, { ...f, label: e.currentTarget.value }) })} />
                <select value={f.kind} onChange={(e) => setForm({ ...form, fields: upd(form.fields, i, { ...f, kind: e.currentTarget.value as FormFieldKind }) })}>
                  {["text", "email", "phone", "number", "select", "textarea"].map((k) => (
                    <option key={k} value={k}>
                      {k}
                    </option>
                  ))}
                </select>
                <label class="check">
                  <input type="checkbox" checked={f.required} onChange={(e) => setForm({ ...form, fields: upd(form.fields, i, { ...f, required: e.currentTarget.checked }) })} />{" "}
                  required
                </label>
                {form.fields.length > 1 && (
                  <button class="icon-btn" aria-label="Remove field" onClick={() => setForm({ ...form, fields: form.fields.filter((_, j) => j !== i) })}>
                    ✕
                  </button>
                )}
                {f.kind === "select" && (
                  <textarea
                    class="options"
                    rows={3}
                    placeholder="One option per line"
                    value={f.options}
                    onInput={(e) => setForm({ ...form, fields: upd(form.fields, i, { ...f, options: e.currentTarget.value }) })}
                  />
                )}
              </div>
            ))}
            {form.fields.length < MORE_LIMITS.FORM_FIELDS_MAX && (
              <button class="btn btn-sm" onClick={() => setForm({ ...form, fields: [...form.fields, { label: "", kind: "text", required: false, options: "" }] })}>
                + Field
              </button>
            )}
          </div>
        )}
        {tab === "product" && (
          <div class="form-grid two">
            <Field label="Product id">
              <input value={product.productId} onInput={(e) => setProduct({ ...product, productId: e.currentTarget.value })} />
            </Field>
            <Field label="Title">
              <input value={product.title} onInput={(e) => setProduct({ ...product, title: e.currentTarget.value })} />
            </Field>
            <Field label="Price">
              <input inputMode="decimal" placeholder="19.90" value={product.price} onInput={(e) => setProduct({ ...product, price: e.currentTarget.value })} />
            </Field>
            <Field label="Compare-at price (optional)">
              <input inputMode="decimal" value={product.compareAt} onInput={(e) => setProduct({ ...product, compareAt: e.currentTarget.value })} />
            </Field>
            <Field label="Currency">
              <input maxLength={3} value={product.currency} onInput={(e) => setProduct({ ...product, currency: e.currentTarget.value.toUpperCase() })} />
            </Field>
            <Field label="Stock (optional)">
              <input inputMode="numeric" value={product.stock} onInput={(e) => setProduct({ ...product, stock: e.currentTarget.value })} />
            </Field>
            <Field label="Image URL">
              <input type="url" value={product.imageUrl} onInput={(e) => setProduct({ ...product, imageUrl: e.currentTarget.value })} />
            </Field>
            <Field label="Product page URL">
              <input type="url" value={product.url} onInput={(e) => setProduct({ ...product, url: e.currentTarget.value })} />
            </Field>
            <div class="span2">
              <ButtonsEditor buttons={product.buttons} onChange={(b) => setProduct({ ...product, buttons: b })} />
            </div>
          </div>
        )}
        {tab === "payment" && (
          <div class="form-grid two">
            <Field label="Amount">
              <input inputMode="decimal" placeholder="49.00" value={payment.amount} onInput={(e) => setPayment({ ...payment, amount: e.currentTarget.value })} />
            </Field>
            <Field label="Currency">
              <input maxLength={3} value={payment.currency} onInput={(e) => setPayment({ ...payment, currency: e.currentTarget.value.toUpperCase() })} />
            </Field>
            <div class="span2">
              <Field label="Description">
                <input value={payment.description} onInput={(e) => setPayment({ ...payment, description: e.currentTarget.value })} />
              </Field>
            </div>
            <Field label="Order id (optional)">
              <input value={payment.orderId} onInput={(e) => setPayment({ ...payment, orderId: e.currentTarget.value })} />
            </Field>
            <Field label="Payment link (optional)">
              <input type="url" value={payment.payUrl} onInput={(e) => setPayment({ ...payment, payUrl: e.currentTarget.value })} />
            </Field>
          </div>
        )}
      </div>
    </Dialog>
  );
}

function upd<T>(arr: T[], i: number, v: T): T[] {
  return arr.map((x, j) => (j === i ? v : x));
}

function Field(p: { label: string; children: preact.ComponentChildren }) {
  return (
    <label class="field">
      <span class="field-label">{p.label}</span>
      {p.children}
    </label>
  );
}

function ButtonsEditor(p: { buttons: ButtonDraft[]; onChange: (b: ButtonDraft[]) => void; min?: number }) {
  const { buttons } = p;
  return (
    <div class="buttons-edit">
      <span class="field-label">Buttons (up to {LIMITS.CARD_ACTIONS_MAX})</span>
      {buttons.map((b, i) => (
        <div key={i} class="button-edit">
          <input
            data-testid="rich-button-label"
            placeholder={`Button ${i + 1} label`}
            value={b.label}
            onInput={(e) => p.onChange(upd(buttons, i, { ...b, label: e.currentTarget.value }))}
          />
          <select value={b.kind} onChange={(e) => p.onChange(upd(buttons, i, { ...b, kind: e.currentTarget.value as ButtonDraft["kind"] }))} aria-label="Button kind">
            <option value="postback">Reply (postback)</option>
            <option value="link">Link</option>
          </select>
          <input
            placeholder={b.kind === "link" ? "https://…" : "Payload (optional)"}
            value={b.value}
            onInput={(e) => p.onChange(upd(buttons, i, { ...b, value: e.currentTarget.value }))}
            aria-label={b.kind === "link" ? "Link URL" : "Payload"}
          />
          {buttons.length > (p.min ?? 0) && (
            <button class="icon-btn" aria-label="Remove button" onClick={() => p.onChange(buttons.filter((_, j) => j !== i))}>
              ✕
            </button>
          )}
        </div>
      ))}
      {buttons.length < LIMITS.CARD_ACTIONS_MAX && (
        <button class="btn btn-sm" data-testid="rich-add-button" onClick={() => p.onChange([...buttons, emptyButton()])}>
          + Button
        </button>
      )}
    </div>
  );
}
