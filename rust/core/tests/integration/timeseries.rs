//! STL components equal statsmodels' on the same series (vectors made once by
//! `tests/golden/gen_stl.py` with statsmodels and committed).

use huntkit_core::{decompose, StlOptions};

#[derive(serde::Deserialize)]
struct Case {
    name: String,
    period: usize,
    robust: bool,
    values: Vec<f64>,
    trend: Vec<f64>,
    seasonal: Vec<f64>,
    residual: Vec<f64>,
    weights: Vec<f64>,
}

fn assert_close(name: &str, what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{name} {what}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-9,
            "{name} {what}[{i}]: {g} vs statsmodels {w}"
        );
    }
}

#[test]
fn stl_equals_statsmodels() {
    let cases: Vec<Case> = serde_json::from_str(include_str!(
        "../../../../tests/golden/stl_statsmodels.json"
    ))
    .unwrap();
    assert_eq!(cases.len(), 3);
    for c in cases {
        let options = StlOptions {
            period: c.period,
            robust: c.robust,
            ..StlOptions::default()
        };
        let d = decompose(&c.values, &options).unwrap();
        assert_close(&c.name, "trend", &d.trend, &c.trend);
        assert_close(&c.name, "seasonal", &d.seasonal, &c.seasonal);
        assert_close(&c.name, "residual", &d.residual, &c.residual);
        assert_close(&c.name, "weights", &d.weights, &c.weights);
    }
}

#[derive(serde::Deserialize)]
struct Msticpy {
    values: Vec<f64>,
    score_threshold: f64,
    residual: Vec<f64>,
    trend: Vec<f64>,
    seasonal: Vec<f64>,
    baseline: Vec<f64>,
    score: Vec<f64>,
    anomalies: Vec<f64>,
}

/// `msticpy_compatible` reproduces MSTICPy's `ts_anomalies_stl` column for
/// column (integer truncation included).
#[test]
fn msticpy_compatible_mode_equals_msticpy() {
    let m: Msticpy =
        serde_json::from_str(include_str!("../../../../tests/golden/stl_msticpy.json")).unwrap();
    let options = huntkit_core::AnomalyOptions {
        score_threshold: m.score_threshold,
        msticpy_compatible: true,
        ..Default::default()
    };
    let rows = huntkit_core::anomalies(&m.values, &options).unwrap();
    let col = |f: fn(&huntkit_core::AnomalyRow) -> f64| rows.iter().map(f).collect::<Vec<_>>();
    assert_close("msticpy", "residual", &col(|r| r.residual), &m.residual);
    assert_close("msticpy", "trend", &col(|r| r.trend), &m.trend);
    assert_close("msticpy", "seasonal", &col(|r| r.seasonal), &m.seasonal);
    assert_close("msticpy", "baseline", &col(|r| r.baseline), &m.baseline);
    assert_close("msticpy", "score", &col(|r| r.score), &m.score);
    assert_close(
        "msticpy",
        "anomalies",
        &col(|r| r.anomalies as f64),
        &m.anomalies,
    );
    assert!(
        m.anomalies.iter().any(|&a| a != 0.0),
        "the case has an anomaly"
    );
}
