//! GeoIP offline, from a MaxMind DB (`.mmdb`) file the user supplies
//! (GeoLite2/GeoIP2 City, Country or ASN, or any database with their
//! fields): IP addresses → country, state, city, coordinates and the
//! autonomous system, as one result table. Nothing is sent anywhere, so
//! this also works with the sensitive switch on.
//!
//! The database is read from bytes ([`GeoDb::from_bytes`]): the CLI reads
//! a file, the browser's worker holds the bytes of a picked file for the
//! session. `maxminddb` checks the metadata and the search tree's layout
//! when the database is opened, so a truncated or foreign file is refused
//! at once with what was wrong; a damaged record found later is an `error`
//! row, never a panic.
//!
//! Addresses are refanged first (`185[.]220[.]101[.]1`); private,
//! loopback, link-local, multicast, reserved and unspecified addresses
//! have no location and are reported with their IP type (`private_ip`),
//! not looked up.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::ioc::refang::Refanged;
use crate::providers::ti::IpType;
use crate::{Frame, FrameColumn};

/// The columns of the GeoIP table, in order: MSTICPy's `GeoLocation`
/// names (`CountryCode`, `CountryOrRegionName`, `State`, `City`,
/// `Longitude`, `Latitude`) plus what analysts ask of an address next.
pub const GEO_COLUMNS: [&str; 15] = [
    "IpAddress",
    "IpType",
    "CountryCode",
    "CountryOrRegionName",
    "State",
    "City",
    "Latitude",
    "Longitude",
    "AccuracyRadius",
    "TimeZone",
    "Asn",
    "AsnOrg",
    "Network",
    "Status",
    "Message",
];

/// What became of one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GeoStatus {
    /// Found in the database.
    Ok,
    /// A public address the database has no record for.
    NotFound,
    /// Not a public address (its `IpType` says which kind): no location.
    PrivateIp,
    /// Not an IP address.
    Invalid,
    /// The database could not answer (an IPv6 address in an IPv4-only
    /// database, a damaged record); the message says which.
    Error,
}

impl GeoStatus {
    /// The name written in the `Status` column.
    pub fn name(self) -> &'static str {
        match self {
            GeoStatus::Ok => "ok",
            GeoStatus::NotFound => "not_found",
            GeoStatus::PrivateIp => "private_ip",
            GeoStatus::Invalid => "invalid",
            GeoStatus::Error => "error",
        }
    }
}

/// One address's row; field names are the column names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "PascalCase")]
pub struct GeoRow {
    /// The address as given (defanged forms kept as written).
    pub ip_address: String,
    /// MSTICPy's IP type (`Public`, `Private`, …); empty when not an IP.
    pub ip_type: String,
    /// ISO 3166-1 code (`DE`).
    pub country_code: Option<String>,
    /// English country name.
    pub country_or_region_name: Option<String>,
    /// English name of the first subdivision.
    pub state: Option<String>,
    /// English city name.
    pub city: Option<String>,
    /// Degrees north.
    pub latitude: Option<f64>,
    /// Degrees east.
    pub longitude: Option<f64>,
    /// Kilometres around the point the address is likely to be in.
    pub accuracy_radius: Option<i64>,
    /// IANA time zone (`Europe/Berlin`).
    pub time_zone: Option<String>,
    /// Autonomous system number.
    pub asn: Option<i64>,
    /// Autonomous system organisation.
    pub asn_org: Option<String>,
    /// The database's network holding the address (`81.2.69.0/24`).
    pub network: Option<String>,
    /// `ok`, `not_found`, `private_ip`, `invalid` or `error`.
    pub status: GeoStatus,
    /// Why there is no location, for rows that are not `ok`.
    pub message: String,
}

impl GeoRow {
    fn empty(ip: &str, ip_type: &str, status: GeoStatus, message: String) -> GeoRow {
        GeoRow {
            ip_address: ip.to_string(),
            ip_type: ip_type.to_string(),
            country_code: None,
            country_or_region_name: None,
            state: None,
            city: None,
            latitude: None,
            longitude: None,
            accuracy_radius: None,
            time_zone: None,
            asn: None,
            asn_org: None,
            network: None,
            status,
            message,
        }
    }
}

/// What a database says of itself, shown when it is loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GeoDbInfo {
    /// `GeoLite2-City`, `GeoIP2-Country`, `GeoLite2-ASN`, ….
    pub database_type: String,
    /// The English description, when it has one.
    pub description: String,
    /// When it was built, seconds since 1970 (how stale the data is).
    pub build_epoch: u64,
    /// 4 (IPv4 only) or 6.
    pub ip_version: u16,
    /// Search tree nodes (a rough size).
    pub node_count: u32,
    /// Size in bytes.
    pub bytes: u64,
}

/// An opened MaxMind database.
pub struct GeoDb {
    reader: maxminddb::Reader<Vec<u8>>,
    info: GeoDbInfo,
}

