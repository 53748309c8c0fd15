import { SingleBar } from 'cli-progress';

/** A progress display that may be off; the same calls work either way. */
export interface Progress {
  start(total: number, label: string): void;
  update(done: number, total?: number): void;
  increment(by?: number): void;
  stop(): void;
}

const OFF: Progress = { start: () => undefined, update: () => undefined, increment: () => undefined, stop: () => undefined };

/**
 * A cli-progress bar on stderr, so stdout keeps only the command's result. Off when stderr is not a
 * terminal (CI, pipes, log files) or when the output is JSON for scripts.
 */
export function createProgress(options: { json?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.json === true || stream.isTTY !== true) return OFF;
  const bar = new SingleBar({
    stream,
    format: '{label} [{bar}] {value}/{total} ({percentage}%) eta {eta_formatted}',
    hideCursor: true,
    clearOnComplete: false,
  });
  let running = false;
  return {
    start(total, label) {
      if (running) bar.stop();
      bar.start(total, 0, { label });
      running = true;
    },
    update(done, total) {
      if (!running) return;
      if (total !== undefined) bar.setTotal(total);
      bar.update(done);
    },
    increment(by = 1) {
      if (running) bar.increment(by);
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
