/**
 * The causation tree of a correlation: which event caused which. Audit and journal events point at
 * their cause through `causation_id` (an event id, or the id of a request or message outside the
 * stores); spans through their parent span. A cause that is not itself in the timeline becomes an
 * `external` root, so events caused by the same outside request stay together.
 */

/** A node of the tree. */
export interface CausationNode {
  /** Event id, `trace_id/span_id` for spans, or the outside id for `external` nodes. */
  id: string;
  kind: 'audit' | 'journal' | 'span' | 'external';
  /** Timestamp of the event (absent for external causes). */
  ts?: string;
  summary?: string;
  children: CausationNode[];
}

/** What the tree is built from: one item per timeline entry that can cause or be caused. */
export interface CausationInput {
  id: string;
  kind: 'audit' | 'journal' | 'span';
  ts: string;
  summary: string;
  /** Id of the cause, if any. */
  causeId: string | null;
}

/**
 * Builds the forest, children in input order (callers pass entries in time order). A cycle (a
 * corrupted or hostile causation id) cannot loop: an entry whose cause chain returns to itself is
 * made a root.
 */
export function buildCausationTree(inputs: readonly CausationInput[]): CausationNode[] {
  const nodes = new Map<string, CausationNode>();
  const byId = new Map<string, CausationInput>();
  for (const e of inputs) {
    if (nodes.has(e.id)) continue;
    nodes.set(e.id, { id: e.id, kind: e.kind, ts: e.ts, summary: e.summary, children: [] });
    byId.set(e.id, e);
  }
  const roots: CausationNode[] = [];
  const external = new Map<string, CausationNode>();
  const leadsBackTo = (start: string): boolean => {
    const seen = new Set<string>();
    let cur = byId.get(start)?.causeId ?? null;
    while (cur !== null && byId.has(cur)) {
      if (cur === start) return true;
      if (seen.has(cur)) return false;
      seen.add(cur);
      cur = byId.get(cur)?.causeId ?? null;
    }
    return false;
  };
  for (const e of byId.values()) {
    const node = nodes.get(e.id) as CausationNode;
    const cause = e.causeId;
    if (cause === null || cause === '' || cause === e.id || leadsBackTo(e.id)) {
      roots.push(node);
      continue;
    }
    const parent = nodes.get(cause);
    if (parent !== undefined) {
      parent.children.push(node);
      continue;
    }
    let ext = external.get(cause);
    if (ext === undefined) {
      ext = { id: cause, kind: 'external', children: [] };
      external.set(cause, ext);
      roots.push(ext);
    }
    ext.children.push(node);
  }
  return roots;
}
