//! `huntkit geo`: GeoIP offline from a MaxMind `.mmdb` the user has
//! (GeoLite2/GeoIP2 City, Country or ASN). Nothing is sent anywhere.

use std::io::{self, BufRead};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use huntkit_core::{geo_frame, GeoDb};

use crate::output::{self, OutputFormat};

/// Arguments of `huntkit geo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// IP addresses (defanged is fine), or files of them one a line (`-` for stdin; `#` starts a comment).
    #[arg(required = true)]
    ips: Vec<String>,
    /// The MaxMind database (.mmdb): GeoLite2/GeoIP2 City, Country or ASN.
    #[arg(long)]
    db: PathBuf,
    /// Print what the database says of itself (type, build date) on stderr.
    #[arg(long)]
    info: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
}

/// Runs `huntkit geo`.
pub fn run(args: Args) -> Result<()> {
    let bytes =
        std::fs::read(&args.db).with_context(|| format!("cannot read {}", args.db.display()))?;
    let db = GeoDb::from_bytes(bytes).with_context(|| format!("{}", args.db.display()))?;
    if args.info {
        let i = db.info();
        let built = huntkit_core::format_time_ms(i.build_epoch as i64 * 1000);
        eprintln!(
            "{}: {} (IPv{}), built {built}, {} bytes",
            args.db.display(),
            i.database_type,
            i.ip_version,
            i.bytes
        );
    }
    let ips = addresses(&args.ips)?;
    output::write(&geo_frame(&db.lookup_all(&ips)), args.format)
}

/// The addresses: each argument is one, unless it names a file (or `-`)
/// and is no address itself.
fn addresses(given: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for arg in given {
        let is_file = arg == "-" || (arg.parse::<IpAddr>().is_err() && Path::new(arg).is_file());
        if !is_file {
            out.push(arg.clone());
            continue;
        }
        let reader: Box<dyn BufRead> = if arg == "-" {
            Box::new(io::stdin().lock())
        } else {
            Box::new(io::BufReader::new(
                std::fs::File::open(arg).with_context(|| format!("cannot read {arg}"))?,
            ))
        };
        for line in reader.lines() {
            let line = line?;
            let line = line.split('#').next().unwrap_or("").trim();
            if !line.is_empty() {
                out.push(line.to_string());
            }
        }
    }
    if out.is_empty() {
        bail!("no addresses: give them as arguments or in a file");
    }
    Ok(out)
}
