/** Label value standing for everything past a cardinality cap. */
export const OVERFLOW = '__other__';

/** OTLP status codes as label values; anything unknown is UNSET. */
const STATUS = ['UNSET', 'OK', 'ERROR'] as const;

/** Normalizes an OTLP status code number to one of three label values. */
export function statusLabel(code: number): (typeof STATUS)[number] {
  return STATUS[code] ?? 'UNSET';
}

/**
 * Keeps `service` and `operation` label values bounded. Every series costs Prometheus memory for as
 * long as it exists, and span names are free text (an unrouted URL path can make one per request):
 * the first `maxServices` services and the first `maxOperationsPerService` operations of each keep
 * their names, later ones share `__other__`. First come, first kept, so an established series never
 * changes name.
 */
export class LabelBounder {
  private readonly operations = new Map<string, Set<string>>();

  constructor(private readonly limits: { maxServices: number; maxOperationsPerService: number; maxLabelLength: number }) {}

  /** The label values to count `service` / `operation` under. */
  bound(service: string, operation: string): { service: string; operation: string } {
    const svc = this.cut(service || 'unknown');
    let ops = this.operations.get(svc);
    if (!ops) {
      if (this.operations.size >= this.limits.maxServices) return { service: OVERFLOW, operation: OVERFLOW };
      ops = new Set();
      this.operations.set(svc, ops);
    }
    const op = this.cut(operation || 'unknown');
    if (!ops.has(op)) {
      if (ops.size >= this.limits.maxOperationsPerService) return { service: svc, operation: OVERFLOW };
      ops.add(op);
    }
    return { service: svc, operation: op };
  }

  private cut(value: string): string {
    return value.length > this.limits.maxLabelLength ? value.slice(0, this.limits.maxLabelLength) : value;
  }
}
