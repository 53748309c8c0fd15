/**
 * The one Ajv instance of the contract, and the translation of its errors into violations that name
 * the field by its dotted path. Validators are compiled once, when this module loads.
 */
import { isIP } from 'node:net';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ContractViolation } from './types';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as typeof addFormatsModule;

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, verbose: true, strict: true });
addFormats(ajv, ['date-time']);
ajv.addFormat('ip', { type: 'string', validate: (value: string) => isIP(value) !== 0 });

/** Compiles `schema` on the shared instance; call at module load only. */
export function compile<T>(schema: object): ValidateFunction<T> {
  return ajv.compile<T>(schema);
}

/** `/actor/type` → `actor.type` (JSON Pointer unescaped, array indexes kept as segments). */
function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

const join = (base: string, key: string) => (base === '' ? key : `${base}.${key}`);

/** Builds a violation whose message starts with the path, so a joined list reads on its own. */
export function violation(path: string, text: string): ContractViolation {
  return { path, message: `${path === '' ? '(event)' : path}: ${text}` };
}

function describe(error: ErrorObject): { path: string; text: string } {
  const path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const hint = (error.parentSchema as { description?: string } | undefined)?.description;
  switch (error.keyword) {
    case 'required':
      return { path: join(path, String(params['missingProperty'])), text: 'is required' };
    case 'additionalProperties':
      return { path: join(path, String(params['additionalProperty'])), text: 'unknown field' };
    case 'enum':
      return { path, text: `must be one of ${(params['allowedValues'] as unknown[]).join(', ')}` };
    case 'const':
      return { path, text: `must be ${JSON.stringify(params['allowedValue'])}` };
    case 'type': {
      const t = params['type'];
      return { path, text: `must be ${Array.isArray(t) ? t.join(' or ') : String(t)}` };
    }
    case 'minLength':
      return { path, text: params['limit'] === 1 ? 'must not be empty' : `must be at least ${String(params['limit'])} characters` };
    case 'maxLength':
      return { path, text: `must be at most ${String(params['limit'])} characters` };
    case 'maxProperties':
      return { path, text: `must have at most ${String(params['limit'])} entries` };
    case 'pattern':
    case 'format':
      return { path, text: hint ? `must be ${hint}` : `must match ${String(params['pattern'] ?? params['format'])}` };
    default:
      return { path, text: error.message ?? `fails ${error.keyword}` };
  }
}

/**
 * Turns Ajv errors into violations. A string that fails both length and pattern reports once per path
 * and keyword; the first message for a path that is both too long and malformed is enough to act on.
 */
export function toViolations(errors: readonly ErrorObject[] | null | undefined): ContractViolation[] {
  const seen = new Set<string>();
  const out: ContractViolation[] = [];
  for (const error of errors ?? []) {
    const { path, text } = describe(error);
    const key = `${path}\u0000${text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(violation(path, text));
  }
  return out;
}
