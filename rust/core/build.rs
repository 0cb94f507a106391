//! Writes IANA's RDAP bootstrap files (`data/rdap/*.json`, kept verbatim
//! so a refresh is a plain copy) without their indentation into `OUT_DIR`,
//! which `rdap_bootstrap.rs` includes: the wasm module carries ~25 KB of
//! JSON instead of ~78 KB. IANA's files hold no escapes, so every byte
//! between quotes is kept and every whitespace byte outside them dropped.

use std::{env, fs, path::Path};

fn main() {
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for name in ["dns.json", "ipv4.json", "ipv6.json"] {
        let src = Path::new("data/rdap").join(name);
        println!("cargo:rerun-if-changed={}", src.display());
        let text = fs::read_to_string(&src).expect("bundled RDAP bootstrap file");
        let mut quoted = false;
        let compact: String = text
            .chars()
            .filter(|&c| {
                quoted ^= c == '"';
                quoted || c == '"' || !c.is_ascii_whitespace()
            })
            .collect();
        fs::write(Path::new(&out).join(name), compact).expect("write to OUT_DIR");
    }
}
