//! Query templates in MSTICPy's YAML format: loading and validation
//! ([`QueryStore`]), rendering with values escaped for the query language
//! ([`render`]), time expressions ([`parse_time`], [`TimeSpan`]) and the
//! LocalData provider that answers templates from local files
//! ([`LocalData`]).

mod escape;
mod local;
mod render;
mod store;
mod template;
mod time;
pub(crate) mod yaml;

pub use escape::QueryLanguage;
pub use local::{LocalData, LocalResult, LocalSource};
pub use render::{render, RenderedQuery, ADD_QUERY_ITEMS};
pub use store::{canonical_environment, LoadError, QueryFilter, QueryStore};
pub use template::{ParamType, Parameter, Template};
pub use time::{format_time, parse_period, parse_time, parse_time_value, TimeSpan};
