import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ClickHouseError, parseError } from '@clickhouse/client';
import { classifyFailure, describeFailure, serverError, toTransientError } from './clickhouse-errors';

// As the servers answer (18.16 on the local stack; the current format from 20.x on), through the client's own parser.
const OLD_REFUSAL = "Code: 6, e.displayText() = DB::Exception: Cannot parse string 'x' as UInt8: syntax error at begin of string., e.what() = DB::Exception\n";
const OLD_MISSING_TABLE = "Code: 60, e.displayText() = DB::Exception: Table hindsight.logs doesn't exist., e.what() = DB::Exception\n";
const CURRENT_REFUSAL = "Code: 6. DB::Exception: Cannot parse string 'x' as UInt8: syntax error at begin of string. (CANNOT_PARSE_TEXT) (version 24.8.4.13 (official build))\n";

describe('ClickHouse failures', () => {
  it('a refusal is a data error in the format of either server generation', () => {
    assert.ok(parseError(CURRENT_REFUSAL) instanceof ClickHouseError);
    assert.ok(!(parseError(OLD_REFUSAL) instanceof ClickHouseError), 'the client parses only the current format');
    for (const text of [OLD_REFUSAL, CURRENT_REFUSAL]) {
      assert.equal(serverError(parseError(text))?.code, '6');
      assert.equal(classifyFailure(parseError(text)), 'data');
    }
  });

  it('TOO_MANY_PARTS is a data error only when one insert covers too many partitions', () => {
    const tooManyPartitions = "Code: 252. DB::Exception: Too many partitions for single INSERT block (more than 100). The limit is controlled by 'max_partitions_per_insert_block' setting. (TOO_MANY_PARTS) (version 24.8.4.13 (official build))\n";
    const mergesBehind = 'Code: 252. DB::Exception: Too many parts (300 with average size of 1.00 MiB) in table \'hindsight.spans\'. Merges are processing significantly slower than inserts. (TOO_MANY_PARTS) (version 24.8.4.13 (official build))\n';
    assert.equal(classifyFailure(parseError(tooManyPartitions)), 'data');
    assert.equal(classifyFailure(parseError(mergesBehind)), 'transient');
  });

  it('anything else is transient: other server errors, sockets, unknown values', () => {
    assert.equal(serverError(parseError(OLD_MISSING_TABLE))?.code, '60');
    assert.equal(classifyFailure(parseError(OLD_MISSING_TABLE)), 'transient');
    const reset = Object.assign(new Error('Code: 6, e.displayText() = looks like a server'), { code: 'ECONNRESET' });
    assert.equal(serverError(reset), undefined);
    assert.equal(classifyFailure(reset), 'transient');
    assert.equal(classifyFailure(new Error('socket hang up')), 'transient');
    assert.equal(classifyFailure('Code: 6, e.displayText() = ?'), 'transient');
  });

  it('the pipeline sees a server error by its code, never by the text that may quote the data', () => {
    for (const text of [OLD_REFUSAL, CURRENT_REFUSAL]) {
      const wrapped = toTransientError(parseError(text), 'insert');
      assert.match(wrapped.message, /^ClickHouse insert failed: server error 6 \(/);
      assert.doesNotMatch(wrapped.message, /'x'/);
    }
    assert.equal(toTransientError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'start').message, 'ClickHouse start failed: ECONNREFUSED');
  });

  it('a failure shown to operators or logged names the server error by code and name, a socket error by its code', () => {
    assert.equal(describeFailure(parseError(CURRENT_REFUSAL)), 'server error 6 (CANNOT_PARSE_TEXT)');
    assert.equal(describeFailure(parseError(OLD_MISSING_TABLE)), 'server error 60 (unknown)');
    assert.equal(describeFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' })), 'ECONNREFUSED');
    assert.equal(describeFailure(new Error('Timeout error.')), 'Timeout error.');
    assert.equal(describeFailure('down'), 'down');
  });
});
