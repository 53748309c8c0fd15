/** Renders the runner's collected results as docs/benchmarks.md (figures part) and JSON. */
import type { BenchResult } from './result';
import type { MachineFacts } from './machine';
import { meets, summarize } from './stats';

export interface Report {
  startedAt: string;
  finishedAt: string;
  command: string;
  runs: number;
  quick: boolean;
  machine: MachineFacts;
  results: BenchResult[];
  failures: Array<{ id: string; error: string }>;
}

const fmt = (v: number): string => {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
};

/** The JSON written next to the markdown: the raw runs plus their summaries. */
export function reportJson(report: Report): unknown {
  return {
    ...report,
    results: report.results.map((r) => ({
      ...r,
      metrics: r.metrics.map((m) => ({ ...m, summary: summarize(m.runs) })),
      ratios: r.ratios.map((x) => {
        const summary = summarize(x.runs);
        return { ...x, summary, meetsTarget: meets(summary.median, x.target) };
      }),
    })),
  };
}

/** Markdown of the measured figures; the hand-written analysis sits around it in docs/benchmarks.md. */
export function reportMarkdown(report: Report): string {
  const m = report.machine;
  const lines: string[] = [];
  lines.push(`Measured ${report.startedAt} → ${report.finishedAt} with \`${report.command}\` (${report.runs} runs each${report.quick ? ', quick mode' : ''}).`, '');
  lines.push('| machine | |', '|---|---|');
  lines.push(`| CPU | ${m.cpuModel} |`, `| cores | ${m.cores} |`, `| memory | ${m.memoryGiB} GiB |`, `| Node | ${m.node} |`, `| OS | ${m.os} |`);
  lines.push(`| load average at start (1 min) | ${m.loadAverageAtStart} |`, '');
  lines.push('### Ratios against the bare tools (median of the per-run ratios; min–max)', '');
  lines.push('| benchmark | ratio | compares | median | min | max | target | met |', '|---|---|---|---|---|---|---|---|');
  for (const r of report.results) {
    for (const x of r.ratios) {
      const s = summarize(x.runs);
      lines.push(`| ${r.id} | ${x.name} | ${x.compares} | ${fmt(s.median)}× | ${fmt(s.min)}× | ${fmt(s.max)}× | ${x.target.op} ${x.target.value}× | ${meets(s.median, x.target) ? 'yes' : '**no**'} |`);
    }
  }
  for (const f of report.failures) lines.push(`| ${f.id} | — | failed: ${f.error.replace(/\|/g, '/').slice(0, 200)} | | | | | **no** |`);
  lines.push('');
  for (const r of report.results) {
    lines.push(`### ${r.title} (\`${r.id}\`)`, '', '| figure | median | min | max | runs |', '|---|---|---|---|---|');
    for (const x of r.metrics) {
      const s = summarize(x.runs);
      lines.push(`| ${x.name} | ${fmt(s.median)} ${x.unit} | ${fmt(s.min)} | ${fmt(s.max)} | ${s.n} |`);
    }
    lines.push('');
    for (const n of r.notes) lines.push(`- ${n}`);
    if (r.notes.length > 0) lines.push('');
  }
  return lines.join('\n');
}

/** Markers around the generated part of docs/benchmarks.md; the text outside them is kept. */
export const BEGIN = '<!-- bench:results:begin (written by npm run bench) -->';
export const END = '<!-- bench:results:end -->';

/** Replaces the generated section of `doc` (or appends it) with `generated`. */
export function spliceGenerated(doc: string, generated: string): string {
  const block = `${BEGIN}\n${generated}\n${END}`;
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a >= 0 && b > a) return doc.slice(0, a) + block + doc.slice(b + END.length);
  return `${doc.trimEnd()}\n\n## Latest figures\n\n${block}\n`;
}
