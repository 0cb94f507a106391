//! Anomalous session scoring: MSTICPy's `anomalous_sequence` model.
//!
//! Sessions are lists of commands, optionally with parameter names and
//! values. A [`Model`] is fitted once (counts, Laplace smoothing,
//! probabilities) or built from given [`Probabilities`], and then scores any
//! number of sessions: likelihood, its geometric mean and the rarest window
//! of a given length. [`ScoredSessions`] keeps sessions encoded for
//! repeated scoring.

mod batch;
mod fit;
mod json;
mod model;
mod probabilities;
mod score;
mod sessionize;
mod tables;

use crate::fast_map::FastMap;

pub use batch::ScoredSessions;
pub use json::parse_session;
pub use model::{Cmd, Model, Session, SessionScore, SessionType};
pub use probabilities::Probabilities;
pub use score::{score_session_list, score_sessions};
pub use sessionize::{sessionize, sessions_frame, EventSession, SessionizeOptions};

/// The dummy command that opens every session.
pub const START_TOKEN: &str = "##START##";
/// The dummy command that closes every session.
pub const END_TOKEN: &str = "##END##";
/// The stand-in for any command, parameter or value not seen in training.
pub const UNK_TOKEN: &str = "##UNK##";
