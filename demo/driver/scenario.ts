/**
 * What the demo's users do: several tenants with their own users (and one API client), mostly creating,
 * reading and refunding orders. Some of it goes wrong on purpose, the way production traffic does:
 * `mallory` keeps trying refunds she may not make (denied), some reads reach into another tenant's
 * orders (denied), some refunds ask for too much (failure), and a few payments hit a gateway outage
 * (503) and are retried by the client under the same correlation id.
 */
export interface DemoActor {
  id: string;
  type: 'user' | 'api';
}

export const TENANTS: Record<string, DemoActor[]> = {
  acme: [{ id: 'alice', type: 'user' }, { id: 'bob', type: 'user' }, { id: 'mallory', type: 'user' }],
  globex: [{ id: 'carol', type: 'user' }, { id: 'dave', type: 'user' }],
  initech: [{ id: 'erin', type: 'user' }, { id: 'svc-checkout', type: 'api' }],
};

const ITEMS = ['lamp', 'desk', 'chair', 'monitor', 'keyboard', 'headset', 'cable'];

/** One HTTP call the driver makes. */
export interface PlannedRequest {
  tenant: string;
  actor: DemoActor;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** Asks the sample service to simulate a payment gateway outage for this call. */
  gatewayDown?: boolean;
  /** What the call is meant to show; the driver counts outcomes by it. */
  intent: 'create' | 'read' | 'refund' | 'denied' | 'failure';
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

/** Orders created so far, per tenant, with their amounts (the driver fills it from 201 responses). */
export type KnownOrders = Map<string, { id: string; amount: number }[]>;

/** The next request of the traffic mix. */
export function nextRequest(orders: KnownOrders): PlannedRequest {
  const tenant = pick(Object.keys(TENANTS));
  const actor = pick(TENANTS[tenant] ?? []);
  const own = orders.get(tenant) ?? [];
  const roll = Math.random();
  if (actor.id === 'mallory' && own.length > 0) {
    const order = pick(own);
    return { tenant, actor, method: 'POST', path: `/orders/${order.id}/refund`, body: { amount: order.amount }, intent: 'denied' };
  }
  if (own.length === 0 || roll < 0.45) {
    const amount = 5 + Math.floor(Math.random() * 495);
    return { tenant, actor, method: 'POST', path: '/orders', body: { item: pick(ITEMS), amount }, gatewayDown: Math.random() < 0.04, intent: 'create' };
  }
  if (roll < 0.7) return { tenant, actor, method: 'GET', path: `/orders/${pick(own).id}`, intent: 'read' };
  if (roll < 0.75) {
    const others = [...orders.entries()].filter(([t, list]) => t !== tenant && list.length > 0);
    if (others.length > 0) return { tenant, actor, method: 'GET', path: `/orders/${pick(pick(others)[1]).id}`, intent: 'denied' };
  }
  if (roll < 0.78) return { tenant, actor, method: 'GET', path: '/orders/ord-999999', intent: 'failure' };
  const order = pick(own);
  // One refund in six asks for more than the order is worth: refused and audited as a failure.
  const tooMuch = Math.random() < 1 / 6;
  const amount = tooMuch ? order.amount + 1 : 1 + Math.floor(Math.random() * Math.max(1, order.amount / 4));
  return { tenant, actor, method: 'POST', path: `/orders/${order.id}/refund`, body: { amount }, intent: tooMuch ? 'failure' : 'refund' };
}
