/**
 * Background jobs: a fresh correlation id per job run (unless given), the job caused by whatever work
 * scheduled it, and a span around it so everything the job does shares one trace.
 */
import { SpanStatusCode, context as otelContext, trace } from '@opentelemetry/api';
import { newEventId, type Actor } from '../contract';
import { contextAttributes, getContext, mergeContext, runInContext } from './store';

/** Describes one run of a background job. */
export interface JobOptions {
  /** Job name, e.g. `nightly-import`; the span is named `job <name>`. */
  name: string;
  /** Defaults to a new UUIDv7: each run is its own unit of work. */
  correlationId?: string;
  /** Defaults to the current context's actor, else `{ id: name, type: 'system' }`. */
  actor?: Actor;
  /** Defaults to the current context's tenant. */
  tenant?: string;
  /** Defaults to the current correlation id (the request or job that scheduled this one). */
  causationId?: string;
  /** Defaults to the current context's run id. */
  runId?: string;
}

const tracer = () => trace.getTracer('@hindsight/sdk');

/**
 * Runs `fn` as a job: in its own Hindsight context and span. Resolves or rejects with `fn`'s result;
 * the span records the error either way.
 */
export async function runJob<T>(options: JobOptions, fn: () => T | Promise<T>): Promise<Awaited<T>> {
  const parent = getContext();
  const ctx = mergeContext(undefined, {
    correlationId: options.correlationId ?? newEventId(),
    causationId: options.causationId ?? parent?.correlationId,
    actor: options.actor ?? parent?.actor ?? { id: options.name, type: 'system' },
    tenant: options.tenant ?? parent?.tenant,
    runId: options.runId ?? parent?.runId,
  });
  return runInContext(ctx, () =>
    tracer().startActiveSpan(`job ${options.name}`, { attributes: { ...contextAttributes(ctx), 'hindsight.job.name': options.name } }, otelContext.active(), async (span): Promise<Awaited<T>> => {
      try {
        return await fn();
      } catch (err) {
        span.recordException(err instanceof Error ? err : String(err));
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
        throw err;
      } finally {
        span.end();
      }
    }),
  );
}
