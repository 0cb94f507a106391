/**
 * A data set's colour comes from the bundle (data): only a plain CSS colour
 * is used (issue #16); anything that could load or inject falls back to the
 * palette, so it never reaches an SVG `fill`, a canvas or a style.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPlainColor, PALETTE, seriesColor } from '../chart/theme.js';

describe('data set colours', () => {
  it('keeps plain CSS colours', () => {
    for (const color of [
      '#f00',
      '#1976d2',
      '#1976d2cc',
      'red',
      'RebeccaPurple',
      'rgb(1, 2, 3)',
      'hsla(120 50% 50% / 0.5)',
      ' teal '
    ]) {
      assert.ok(isPlainColor(color), color);
    }
    assert.equal(seriesColor(0, ' teal '), 'teal');
  });

  it('drops colours that load, inject or break out', () => {
    for (const color of [
      'url(//xss.invalid/p.svg#g)',
      'red;background:url(//xss.invalid/c.png)',
      'red}body{background:url(//xss.invalid/d.png)}',
      'expression(window.__xss=1)',
      'var(--xss)',
      '"><script>window.__xss=1</script>',
      'rgb(1,2,3) url(x)',
      '',
      'a'.repeat(100)
    ]) {
      assert.equal(isPlainColor(color), false, color);
      assert.equal(seriesColor(1, color), PALETTE[1]);
    }
  });
});
