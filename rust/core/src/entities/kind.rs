//! The entity kinds analysts pivot on, with the properties that identify
//! one (two entities of a kind with the same identifying values are the
//! same entity) and the type names the sources use for them.
//!
//! The list is the core's: hosts get it through the contract
//! (`x-huntkit.entity_kinds`), so a view's icons and a notebook's mapping
//! check never type it again.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What an entity is. `Unknown` holds every type huntkit does not know
/// (Sentinel's `malware`, `iotdevice`, …): such entities are kept as
/// generic nodes, never dropped.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum EntityKind {
    /// A user or service account.
    Account,
    /// A computer or device.
    Host,
    /// An IPv4 or IPv6 address.
    IpAddress,
    /// A domain name (DNS resolution).
    Dns,
    /// A URL.
    Url,
    /// A file (name and directory).
    File,
    /// A file hash (algorithm and value).
    FileHash,
    /// A process (id, command line, start time).
    Process,
    /// A mailbox.
    Mailbox,
    /// An e-mail message.
    MailMessage,
    /// A cloud (SaaS) application.
    CloudApplication,
    /// An Azure resource.
    AzureResource,
    /// A registry key.
    RegistryKey,
    /// A registry value.
    RegistryValue,
    /// A network connection (source and destination address and port).
    NetworkConnection,
    /// A security alert.
    Alert,
    /// A security incident.
    Incident,
    /// An analyst's note.
    Note,
    /// Any other entity type, kept as a generic node.
    Unknown,
}

impl EntityKind {
    /// Every kind, in the order hosts list them.
    pub const ALL: [EntityKind; 19] = [
        EntityKind::Account,
        EntityKind::Host,
        EntityKind::IpAddress,
        EntityKind::Dns,
        EntityKind::Url,
        EntityKind::File,
        EntityKind::FileHash,
        EntityKind::Process,
        EntityKind::Mailbox,
        EntityKind::MailMessage,
        EntityKind::CloudApplication,
        EntityKind::AzureResource,
        EntityKind::RegistryKey,
        EntityKind::RegistryValue,
        EntityKind::NetworkConnection,
        EntityKind::Alert,
        EntityKind::Incident,
        EntityKind::Note,
        EntityKind::Unknown,
    ];

