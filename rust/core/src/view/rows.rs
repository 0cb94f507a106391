//! Selected rows as the user copies them: JSON objects or CSV, with the
//! tooltip columns.

use serde_json::{Map, Value};

use super::Chart;

/// The column naming a row's data set when a view has several.
const DATASET_COLUMN: &str = "dataset";

pub(super) fn json(chart: &Chart, ids: &[u32]) -> Vec<Map<String, Value>> {
    let many = chart.datasets.len() > 1;
    ids.iter()
        .filter_map(|&id| chart.locate(id))
        .map(|(d, row)| {
            let ds = &chart.datasets[d];
            let mut obj = Map::new();
            if many {
                obj.insert(DATASET_COLUMN.into(), Value::String(ds.label.clone()));
            }
            for &c in &chart.columns[d] {
                obj.insert(ds.table.names()[c].clone(), ds.table.cell_json(c, row));
            }
            obj
        })
        .collect()
}

pub(super) fn csv(chart: &Chart, ids: &[u32]) -> String {
    let many = chart.datasets.len() > 1;
    let mut header: Vec<&str> = Vec::new();
    if many {
        header.push(DATASET_COLUMN);
    }
    header.extend(chart.info.columns.iter().map(String::as_str));
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(&header);
    for &id in ids {
        let Some((d, row)) = chart.locate(id) else {
            continue;
        };
        let ds = &chart.datasets[d];
        let mut record: Vec<String> = Vec::with_capacity(header.len());
        if many {
            record.push(ds.label.clone());
        }
        for name in &chart.info.columns {
            let cell = ds
                .table
                .names()
                .iter()
                .position(|n| n == name)
                .filter(|c| chart.columns[d].contains(c))
                .and_then(|c| ds.table.cell(c, row));
            record.push(cell.unwrap_or_default());
        }
        let _ = w.write_record(&record);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
