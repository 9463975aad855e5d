// The shop's side of a conversation: the agent's product picker and order sidebar, the
// customer's shopping cards in the widget, and the pay page.
import { expect, type Locator, type Page } from "@playwright/test";
import { formatAmount } from "../../src/shared/format";
import type { Order, ShopSettings } from "../../src/shared/types";
import type { ShopApi } from "./api";

/// The shop's prices as its customers see them ("€59.00"): its currency format in its locale.
export async function priceFormatter(api: ShopApi): Promise<(minor: number, currency: string) => string> {
  const shop = await api.ok<ShopSettings>("GET", "/api/v1/shop");
  return (minor, currency) => formatAmount(minor, currency, shop.locale);
}

/// The composer's "Send products" dialog.
export function productPicker(page: Page) {
  const dialog = page.getByRole("dialog", { name: "Send products" });
  return {
    dialog,
    search: dialog.getByTestId("product-search"),
    inStock: dialog.getByTestId("product-in-stock"),
    results: dialog.getByTestId("product-result"),
    pickedCount: dialog.getByTestId("product-picked-count"),
    send: dialog.getByTestId("product-picker-send"),
  };
}

/// Searches the catalog for `term` and ticks the first product whose row names it; returns
/// that row. (Rows are keyed by product: a row found in the previous list is the same row.)
export async function pickProduct(page: Page, term: string): Promise<Locator> {
  const picker = productPicker(page);
  await picker.search.fill(term);
  const row = picker.results.filter({ hasText: new RegExp(term, "i") }).first();
  await expect(row, `a product matching "${term}"`).toBeVisible();
  await row.getByRole("checkbox").check();
  await expect(row.getByRole("checkbox")).toBeChecked();
  return row;
}

/// An order in the contact sidebar, by number.
export function sidebarOrder(page: Page, number: string) {
  const item = page.getByTestId("sidebar-orders").locator(`[data-testid=order][data-order-number="${number}"]`);
  return {
    item,
    head: item.getByRole("button", { name: `Order #${number}` }),
    status: item.locator(".order-status").first(),
    refunded: item.getByTestId("order-refunded"),
    action: (name: string) => item.getByRole("group", { name: `Actions on order #${number}` }).getByRole("button", { name, exact: true }),
    refundForm: item.getByTestId("refund-form"),
    refundConfirm: item.getByTestId("refund-confirm"),
    actionError: item.getByTestId("order-action-error"),
  };
}

/// The contact's orders, newest first.
export async function ordersOf(api: ShopApi, contactId: string): Promise<Order[]> {
  const list = await api.ok<{ items: Order[] } | Order[]>("GET", `/api/v1/orders?contact_id=${contactId}&limit=20`);
  return Array.isArray(list) ? list : list.items;
}
