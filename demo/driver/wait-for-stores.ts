/**
 * Polls the stores until they hold at least what the traffic is known to have produced (audit events
 * acknowledged, the run's journal events, a server span per response, a log per created order, RED
 * requests scraped by Prometheus) and the run's timeline has every kind. Prints what is still missing
 * every few seconds; on timeout, fails naming the stores that fell short.
 */
import type { Timeline } from '../../collector/src/api';
import { SERVICE_NAME } from './sample-service';
import { missing, type Expected, type StoreCounts, type StoreReader } from './store-counts';
import { fetchTimeline, timelineComplete } from './timeline';
import type { RunInfo, TrafficStats } from './traffic';
import { say } from './report';

export interface WaitInput {
  stores: StoreReader;
  api: { url: string; token: string } | undefined;
  run: RunInfo;
  stats: TrafficStats;
  since: Date;
  collectorTarget: string;
  serviceTarget: string;
  timeoutSeconds: number;
  workDir: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitForStores(input: WaitInput): Promise<{ counts: StoreCounts; timeline: Timeline }> {
  const want: Expected = {
    audit: input.stats.auditEvents + input.run.auditEvents,
    journal: input.run.journalEvents,
    runs: 1,
    spans: input.stats.responses + 1,
    logs: input.stats.ordersCreated,
  };
  const scope = { service: SERVICE_NAME, since: input.since, runIds: [input.run.runId], collectorTarget: input.collectorTarget, serviceTarget: input.serviceTarget };
  const deadline = Date.now() + input.timeoutSeconds * 1000;
  let lastReport = Date.now();
  let lastProblem = '';
  for (;;) {
    let problems: string[];
    let result: { counts: StoreCounts; timeline: Timeline } | undefined;
    try {
      const counts = await input.stores.counts(scope);
      problems = missing(counts, want);
      if (problems.length === 0) {
        const timeline = await fetchTimeline(input.run.correlationId, { api: input.api, stores: input.stores });
        if (timelineComplete(timeline, input.run.journalEvents)) result = { counts, timeline };
        else problems = [`timeline of ${input.run.correlationId}: audit ${timeline.counts.audit}, journal ${timeline.counts.journal}, spans ${timeline.counts.span}, logs ${timeline.counts.log}`];
      }
    } catch (err) {
      // A store that is briefly unavailable (or tables the collector is still creating) is retried.
      problems = [`query failed: ${err instanceof Error ? err.message : String(err)}`];
    }
    if (result !== undefined) return result;
    lastProblem = problems.join(', ');
    if (Date.now() > deadline) {
      throw new Error(
        `the stores did not receive everything within ${input.timeoutSeconds} s; still short: ${lastProblem}.\n` +
          `  Look at ${input.workDir}/collector.log (and service.log), or raise --wait-timeout.`,
      );
    }
    if (Date.now() - lastReport >= 3000) {
      say(`      waiting: ${lastProblem}`);
      lastReport = Date.now();
    }
    await sleep(500);
  }
}
