//! The hash map for keys an analysis hashes millions of times (command
//! names, IoC values, id pairs): foldhash instead of std's SipHash, which
//! was most of fitting a session model and a tenth of an IoC scan. It is
//! seeded per map, so crafted input cannot choose collisions in advance.

/// A `HashMap` hashed with foldhash.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
