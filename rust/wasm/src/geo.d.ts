/** What `GeoDatabase.lookup` returns: the rows, and the same rows as the core's result table. */
export interface GeoTable {
  /** One row per address, in the order given (blank entries skipped). */
  rows: GeoRow[];
  /** The rows as an Arrow IPC stream (`IpAddress, IpType, CountryCode, CountryOrRegionName, State, City, Latitude, Longitude, AccuracyRadius, TimeZone, Asn, AsnOrg, Network, Status, Message`). */
  arrow: Uint8Array;
}
