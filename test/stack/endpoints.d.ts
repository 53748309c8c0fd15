/** Where each service of the running local stack listens; written by `npm run stack -- up`. */
export interface StackEndpoints {
    stackDir: string;
    kafka: {
        /** Bootstrap addresses of the mock cluster's brokers (host:port). */
        brokers: string[];
        /** Fault-injection control port of the mock cluster (see kafkaControl). */
        control: {
            host: string;
            port: number;
        };
        /** Topics created at start, with their partition counts. */
        topics: Record<string, number>;
    };
    postgres: {
        host: string;
        port: number;
        user: string;
        database: string;
        /** Unix socket folder, for psql -h. */
        socketDir: string;
        /** postgres://user@host:port/database (trust authentication, no password). */
        url: string;
    };
    clickhouse: {
        url: string;
        httpPort: number;
        tcpPort: number;
        user: string;
        database: string;
    };
    prometheus: {
        url: string;
        /** file_sd folder of the `hindsight-collector` job; see registerScrapeTarget. */
        targetsDir: string;
        job: string;
    };
    /** The port Prometheus scrapes for the collector by default. */
    collector: {
        metricsPort: number;
    };
    /** Pid of each component's server process. */
    pids: Record<string, number>;
}
/** Path of endpoints.json of the stack in HINDSIGHT_STACK_DIR (default `.stack/`). */
export declare const endpointsFile: (env?: NodeJS.ProcessEnv) => string;
/**
 * Reads the running local stack's endpoints. Throws an error naming `npm run stack -- up`
 * when the stack was never started or one of its components is no longer running.
 */
export declare function loadStackEndpoints(env?: NodeJS.ProcessEnv): StackEndpoints;
//# sourceMappingURL=endpoints.d.ts.map