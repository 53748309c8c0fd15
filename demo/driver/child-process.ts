/**
 * The demo's own processes (the collector and the sample service): started in their own process group
 * so a Ctrl-C in the terminal reaches only the demo, which then stops each child once with SIGTERM and
 * waits, as a supervisor would. Output goes to a log file; its last lines are shown when a child fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const running = new Set<ChildProcess>();
// Last resort when the demo exits without stopping its children (an uncaught error): never leave them.
process.on('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});

/** The last `lines` lines of a log file, indented for an error message. */
export function tailOf(file: string, lines = 15): string {
  try {
    const text = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    return text.replace(/^/gm, '    | ');
  } catch {
    return '    | (no log)';
  }
}

export interface ChildSpec {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
}

/** A child process of the demo, its log and how it ended. */
export class DemoChild {
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private done = false;

  constructor(readonly spec: ChildSpec) {
    const fd = openSync(spec.logFile, 'a');
    this.process = spawn(process.execPath, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', fd, fd], detached: true });
    closeSync(fd);
    running.add(this.process);
    this.exited = new Promise((resolve) => {
      this.process.on('exit', (code, signal) => {
        this.done = true;
        running.delete(this.process);
        resolve({ code, signal });
      });
      this.process.on('error', () => {
        this.done = true;
        running.delete(this.process);
        resolve({ code: null, signal: null });
      });
    });
  }

  get alive(): boolean {
    return !this.done;
  }

  /** An error naming the child, how it ended and its last log lines. */
  failure(what: string): Error {
    return new Error(`${this.spec.name} ${what}\n  log: ${this.spec.logFile}\n  last lines:\n${tailOf(this.spec.logFile)}`);
  }

  /** SIGTERM, then SIGKILL if it is still running after `timeoutMs`. Resolves with the exit code. */
  async stop(timeoutMs: number): Promise<number | null> {
    if (this.done) return (await this.exited).code;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), timeoutMs);
    const { code } = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** Runs a one-shot command to its end; rejects with its log tail when it exits non-zero. */
export async function runToEnd(spec: ChildSpec): Promise<void> {
  const child = new DemoChild(spec);
  const { code, signal } = await child.exited;
  if (code !== 0) throw child.failure(`exited with ${signal ?? `code ${code}`}`);
}

/** `preferred` when it is free on `host`, else a free port the system picks. */
export async function freePort(preferred: number, host = '127.0.0.1'): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(undefined));
      server.listen(port, host, () => {
        const address = server.address();
        const bound = typeof address === 'object' && address !== null ? address.port : undefined;
        server.close(() => resolve(bound));
      });
    });
  return (await tryListen(preferred)) ?? (await tryListen(0)) ?? Promise.reject(new Error(`no free port on ${host}`));
}

/** Polls `check` every 250 ms until it returns true; fails after `timeoutMs` or when `abort` says why. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, abort?: () => Error | undefined): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const stop = abort?.();
    if (stop !== undefined) throw stop;
    if (await check().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
