//! Where an IoC scan's time goes, stage by stage, on one text file: the
//! profile behind the README's IoC benchmark notes.
//!
//!     cargo run --release -p huntkit-core --example ioc_stages -- FILE [REPEAT]
//!
//! Each stage includes the ones above it: candidates and validation
//! (`Extractor::scan` with nothing done per IoC), then counting distinct
//! IoCs (`IocScanner`, what `huntkit ioc` runs before writing its output).

use std::time::Instant;

use huntkit_core::{Extractor, IocOptions, IocScanner};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: ioc_stages FILE [REPEAT]")?;
    let repeat: usize = args.next().map_or(Ok(3), |r| r.parse())?;
    let bytes = std::fs::read(&path)?;
    let text = String::from_utf8_lossy(&bytes);
    let extractor = Extractor::new(&IocOptions::default(), false)?;
    let mb = bytes.len() as f64 / 1e6;
    let report = |stage: &str, run: &mut dyn FnMut() -> usize| {
        // The first run pays for building the lazy DFA's states.
        for i in 0..=repeat {
            let t = Instant::now();
            let n = run();
            let s = t.elapsed().as_secs_f64();
            let label = if i == 0 { "cold" } else { "warm" };
            println!(
                "{stage:<28} {label}  {:7.1} ms  {:6.0} MB/s  ({n})",
                s * 1e3,
                mb / s
            );
        }
    };
    report("scan (validate, no output)", &mut || {
        let mut n = 0;
        let mut buffer = String::new();
        for line in text.split_inclusive('\n') {
            extractor.scan_reusing(line, &mut buffer, |_| n += 1);
        }
        n
    });
    report("scan + distinct counts", &mut || {
        let mut scanner = IocScanner::new(extractor.clone());
        scanner.push_bytes(&bytes);
        scanner.finish().items.len()
    });
    Ok(())
}
