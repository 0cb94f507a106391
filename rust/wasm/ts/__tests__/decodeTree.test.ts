import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDecodeTree, flattenTree } from '../views/decodeTree.js';
import { decoded } from './fixtures.js';

describe('buildDecodeTree', () => {
  it('nests rows by parent and keeps sibling order', () => {
    const rows = [
      decoded('1.1', null),
      decoded('1.2', '1.1'),
      decoded('2.1', null),
      decoded('1.3', '1.2'),
      decoded('1.4', '1.1')
    ];
    const roots = buildDecodeTree(rows);
    assert.deepEqual(
      roots.map(n => n.item.reference),
      ['1.1', '2.1']
    );
    assert.deepEqual(
      roots[0].children.map(n => n.item.reference),
      ['1.2', '1.4']
    );
    assert.deepEqual(
      roots[0].children[0].children.map(n => n.item.reference),
      ['1.3']
    );
    assert.deepEqual(
      flattenTree(roots).map(n => n.item.reference),
      ['1.1', '1.2', '1.3', '1.4', '2.1']
    );
  });

  it('makes rows with a missing parent roots', () => {
    const roots = buildDecodeTree([decoded('3.2', '3.1')]);
    assert.equal(roots.length, 1);
    assert.equal(roots[0].item.reference, '3.2');
  });

  it('survives self-references and parent cycles, showing each row once', () => {
    const rows = [decoded('a', 'a'), decoded('b', 'c'), decoded('c', 'b')];
    const all = flattenTree(buildDecodeTree(rows)).map(n => n.item.reference);
    assert.deepEqual([...all].sort(), ['a', 'b', 'c']);
  });

  it('handles an empty result', () => {
    assert.deepEqual(buildDecodeTree([]), []);
  });
});
