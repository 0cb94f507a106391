//! The IoC types huntkit knows, named as MSTICPy names them.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, ErrorKind};

/// A built-in indicator type.
///
/// The order of the variants is the overlap priority: where two types claim
/// the same text, the earlier one is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IocType {
    /// `http://…`, `hxxps://…`, `ftp://…` and other scheme URLs.
    Url,
    /// A dotted-quad IPv4 address with every octet ≤ 255.
    Ipv4,
    /// An IPv4 network in CIDR notation, `10.0.0.0/8`.
    Ipv4Cidr,
    /// An IPv6 address in any form `std::net::Ipv6Addr` accepts.
    Ipv6,
    /// `user@example.com`.
    Email,
    /// 32 hex digits.
    Md5Hash,
    /// 40 hex digits.
    Sha1Hash,
    /// 64 hex digits.
    Sha256Hash,
    /// 128 hex digits.
    Sha512Hash,
    /// `CVE-2021-44228`.
    Cve,
    /// A MITRE ATT&CK technique id, `T1059` or `T1059.001`.
    MitreAttack,
    /// A domain name whose suffix is in the Public Suffix List.
    Dns,
    /// `C:\Windows\System32\cmd.exe` or `\\server\share\file`.
    WindowsPath,
    /// `/usr/bin/curl` (two or more segments).
    LinuxPath,
}

impl IocType {
    /// Every built-in type, in priority order.
    pub const ALL: [IocType; 14] = [
        IocType::Url,
        IocType::Ipv4,
        IocType::Ipv4Cidr,
        IocType::Ipv6,
        IocType::Email,
        IocType::Md5Hash,
        IocType::Sha1Hash,
        IocType::Sha256Hash,
        IocType::Sha512Hash,
        IocType::Cve,
        IocType::MitreAttack,
        IocType::Dns,
        IocType::WindowsPath,
        IocType::LinuxPath,
    ];

    /// The name used in every output (`IoCType` column), as in MSTICPy.
    pub fn name(self) -> &'static str {
        match self {
            IocType::Url => "url",
            IocType::Ipv4 => "ipv4",
            IocType::Ipv4Cidr => "ipv4_cidr",
            IocType::Ipv6 => "ipv6",
            IocType::Email => "email",
            IocType::Md5Hash => "md5_hash",
            IocType::Sha1Hash => "sha1_hash",
            IocType::Sha256Hash => "sha256_hash",
            IocType::Sha512Hash => "sha512_hash",
            IocType::Cve => "cve",
            IocType::MitreAttack => "mitre_attack",
            IocType::Dns => "dns",
            IocType::WindowsPath => "windows_path",
            IocType::LinuxPath => "linux_path",
        }
    }

    /// Paths are noisy in tables, so table extraction leaves them out unless
    /// asked (MSTICPy's default does too).
    pub fn is_path(self) -> bool {
        matches!(self, IocType::WindowsPath | IocType::LinuxPath)
    }

    /// Types whose values compare case-insensitively when counting.
    pub(crate) fn case_insensitive(self) -> bool {
        !matches!(self, IocType::Url | IocType::LinuxPath)
    }
}

impl fmt::Display for IocType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for IocType {
    type Err = Error;

    fn from_str(s: &str) -> Result<IocType, Error> {
        let wanted = s.trim().to_ascii_lowercase();
        IocType::ALL
            .into_iter()
            .find(|t| t.name() == wanted)
            .ok_or_else(|| Error::new(ErrorKind::UnknownIocType(s.to_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in IocType::ALL {
            assert_eq!(t.name().parse::<IocType>().unwrap(), t);
        }
        assert_eq!(
            "SHA256_HASH".parse::<IocType>().unwrap(),
            IocType::Sha256Hash
        );
        let err = "ipv5".parse::<IocType>().unwrap_err();
        assert_eq!(err.to_string(), "unknown IoC type \"ipv5\"");
    }
}
