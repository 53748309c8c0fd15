/**
 * Pipeline health: is data flowing from Kafka into every store, and what is being lost or retried.
 * All panels read the collector's /metrics (collector/src/telemetry/collector-metrics.ts) and the
 * SDK's drop counter (sdk/src/pipeline/drop-counters.ts) from Prometheus.
 */
import { DS, UID, dashboard, type JsonObject, type PanelSpec } from './model';

const prom = (title: string, description: string, expr: string, legend: string, unit: string, w = 12): PanelSpec => ({
  type: 'timeseries',
  title,
  description,
  ds: DS.prometheus,
  queries: [{ query: expr, legend }],
  w,
  h: 8,
  unit,
});

const panels: PanelSpec[] = [
  {
    type: 'stat',
    title: 'Sink circuit breakers',
    description: 'Per sink: closed while writes succeed, open after repeated failures (writes paused, offsets not committed). Shows OPEN if it was open at any moment of the interval, so short outages are not missed.',
    ds: DS.prometheus,
    queries: [{ query: 'max by (sink) (max_over_time(hindsight_sink_circuit_open[$__rate_interval]))', legend: '{{sink}}' }],
    w: 24,
    h: 4,
    mappings: [
      { value: '0', text: 'closed', color: 'green' },
      { value: '1', text: 'OPEN', color: 'red' },
    ],
    options: { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'background', graphMode: 'none', textMode: 'value_and_name' },
  },
  prom('Ingest rate per topic', 'Kafka messages consumed per second, per topic (all consumer groups).',
    'sum by (topic) (rate(hindsight_consumer_messages_total[$__rate_interval]))', '{{topic}}', 'reqps'),
  prom('Consumer lag per topic', 'Messages between the last consumed offset and the high watermark, summed over partitions.',
    'sum by (topic) (hindsight_consumer_lag)', '{{topic}}', 'short'),
  prom('Dead-lettered messages', 'Messages sent to hindsight.dlq per source topic and error code (docs/errors.md).',
    'sum by (topic, reason) (increase(hindsight_dlq_messages_total[$__rate_interval]))', '{{topic}} {{reason}}', 'short'),
  prom('Sink write retries', 'Batch writes retried after a transient failure, per sink. Retried data is not lost.',
    'sum by (sink) (increase(hindsight_sink_write_retries_total[$__rate_interval]))', '{{sink}}', 'short'),
  prom('SDK drops by level', 'Telemetry the apps\' SDK shed or dropped, per level and kind. Audit is never shed.',
    'sum by (level, kind) (increase(hindsight_sdk_dropped_total[$__rate_interval]))', '{{kind}} {{level}}', 'short'),
  prom('Records written per sink', 'Records durably written per second, per sink.',
    'sum by (sink) (rate(hindsight_sink_records_written_total[$__rate_interval]))', '{{sink}}', 'reqps'),
  prom('Batch write latency p99', 'Time to write one batch, retries included, 99th percentile per sink.',
    'histogram_quantile(0.99, sum by (sink, le) (rate(hindsight_sink_batch_duration_seconds_bucket[$__rate_interval])))', '{{sink}}', 's'),
  prom('Errors by component', 'Errors per component, error code and stage (decode, write, dlq, commit).',
    'sum by (component, error_type, stage) (increase(hindsight_component_errors_total[$__rate_interval]))', '{{component}} {{stage}} {{error_type}}', 'short', 24),
];

export function pipelineHealthDashboard(): JsonObject {
  return dashboard({
    uid: UID.pipeline,
    title: 'Hindsight · Pipeline health',
    description: 'Collector throughput, lag, dead letters, retries, SDK drops and sink state.',
    tags: ['pipeline'],
    panels,
    links: [{ title: 'Service RED', type: 'link', url: `/d/${UID.red}`, keepTime: true }],
  });
}
