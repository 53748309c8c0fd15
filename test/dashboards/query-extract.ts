/**
 * Pulls every query out of a dashboard JSON, the way Grafana finds them: panel targets, annotation
 * targets, and query variables. Each comes with what its consumer needs from the result, so the
 * integration test can check the columns, not only that the query runs.
 */

export type Need =
  /** time series panel: a time column and at least one numeric column. */
  | 'time+number'
  /** stat panel: at least one numeric column. */
  | 'number'
  /** table panel: any columns. */
  | 'any'
  /** annotation: time, timeend, text, tags. */
  | 'annotation'
  /** variable: values from the first column / the label. */
  | 'values';

export interface DashboardQuery {
  dashboard: string;
  source: 'panel' | 'annotation' | 'variable';
  /** Human-readable location, e.g. `journal.json panel "Runs" A`. */
  where: string;
  datasource: string;
  text: string;
  need: Need;
  /** For Prometheus variables `label_values(metric, label)`: the parts. */
  labelValues?: { metric: string; label: string };
  /** The variable's name, for variables. */
  variable?: string;
}

type Obj = Record<string, unknown>;
const uidOf = (ds: unknown): string => String((ds as Obj | undefined)?.uid ?? '');

export function extractQueries(file: string, dashboard: Obj): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  for (const panel of (dashboard.panels as Obj[]) ?? []) {
    const need: Need = panel.type === 'timeseries' ? 'time+number' : panel.type === 'stat' ? 'number' : 'any';
    for (const t of (panel.targets as Obj[]) ?? []) {
      const datasource = uidOf(t.datasource ?? panel.datasource);
      out.push({
        dashboard: file,
        source: 'panel',
        where: `${file} panel "${String(panel.title)}" ${String(t.refId)}`,
        datasource,
        text: String(datasource === 'hindsight-prometheus' ? t.expr : t.rawSql),
        need,
      });
    }
  }
  for (const a of ((dashboard.annotations as Obj | undefined)?.list as Obj[]) ?? []) {
    const t = a.target as Obj;
    out.push({ dashboard: file, source: 'annotation', where: `${file} annotation "${String(a.name)}"`, datasource: uidOf(a.datasource), text: String(t.rawSql), need: 'annotation' });
  }
  for (const v of ((dashboard.templating as Obj | undefined)?.list as Obj[]) ?? []) {
    if (v.type !== 'query') continue;
    const datasource = uidOf(v.datasource);
    const text = typeof v.query === 'string' ? v.query : String((v.query as Obj).query);
    const m = /^label_values\(\s*([A-Za-z_:][\w:]*)\s*,\s*(\w+)\s*\)$/.exec(text);
    out.push({
      dashboard: file,
      source: 'variable',
      where: `${file} variable $${String(v.name)}`,
      datasource,
      text,
      need: 'values',
      variable: String(v.name),
      ...(m ? { labelValues: { metric: m[1]!, label: m[2]! } } : {}),
    });
  }
  return out;
}
