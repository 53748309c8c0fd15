/**
 * Each scenario records one line of figures in docs/reliability.md (the table between the markers),
 * replacing its previous line, so a full run of `npm run test:faults` regenerates the table.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './harness';

const FILE = join(REPO, 'docs', 'reliability.md');
const START = '<!-- figures:start (written by test/faults; do not edit by hand) -->';
const END = '<!-- figures:end -->';
const HEADER = '| # | scenario | sent | acked | stored | duplicates | lost | pass criterion | result | run |\n|---|---|---|---|---|---|---|---|---|---|';

export interface Figures {
  /** Scenario number from the issue (1..11): sorts the table. */
  id: number;
  scenario: string;
  sent: number | string;
  acked: number | string;
  stored: number | string;
  duplicates: number | string;
  lost: number | string;
  criterion: string;
  /** What was measured beyond the counts (rates, timings, counters). */
  notes?: string;
  pass: boolean;
}

const cell = (v: unknown) => String(v).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Writes (or replaces) the scenario's line of figures. */
export function recordFigures(f: Figures): void {
  const text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : `# Reliability\n\n${START}\n${HEADER}\n${END}\n`;
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${FILE}: figures markers missing`);
  const rows = new Map<number, string>();
  for (const line of text.slice(a + START.length, b).split('\n')) {
    const m = /^\| (\d+) \|/.exec(line);
    if (m) rows.set(Number(m[1]), line);
  }
  const criterion = f.notes ? `${f.criterion} — ${f.notes}` : f.criterion;
  const day = new Date().toISOString().slice(0, 10);
  rows.set(
    f.id,
    `| ${f.id} | ${cell(f.scenario)} | ${cell(f.sent)} | ${cell(f.acked)} | ${cell(f.stored)} | ${cell(f.duplicates)} | ${cell(f.lost)} | ${cell(criterion)} | ${f.pass ? 'pass' : '**FAIL**'} | ${day} |`,
  );
  const body = [...rows.entries()].sort((x, y) => x[0] - y[0]).map(([, l]) => l).join('\n');
  writeFileSync(FILE, `${text.slice(0, a)}${START}\n${HEADER}\n${body}\n${text.slice(b)}`);
}
