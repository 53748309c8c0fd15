import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The collector's own metrics. Names follow Prometheus conventions (`_total` counters, base units);
 * label values are bounded: topic, partition and sink come from config, `reason`/`error_type` are error
 * codes from docs/errors.md, `stage` is one of decode|write|dlq|commit.
 */
export class CollectorMetrics {
  readonly registry: Registry;
  readonly consumed: Counter<'topic'>;
  readonly written: Counter<'sink'>;
  readonly retries: Counter<'sink'>;
  readonly dlq: Counter<'topic' | 'reason'>;
  readonly componentErrors: Counter<'component' | 'error_type' | 'stage'>;
  readonly lag: Gauge<'topic' | 'partition'>;
  readonly batchSize: Histogram<'sink'>;
  readonly batchDuration: Histogram<'sink'>;
  readonly commits: Counter<'sink'>;
  readonly circuitOpen: Gauge<'sink'>;
  readonly offsetGapMessages: Counter<'topic' | 'partition'>;
  readonly offsetGaps: Counter<'topic'>;
  readonly consumerRestarts: Counter<'sink'>;
  readonly consumerStalls: Counter<'sink'>;

  constructor(registry: Registry = new Registry(), options: { defaultMetrics?: boolean } = {}) {
    this.registry = registry;
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'hindsight_collector_' });
    const registers = [registry];
    this.consumed = new Counter({ name: 'hindsight_consumer_messages_total', help: 'Kafka messages consumed, per topic.', labelNames: ['topic'], registers });
    this.written = new Counter({ name: 'hindsight_sink_records_written_total', help: 'Records durably written, per sink.', labelNames: ['sink'], registers });
    this.retries = new Counter({ name: 'hindsight_sink_write_retries_total', help: 'Batch writes retried after a transient failure, per sink.', labelNames: ['sink'], registers });
    this.dlq = new Counter({ name: 'hindsight_dlq_messages_total', help: 'Messages sent to the dead-letter topic, per source topic and error code.', labelNames: ['topic', 'reason'], registers });
    this.componentErrors = new Counter({
      name: 'hindsight_component_errors_total',
      help: 'Errors, per component (sink or source name), error code and pipeline stage.',
      labelNames: ['component', 'error_type', 'stage'],
      registers,
    });
    this.lag = new Gauge({ name: 'hindsight_consumer_lag', help: 'Messages between the last consumed offset and the high watermark, per partition.', labelNames: ['topic', 'partition'], registers });
    this.batchSize = new Histogram({
      name: 'hindsight_sink_batch_size',
      help: 'Records per sink write.',
      labelNames: ['sink'],
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
      registers,
    });
    this.batchDuration = new Histogram({
      name: 'hindsight_sink_batch_duration_seconds',
      help: 'Time to write one batch to a sink, retries included.',
      labelNames: ['sink'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.commits = new Counter({ name: 'hindsight_consumer_commits_total', help: 'Offset commits, per sink.', labelNames: ['sink'], registers });
    this.circuitOpen = new Gauge({ name: 'hindsight_sink_circuit_open', help: '1 while the sink circuit breaker is open.', labelNames: ['sink'], registers });
    this.offsetGapMessages = new Counter({
      name: 'hindsight_consumer_offset_gap_messages_total',
      help: 'Messages a consumer group skipped because Kafka no longer held them (offset out of range after retention deleted them), per partition.',
      labelNames: ['topic', 'partition'],
      registers,
    });
    this.offsetGaps = new Counter({
      name: 'hindsight_consumer_offset_gaps_total',
      help: 'Offset gaps detected (runs of skipped messages, see hindsight_consumer_offset_gap_messages_total), per topic.',
      labelNames: ['topic'],
      registers,
    });
    this.consumerRestarts = new Counter({
      name: 'hindsight_consumer_restarts_total',
      help: 'Consumers started again by the collector after an error kafkajs does not restart them for, per sink.',
      labelNames: ['sink'],
      registers,
    });
    this.consumerStalls = new Counter({
      name: 'hindsight_consumer_stalls_total',
      help: 'Consumers replaced after taking no batch for kafka.stallTimeoutMs while their partitions held unread messages, per sink.',
      labelNames: ['sink'],
      registers,
    });
  }
}
