/**
 * Every Hindsight dashboard, by the file name it is committed under in dashboards/. `npm run
 * dashboards` writes them; test/dashboards/dashboards-generated.test.ts fails when the committed
 * files differ from what this produces.
 */
import { correlationDrilldownDashboard } from './correlation-drilldown';
import { journalDashboard } from './journal';
import type { JsonObject } from './model';
import { pipelineHealthDashboard } from './pipeline-health';
import { serviceRedDashboard } from './service-red';

export { API_URL, DS, UID, CH_FORMAT, type JsonObject } from './model';

export function allDashboards(): Record<string, JsonObject> {
  return {
    'pipeline-health.json': pipelineHealthDashboard(),
    'service-red.json': serviceRedDashboard(),
    'journal.json': journalDashboard(),
    'correlation-drilldown.json': correlationDrilldownDashboard(),
  };
}

/** The exact text committed for a dashboard: two-space JSON and a final newline. */
export function renderDashboard(dashboard: JsonObject): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
