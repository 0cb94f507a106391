//! MSTICPy's anomalous-sequence tests that set the probabilities by hand
//! (tests/analysis/test_anom_seq_cmds_only.py, _cmds_params_only.py,
//! _cmds_params_values.py): the same tables through
//! `Model::from_probabilities`, and their published values.

use std::collections::BTreeMap;

use huntkit_core::{Cmd, ErrorKind, Model, Probabilities, SessionType, UNK_TOKEN};

const START: &str = "##START##";
const END: &str = "##END##";
const UNK: &str = UNK_TOKEN;
const SU: &str = "Set-User";

fn close(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-12 * b.abs(), "{a} != {b}");
}

fn row(entries: &[(&str, f64)]) -> BTreeMap<String, f64> {
    entries.iter().map(|(k, p)| (k.to_string(), *p)).collect()
}

fn rows(entries: &[(&str, &[(&str, f64)])]) -> BTreeMap<String, BTreeMap<String, f64>> {
    entries
        .iter()
        .map(|(k, r)| (k.to_string(), row(r)))
        .collect()
}

/// `TestCmdsOnly.setUp`.
fn cmds_only() -> Model {
    let third = 0.3333333333333333;
    let probs = Probabilities {
        prior: row(&[
            (START, 0.19047619047619047),
            (SU, third),
            (END, 0.19047619047619047),
            (UNK, 0.2857142857142857),
        ]),
        transition: rows(&[
            (START, &[(SU, 0.5), (END, 0.25), (UNK, 0.25)]),
            (SU, &[(END, 0.5), (SU, 0.25), (UNK, 0.25)]),
            (UNK, &[(SU, third), (END, third), (UNK, third)]),
        ]),
        ..Probabilities::default()
    };
    Model::from_probabilities(&probs).unwrap()
}

/// `data3` of the params tests: two `Set-User`s, one with `City`.
fn data3(modellable: &[&str]) -> Probabilities {
    let third = 1.0 / 3.0;
    Probabilities {
        prior: row(&[
            (START, 0.18181818181818182),
            (END, 0.18181818181818182),
            (UNK, 0.2727272727272727),
            (SU, 0.36363636363636365),
        ]),
        transition: rows(&[
            (START, &[(END, 0.25), (UNK, 0.25), (SU, 0.5)]),
            (UNK, &[(END, third), (UNK, third), (SU, third)]),
            (SU, &[(END, 0.4), (UNK, 0.2), (SU, 0.4)]),
        ]),
        param_cond_cmd: rows(&[
            (START, &[(UNK, 0.25)]),
            (END, &[(UNK, 0.25)]),
            (UNK, &[(UNK, 0.16666666666666666)]),
            (SU, &[("City", 0.25), ("Identity", 0.375), (UNK, 0.125)]),
        ]),
        value_cond_param: rows(&[
            (
                "City",
                &[("york", 0.6666666666666666), (UNK, 0.3333333333333333)],
            ),
            ("Identity", &[("blah", 0.75), (UNK, 0.25)]),
            (UNK, &[(UNK, 1.0)]),
        ]),
        modellable_params: modellable.iter().map(|p| p.to_string()).collect(),
    }
}

fn params_model() -> Model {
    let mut probs = data3(&[]);
    probs.value_cond_param.clear();
    Model::from_probabilities(&probs).unwrap()
}

fn values_model(modellable: &[&str]) -> Model {
    Model::from_probabilities(&data3(modellable)).unwrap()
}

fn names(window: &[Cmd]) -> Vec<&str> {
    window.iter().map(|c| c.name.as_str()).collect()
}

#[test]
fn cmds_only_window_likelihood() {
    let m = cmds_only();
    assert_eq!(m.session_type(), SessionType::CmdsOnly);
    let su = [Cmd::new(SU)];
    assert!(m.window_likelihood(&[], false, false).is_nan());
    assert_eq!(m.window_likelihood(&su, false, false), 1.0 / 3.0);
    assert_eq!(m.window_likelihood(&su, true, false), 0.5);
    assert_eq!(m.window_likelihood(&su, false, true), (1.0 / 3.0) * 0.5);
    assert_eq!(m.window_likelihood(&su, true, true), 0.5 * 0.5);
    // An unseen command takes the prior of UNK.
    assert_eq!(
        m.window_likelihood(&[Cmd::new("dfre")], false, false),
        0.2857142857142857
    );
}

