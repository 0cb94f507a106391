/**
 * The IoC table's data logic, free of the DOM: type counts, filtering and
 * sorting. The view (`iocTable.ts`) only draws what these return.
 */
import type { IocSummary } from '../../pkg/huntkit_wasm.js';

/** A sortable column. */
export type IocSortKey = 'IoCType' | 'Observable' | 'Refanged' | 'Count' | 'FirstOffset';

/** Sort direction. */
export type SortDirection = 'asc' | 'desc';

/** How the table is sorted. */
export interface IocSort {
  key: IocSortKey;
  direction: SortDirection;
}

/** What the table shows. */
export interface IocFilter {
  /** Only this IoC type (`null`: every type). */
  type: string | null;
  /** Case-insensitive text that Type, Value or Refanged must contain. */
  text: string;
}

/** The columns: key, header and whether they hold numbers. */
export const IOC_TABLE_COLUMNS: ReadonlyArray<{
  key: IocSortKey;
  header: string;
  numeric: boolean;
}> = [
  { key: 'IoCType', header: 'Type', numeric: false },
  { key: 'Observable', header: 'Value', numeric: false },
  { key: 'Refanged', header: 'Refanged', numeric: false },
  { key: 'Count', header: 'Count', numeric: true },
  { key: 'FirstOffset', header: 'First offset', numeric: true }
];

/** Distinct IoCs per type, in first-seen order of `items`. */
export function countTypes(items: readonly IocSummary[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const item of items) {
    counts.set(item.IoCType, (counts.get(item.IoCType) ?? 0) + 1);
  }
  return [...counts.entries()];
}

/** The items that pass `filter`, in their original order. */
export function filterIocs(items: readonly IocSummary[], filter: IocFilter): IocSummary[] {
  const needle = filter.text.trim().toLowerCase();
  return items.filter(item => {
    if (filter.type !== null && item.IoCType !== filter.type) {
      return false;
    }
    if (!needle) {
      return true;
    }
    return (
      item.IoCType.toLowerCase().includes(needle) ||
      item.Observable.toLowerCase().includes(needle) ||
      item.Refanged.toLowerCase().includes(needle)
    );
  });
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** A sorted copy of `items`; ties keep the original order (first offset). */
export function sortIocs(items: readonly IocSummary[], sort: IocSort): IocSummary[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  const key = sort.key;
  const indexed = items.map((item, index) => ({ item, index }));
  indexed.sort((a, b) => {
    const x = a.item[key];
    const y = b.item[key];
    let order: number;
    if (typeof x === 'number' && typeof y === 'number') {
      order = x - y;
    } else {
      order = collator.compare(String(x), String(y));
    }
    return order !== 0 ? sign * order : a.index - b.index;
  });
  return indexed.map(entry => entry.item);
}

/** The sort after clicking `key`'s header: toggles, or starts a new column. */
export function nextSort(current: IocSort | null, key: IocSortKey): IocSort {
  if (current && current.key === key) {
    return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  }
  const numeric = IOC_TABLE_COLUMNS.find(column => column.key === key)?.numeric ?? false;
  // Numbers read best largest first; text A to Z.
  return { key, direction: numeric && key === 'Count' ? 'desc' : 'asc' };
}

/** Filter then sort (`sort` null: the engine's order). */
export function visibleIocs(
  items: readonly IocSummary[],
  filter: IocFilter,
  sort: IocSort | null
): IocSummary[] {
  const filtered = filterIocs(items, filter);
  return sort ? sortIocs(filtered, sort) : filtered;
}
