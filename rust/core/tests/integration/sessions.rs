//! Anomalous session scoring against MSTICPy's published and computed values
//! (msticpy/analysis/anomalous_sequence, tests/analysis/test_anom_seq_*.py).

use huntkit_core::{Cmd, Model, ScoredSessions, Session, SessionType};

fn close(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-12 * b.abs().max(1e-300), "{a} != {b}");
}

fn cmds_only() -> Vec<Session> {
    vec![
        vec![Cmd::new("Set-User"), Cmd::new("Set-User")],
        vec![
            Cmd::new("Set-Mailbox"),
            Cmd::new("Set-User"),
            Cmd::new("Set-User"),
        ],
    ]
}

fn cmds_params() -> Vec<Session> {
    vec![
        vec![
            Cmd::with_params("Set-User", &["Identity"]),
            Cmd::with_params("Set-User", &["Identity", "City", "Name"]),
        ],
        vec![
            Cmd::with_params("Set-Mailbox", &["Identity"]),
            Cmd::with_params("Set-User", &["Identity", "City"]),
            Cmd::with_params("Set-User", &["Identity"]),
        ],
    ]
}

fn cmds_values() -> Vec<Session> {
    vec![
        vec![
            Cmd::with_values("Set-User", &[("Identity", "blahblah")]),
            Cmd::with_values(
                "Set-User",
                &[("Identity", "haha"), ("City", "york"), ("Name", "bob")],
            ),
        ],
        vec![
            Cmd::with_values("Set-Mailbox", &[("Identity", "blahblah")]),
            Cmd::with_values("Set-User", &[("Identity", "blahblah"), ("City", "london")]),
            Cmd::with_values("Set-User", &[("Identity", "haha")]),
        ],
    ]
}

#[test]
fn cmds_only_probabilities() {
    let m = Model::fit(&cmds_only()).unwrap();
    assert_eq!(m.session_type(), SessionType::CmdsOnly);
    close(m.prior("Set-User"), 0.2926829268292683);
    close(m.transition("Set-User", "Set-User"), 0.375);
    close(m.transition("##START##", "Set-Mailbox"), 1.0 / 3.0);
    close(m.transition("foo", "bar"), 0.25);
}

#[test]
fn cmds_only_scores() {
    let sessions = cmds_only();
    let m = Model::fit(&sessions).unwrap();
    let want_lik = [0.046875, 0.018750000000000003];
    let want_geo = [0.21650635094610965, 0.2656646422956528];
    let want_rare3 = [0.046875, 0.04115853658536585];
    let want_rare2_geo = [0.3312945782245396, 0.2963188789948769];
    for (i, s) in sessions.iter().enumerate() {
        let sc = m.score(s, 3, false, true);
        close(sc.likelihood, want_lik[i]);
        close(sc.geomean_likelihood, want_geo[i]);
        close(sc.rarest_window_likelihood, want_rare3[i]);
        assert_eq!(
            sc.rarest_window,
            vec![Cmd::new("Set-User"), Cmd::new("Set-User")]
        );
        close(
            m.score(s, 2, true, false).rarest_window_likelihood,
            want_rare2_geo[i],
        );
    }
}

#[test]
fn params_and_values_scores() {
    for (sessions, ty) in [
        (cmds_params(), SessionType::CmdsParamsOnly),
        (cmds_values(), SessionType::CmdsParamsValues),
    ] {
        let m = Model::fit(&sessions).unwrap();
        assert_eq!(m.session_type(), ty);
        let want_lik = [0.01163746997083396, 0.0030937024955351305];
        let want_geo = [0.10787710586975328, 0.14571117127634903];
        let want_rare3 = [0.01163746997083396, 0.008249873321427015];
        let want_rare2_geo = [0.16507183338053533, 0.14396699274032573];
        for (i, s) in sessions.iter().enumerate() {
            let sc = m.score(s, 3, false, true);
            close(sc.likelihood, want_lik[i]);
            close(sc.geomean_likelihood, want_geo[i]);
            close(sc.rarest_window_likelihood, want_rare3[i]);
            close(
                m.score(s, 2, true, false).rarest_window_likelihood,
                want_rare2_geo[i],
            );
        }
    }
}

/// Enough occurrences that `Identity` is modellable (2 values, 52 uses).
fn modellable_sessions() -> Vec<Session> {
    (0..30)
        .map(|i| {
            let second = ["Set-Mailbox", "Get-User", "Set-User"][i % 3];
            let city = format!("c{i}");
            vec![
                Cmd::with_values(
                    "Set-User",
                    &[("Identity", ["a", "b"][i % 2]), ("City", &city)],
                ),
                if i % 4 != 0 {
                    Cmd::with_values(second, &[("Identity", "a")])
                } else {
                    Cmd::with_values(second, &[("Name", "x")])
                },
            ]
        })
        .collect()
}

#[test]
fn modellable_values_match_msticpy() {
    let m = Model::fit(&modellable_sessions()).unwrap();
    let t = vec![
        Cmd::with_values("Set-User", &[("Identity", "a"), ("City", "zz")]),
        Cmd::with_values("Get-User", &[("Identity", "q")]),
        Cmd::with_values("New-Thing", &[("Foo", "1")]),
    ];
    close(m.likelihood(&t, true), 0.0005596738507764226);
    let w = m.window_likelihoods(&t, 2, false, true);
    let want = [
        0.04663948756470188,
        0.0019246867130426125,
        0.010588235294117648,
    ];
    assert_eq!(w.len(), 3);
    for (a, b) in w.iter().zip(want) {
        close(*a, b);
    }
    let w3 = m.window_likelihoods(&t, 3, true, false);
    assert_eq!(w3.len(), 1);
    close(w3[0], 0.0975837457898239);
    close(
        m.params_prob(&Cmd::with_values(
            "Set-User",
            &[("Identity", "b"), ("City", "c1")],
        )),
        0.6645375147252239,
    );
}

