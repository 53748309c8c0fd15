import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/** Prints one progress line of the launcher. */
export function progress(message: string): void {
  process.stdout.write(`[stack] ${message}\n`);
}

/** Numeric ids of a system user, read from /etc/passwd. */
export interface UserIds {
  uid: number;
  gid: number;
  home: string;
}

/** Looks a system user up; throws naming the user when it does not exist. */
export function userIds(name: string): UserIds {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`system user "${name}" does not exist (is its Debian package installed?)`);
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '/' };
}

/** True when this process may switch to another user (root). */
export const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * The user a service runs as: the named system user when we are root (the servers refuse
 * to run as root), else ourselves.
 */
export function serviceUser(name: string): UserIds | undefined {
  return isRoot() ? userIds(name) : undefined;
}

/** Result of a finished command. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, optionally as another user; never throws on a non-zero exit. */
export function run(
  cmd: string,
  args: string[],
  opts: { user?: UserIds; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      uid: opts.user?.uid,
      gid: opts.user?.gid,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => reject(new Error(`cannot run ${cmd}: ${err.message}`)));
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}

/** Starts a long-running server detached from us, output appended to logFile; returns its pid. */
export function startDaemon(opts: {
  cmd: string;
  args: string[];
  logFile: string;
  pidFile: string;
  user?: UserIds;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}): number {
  const fd = openSync(opts.logFile, 'a');
  try {
    const child = spawn(opts.cmd, opts.args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      uid: opts.user?.uid,
      gid: opts.user?.gid,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    if (child.pid === undefined) throw new Error(`cannot start ${opts.cmd}; see ${opts.logFile}`);
    child.on('error', () => undefined);
    child.unref();
    writeFileSync(opts.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** Command line of a live process, or undefined when there is none with that pid. */
export function cmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/** True when the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Pid recorded in pidFile when that process still runs and its command line contains
 * marker (guards against a recycled pid); else undefined.
 */
export function livePid(pidFile: string, marker: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  return cmdline(pid)?.includes(marker) ? pid : undefined;
}

/** Pids of every process whose parent chain leads to pid. */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(entry), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const [child, pp] of parent) if (pp === p) (out.push(child), walk(child));
  };
  walk(pid);
  return out;
}

/** Live processes whose command line contains text (e.g. a stack folder). */
export function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => pid !== process.pid && isAlive(pid) && (cmdline(pid) ?? '').includes(text));
}

/** Sends signal, waits up to timeoutMs for the processes to end, then SIGKILLs what is left. */
export async function stopProcesses(pids: number[], signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(100);
  for (const pid of pids.filter(isAlive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Ended between the check and the kill.
    }
  }
  const killDeadline = Date.now() + 5000;
  while (pids.some(isAlive) && Date.now() < killDeadline) await sleep(50);
}

/** Resolves after ms milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls check until it returns true; throws a timeout error naming what was awaited, or at
 * once when abort returns a reason (e.g. the server process died).
 */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  abort: () => string | undefined = () => undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    const reason = abort();
    if (reason !== undefined) throw new Error(reason);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

/** The last lines of a log file, for error messages. */
export function tailFile(file: string, lines = 20): string {
  if (!existsSync(file)) return `(no log at ${file})`;
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Removes a file if present. */
export const removeFile = (file: string): void => rmSync(file, { force: true });
