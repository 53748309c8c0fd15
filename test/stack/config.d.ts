/** Repository root (test/stack is two levels below it). */
export declare const REPO_ROOT: string;
/** Ports of the stack's services, before the offset is applied. */
export interface StackPorts {
    postgres: number;
    clickhouseHttp: number;
    clickhouseTcp: number;
    prometheus: number;
    /** Loopback TCP port of the mock Kafka cluster's fault-injection server. */
    kafkaControl: number;
    /** Port the collector serves /metrics on; Prometheus scrapes it by default. */
    collectorMetrics: number;
}
/** Contents of test/stack/stack-config.json. */
export interface StackConfigFile {
    ports: StackPorts;
    kafka: {
        /** Number of mock brokers (ids 1..N; broker 1 is the controller). */
        brokers: number;
        /** npm package whose bundled librdkafka source builds the mock (pinned version). */
        librdkafkaPackage: string;
        /** Wait before the first rebalance of a new consumer group (Kafka's default is 3000). */
        groupInitialRebalanceDelayMs: number;
        topics: Record<string, number>;
    };
    postgres: {
        database: string;
        user: string;
    };
    prometheus: {
        scrapeIntervalSeconds: number;
        fileSdRefreshSeconds: number;
    };
}
/** The stack's configuration with environment overrides applied. */
export interface StackConfig extends StackConfigFile {
    /** Folder holding every component's data, logs and pid files. */
    stackDir: string;
    /** Folder for builds reused across clones (the librdkafka mock harness). */
    cacheDir: string;
    /** Value added to every configured port. */
    portOffset: number;
}
/** Folder of the stack: HINDSIGHT_STACK_DIR, else `.stack/` at the repository root. */
export declare function stackDir(env?: NodeJS.ProcessEnv): string;
/**
 * Reads stack-config.json and applies HINDSIGHT_STACK_DIR, HINDSIGHT_STACK_PORT_OFFSET
 * and HINDSIGHT_CACHE_DIR.
 */
export declare function loadStackConfig(env?: NodeJS.ProcessEnv): StackConfig;
//# sourceMappingURL=config.d.ts.map