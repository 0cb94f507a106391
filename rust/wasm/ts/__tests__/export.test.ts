import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCell, iocsToCsv, iocsToJson, toCsv } from '../views/export.js';
import { SAMPLE_ITEMS, ioc } from './fixtures.js';

describe('csvCell', () => {
  it('leaves plain text and numbers alone', () => {
    assert.equal(csvCell('evil.example.com'), 'evil.example.com');
    assert.equal(csvCell(42), '42');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(undefined), '');
  });

  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('line1\nline2'), '"line1\nline2"');
    assert.equal(csvCell('cr\rhere'), '"cr\rhere"');
  });

  it('guards cells a spreadsheet would run as formulas', () => {
    assert.equal(csvCell('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
    assert.equal(csvCell('+1+2'), "'+1+2");
    assert.equal(csvCell('-2+3'), "'-2+3");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('\tcmd'), "'\tcmd");
    // Numbers are never prefixed: they can't carry a formula.
    assert.equal(csvCell(-5), '-5');
  });
});

describe('toCsv', () => {
  it('writes a header row and CRLF line ends', () => {
    const csv = toCsv(
      [{ a: 'x,y', b: 1 }],
      [
        { header: 'A', value: (r: { a: string; b: number }) => r.a },
        { header: 'B', value: (r: { a: string; b: number }) => r.b }
      ]
    );
    assert.equal(csv, 'A,B\r\n"x,y",1\r\n');
  });
});

describe('iocsToCsv / iocsToJson', () => {
  it('exports every column in MSTICPy order', () => {
    const csv = iocsToCsv(SAMPLE_ITEMS.slice(0, 2));
    assert.equal(
      csv,
      'IoCType,Observable,Refanged,Count,FirstOffset\r\n' +
        'url,hxxps://evil[.]example[.]com/a.php,https://evil.example.com/a.php,1,10\r\n' +
        'dns,evil[.]example[.]com,evil.example.com,2,18\r\n'
    );
  });

  it('guards hostile values in the CSV', () => {
    const csv = iocsToCsv([ioc('custom', '=cmd|"/c calc"!A1')]);
    assert.match(csv, /"'=cmd\|""\/c calc""!A1"/);
  });

  it('round-trips through JSON', () => {
    const json = iocsToJson(SAMPLE_ITEMS);
    assert.deepEqual(JSON.parse(json), SAMPLE_ITEMS);
  });
});
