import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  wrap,
  type IPolicy,
} from 'cockatiel';
import type { CircuitBreakerConfig, RetryConfig } from '../config/schema';
import { ERROR_CODES } from '../errors/codes';
import { HindsightError, TransientError } from '../errors/hindsight-error';
import type { SinkRecord } from '../sinks/records';
import type { Sink, WriteResult } from '../sinks/sink';
import type { CollectorMetrics } from '../telemetry/collector-metrics';

/** A write that either stored everything or names the records the store refused for good. */
export type GuardedResult = { status: 'written' } | Extract<WriteResult, { status: 'partial' }>;

/**
 * Wraps one sink with retries (exponential backoff with jitter) inside a circuit breaker. Only
 * transient failures are retried and counted by the breaker; a `partial` result is a success for the
 * breaker (the store works, it refused specific records).
 */
export class SinkGuard {
  private readonly breaker;
  private readonly policy: IPolicy;

  constructor(
    private readonly sink: Sink,
    retryConfig: RetryConfig,
    breakerConfig: CircuitBreakerConfig,
    private readonly metrics: CollectorMetrics,
  ) {
    const transient = handleWhen((err) => !(err instanceof HindsightError) || err.retriable);
    this.breaker = circuitBreaker(transient, {
      halfOpenAfter: breakerConfig.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(breakerConfig.failureThreshold),
    });
    // ExponentialBackoff's default generator is decorrelated jitter: instances do not retry in lockstep.
    const retryPolicy = retry(handleWhen((err) => !(err instanceof BrokenCircuitError) && (!(err instanceof HindsightError) || err.retriable)), {
      maxAttempts: retryConfig.maxAttempts,
      backoff: new ExponentialBackoff({ initialDelay: retryConfig.initialDelayMs, maxDelay: retryConfig.maxDelayMs }),
    });
    retryPolicy.onRetry(() => this.metrics.retries.inc({ sink: sink.name }));
    this.breaker.onStateChange((state) => this.metrics.circuitOpen.set({ sink: sink.name }, state === CircuitState.Open ? 1 : 0));
    this.policy = wrap(retryPolicy, this.breaker);
  }

  /** True while the breaker holds writes back. */
  get open(): boolean {
    return this.breaker.state === CircuitState.Open || this.breaker.state === CircuitState.Isolated;
  }

  /**
   * Writes with retries. Throws the last transient error (or BrokenCircuitError as a TransientError)
   * when the retries are spent; the caller keeps the batch and tries again later.
   */
  async write(batch: readonly SinkRecord[], signal?: AbortSignal): Promise<GuardedResult> {
    try {
      return await this.policy.execute(async () => {
        let result: WriteResult;
        try {
          result = await this.sink.write(batch);
        } catch (err) {
          throw new TransientError(ERROR_CODES.sinkThrew, `sink ${this.sink.name} threw from write(): ${(err as Error).message}`, err);
        }
        if (result.status === 'retry') throw result.error;
        return result;
      }, signal);
    } catch (err) {
      if (err instanceof BrokenCircuitError) {
        throw new TransientError(ERROR_CODES.sinkCircuitOpen, `sink ${this.sink.name}: circuit breaker open`, err);
      }
      throw err;
    }
  }
}
