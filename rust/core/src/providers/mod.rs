//! Provider calls (threat intelligence, context, SIEM queries), sans-IO.
//!
//! The core builds every request and reads every answer; it never opens a
//! socket. A host performs the call: the Jupyter server extension, the VS Code
//! extension host, or the CLI. Because the page never holds a key and never
//! names a host, a request here carries a provider name, an operation and a
//! path relative to that provider's base URL; the host looks the provider up
//! in the [`registry`], checks the path against the operation's pattern, adds
//! the credentials from its own configuration and sends it.

pub mod http;
pub mod registry;
pub mod siem;
pub mod ti;

pub use http::{HttpRequest, HttpResponse, Method};
pub use registry::{
    provider, registry, Auth, BaseUrl, ListedBases, OperationDef, ProviderDef, ProviderKind,
    RateLimit,
};