#[test]
fn cmds_only_windows_in_session() {
    let m = cmds_only();
    assert_eq!(
        m.window_likelihoods(&[], 1, false, false),
        Vec::<f64>::new()
    );
    assert_eq!(m.window_likelihoods(&[], 1, false, true), vec![0.25]);
    let s: Vec<Cmd> = [SU, "dfgg", SU, SU].into_iter().map(Cmd::new).collect();
    let plain = m.window_likelihoods(&s, 4, false, false);
    assert_eq!(plain.len(), 1);
    let geo = m.window_likelihoods(&s, 4, true, false);
    assert_eq!(geo, vec![plain[0].powf(1.0 / 4.0)]);
    // prior(SU) · trans(SU→UNK) · trans(UNK→SU) · trans(SU→SU).
    close(plain[0], (1.0 / 3.0) * 0.25 * (1.0 / 3.0) * 0.25);
    assert_eq!(m.window_likelihoods(&s, 4, false, true).len(), 2);
    assert!(m.window_likelihoods(&s, 5, false, false).is_empty());
    assert_eq!(m.window_likelihoods(&s, 5, false, true).len(), 1);
}

#[test]
fn cmds_only_rarest_window() {
    let m = cmds_only();
    let sc = m.score(&[], 1, false, false);
    assert!(sc.rarest_window.is_empty() && sc.rarest_window_likelihood.is_nan());
    let sc = m.score(&[], 1, false, true);
    assert!(sc.rarest_window.is_empty());
    assert_eq!(sc.rarest_window_likelihood, 0.25);
    let s = [Cmd::new(SU), Cmd::new(SU)];
    let sc = m.score(&s, 3, false, false);
    assert!(sc.rarest_window.is_empty() && sc.rarest_window_likelihood.is_nan());
    let sc = m.score(&s, 3, false, true);
    assert_eq!(names(&sc.rarest_window), [SU, SU]);
    assert_eq!(sc.rarest_window_likelihood, 0.0625);
}

#[test]
fn params_factor() {
    let m = params_model();
    assert_eq!(m.session_type(), SessionType::CmdsParamsOnly);
    assert_eq!(m.param_factor(&Cmd::new(SU), false), 1.0);
    let id = Cmd::with_params(SU, &["Identity"]);
    // City absent, Identity present, UNK absent: 0.75 · 0.375 · 0.875.
    assert_eq!(m.param_factor(&id, false), 0.24609375);
    close(m.param_factor(&id, true), 0.6266622418705731);
    assert_eq!(m.params_prob(&id), m.param_factor(&id, true));
}

#[test]
fn params_window_likelihood() {
    let m = params_model();
    let w = [Cmd::with_params(SU, &["Identity"])];
    assert!(m.window_likelihood(&[], false, false).is_nan());
    close(m.window_likelihood(&w, false, false), 0.22787717886202657);
    close(m.window_likelihood(&w, true, false), 0.31333112093528653);
    close(m.window_likelihood(&w, false, true), 0.09115087154481064);
}

#[test]
fn params_windows_and_rarest() {
    let m = params_model();
    assert!(m.window_likelihoods(&[], 1, false, false).is_empty());
    assert_eq!(m.window_likelihoods(&[], 1, false, true), vec![0.25]);
    let w = m.window_likelihoods(&[Cmd::with_params(SU, &["Identity"])], 1, false, false);
    assert_eq!(w.len(), 1);
    close(w[0], 0.22787717886202657);

    let sc = m.score(&[], 1, false, false);
    assert!(sc.rarest_window.is_empty() && sc.rarest_window_likelihood.is_nan());
    let sc = m.score(&[], 1, false, true);
    assert!(sc.rarest_window.is_empty());
    assert_eq!(sc.rarest_window_likelihood, 0.25);
    let s = [Cmd::with_params(SU, &["City"]), Cmd::new("drfjh")];
    let sc = m.score(&s, 3, false, false);
    assert!(sc.rarest_window.is_empty() && sc.rarest_window_likelihood.is_nan());
    let sc = m.score(&s, 3, false, true);
    assert_eq!(sc.rarest_window.len(), 2);
    assert!(!sc.rarest_window_likelihood.is_nan());
}

#[test]
fn values_factor() {
    let blah = Cmd::with_values(SU, &[("Identity", "blah")]);
    let m = values_model(&[]);
    assert_eq!(m.param_factor(&Cmd::new(SU), false), 1.0);
    // No modellable param: values are ignored.
    assert_eq!(m.param_factor(&blah, false), 0.24609375);
    let m = values_model(&["Identity"]);
    assert_eq!(m.session_type(), SessionType::CmdsParamsValues);
    // Times P(blah | Identity) = 0.75.
    assert_eq!(m.param_factor(&blah, false), 0.1845703125);
}

#[test]
fn values_window_likelihood() {
    let w = [Cmd::with_values(SU, &[("Identity", "blah")])];
    let m = values_model(&[]);
    assert!(m.window_likelihood(&[], false, false).is_nan());
    close(m.window_likelihood(&w, false, false), 0.22787717886202657);
    close(m.window_likelihood(&w, true, false), 0.31333112093528653);
    close(m.window_likelihood(&w, false, true), 0.09115087154481064);
    // The value counts once more in the geometric mean: k = 4.
    let m = values_model(&["Identity"]);
    close(m.window_likelihood(&w, false, false), 0.23834594522854924);
}

