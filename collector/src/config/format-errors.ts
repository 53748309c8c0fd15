import type { ErrorObject } from 'ajv';

/** `/sinks/pg/batch/maxRecords` → `sinks.pg.batch.maxRecords` (JSON Pointer escapes undone). */
export function pointerToPath(pointer: string, prefix = ''): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return [prefix, ...parts].filter((p) => p !== '').join('.');
}

function describe(error: ErrorObject, prefix: string): { path: string; text: string } {
  const at = pointerToPath(error.instancePath, prefix);
  const join = (key: string): string => (at === '' ? key : `${at}.${key}`);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { path: join(String(params.additionalProperty)), text: 'unknown key' };
    case 'required':
      return { path: join(String(params.missingProperty)), text: 'is required' };
    case 'enum':
      return { path: at, text: `must be one of: ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'propertyNames':
      return { path: join(String(params.propertyName)), text: 'is not a valid name (lowercase letters, digits, _ and -, starting with a letter)' };
    default:
      return { path: at, text: error.message ?? 'is invalid' };
  }
}

/**
 * Turns Ajv errors into one line per problem, each starting with the key path, e.g.
 * `sinks.postgres.batch.maxRecords: must be >= 1`. `origins` maps a path to the environment variable
 * that set it, so an override's mistake names the variable too.
 */
export function formatConfigErrors(
  errors: readonly ErrorObject[],
  prefix = '',
  origins: ReadonlyMap<string, string> = new Map(),
): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    // A propertyNames failure also reports the inner `pattern` error against the same name; one is enough.
    if (error.keyword === 'pattern' && error.propertyName !== undefined) continue;
    const { path, text } = describe(error, prefix);
    const origin = [...origins.entries()].find(([p]) => path === p || path.startsWith(p + '.'));
    const line = `${path === '' ? '(config)' : path}: ${text}${origin ? ` (set by ${origin[1]})` : ''}`;
    if (!seen.has(line)) {
      seen.add(line);
      lines.push(line);
    }
  }
  return lines;
}
