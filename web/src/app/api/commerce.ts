// One typed function per commerce route the app uses: catalog, carts, orders, returns,
// payments, shop settings and integrations.
import type {
  Cart,
  Integrations,
  IntegrationsPatch,
  NewPayment,
  Order,
  OrderAction,
  Page,
  Payment,
  Product,
  ProductQuery,
  ReturnRequest,
  ReturnTransition,
  ShopSettings,
  ShopSettingsPatch,
  Uuid,
} from "../../shared/types";
import { ApiError } from "../../shared/api";
import { call, qs } from "./client";

export const searchProducts = (q: ProductQuery) =>
  call<Page<Product>>("GET", `/products${qs({ ...q, in_stock: q.in_stock ? "true" : undefined })}`);

/// The contact's open cart, or null when they have none (404).
export async function getCart(contactId: Uuid): Promise<Cart | null> {
  try {
    return await call<Cart>("GET", `/contacts/${contactId}/cart`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/// A list as a page (`{items}`) or, for a short one, a plain array.
type List<T> = Page<T> | T[];
const itemsOf = <T>(list: List<T>): T[] => (Array.isArray(list) ? list : (list?.items ?? []));

/// The contact's latest orders, newest first.
export const listOrders = async (contactId: Uuid) =>
  itemsOf(await call<List<Order>>("GET", `/orders${qs({ contact_id: contactId, limit: 20 })}`));
export const getOrder = (id: Uuid) => call<Order>("GET", `/orders/${id}`);
export const orderAction = (id: Uuid, action: OrderAction) => call<Order>("POST", `/orders/${id}/actions`, action);

export const listReturns = async (orderId: Uuid) => itemsOf(await call<List<ReturnRequest>>("GET", `/orders/${orderId}/returns`));
export const transitionReturn = (id: Uuid, t: ReturnTransition) =>
  call<ReturnRequest>("POST", `/returns/${id}/transitions`, t);

export const createPayment = (p: NewPayment) => call<Payment>("POST", "/payments", p);

export const getShop = () => call<ShopSettings>("GET", "/shop");
export const patchShop = (s: ShopSettingsPatch) => call<ShopSettings>("PATCH", "/shop", s);

export const getIntegrations = () => call<Integrations>("GET", "/integrations");
export const patchIntegrations = (i: IntegrationsPatch) => call<Integrations>("PATCH", "/integrations", i);
