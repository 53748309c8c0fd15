import type { ClickHouseClient } from '@clickhouse/client';
import { bindQuery } from './bound-query';
import { cutoffDay } from './retention';
import type { ServerCapabilities } from './server-capabilities';
import { loadQuery } from './sql-files';
import { sqlUnsigned } from './sql-literal';

/**
 * Recomputes one day (YYYYMMDD, UTC) of `span_rollup_1m` from the deduplicated raw spans.
 *
 * The materialized view counts every inserted span, so a redelivered batch inflates that minute's
 * rollup while the raw table collapses the copies. Rebuilding a closed day restores agreement. The
 * current day is refused: spans inserted between the drop and the re-insert would be counted twice.
 * @throws RangeError for today or a future day, or a malformed day.
 */
export async function rebuildSpanRollup(
  client: ClickHouseClient,
  caps: ServerCapabilities,
  day: number,
  now: Date = new Date(),
): Promise<void> {
  if (!Number.isInteger(day) || !/^\d{8}$/.test(String(day))) throw new RangeError(`not a YYYYMMDD day: ${day}`);
  if (day >= cutoffDay(now, 0)) throw new RangeError(`day ${day} is not closed yet; only past days can be rebuilt`);
  await client.command({ query: `ALTER TABLE span_rollup_1m DROP PARTITION ${sqlUnsigned(day)}` });
  await client.command(bindQuery(loadQuery('rebuild-span-rollup'), { day }, caps));
}
