/**
 * Access to the local stack (test/stack) for integration tests. test/ is outside this package's
 * rootDir, so its modules are required at runtime by path; the types below mirror the parts used.
 */
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

/** The subset of test/stack's StackEndpoints these tests read. */
export interface StackEndpointsView {
  kafka: { brokers: string[] };
}

function stackModule<T>(name: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(resolve(__dirname, '..', '..', '..', 'test', 'stack', name)) as T;
}

/** Endpoints of the running stack; throws naming `npm run stack -- up` when it is not up. */
export function stackEndpoints(): StackEndpointsView {
  return stackModule<{ loadStackEndpoints(): StackEndpointsView }>('endpoints').loadStackEndpoints();
}

/** Sends a command to the mock Kafka cluster's control port (e.g. `create_topic t 4`). */
export function kafkaControl(command: string): Promise<string> {
  return stackModule<{ kafkaControl(c: string): Promise<string> }>('kafka-control').kafkaControl(command);
}

/** A name no other test run uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}