impl std::fmt::Debug for GeoDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeoDb").field("info", &self.info).finish()
    }
}

fn mmdb_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Parse {
        format: "MaxMind DB (.mmdb)".into(),
        line: None,
        message: message.into(),
    })
}

impl GeoDb {
    /// Opens a database from its bytes; a file that is not a MaxMind DB,
    /// or is cut short, is refused with what was wrong.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<GeoDb> {
        let size = bytes.len() as u64;
        if bytes.is_empty() {
            return Err(mmdb_error("the file is empty"));
        }
        let reader = maxminddb::Reader::from_source(bytes).map_err(|e| {
            let why = lower_first(&e.to_string());
            if why.contains("metadata") && (why.contains("find") || why.contains("start")) {
                mmdb_error(format!(
                    "not a MaxMind DB file, or cut short (its metadata, at the end, is missing): {why}"
                ))
            } else {
                mmdb_error(format!("the file is damaged or cut short: {why}"))
            }
        })?;
        let m = reader.metadata();
        let info = GeoDbInfo {
            database_type: m.database_type.to_string(),
            description: m
                .description
                .get("en")
                .map(|s| s.to_string())
                .unwrap_or_default(),
            build_epoch: m.build_epoch,
            ip_version: m.ip_version,
            node_count: m.node_count,
            bytes: size,
        };
        Ok(GeoDb { reader, info })
    }

    /// What the database says of itself.
    pub fn info(&self) -> &GeoDbInfo {
        &self.info
    }

    /// The row for one address (defanged is fine).
    pub fn lookup(&self, text: &str) -> GeoRow {
        let refanged = Refanged::reusing(text.trim(), String::new());
        let clean = refanged
            .text()
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']');
        let ip: IpAddr = match clean.parse() {
            Ok(ip) => ip,
            Err(_) => {
                return GeoRow::empty(
                    text,
                    "",
                    GeoStatus::Invalid,
                    format!("{clean:?} is not an IP address"),
                )
            }
        };
        let ip_type = IpType::of(ip);
        if ip_type != IpType::Public {
            return GeoRow::empty(
                text,
                ip_type.name(),
                GeoStatus::PrivateIp,
                format!(
                    "{ip} is a {} address: no location",
                    ip_type.name().to_ascii_lowercase()
                ),
            );
        }
        let mut row = GeoRow::empty(text, ip_type.name(), GeoStatus::Ok, String::new());
        let failed = |mut row: GeoRow, e: maxminddb::MaxMindDbError| {
            row.status = GeoStatus::Error;
            row.message = lower_first(&e.to_string());
            row
        };
        let found = match self.reader.lookup(ip) {
            Ok(found) => found,
            Err(e) => return failed(row, e),
        };
        row.network = found.network().ok().map(|n| n.to_string());
        let record: Option<Record<'_>> = match found.decode() {
            Ok(r) => r,
            Err(e) => return failed(row, e),
        };
        let Some(r) = record else {
            row.status = GeoStatus::NotFound;
            row.message = format!("{ip} is not in the database");
            return row;
        };
        let country = r.country.as_ref().or(r.registered_country.as_ref());
        row.country_code = country.and_then(|c| c.iso_code).map(str::to_string);
        row.country_or_region_name = country.and_then(|c| c.names.en).map(str::to_string);
        row.state = r
            .subdivisions
            .first()
            .and_then(|s| s.names.en)
            .map(str::to_string);
        row.city = r.city.and_then(|c| c.names.en).map(str::to_string);
        if let Some(l) = r.location {
            row.latitude = Num::float(l.latitude);
            row.longitude = Num::float(l.longitude);
            row.accuracy_radius = Num::int(l.accuracy_radius);
            row.time_zone = l.time_zone.map(str::to_string);
        }
        let traits = r.traits.unwrap_or_default();
        row.asn = Num::int(
            r.autonomous_system_number
                .or(traits.autonomous_system_number),
        );
        row.asn_org = r
            .autonomous_system_organization
            .or(traits.autonomous_system_organization)
            .map(str::to_string);
        row
    }

    /// One row per address, in input order (blank entries skipped).
    pub fn lookup_all<S: AsRef<str>>(&self, ips: &[S]) -> Vec<GeoRow> {
        ips.iter()
            .map(AsRef::as_ref)
            .filter(|s| !s.trim().is_empty())
            .map(|s| self.lookup(s))
            .collect()
    }
}

/// `maxminddb`'s messages start with a capital; ours do not.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The fields read from a record, as City, Country, ASN and Enterprise
/// databases lay them out; others are skipped.
#[derive(Deserialize, Default)]
struct Record<'a> {
    #[serde(borrow)]
    country: Option<Place<'a>>,
    #[serde(borrow)]
    registered_country: Option<Place<'a>>,
    #[serde(borrow, default)]
    subdivisions: Vec<Place<'a>>,
    #[serde(borrow)]
    city: Option<Place<'a>>,
    #[serde(borrow)]
    location: Option<Location<'a>>,
    autonomous_system_number: Option<Num>,
    #[serde(borrow)]
    autonomous_system_organization: Option<&'a str>,
    #[serde(borrow)]
    traits: Option<Traits<'a>>,
}

