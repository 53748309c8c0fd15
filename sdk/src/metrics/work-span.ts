/**
 * `span(name, attrs, fn)`: times one unit of work. It runs `fn` inside an active OpenTelemetry span
 * (so logs and audit inside carry its ids), records the duration in the histogram
 * `hindsight.work.duration` (seconds) and counts `hindsight.work.events` with `event` = start, stop
 * or exception. Errors from `fn` are recorded and rethrown unchanged: they belong to the app.
 *
 * The metrics are labelled by `name` (redacted like span names) and `event` / `outcome` only. `attrs`
 * go on the span, never into metric labels: a label is served as is on /metrics, and every distinct
 * attribute key or value would add a series.
 */
import { SpanStatusCode, type Attributes, type Meter, type Tracer } from '@opentelemetry/api';
import type { Redactor } from '../redaction';

/** The helper's signature. */
export type WorkSpan = <T>(name: string, attrs: Attributes, fn: () => T) => T;

/** Builds the helper on a tracer and meter; `redactor` censors secrets in the `name` label. */
export function createWorkSpan(tracer: Tracer, meter: Meter, redactor: Redactor): WorkSpan {
  const duration = meter.createHistogram('hindsight.work.duration', {
    unit: 's',
    description: 'Duration of units of work timed with span(), by name and outcome',
    // In seconds: OpenTelemetry's default bounds (0, 5, 10 … 10000) suit milliseconds, and would put
    // nearly every unit of work in the first bucket.
    advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] },
  });
  const events = meter.createCounter('hindsight.work.events', { description: 'Units of work started, stopped and failed, by name and event (start|stop|exception)' });
  return <T>(name: string, attrs: Attributes, fn: () => T): T =>
    tracer.startActiveSpan(name, { attributes: attrs }, (s) => {
      // The redactor's trigger pre-check returns a name with nothing to censor as it is, cheaply.
      const label = redactor.redactValue(name);
      const started = performance.now();
      events.add(1, { name: label, event: 'start' });
      const done = (error?: unknown) => {
        const seconds = (performance.now() - started) / 1000;
        if (error === undefined) {
          events.add(1, { name: label, event: 'stop' });
          duration.record(seconds, { name: label, outcome: 'stop' });
        } else {
          events.add(1, { name: label, event: 'exception' });
          duration.record(seconds, { name: label, outcome: 'exception' });
          s.recordException(error instanceof Error ? error : String(error));
          s.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        }
        s.end();
      };
      let result: T;
      try {
        result = fn();
      } catch (error) {
        done(error);
        throw error;
      }
      if (result instanceof Promise) {
        return result.then(
          (v) => {
            done();
            return v;
          },
          (error: unknown) => {
            done(error);
            throw error;
          },
        ) as T;
      }
      done();
      return result;
    });
}
