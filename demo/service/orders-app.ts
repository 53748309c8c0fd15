/**
 * The sample service's HTTP routes: a small order desk. Every action is audited (success, failure or
 * denied), payments go through a flaky gateway with retries, and one endpoint runs a reconciliation
 * job that writes a run's journal. Loaded only after `init()`, so the http instrumentation sees express.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { trace } from '@opentelemetry/api';
import { expressMiddleware, getContext, type Actor, type AuditRecordInput, type Hindsight } from '@hindsight/sdk';
import { createPaymentGateway, PaymentUnavailableError } from './payment-gateway';
import { runReconciliation } from './reconcile-run';

interface Order {
  id: string;
  tenant: string;
  owner: string;
  item: string;
  amount: number;
  refunded: number;
}

/** Who may refund. Anyone else is denied (and audited as such). */
const REFUNDERS = new Set(['alice', 'bob', 'carol', 'dave', 'erin', 'svc-checkout']);
const ACTOR_TYPES = new Set<Actor['type']>(['user', 'service', 'system', 'api']);

const header = (req: Request, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/**
 * The acting user and tenant come from `x-demo-user` / `x-demo-tenant`. A real service takes them from
 * a verified session or token; the demo's traffic driver plays several users of several tenants.
 */
function actorOf(req: Request): Actor | undefined {
  const id = header(req, 'x-demo-user');
  if (id === undefined) return undefined;
  const type = header(req, 'x-demo-actor-type') as Actor['type'] | undefined;
  return { id, type: type !== undefined && ACTOR_TYPES.has(type) ? type : 'user' };
}

/** Names the server span after the route, so RED metrics group by route rather than by method. */
const route = (name: string) => (req: Request, _res: Response, next: NextFunction) => {
  const span = trace.getActiveSpan();
  span?.updateName(`${req.method} ${name}`);
  span?.setAttribute('http.route', name);
  next();
};

export function createOrdersApp(hs: Hindsight) {
  const orders = new Map<string, Order>();
  let nextId = 1;
  const gateway = createPaymentGateway(hs, { failureRate: Number(process.env.HINDSIGHT_DEMO_GATEWAY_FAILURE_RATE ?? 0.1), maxAttempts: 3 });

  /** Records one audit event with the request's client and counts it in a response header. */
  async function audit(req: Request, res: Response, input: AuditRecordInput): Promise<void> {
    const ip = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    await hs.audit.record({ ...input, client: { ip: ip || null, user_agent: header(req, 'user-agent') ?? null } });
    res.setHeader('x-demo-audit-events', String(Number(res.getHeader('x-demo-audit-events') ?? 0) + 1));
  }

  const app = express();
  app.use(express.json({ limit: '16kb' }));
  app.use(expressMiddleware<Request, Response>({ actor: actorOf, tenant: (req) => header(req, 'x-demo-tenant') }));

  app.get('/healthz', (_req, res) => void res.json({ ok: true }));

  app.post('/orders', route('/orders'), async (req, res) => {
    const ctx = getContext();
    const id = `ord-${(nextId++).toString().padStart(6, '0')}`;
    const amount = Math.max(1, Math.round(Number(req.body?.amount ?? 10)));
    const item = String(req.body?.item ?? 'widget').slice(0, 64);
    const order: Order = { id, tenant: ctx?.tenant ?? 'default', owner: ctx?.actor?.id ?? 'anonymous', item, amount, refunded: 0 };
    hs.logger.debug({ orderId: id, item, amount }, 'creating order');
    try {
      const payment = await gateway.charge(id, amount, header(req, 'x-demo-simulate') === 'gateway-down');
      orders.set(id, order);
      await audit(req, res, { action: 'order.create', resource: { type: 'order', id }, outcome: 'success', details: { item, amount, paymentId: payment.paymentId, attempts: payment.attempts } });
      hs.logger.info({ orderId: id, amount, attempts: payment.attempts }, 'order created');
      res.status(201).json(order);
    } catch (err) {
      if (!(err instanceof PaymentUnavailableError)) throw err;
      await audit(req, res, { action: 'order.create', resource: { type: 'order', id }, outcome: 'failure', reason: err.message, details: { item, amount } });
      res.status(503).setHeader('retry-after', '0').json({ error: 'payment_unavailable', message: err.message });
    }
  });

  app.get('/orders/:id', route('/orders/:id'), async (req, res) => {
    const ctx = getContext();
    const id = String(req.params.id);
    const order = orders.get(id);
    if (order !== undefined && order.tenant !== ctx?.tenant) {
      hs.logger.warn({ orderId: id, owner: order.tenant }, 'cross-tenant read refused');
      await audit(req, res, { action: 'order.read', resource: { type: 'order', id }, outcome: 'denied', reason: 'order belongs to another tenant' });
      res.status(404).json({ error: 'not_found' });
      return;
    }
    await audit(req, res, { action: 'order.read', resource: { type: 'order', id }, outcome: order ? 'success' : 'failure', reason: order ? null : 'no such order' });
    if (order === undefined) res.status(404).json({ error: 'not_found' });
    else res.json(order);
  });

  app.post('/orders/:id/refund', route('/orders/:id/refund'), async (req, res) => {
    const ctx = getContext();
    const id = String(req.params.id);
    const order = orders.get(id);
    const amount = Math.max(1, Math.round(Number(req.body?.amount ?? 1)));
    const resource = { type: 'order', id };
    if (!REFUNDERS.has(ctx?.actor?.id ?? '')) {
      hs.logger.warn({ orderId: id, actor: ctx?.actor?.id }, 'refund denied: actor lacks the refund permission');
      await audit(req, res, { action: 'order.refund', resource, outcome: 'denied', reason: 'missing permission order.refund', details: { amount } });
      res.status(403).json({ error: 'forbidden' });
      return;
    }
    if (order === undefined || order.tenant !== ctx?.tenant) {
      await audit(req, res, { action: 'order.refund', resource, outcome: 'failure', reason: 'no such order', details: { amount } });
      res.status(404).json({ error: 'not_found' });
      return;
    }
    if (order.refunded + amount > order.amount) {
      hs.logger.warn({ orderId: id, amount, refundable: order.amount - order.refunded }, 'refund exceeds the order amount');
      await audit(req, res, { action: 'order.refund', resource, outcome: 'failure', reason: 'refund exceeds the refundable amount', details: { amount, refundable: order.amount - order.refunded } });
      res.status(409).json({ error: 'refund_exceeds_amount' });
      return;
    }
    order.refunded += amount;
    await audit(req, res, { action: 'order.refund', resource, outcome: 'success', details: { amount, refunded: order.refunded } });
    hs.logger.info({ orderId: id, amount }, 'order refunded');
    res.json(order);
  });

  app.post('/runs/reconcile', route('/runs/reconcile'), async (_req, res) => {
    const result = await runReconciliation(hs, { tenants: [...new Set([...orders.values()].map((o) => o.tenant))], orders: orders.size });
    res.setHeader('x-demo-audit-events', String(result.auditEvents));
    res.json(result);
  });

  // Express 5 passes rejected promises here: log at ERROR and answer 500 without leaking details.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    hs.logger.error({ err }, 'request failed');
    if (!res.headersSent) res.status(500).json({ error: 'internal' });
  });
  return app;
}
