// Settings › Shop: the currency and locale prices are shown in, when a cart counts as
// abandoned, and who takes payments.
import { useEffect, useState } from "preact/hooks";
import { formatAmount } from "../../shared/format";
import type { ShopSettings } from "../../shared/types";
import * as commerce from "../api/commerce";
import { errorText } from "../api/client";
import { shop } from "../state/shop";
import { toast } from "../ui/toast";
import { Field } from "./common";
import { ABANDON_MAX, ABANDON_MIN, canonicalLocale, shopSettingsOf, type ShopDraft } from "./shopLogic";

const draftOf = (s: ShopSettings): ShopDraft => ({
  currency: s.currency,
  locale: s.locale,
  abandonMinutes: String(s.abandon_after_minutes),
  provider: s.payment_provider,
});

export function ShopSettingsPage() {
  const [draft, setDraft] = useState<ShopDraft | null>(shop.value ? draftOf(shop.value) : null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    commerce.getShop().then(
      (s) => {
        shop.value = s;
        setDraft(draftOf(s));
      },
      (e) => setError(errorText(e)),
    );
  }, []);

  if (!draft) {
    return (
      <section>
        <h1>Shop</h1>
        {error ? (
          <p class="form-error" role="alert">
            {error}
          </p>
        ) : (
          <div class="spinner" aria-label="Loading" />
        )}
      </section>
    );
  }
  const set = (patch: Partial<ShopDraft>) => {
    setDraft({ ...draft, ...patch });
    setError(null);
  };
  const save = async (e: Event) => {
    e.preventDefault();
    const checked = shopSettingsOf(draft);
    if (!checked.ok) return setError(checked.problem);
    setBusy(true);
    try {
      const saved = await commerce.patchShop(checked.value);
      shop.value = saved;
      setDraft(draftOf(saved));
      toast("Shop settings saved.");
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const locale = canonicalLocale(draft.locale);
  const currency = draft.currency.trim().toUpperCase();
  const example = locale && /^[A-Z]{3}$/.test(currency) ? formatAmount(123450, currency, locale) : "";
  return (
    <section>
      <h1>Shop</h1>
      <p class="lead">How prices are shown in the chat, when carts count as abandoned, and who takes payments.</p>
      <form class="card form-grid" onSubmit={save} aria-label="Shop settings">
        <div class="form-grid two">
          <Field label="Currency" hint="ISO 4217, e.g. EUR. Amounts typed without a currency use it.">
            <input maxLength={3} value={draft.currency} data-testid="shop-currency" onInput={(e) => set({ currency: e.currentTarget.value.toUpperCase() })} />
          </Field>
          <Field label="Locale" hint="Formats prices, e.g. de-DE.">
            <input value={draft.locale} data-testid="shop-locale" onInput={(e) => set({ locale: e.currentTarget.value })} />
          </Field>
        </div>
        <p class="muted small" aria-live="polite" data-testid="shop-price-example">
          {example ? `Prices look like ${example}.` : ""}
        </p>
        <Field label="Abandoned after (minutes)" hint={`A cart untouched this long counts as abandoned (${ABANDON_MIN}–${ABANDON_MAX}).`}>
          <input
            type="number"
            min={ABANDON_MIN}
            max={ABANDON_MAX}
            value={draft.abandonMinutes}
            data-testid="shop-abandon"
            onInput={(e) => set({ abandonMinutes: e.currentTarget.value })}
          />
        </Field>
        <Field label="Payment provider" hint="Where payment links lead when the shop has no checkout page of its own.">
          <select value={draft.provider} data-testid="shop-provider" onChange={(e) => set({ provider: e.currentTarget.value as ShopDraft["provider"] })}>
            <option value="test">Test (built-in pay page, test cards only)</option>
            <option value="stripe">Stripe (set the keys under Integrations)</option>
          </select>
        </Field>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div>
          <button class="btn btn-primary" type="submit" disabled={busy} data-testid="shop-save">
            Save
          </button>
        </div>
      </form>
    </section>
  );
}
