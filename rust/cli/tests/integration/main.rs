//! The CLI's integration tests, one binary with a module per topic: each
//! runs the built `huntkit` binary as a user would.

mod cli;
mod cluster;
mod config;
mod fixture_server;
mod geo;
mod graph;
mod queries;
mod query;
mod ti;
