//! Anomalous session scoring: MSTICPy's `anomalous_sequence` model.
//!
//! Sessions are lists of commands, optionally with parameter names and
//! values. A [`Model`] is fitted once (counts, Laplace smoothing,
//! probabilities) and then scores any number of sessions: likelihood, its
//! geometric mean and the rarest window of a given length.

mod model;
mod score;
mod sessionize;

pub use model::{
    Cmd, Model, Session, SessionScore, SessionType, END_TOKEN, START_TOKEN, UNK_TOKEN,
};
pub use score::{parse_session, score_sessions};
pub use sessionize::{sessionize, sessions_frame, EventSession, SessionizeOptions};
