//! TypeScript shapes of the options and results that cross the boundary.
//!
//! Generated from the core (`gen_contract`): the view contract's types
//! (view options, process-tree schemas) in `contract.d.ts`, the core's
//! options and results in `api.d.ts`. Written here, in `types.d.ts`: only
//! the shapes the facade itself makes (typed arrays, handles). All three
//! are emitted into the module's `.d.ts`; the tests below serialize real
//! values and compare their keys with the declarations, so neither a
//! generator bug nor a hand-written shape can drift silently.

use wasm_bindgen::prelude::*;

/// The shapes, kept as a `.d.ts` file so editors check its syntax.
#[wasm_bindgen(typescript_custom_section)]
const TS_SECTION: &'static str = include_str!("types.d.ts");

/// The view contract's types, generated from the core (`gen_contract`).
#[wasm_bindgen(typescript_custom_section)]
const CONTRACT_SECTION: &'static str = include_str!("contract.d.ts");

/// The core's options and results, generated from the core (`gen_contract`).
#[wasm_bindgen(typescript_custom_section)]
const API_SECTION: &'static str = include_str!("api.d.ts");

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::ts_drift::keys;
    use huntkit_core::{
        decode_text, DecodeOptions, Extractor, IocOptions, IocScanner, ProcTreeSummary,
        TimeseriesOptions,
    };

    const TS_TYPES: &str = concat!(include_str!("types.d.ts"), include_str!("api.d.ts"));

    fn ts_fields(name: &str) -> BTreeSet<String> {
        crate::ts_drift::ts_fields(TS_TYPES, name)
    }

    #[test]
    fn ioc_types_match_the_core() {
        assert_eq!(ts_fields("IocOptions"), keys(&IocOptions::default()));
        let mut scanner = IocScanner::new(Extractor::new(&IocOptions::default(), false).unwrap());
        scanner.push("evil.com");
        let result = scanner.finish();
        assert_eq!(ts_fields("IocTextResult"), keys(&result));
        assert_eq!(ts_fields("IocSummary"), keys(&result.items[0]));
    }

    #[test]
    fn decode_types_match_the_core() {
        assert_eq!(ts_fields("DecodeOptions"), keys(&DecodeOptions::default()));
        // base64 of "Write-Output 'hello from a base64 payload'"
        let text = "run V3JpdGUtT3V0cHV0ICdoZWxsbyBmcm9tIGEgYmFzZTY0IHBheWxvYWQn now";
        let result = decode_text(text, &DecodeOptions::default());
        assert_eq!(ts_fields("DecodeResult"), keys(&result));
        assert_eq!(ts_fields("DecodedItem"), keys(&result.rows[0]));
    }

    #[test]
    fn timeseries_types_match_the_core() {
        assert_eq!(
            ts_fields("TimeseriesOptions"),
            keys(&TimeseriesOptions::default())
        );
    }

    #[test]
    fn cluster_types_match_the_core() {
        use huntkit_core::cluster::{ClusterOptions, OutlierOptions};
        assert_eq!(
            ts_fields("ClusterOptions"),
            keys(&ClusterOptions::default())
        );
        assert_eq!(
            ts_fields("OutlierOptions"),
            keys(&OutlierOptions::default())
        );
    }

    #[test]
    fn session_types_match_the_facade() {
        let defaults = crate::sessions::SessionOptions::default();
        assert_eq!(ts_fields("SessionOptions"), keys(&defaults));
    }

    #[test]
    fn view_types_match_the_core() {
        use huntkit_core::view::{Chart, DataSet, ViewKind, ViewOptions, Viewport};
        let csv = b"TimeGenerated,host\n2024-01-01T00:00:00Z,a\n";
        let table = huntkit_core::Table::read(csv, huntkit_core::TableFormat::Csv).unwrap();
        let ds = DataSet {
            label: "d".into(),
            table,
            time_column: None,
            color: None,
        };
        let mut chart = Chart::new(ViewKind::Timeline, vec![ds], &ViewOptions::default()).unwrap();
        assert_eq!(ts_fields("ChartInfo"), keys(chart.info()));
        assert_eq!(ts_fields("SeriesInfo"), keys(&chart.info().series[0]));
        assert_eq!(ts_fields("DataSetInfo"), keys(&chart.info().datasets[0]));
        let [x0, x1] = chart.info().x_domain;
        let layout = chart.layout(Viewport {
            x0,
            x1,
            width: 100.0,
            height: 50.0,
        });
        assert_eq!(ts_fields("Tick"), keys(&layout.x_ticks[0]));
    }

    #[test]
    fn proctree_types_match_the_core() {
        assert_eq!(
            ts_fields("ProcTreeSummary"),
            keys(&ProcTreeSummary::default())
        );
    }

    #[test]
    fn proctree_view_types_match_the_core() {
        use huntkit_core::{read_table, TableFormat, TreeView, TreeViewOptions};
        let options = TreeViewOptions {
            legend_col: Some("user".into()),
            ..TreeViewOptions::default()
        };
        let csv = b"t,name,pid,ppid,user\n2024-01-01T00:00:00Z,cmd.exe,2,1,alice\n";
        let table = read_table(csv, TableFormat::Csv).unwrap();
        let mapping = huntkit_core::ProcSchema {
            user_name: Some("user".into()),
            ..huntkit_core::ProcSchema::new("t", "name", "pid", "ppid")
        };
        let options = TreeViewOptions {
            mapping: Some(mapping),
            ..options
        };
        let view = TreeView::new(table, &options).unwrap();
        let row = &view.rows(0, 1)[0];
        assert_eq!(ts_fields("ProcTreeRow"), keys(row));
        let details = view.details(row.node).unwrap();
        assert_eq!(ts_fields("ProcTreeDetails"), keys(&details));
        assert_eq!(ts_fields("ProcTreeCell"), keys(&details.columns[0]));
        assert_eq!(
            ts_fields("ProcTreeLegendValue"),
            keys(&view.legend_values()[0])
        );
    }
}