#[test]
fn values_windows_and_rarest() {
    let m = values_model(&[]);
    assert!(m.window_likelihoods(&[], 1, false, false).is_empty());
    assert_eq!(m.window_likelihoods(&[], 1, false, true), vec![0.25]);
    let s = [Cmd::with_values(SU, &[("Identity", "blah")])];
    let w = m.window_likelihoods(&s, 1, false, false);
    assert_eq!(w.len(), 1);
    close(w[0], 0.22787717886202657);

    let sc = m.score(&[], 1, false, true);
    assert!(sc.rarest_window.is_empty());
    assert_eq!(sc.rarest_window_likelihood, 0.25);
    let s = [Cmd::with_values(SU, &[("City", "york")]), Cmd::new("drfjh")];
    let sc = m.score(&s, 3, false, false);
    assert!(sc.rarest_window.is_empty() && sc.rarest_window_likelihood.is_nan());
    let sc = m.score(&s, 3, false, true);
    assert_eq!(sc.rarest_window.len(), 2);
    assert!(!sc.rarest_window_likelihood.is_nan());
}

/// The hand-set `data3` tables are what fitting `data3`'s one session
/// gives: fitted and hand-set models score alike.
#[test]
fn fitted_data3_matches_its_hand_set_tables() {
    let session = vec![
        Cmd::with_values(SU, &[("City", "york"), ("Identity", "blah")]),
        Cmd::with_values(SU, &[("Identity", "blah")]),
    ];
    let modellable = ["Identity".to_string()].into();
    let fitted = Model::fit_with(std::slice::from_ref(&session), Some(&modellable)).unwrap();
    let hand = values_model(&["Identity"]);
    let probe = [
        Cmd::with_values(SU, &[("Identity", "blah")]),
        Cmd::with_values(SU, &[("City", "paris"), ("Identity", "zz")]),
        Cmd::new("Get-User"),
        Cmd::with_values(SU, &[("Foo", "1")]),
    ];
    for name in [START, END, UNK, SU, "Get-User"] {
        close(fitted.prior(name), hand.prior(name));
        for next in [END, UNK, SU, "Get-User"] {
            close(fitted.transition(name, next), hand.transition(name, next));
        }
    }
    for c in &probe {
        close(fitted.param_factor(c, false), hand.param_factor(c, false));
    }
    for s in [&session[..], &probe[..]] {
        close(fitted.likelihood(s, true), hand.likelihood(s, true));
        let (a, b) = (
            fitted.score(s, 2, false, true),
            hand.score(s, 2, false, true),
        );
        close(a.rarest_window_likelihood, b.rarest_window_likelihood);
        assert_eq!(a.rarest_window, b.rarest_window);
    }
}

#[test]
fn bad_probabilities_are_refused() {
    let refused = |p: &Probabilities| {
        let e = Model::from_probabilities(p).unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::InvalidOption { .. }), "{e:?}");
        e.to_string()
    };
    let mut p = data3(&["Identity"]);
    p.prior.insert(SU.into(), 1.5);
    assert!(refused(&p).contains("Set-User"));
    let mut p = data3(&[]);
    p.transition.get_mut(SU).unwrap().insert(END.into(), -0.1);
    refused(&p);
    let mut p = data3(&[]);
    p.param_cond_cmd
        .get_mut(SU)
        .unwrap()
        .insert("City".into(), f64::NAN);
    refused(&p);
    let mut p = data3(&[]);
    p.value_cond_param
        .get_mut("City")
        .unwrap()
        .insert("york".into(), f64::INFINITY);
    refused(&p);
    // Every map and row needs its UNK fallback.
    let mut p = data3(&[]);
    p.prior.remove(UNK);
    refused(&p);
    let mut p = data3(&[]);
    p.transition.get_mut(SU).unwrap().remove(UNK);
    refused(&p);
    let mut p = data3(&[]);
    p.param_cond_cmd.remove(UNK);
    refused(&p);
    // Modelled values need value probabilities.
    let mut p = data3(&["Identity"]);
    p.value_cond_param.clear();
    refused(&p);
    assert!(Model::from_probabilities(&Probabilities::default()).is_err());
    // Edges of [0, 1] are fine.
    let mut p = data3(&["Identity"]);
    p.value_cond_param
        .insert("Identity".into(), BTreeMap::from([(UNK.to_string(), 1.0)]));
    p.prior.insert("Zero".into(), 0.0);
    assert!(Model::from_probabilities(&p).is_ok());
}
