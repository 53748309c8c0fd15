/**
 * `span(name, attrs, fn)`: times one unit of work. It runs `fn` inside an active OpenTelemetry span
 * (so logs and audit inside carry its ids), records the duration in the histogram
 * `hindsight.work.duration` (seconds) and counts `hindsight.work.events` with `event` = start, stop
 * or exception. Errors from `fn` are recorded and rethrown unchanged: they belong to the app.
 */
import { SpanStatusCode, type Attributes, type Meter, type Tracer } from '@opentelemetry/api';

/** The helper's signature. */
export type WorkSpan = <T>(name: string, attrs: Attributes, fn: () => T) => T;

/** Builds the helper on a tracer and meter. */
export function createWorkSpan(tracer: Tracer, meter: Meter): WorkSpan {
  const duration = meter.createHistogram('hindsight.work.duration', { unit: 's', description: 'Duration of units of work timed with span()' });
  const events = meter.createCounter('hindsight.work.events', { description: 'Units of work started, stopped and failed (event=start|stop|exception)' });
  return <T>(name: string, attrs: Attributes, fn: () => T): T =>
    tracer.startActiveSpan(name, { attributes: attrs }, (s) => {
      const labels = { ...attrs, name };
      const started = performance.now();
      events.add(1, { ...labels, event: 'start' });
      const done = (error?: unknown) => {
        const seconds = (performance.now() - started) / 1000;
        if (error === undefined) {
          events.add(1, { ...labels, event: 'stop' });
          duration.record(seconds, { ...labels, outcome: 'stop' });
        } else {
          events.add(1, { ...labels, event: 'exception' });
          duration.record(seconds, { ...labels, outcome: 'exception' });
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