#[test]
fn short_and_empty_sessions() {
    let m = Model::fit(&cmds_only()).unwrap();
    let sc = m.score(&[Cmd::new("Set-User")], 3, false, true);
    assert!(sc.rarest_window_likelihood.is_nan());
    assert!(sc.rarest_window.is_empty());
    let sc = m.score(&[], 3, false, true);
    assert!(sc.likelihood.is_nan() && sc.geomean_likelihood.is_nan());
    assert!(Model::fit(&[]).is_err());
    // A model trained on empty sessions still scores.
    let m = Model::fit(&[vec![]]).unwrap();
    assert!(m.score(&[Cmd::new("x")], 2, false, true).likelihood > 0.0);
}

/// Fit once, score many: every one of 10k sessions gets a finite score.
/// (Speed is shown by the benchmark, not here.)
#[test]
fn scores_ten_thousand_sessions() {
    let sessions: Vec<Session> = (0..10_000)
        .map(|i| {
            (0..8)
                .map(|j| Cmd::new(&format!("cmd{}", (i * 7 + j * 3) % 50)))
                .collect()
        })
        .collect();
    let m = Model::fit(&sessions).unwrap();
    for s in &sessions {
        let score = m.score(s, 3, false, true);
        assert!(score.likelihood > 0.0 && score.likelihood.is_finite());
        assert!(score.rarest_window_likelihood > 0.0);
    }
}

#[derive(serde::Deserialize)]
struct MsticpyCase {
    kind: String,
    sessions: Vec<serde_json::Value>,
    likelihood: Vec<Option<f64>>,
    geomean_likelihood: Vec<Option<f64>>,
    rarest_window3: Vec<Vec<String>>,
    /// `None`: MSTICPy's NaN (a window longer than the session).
    rarest_window3_likelihood: Vec<Option<f64>>,
}

/// Random sessions of the three types, scored by MSTICPy itself
/// (`tests/golden/gen_sessions.py`): every score agrees to 1e-12.
#[test]
fn random_sessions_score_as_msticpy() {
    let cases: Vec<MsticpyCase> = serde_json::from_str(include_str!(
        "../../../../tests/golden/sessions_msticpy.json"
    ))
    .unwrap();
    assert_eq!(cases.len(), 3);
    for case in cases {
        let sessions: Vec<Session> = case
            .sessions
            .iter()
            .enumerate()
            .map(|(i, s)| huntkit_core::parse_session(&s.to_string(), "session", i).unwrap())
            .collect();
        let model = Model::fit(&sessions).unwrap();
        let scored = ScoredSessions::new(model.clone(), &sessions);
        assert_eq!(scored.len(), sessions.len());
        let batch = scored.rarest_window_likelihoods(3, false, true);
        let close = |what: &str, i: usize, got: f64, want: Option<f64>| match want {
            None => assert!(
                got.is_nan(),
                "{} session {i} {what}: {got} vs NaN",
                case.kind
            ),
            Some(want) => assert!(
                (got - want).abs() <= 1e-12 * want.abs().max(1e-300),
                "{} session {i} {what}: {got} vs MSTICPy {want}",
                case.kind
            ),
        };
        for (i, s) in sessions.iter().enumerate() {
            let score = model.score(s, 3, false, true);
            close("likelihood", i, score.likelihood, case.likelihood[i]);
            close(
                "geomean",
                i,
                score.geomean_likelihood,
                case.geomean_likelihood[i],
            );
            close(
                "rarest window",
                i,
                score.rarest_window_likelihood,
                case.rarest_window3_likelihood[i],
            );
            close(
                "encoded rarest window",
                i,
                batch[i],
                case.rarest_window3_likelihood[i],
            );
            let names: Vec<&str> = score
                .rarest_window
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            assert_eq!(names, case.rarest_window3[i], "{} session {i}", case.kind);
        }
    }
}

/// Encoded sessions score exactly as one session at a time, whatever the
/// window length and flags.
#[test]
fn encoded_sessions_score_as_single_ones() {
    let mut sessions = cmds_values();
    sessions.extend(modellable_sessions());
    sessions.push(vec![]);
    sessions.push(vec![
        Cmd::with_values("Set-User", &[("Identity", "a"), ("Identity", "b")]),
        Cmd::with_values("Nope", &[("Unseen", "1")]),
        Cmd::with_params("Set-User", &["City"]),
    ]);
    let model = Model::fit(&sessions).unwrap();
    let scored = ScoredSessions::new(model.clone(), &sessions);
    assert!(!scored.is_empty());
    for w in 1..5 {
        for (geo, tokens) in [(false, true), (true, false), (true, true), (false, false)] {
            let batch = scored.rarest_window_likelihoods(w, geo, tokens);
            for (s, got) in sessions.iter().zip(batch) {
                let want = model.score(s, w, geo, tokens).rarest_window_likelihood;
                assert!(
                    got == want || (got.is_nan() && want.is_nan()),
                    "window {w} geo {geo} tokens {tokens}: {got} vs {want}"
                );
            }
        }
    }
}
