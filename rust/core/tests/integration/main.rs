//! huntkit-core's integration tests, one binary with a module per topic:
//! one link instead of one per file keeps the build small and quick.

mod arrow_ipc;
mod bombs;
mod cluster;
mod fuzz_bodies;
mod fuzz_regressions;
mod geo;
mod golden;
mod hostile_tables;
mod lookup;
mod proctree;
mod queries;
mod sessions;
mod sessions_probabilities;
mod siem;
mod timeseries;
mod view;
