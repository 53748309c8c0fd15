import { connect } from 'node:net';
import { loadStackEndpoints } from './endpoints';

/** Raised when the mock cluster answers `error <why>`. */
export class KafkaControlError extends Error {
  constructor(
    readonly command: string,
    readonly reason: string,
  ) {
    super(`mock Kafka control command "${command}" failed: ${reason}`);
    this.name = 'KafkaControlError';
  }
}

/**
 * Sends one fault-injection command to a mock cluster's control port and returns the text
 * after `ok` (often empty). Throws KafkaControlError on `error <why>`.
 */
export function sendKafkaControl(host: string, port: number, command: string, timeoutMs = 5000): Promise<string> {
  if (command.includes('\n')) return Promise.reject(new Error('a control command is one line'));
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let buf = '';
    const fail = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () =>
      fail(new Error(`mock Kafka control ${host}:${port} gave no answer to "${command}" within ${timeoutMs} ms`)),
    );
    socket.on('error', (err) =>
      fail(new Error(`cannot reach mock Kafka control ${host}:${port} (${err.message}); is the stack up? run \`npm run stack -- up\``)),
    );
    socket.on('connect', () => socket.write(`${command}\n`));
    socket.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const line = buf.slice(0, nl);
      socket.end();
      if (line === 'ok' || line.startsWith('ok ')) resolve(line.slice(3));
      else reject(new KafkaControlError(command, line.replace(/^error\s*/, '')));
    });
  });
}

/**
 * Sends a command to the local stack's mock Kafka cluster, e.g. `broker_down 2`,
 * `push_errors Produce 3 NOT_LEADER_OR_FOLLOWER`, `rtt 1 200`, `create_topic t 4`.
 * See test/stack/README.md for the list.
 */
export function kafkaControl(command: string): Promise<string> {
  const { kafka } = loadStackEndpoints();
  return sendKafkaControl(kafka.control.host, kafka.control.port, command);
}
