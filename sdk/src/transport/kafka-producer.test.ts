import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSRequestTimeoutError } from 'kafkajs';
import { isRetriable } from './kafka-producer';

// kafkajs's own wrapping: what a retrier rejects with when it gives up.
const gaveUp = (e: Error): Error => new KafkaJSNumberOfRetriesExceeded(e, { retryCount: 3, retryTime: 100 });
const refused = (e: Error): Error => Object.assign(new KafkaJSNonRetriableError(e), { cause: e });
const brokerAnswer = (type: string, retriable: boolean): Error => new KafkaJSProtocolError({ message: type, type, code: 0, retriable } as never);

test('what passes with time is retriable, however kafkajs wrapped it', () => {
  const connection = new KafkaJSConnectionError('Connection error: ECONNREFUSED');
  for (const e of [
    connection,
    gaveUp(connection),
    refused(gaveUp(connection)), // an exhausted connect retried inside the send's retrier
    gaveUp(new KafkaJSRequestTimeoutError('Request Produce(key: 0, version: 7) timed out')),
    gaveUp(brokerAnswer('NOT_LEADER_OR_FOLLOWER', true)),
    new KafkaJSNonRetriableError("Invalid state, can't transition from CONNECTED to PENDING"),
  ]) {
    assert.equal(isRetriable(e), true, `${e.name}: ${e.message}`);
  }
});

test("a broker's non-retriable answer and an encoding bug are not: retried, they would hold the lane forever", () => {
  for (const e of [
    refused(brokerAnswer('MESSAGE_TOO_LARGE', false)),
    refused(brokerAnswer('TOPIC_AUTHORIZATION_FAILED', false)),
    brokerAnswer('INVALID_RECORD', false),
    refused(new TypeError('Cannot read properties of undefined')),
    Object.assign(new Error('refused by policy'), { retriable: false }),
  ]) {
    assert.equal(isRetriable(e), false, `${e.name}: ${e.message} (cause ${String((e.cause as Error | undefined)?.message)})`);
  }
});
