/** What `finishLookups` returns: the rows, and the same rows as the core's result table. */
export interface LookupTable {
  /** One row per observable and provider, in the order the observables were given. */
  rows: LookupResult[];
  /** The rows as an Arrow IPC stream (`Ioc, IocType, SafeIoc, QuerySubtype, Provider, Result, Severity, Details, RawResult, Reference, Status`). */
  arrow: Uint8Array;
}
