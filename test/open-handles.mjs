// Loaded into every test file's process by run-tests.mjs. The runner ends a file's process once its
// tests are done (--test-force-exit), so a connection a test left open cannot hold the run until CI's
// time limit. Sockets, servers and processes still open are reported here, naming the file, so a leak
// is seen instead of being hidden by the exit. A keep-alive connection still closing shows too.
import { relative } from 'node:path';
import { isMainThread } from 'node:worker_threads';

// Standard streams and requests already ending are not the test's doing. Timers are left out too:
// clients keep many that end by themselves (retry and export delays), and a report naming them in
// every file would hide the connection that never closes.
const NOT_REPORTED = new Set(['PipeWrap', 'TTYWrap', 'SignalWrap', 'FSReqCallback', 'FSReqPromise', 'CloseReq', 'SimpleShutdownWrap', 'ShutdownWrap', 'Timeout', 'Immediate']);

// Only a test file's own process: workers and programs a test starts inherit the import and the
// runner's environment, and end as they please.
const script = process.argv[1] ?? '';
if (process.env.NODE_TEST_CONTEXT !== undefined && isMainThread && script.endsWith('.test.ts')) {
  const file = relative(process.cwd(), script);
  process.on('exit', () => {
    const open = process.getActiveResourcesInfo().filter((r) => !NOT_REPORTED.has(r));
    if (open.length === 0) return;
    const counts = new Map();
    for (const r of open) counts.set(r, (counts.get(r) ?? 0) + 1);
    const list = [...counts].map(([r, n]) => (n > 1 ? `${r} ×${n}` : r)).join(', ');
    process.stderr.write(`[open handles] ${file}: its tests ended with ${list} still open; the runner ended the process anyway\n`);
  });
}
