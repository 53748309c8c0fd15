/**
 * Flat lists of the contract's field paths per event kind, derived from the schemas, so stores can
 * check that every field has a column (a test fails when the contract grows a field a store lacks).
 */
import { AuditEventSchema, JournalEventSchema } from './schema';

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
}

/** Dotted paths of the leaves of `schema`; free-form objects (details, pointers) count as leaves. */
export function fieldPaths(schema: SchemaNode, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (child.properties) out.push(...fieldPaths(child, path));
    else out.push(path);
  }
  return out;
}

/** Every field path of each event kind, e.g. `CONTRACT_FIELDS.audit` includes `actor.type`. */
export const CONTRACT_FIELDS: { readonly audit: readonly string[]; readonly journal: readonly string[] } = Object.freeze({
  audit: Object.freeze(fieldPaths(AuditEventSchema as SchemaNode)),
  journal: Object.freeze(fieldPaths(JournalEventSchema as SchemaNode)),
});
