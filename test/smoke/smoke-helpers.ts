import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import type { StackEndpoints } from '../stack/endpoints';

/** A name unique to this test run, so tests sharing one stack never see each other's data. */
export const uniqueName = (prefix: string): string => `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

/**
 * kafkajs client for the stack's mock cluster. Logging is off: kafkajs reports a harmless
 * decode error for the mock's LeaveGroup v3 reply, and real failures surface as rejections.
 */
export const kafkaClient = (ep: StackEndpoints, clientId: string): Kafka =>
  new Kafka({ clientId, brokers: ep.kafka.brokers, logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });

/** Runs a program to completion; rejects with its stderr on a non-zero exit or after timeoutMs. */
export function runProgram(cmd: string, args: string[], timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} did not finish within ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => (clearTimeout(timer), reject(new Error(`cannot run ${cmd}: ${e.message}`))));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} exited ${code}: ${err.trim()}`));
    });
  });
}

/** Polls check until it returns a value other than undefined, or throws after timeoutMs. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
