import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { capabilitiesFor, parseServerVersion } from './server-capabilities';

describe('server capabilities from version strings', () => {
  it('18.16 (the local stack) has none of the gated features', () => {
    const c = capabilitiesFor('18.16.1');
    assert.deepEqual(
      { queryParams: c.queryParams, ttl: c.ttl, lowCardinality: c.lowCardinality, dateTime64: c.dateTime64, mapType: c.mapType },
      { queryParams: false, ttl: false, lowCardinality: false, dateTime64: false, mapType: false },
    );
    assert.equal(c.version.major, 18);
  });

  it('a current release has all of them', () => {
    const c = capabilitiesFor('24.8.4.13');
    assert.ok(c.queryParams && c.ttl && c.lowCardinality && c.dateTime64 && c.mapType);
  });

  it('each feature switches on at its first release', () => {
    assert.equal(capabilitiesFor('19.2.0').lowCardinality, false);
    assert.equal(capabilitiesFor('19.3.4').lowCardinality, true);
    assert.equal(capabilitiesFor('19.5.1').ttl, false);
    assert.equal(capabilitiesFor('19.6.2').ttl, true);
    assert.equal(capabilitiesFor('19.10.1').queryParams, false);
    assert.equal(capabilitiesFor('19.11.3').queryParams, true);
    assert.equal(capabilitiesFor('19.17.1').dateTime64, false);
    assert.equal(capabilitiesFor('20.1.2').dateTime64, true);
    assert.equal(capabilitiesFor('21.7.1').mapType, false);
    assert.equal(capabilitiesFor('21.8.1').mapType, true);
  });

  it('parses versions with and without build numbers, refuses garbage', () => {
    assert.deepEqual(parseServerVersion(' 23.3.1.2823 '), { major: 23, minor: 3, patch: 1, text: '23.3.1.2823' });
    assert.deepEqual(parseServerVersion('18.16'), { major: 18, minor: 16, patch: 0, text: '18.16' });
    assert.throws(() => parseServerVersion('unknown'), TypeError);
  });
});