#[derive(Deserialize, Default)]
struct Place<'a> {
    #[serde(borrow)]
    iso_code: Option<&'a str>,
    #[serde(borrow, default)]
    names: Names<'a>,
}

#[derive(Deserialize, Default)]
struct Names<'a> {
    #[serde(borrow)]
    en: Option<&'a str>,
}

#[derive(Deserialize, Default)]
struct Location<'a> {
    latitude: Option<Num>,
    longitude: Option<Num>,
    accuracy_radius: Option<Num>,
    #[serde(borrow)]
    time_zone: Option<&'a str>,
}

#[derive(Deserialize, Default)]
struct Traits<'a> {
    autonomous_system_number: Option<Num>,
    #[serde(borrow)]
    autonomous_system_organization: Option<&'a str>,
}

/// Any MaxMind DB number (`uint16`, `uint32`, `int32`, `double`,
/// `float`, …): `maxminddb` refuses a `u32` field stored as `uint16`, and
/// writers differ in the widths they pick.
#[derive(Clone, Copy)]
struct Num(f64);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Num, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Num;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number")
            }
            fn visit_u64<E>(self, v: u64) -> std::result::Result<Num, E> {
                Ok(Num(v as f64))
            }
            fn visit_i64<E>(self, v: i64) -> std::result::Result<Num, E> {
                Ok(Num(v as f64))
            }
            fn visit_u128<E>(self, v: u128) -> std::result::Result<Num, E> {
                Ok(Num(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> std::result::Result<Num, E> {
                Ok(Num(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl Num {
    fn float(n: Option<Num>) -> Option<f64> {
        n.map(|n| n.0).filter(|v| v.is_finite())
    }

    /// Whole numbers only (an ASN, a radius); anything else is dropped.
    fn int(n: Option<Num>) -> Option<i64> {
        n.map(|n| n.0)
            .filter(|v| v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15)
            .map(|v| v as i64)
    }
}

/// The rows as the core's result table (Arrow-backed): coordinates as
/// floats, radius and ASN as integers, the rest text.
pub fn geo_frame(rows: &[GeoRow]) -> Frame {
    let text =
        |f: &dyn Fn(&GeoRow) -> Option<String>| FrameColumn::Utf8(rows.iter().map(f).collect());
    let [ip, ip_type, cc, country, state, city, lat, lon, radius, tz, asn, org, network, status, message] =
        GEO_COLUMNS;
    Frame::new(vec![
        (ip, text(&|r| Some(r.ip_address.clone()))),
        (ip_type, text(&|r| Some(r.ip_type.clone()))),
        (cc, text(&|r| r.country_code.clone())),
        (country, text(&|r| r.country_or_region_name.clone())),
        (state, text(&|r| r.state.clone())),
        (city, text(&|r| r.city.clone())),
        (
            lat,
            FrameColumn::Float64(rows.iter().map(|r| r.latitude).collect()),
        ),
        (
            lon,
            FrameColumn::Float64(rows.iter().map(|r| r.longitude).collect()),
        ),
        (
            radius,
            FrameColumn::Int64(rows.iter().map(|r| r.accuracy_radius).collect()),
        ),
        (tz, text(&|r| r.time_zone.clone())),
        (
            asn,
            FrameColumn::Int64(rows.iter().map(|r| r.asn).collect()),
        ),
        (org, text(&|r| r.asn_org.clone())),
        (network, text(&|r| r.network.clone())),
        (status, text(&|r| Some(r.status.name().to_string()))),
        (message, text(&|r| Some(r.message.clone()))),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_database() {
        for (bytes, want) in [
            (Vec::new(), "the file is empty"),
            (b"not a database at all".to_vec(), "not a MaxMind DB file"),
        ] {
            let e = GeoDb::from_bytes(bytes).unwrap_err();
            assert!(e.to_string().contains(want), "{e}");
            assert!(e.to_string().starts_with("cannot read MaxMind DB"), "{e}");
        }
    }

    #[test]
    fn frame_columns_and_types() {
        let mut row = GeoRow::empty("8.8.8.8", "Public", GeoStatus::Ok, String::new());
        row.latitude = Some(37.75);
        row.asn = Some(15169);
        let f = geo_frame(&[row]);
        assert_eq!(f.names(), GEO_COLUMNS);
        let batch = f.to_record_batch().unwrap();
        assert_eq!(
            batch.schema().field(6).data_type(),
            &arrow_schema::DataType::Float64
        );
        assert_eq!(f.columns()[10].text(0), "15169");
        assert_eq!(f.columns()[13].text(0), "ok");
    }
}
