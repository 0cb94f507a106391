/** The DOM views both hosts share (plain DOM, text only). */
export { copyText, downloadText } from './clipboard.js';
export { buildDecodeTree, flattenTree, type DecodeNode } from './decodeTree.js';
export { DecodeView, type DecodeViewOptions } from './decodeView.js';
export {
  button,
  formatBytes,
  formatCount,
  h,
  preview,
  type DocumentLike,
  type ElementProps
} from './dom.js';
export { IOC_COLUMNS, csvCell, iocsToCsv, iocsToJson, toCsv, type Cell } from './export.js';
export {
  IOC_TABLE_COLUMNS,
  countTypes,
  filterIocs,
  nextSort,
  sortIocs,
  visibleIocs,
  type IocFilter,
  type IocSort,
  type IocSortKey,
  type SortDirection
} from './iocModel.js';
export { IocTableView, type IocTableViewOptions } from './iocTable.js';
export {
  LookupView,
  splitIocs,
  type LookupEngine,
  type LookupHost,
  type LookupHostProvider,
  type LookupRefusal,
  type LookupViewOptions
} from './lookupView.js';
export { StatusView, type ProgressUnit } from './status.js';
export {
  TIME_RANGE_PARAMETERS,
  defaultText,
  hasTimeRange,
  parameterValue,
  pythonTripleQuoted,
  queryCell,
  queryTree,
  type QueryCellInfo,
  type QueryEnvironmentNode,
  type QueryFamilyNode
} from './queryModel.js';
