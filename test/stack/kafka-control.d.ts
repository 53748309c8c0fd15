/** Raised when the mock cluster answers `error <why>`. */
export declare class KafkaControlError extends Error {
    readonly command: string;
    readonly reason: string;
    constructor(command: string, reason: string);
}
/**
 * Sends one fault-injection command to a mock cluster's control port and returns the text
 * after `ok` (often empty). Throws KafkaControlError on `error <why>`.
 */
export declare function sendKafkaControl(host: string, port: number, command: string, timeoutMs?: number): Promise<string>;
/**
 * Sends a command to the local stack's mock Kafka cluster, e.g. `broker_down 2`,
 * `push_errors Produce 3 NOT_LEADER_OR_FOLLOWER`, `rtt 1 200`, `create_topic t 4`.
 * See test/stack/README.md for the list.
 */
export declare function kafkaControl(command: string): Promise<string>;
//# sourceMappingURL=kafka-control.d.ts.map