/** Access to the local stack (test/stack) for integration tests of the collector. */
import { randomBytes } from 'node:crypto';

/** Endpoints of the running stack; throws naming `npm run stack -- up` when it is not up. */
export { loadStackEndpoints as stackEndpoints } from '../../../test/stack/endpoints';
export { kafkaControl } from '../../../test/stack/kafka-control';

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
