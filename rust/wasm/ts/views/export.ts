/**
 * CSV and JSON export of view data. CSV cells are quoted as RFC 4180 says,
 * and text cells that a spreadsheet would run as a formula (`=`, `+`, `-`,
 * `@`, tab, carriage return first) get a leading `'` (OWASP's advice).
 */
import type { IocSummary } from '../../pkg/huntkit_wasm.js';

/** A cell value: text, number, boolean or nothing. */
export type Cell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV cell, guarded against formula injection and quoted if needed. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  let text = value;
  if (FORMULA_START.test(text)) {
    text = `'${text}`;
  }
  if (NEEDS_QUOTES.test(text) || text !== text.trim()) {
    return `"${text.replace(/"/g, '""')}"`;
  }
  return text;
}

/** A CSV document: a header row, then one row per record, CRLF line ends. */
export function toCsv<T>(
  records: readonly T[],
  columns: ReadonlyArray<{ header: string; value: (record: T) => Cell }>
): string {
  const lines = [columns.map(column => csvCell(column.header)).join(',')];
  for (const record of records) {
    lines.push(columns.map(column => csvCell(column.value(record))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The IoC table's columns, in display order, named as MSTICPy names them. */
export const IOC_COLUMNS: ReadonlyArray<{ header: string; value: (item: IocSummary) => Cell }> = [
  { header: 'IoCType', value: item => item.IoCType },
  { header: 'Observable', value: item => item.Observable },
  { header: 'Refanged', value: item => item.Refanged },
  { header: 'Count', value: item => item.Count },
  { header: 'FirstOffset', value: item => item.FirstOffset }
];

/** IoCs as CSV. */
export function iocsToCsv(items: readonly IocSummary[]): string {
  return toCsv(items, IOC_COLUMNS);
}

/** IoCs as a JSON array (pretty-printed). */
export function iocsToJson(items: readonly IocSummary[]): string {
  return `${JSON.stringify(
    items.map(item => ({
      IoCType: item.IoCType,
      Observable: item.Observable,
      Refanged: item.Refanged,
      Count: item.Count,
      FirstOffset: item.FirstOffset
    })),
    null,
    2
  )}\n`;
}
