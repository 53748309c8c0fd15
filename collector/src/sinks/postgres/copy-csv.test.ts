import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { exampleJournalEvent, type JournalEvent } from '@hindsight/sdk/contract';
import { csvRows, csvValue } from './copy-csv';
import { JOURNAL_INSERT_COLUMNS, journalCsvLine, journalRow } from './rows';

test('csvValue: NULL is the bare empty field, every value is quoted, quotes doubled', () => {
  assert.equal(csvValue(null), '');
  assert.equal(csvValue(undefined), '');
  assert.equal(csvValue(''), '""', 'an empty string must stay distinct from NULL');
  assert.equal(csvValue('plain'), '"plain"');
  assert.equal(csvValue('say "hi", then\nleave'), '"say ""hi"", then\nleave"');
  // CSV mode gives backslash no meaning, so \N and \. are data, not NULL or end of data
  assert.equal(csvValue('\\N'), '"\\N"');
  assert.equal(csvValue('\\.'), '"\\."');
  assert.equal(csvValue(42), '"42"');
});

test('csvValue: objects as JSON text, buffers in bytea hex', () => {
  assert.equal(csvValue({ a: 'x"y', n: [1, null] }), '"{""a"":""x\\""y"",""n"":[1,null]}"');
  assert.equal(csvValue(Buffer.from([0, 0xab, 0xff])), '"\\x00abff"');
});

test('csvRows writes one line per row in column order', () => {
  const rows = [{ a: 'x', b: null, c: 1 }, { a: 'y,z', b: 'q', c: 2 }];
  assert.equal(csvRows(rows, ['c', 'a', 'b']), '"1","x",\n"2","y,z","q"\n');
});

test('journalCsvLine writes exactly what csvRows writes for journalRow, absent optionals as NULL', () => {
  const full = exampleJournalEvent();
  const bare: JournalEvent = { ...exampleJournalEvent(), summary: 'a "quoted", multi\nline \\N' };
  delete bare.run_id;
  delete bare.details;
  delete bare.pointers;
  delete bare.causation_id;
  delete bare.trace_id;
  delete bare.span_id;
  for (const e of [full, bare]) assert.equal(journalCsvLine(e), csvRows([journalRow(e)], JOURNAL_INSERT_COLUMNS));
});
