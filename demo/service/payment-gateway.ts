/**
 * A stand-in for the payment provider the sample service calls. It fails now and then the way a real
 * one does (timeouts), so the traces show retries: each attempt is its own span, failed attempts are
 * marked ERROR and logged at WARN, and only a charge that fails every attempt reaches the caller.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { Hindsight } from '@hindsight/sdk';

/** Thrown when every attempt failed; the handler answers 503 and records a failed audit event. */
export class PaymentUnavailableError extends Error {
  constructor(readonly attempts: number) {
    super(`payment gateway unavailable after ${attempts} attempts`);
  }
}

export interface ChargeResult {
  paymentId: string;
  attempts: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Settings of the simulated gateway; the defaults give a few retries per hundred orders. */
export interface GatewayOptions {
  /** Chance that one attempt times out. */
  failureRate: number;
  /** Attempts before giving up. */
  maxAttempts: number;
}

export function createPaymentGateway(hs: Hindsight, options: GatewayOptions) {
  let next = 1;
  return {
    /** Charges `amount`, retrying timeouts with exponential backoff. */
    async charge(orderId: string, amount: number, forceFailure = false): Promise<ChargeResult> {
      for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
        const ok = await hs.tracer.startActiveSpan('payment.charge', { attributes: { 'payment.attempt': attempt, 'order.id': orderId } }, async (span) => {
          await sleep(2 + Math.random() * 6);
          const failed = forceFailure || Math.random() < options.failureRate;
          if (failed) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: 'gateway timeout' });
            hs.logger.warn({ orderId, attempt, maxAttempts: options.maxAttempts }, 'payment gateway timed out, retrying');
          }
          span.end();
          return !failed;
        });
        if (ok) {
          if (attempt > 1) hs.logger.info({ orderId, attempt }, 'payment succeeded after retry');
          return { paymentId: `pay-${(next++).toString().padStart(6, '0')}`, attempts: attempt };
        }
        await sleep(5 * 2 ** attempt);
      }
      hs.logger.error({ orderId, attempts: options.maxAttempts }, 'payment gateway unavailable, giving up');
      throw new PaymentUnavailableError(options.maxAttempts);
    },
  };
}

export type PaymentGateway = ReturnType<typeof createPaymentGateway>;
