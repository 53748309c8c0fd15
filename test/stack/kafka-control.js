"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.KafkaControlError = void 0;
exports.sendKafkaControl = sendKafkaControl;
exports.kafkaControl = kafkaControl;
const node_net_1 = require("node:net");
const endpoints_1 = require("./endpoints");
/** Raised when the mock cluster answers `error <why>`. */
class KafkaControlError extends Error {
    command;
    reason;
    constructor(command, reason) {
        super(`mock Kafka control command "${command}" failed: ${reason}`);
        this.command = command;
        this.reason = reason;
        this.name = 'KafkaControlError';
    }
}
exports.KafkaControlError = KafkaControlError;
/**
 * Sends one fault-injection command to a mock cluster's control port and returns the text
 * after `ok` (often empty). Throws KafkaControlError on `error <why>`.
 */
function sendKafkaControl(host, port, command, timeoutMs = 5000) {
    if (command.includes('\n'))
        return Promise.reject(new Error('a control command is one line'));
    return new Promise((resolve, reject) => {
        const socket = (0, node_net_1.connect)({ host, port });
        let buf = '';
        const fail = (err) => {
            socket.destroy();
            reject(err);
        };
        socket.setTimeout(timeoutMs, () => fail(new Error(`mock Kafka control ${host}:${port} gave no answer to "${command}" within ${timeoutMs} ms`)));
        socket.on('error', (err) => fail(new Error(`cannot reach mock Kafka control ${host}:${port} (${err.message}); is the stack up? run \`npm run stack -- up\``)));
        socket.on('connect', () => socket.write(`${command}\n`));
        socket.on('data', (d) => {
            buf += d.toString();
            const nl = buf.indexOf('\n');
            if (nl < 0)
                return;
            const line = buf.slice(0, nl);
            socket.end();
            if (line === 'ok' || line.startsWith('ok '))
                resolve(line.slice(3));
            else
                reject(new KafkaControlError(command, line.replace(/^error\s*/, '')));
        });
    });
}
/**
 * Sends a command to the local stack's mock Kafka cluster, e.g. `broker_down 2`,
 * `push_errors Produce 3 NOT_LEADER_OR_FOLLOWER`, `rtt 1 200`, `create_topic t 4`.
 * See test/stack/README.md for the list.
 */
function kafkaControl(command) {
    const { kafka } = (0, endpoints_1.loadStackEndpoints)();
    return sendKafkaControl(kafka.control.host, kafka.control.port, command);
}
//# sourceMappingURL=kafka-control.js.map