import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countTypes, filterIocs, nextSort, sortIocs, visibleIocs } from '../views/iocModel.js';
import { SAMPLE_ITEMS, ioc } from './fixtures.js';

describe('countTypes', () => {
  it('counts distinct IoCs per type in first-seen order', () => {
    assert.deepEqual(countTypes(SAMPLE_ITEMS), [
      ['url', 1],
      ['dns', 2],
      ['ipv4', 1],
      ['md5_hash', 1],
      ['email', 1],
      ['cve', 1]
    ]);
  });
});

describe('filterIocs', () => {
  it('filters by type', () => {
    const rows = filterIocs(SAMPLE_ITEMS, { type: 'dns', text: '' });
    assert.deepEqual(
      rows.map(r => r.Refanged),
      ['evil.example.com', 'contoso.com']
    );
  });

  it('matches text case-insensitively in type, value and refanged value', () => {
    assert.deepEqual(
      filterIocs(SAMPLE_ITEMS, { type: null, text: 'CONTOSO' }).map(r => r.IoCType),
      ['email', 'dns']
    );
    // Only the refanged form has "evil.example".
    assert.deepEqual(
      filterIocs(SAMPLE_ITEMS, { type: null, text: 'evil.example' }).map(r => r.IoCType),
      ['url', 'dns']
    );
    assert.deepEqual(
      filterIocs(SAMPLE_ITEMS, { type: null, text: 'md5' }).map(r => r.IoCType),
      ['md5_hash']
    );
  });

  it('combines type and text', () => {
    assert.deepEqual(filterIocs(SAMPLE_ITEMS, { type: 'email', text: 'evil' }), []);
  });
});

describe('sortIocs', () => {
  it('sorts numbers numerically', () => {
    const items = [ioc('a', 'x', 10), ioc('a', 'y', 9), ioc('a', 'z', 100)];
    assert.deepEqual(
      sortIocs(items, { key: 'Count', direction: 'asc' }).map(r => r.Count),
      [9, 10, 100]
    );
    assert.deepEqual(
      sortIocs(items, { key: 'Count', direction: 'desc' }).map(r => r.Count),
      [100, 10, 9]
    );
  });

  it('sorts text naturally and keeps ties in their original order', () => {
    const items = [
      ioc('dns', 'b10.com'),
      ioc('dns', 'b9.com'),
      ioc('cve', 'A'),
      ioc('dns', 'a.com')
    ];
    assert.deepEqual(
      sortIocs(items, { key: 'Observable', direction: 'asc' }).map(r => r.Observable),
      ['A', 'a.com', 'b9.com', 'b10.com']
    );
    assert.deepEqual(
      sortIocs(items, { key: 'IoCType', direction: 'asc' }).map(r => r.Observable),
      ['A', 'b10.com', 'b9.com', 'a.com']
    );
  });

  it('does not change its input', () => {
    const items = [ioc('a', 'b'), ioc('a', 'a')];
    sortIocs(items, { key: 'Observable', direction: 'asc' });
    assert.deepEqual(
      items.map(r => r.Observable),
      ['b', 'a']
    );
  });

  it('sorts 100k rows quickly', () => {
    const items = Array.from({ length: 100_000 }, (_, i) =>
      ioc('ipv4', `10.0.${(i * 7919) % 256}.${i % 256}`, i % 13, i)
    );
    const start = performance.now();
    const sorted = visibleIocs(
      items,
      { type: null, text: '10.0.1' },
      { key: 'Observable', direction: 'desc' }
    );
    assert.ok(sorted.length > 0);
    assert.ok(performance.now() - start < 2000);
  });
});

describe('nextSort', () => {
  it('toggles the direction of the same column and starts others afresh', () => {
    const first = nextSort(null, 'Observable');
    assert.deepEqual(first, { key: 'Observable', direction: 'asc' });
    assert.deepEqual(nextSort(first, 'Observable'), { key: 'Observable', direction: 'desc' });
    assert.deepEqual(nextSort(first, 'Count'), { key: 'Count', direction: 'desc' });
    assert.deepEqual(nextSort(first, 'FirstOffset'), { key: 'FirstOffset', direction: 'asc' });
  });
});
