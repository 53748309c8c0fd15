/**
 * Finds the datasources a Grafana dashboard JSON refers to, and which of them are not provisioned.
 * A dashboard naming an unknown uid loads fine in Grafana and only shows "datasource not found" on
 * its panels, so the check has to happen before it ships.
 */

/** One `datasource` reference found in a dashboard, with its JSON path. */
export interface DatasourceRef {
  path: string;
  /** The uid (object form) or the name/uid string (legacy string form). */
  ref: string;
  form: 'uid' | 'string';
}

/** A provisioned datasource as listed in grafana/provisioning/datasources/*.yaml. */
export interface ProvisionedDatasource {
  uid: string;
  name: string;
}

/** Datasource ids Grafana itself provides; never provisioned, always valid. */
const BUILT_IN = new Set(['grafana', '-- Grafana --', '-- Mixed --', '-- Dashboard --', 'dashboard']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every `datasource` reference anywhere in the dashboard (panels, rows, targets, annotations, variables). */
export function collectDatasourceRefs(dashboard: unknown): DatasourceRef[] {
  const refs: DatasourceRef[] = [];
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => walk(child, `${path}[${i}]`));
      return;
    }
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      const here = path === '' ? key : `${path}.${key}`;
      if (key === 'datasource') {
        if (typeof value === 'string' && value !== '') refs.push({ path: here, ref: value, form: 'string' });
        else if (isObject(value) && typeof value.uid === 'string') refs.push({ path: here, ref: value.uid, form: 'uid' });
        // `null` means "the dashboard default" and an object without uid only names a type: nothing to resolve.
      }
      walk(value, here);
    }
  };
  walk(dashboard, '');
  return refs;
}

/** A template variable (`$ds`, `${ds}`) is resolved at view time, not against provisioning. */
function isVariable(ref: string): boolean {
  return ref.startsWith('$');
}

/**
 * The references that resolve to no provisioned datasource. Object references must name a uid; the
 * legacy string form may name a uid or a datasource name.
 */
export function unknownDatasourceRefs(dashboard: unknown, provisioned: ProvisionedDatasource[]): DatasourceRef[] {
  const uids = new Set(provisioned.map((d) => d.uid));
  const names = new Set(provisioned.map((d) => d.name));
  return collectDatasourceRefs(dashboard).filter(({ ref, form }) => {
    if (BUILT_IN.has(ref) || isVariable(ref)) return false;
    return !uids.has(ref) && (form === 'uid' || !names.has(ref));
  });
}