    /// The kind's name (the nodes table's `Type`).
    pub fn name(self) -> &'static str {
        match self {
            EntityKind::Account => "Account",
            EntityKind::Host => "Host",
            EntityKind::IpAddress => "IpAddress",
            EntityKind::Dns => "Dns",
            EntityKind::Url => "Url",
            EntityKind::File => "File",
            EntityKind::FileHash => "FileHash",
            EntityKind::Process => "Process",
            EntityKind::Mailbox => "Mailbox",
            EntityKind::MailMessage => "MailMessage",
            EntityKind::CloudApplication => "CloudApplication",
            EntityKind::AzureResource => "AzureResource",
            EntityKind::RegistryKey => "RegistryKey",
            EntityKind::RegistryValue => "RegistryValue",
            EntityKind::NetworkConnection => "NetworkConnection",
            EntityKind::Alert => "Alert",
            EntityKind::Incident => "Incident",
            EntityKind::Note => "Note",
            EntityKind::Unknown => "Unknown",
        }
    }

    /// A title for pickers and legends.
    pub fn title(self) -> &'static str {
        match self {
            EntityKind::Account => "Account",
            EntityKind::Host => "Host",
            EntityKind::IpAddress => "IP address",
            EntityKind::Dns => "Domain name",
            EntityKind::Url => "URL",
            EntityKind::File => "File",
            EntityKind::FileHash => "File hash",
            EntityKind::Process => "Process",
            EntityKind::Mailbox => "Mailbox",
            EntityKind::MailMessage => "Mail message",
            EntityKind::CloudApplication => "Cloud application",
            EntityKind::AzureResource => "Azure resource",
            EntityKind::RegistryKey => "Registry key",
            EntityKind::RegistryValue => "Registry value",
            EntityKind::NetworkConnection => "Network connection",
            EntityKind::Alert => "Alert",
            EntityKind::Incident => "Incident",
            EntityKind::Note => "Note",
            EntityKind::Unknown => "Other entity",
        }
    }

    /// The properties that identify an entity of this kind (Sentinel's
    /// property names). The first is the one a bare table column maps to.
    /// Notes and unknown entities have none: they are never merged.
    pub fn identifying(self) -> &'static [&'static str] {
        match self {
            EntityKind::Account => &["Name", "NTDomain", "UPNSuffix", "Sid", "AadUserId"],
            EntityKind::Host => &["HostName", "DnsDomain", "AzureID"],
            EntityKind::IpAddress => &["Address"],
            EntityKind::Dns => &["DomainName"],
            EntityKind::Url => &["Url"],
            EntityKind::File => &["Name", "Directory"],
            EntityKind::FileHash => &["Value", "Algorithm"],
            EntityKind::Process => &["ProcessId", "CommandLine", "CreationTimeUtc"],
            EntityKind::Mailbox => &["MailboxPrimaryAddress"],
            EntityKind::MailMessage => &["NetworkMessageId", "Recipient"],
            EntityKind::CloudApplication => &["Name", "AppId", "InstanceName"],
            EntityKind::AzureResource => &["ResourceId"],
            EntityKind::RegistryKey => &["Key", "Hive"],
            EntityKind::RegistryValue => &["Name", "Key"],
            EntityKind::NetworkConnection => &[
                "SourceAddress",
                "SourcePort",
                "DestinationAddress",
                "DestinationPort",
                "Protocol",
            ],
            EntityKind::Alert => &["SystemAlertId"],
            EntityKind::Incident => &["IncidentId"],
            EntityKind::Note | EntityKind::Unknown => &[],
        }
    }

    /// Other names sources give an identifying property (camelCase REST
    /// names and Defender evidence fields), as `(alias, property)`. Names
    /// that differ only in case need no alias.
    pub(crate) fn aliases(self) -> &'static [(&'static str, &'static str)] {
        match self {
            EntityKind::Account => &[
                ("accountName", "Name"),
                ("domainName", "NTDomain"),
                ("userSid", "Sid"),
                ("azureAdUserId", "AadUserId"),
                ("aadUserId", "AadUserId"),
            ],
            EntityKind::Host => &[
                ("deviceDnsName", "HostName"),
                ("computerDnsName", "HostName"),
                ("azureId", "AzureID"),
            ],
            EntityKind::IpAddress => &[("ipAddress", "Address")],
            EntityKind::Dns => &[("domain", "DomainName")],
            EntityKind::File => &[("fileName", "Name"), ("filePath", "Directory")],
            EntityKind::FileHash => &[("hashValue", "Value")],
            EntityKind::Process => &[
                ("processCommandLine", "CommandLine"),
                ("processCreationDateTime", "CreationTimeUtc"),
                ("processCreationTime", "CreationTimeUtc"),
            ],
            EntityKind::Mailbox => &[("primaryAddress", "MailboxPrimaryAddress")],
            EntityKind::MailMessage => &[("recipientEmailAddress", "Recipient")],
            EntityKind::CloudApplication => &[("displayName", "Name"), ("appName", "Name")],
            EntityKind::RegistryKey => &[("registryKey", "Key"), ("registryHive", "Hive")],
            EntityKind::RegistryValue => &[("registryValueName", "Name"), ("registryKey", "Key")],
            EntityKind::Alert => &[("AlertId", "SystemAlertId"), ("alertId", "SystemAlertId")],
            _ => &[],
        }
    }

    /// The kind a source's type name stands for: huntkit's names, Sentinel
    /// `Type`/`kind` values (`ip`, `filehash`, `registry-key`, …), Defender
    /// evidence (`#microsoft.graph.security.ipEvidence`, `entityType`
    /// `Machine`, …). Case and `-`/`_` are ignored; anything else is
    /// [`EntityKind::Unknown`].
    pub fn from_source_name(name: &str) -> EntityKind {
        let mut key: String = name
            .rsplit(['.', '/'])
            .next()
            .unwrap_or(name)
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' ' | '#'))
            .collect::<String>()
            .to_ascii_lowercase();
        if let Some(stem) = key.strip_suffix("evidence") {
            key = stem.to_string();
        }
        match key.as_str() {
            "account" | "user" => EntityKind::Account,
            "host" | "device" | "machine" => EntityKind::Host,
            "ip" | "ipaddress" => EntityKind::IpAddress,
            "dns" | "dnsresolution" | "domain" => EntityKind::Dns,
            "url" => EntityKind::Url,
            "file" => EntityKind::File,
            "filehash" | "hash" => EntityKind::FileHash,
            "process" => EntityKind::Process,
            "mailbox" => EntityKind::Mailbox,
            "mailmessage" | "analyzedmessage" | "emailmessage" => EntityKind::MailMessage,
            "cloudapplication" | "cloudapp" | "oauthapplication" => EntityKind::CloudApplication,
            "azureresource" => EntityKind::AzureResource,
            "registrykey" => EntityKind::RegistryKey,
            "registryvalue" => EntityKind::RegistryValue,
            "networkconnection" => EntityKind::NetworkConnection,
            "alert" | "securityalert" => EntityKind::Alert,
            "incident" | "incidents" => EntityKind::Incident,
            "note" => EntityKind::Note,
            _ => EntityKind::Unknown,
        }
    }

    /// The kind named exactly (as [`name`](Self::name) writes it, any
    /// case), for user-given mappings; `None` when it is not one.
    pub fn by_name(name: &str) -> Option<EntityKind> {
        EntityKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }

    /// The identifying property a source's property name stands for, if
    /// it is one (exact name in any case, or an alias).
    pub(crate) fn identifying_name(self, property: &str) -> Option<&'static str> {
        self.identifying()
            .iter()
            .find(|p| p.eq_ignore_ascii_case(property))
            .copied()
            .or_else(|| {
                self.aliases()
                    .iter()
                    .find(|(alias, _)| alias.eq_ignore_ascii_case(property))
                    .map(|(_, p)| *p)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_names_map_to_kinds() {
        for (name, kind) in [
            ("ip", EntityKind::IpAddress),
            ("host", EntityKind::Host),
            ("registry-key", EntityKind::RegistryKey),
            ("cloud-application", EntityKind::CloudApplication),
            ("FileHash", EntityKind::FileHash),
            ("#microsoft.graph.security.deviceEvidence", EntityKind::Host),
            (
                "#microsoft.graph.security.analyzedMessageEvidence",
                EntityKind::MailMessage,
            ),
            ("Machine", EntityKind::Host),
            ("SecurityAlert", EntityKind::Alert),
            ("malware", EntityKind::Unknown),
            ("", EntityKind::Unknown),
        ] {
            assert_eq!(EntityKind::from_source_name(name), kind, "{name}");
        }
    }

    #[test]
    fn names_round_trip_and_are_unique() {
        for k in EntityKind::ALL {
            assert_eq!(EntityKind::by_name(k.name()), Some(k));
            assert_eq!(EntityKind::by_name(&k.name().to_lowercase()), Some(k));
            assert!(!k.title().is_empty());
        }
        assert_eq!(EntityKind::by_name("Malware"), None);
    }

    #[test]
    fn aliases_name_identifying_properties() {
        for k in EntityKind::ALL {
            for (_, p) in k.aliases() {
                assert!(k.identifying().contains(p), "{k:?} alias to {p}");
            }
        }
        assert_eq!(
            EntityKind::Account.identifying_name("accountName"),
            Some("Name")
        );
        assert_eq!(
            EntityKind::Host.identifying_name("hostname"),
            Some("HostName")
        );
        assert_eq!(EntityKind::Host.identifying_name("OSFamily"), None);
    }
}
