//! `file-system-certificate`: a TLS certificate and its private key as file paths on the
//! api-gateway's own disk, which the gateway watches and reloads — the alternative to
//! `inline-certificate` that keeps the key out of Consul.
//!
//! Consul stores the paths as written; the files are read by the gateway, not at write time, so
//! what we can check is the shape: both paths given, and paths rather than pasted PEM text.

use super::common::require_name;
use super::Validate;
use crate::decode::{Cx, Meta};
use crate::decode_struct;
use crate::diag::{Code, Diagnostic};
use crate::sorted::SortedMap;
use serde::Serialize;

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(tag = "Kind", rename = "file-system-certificate", rename_all = "PascalCase")]
    pub struct FileSystemCertificate("a file-system-certificate entry", pascal, ignore crate::decode::SKIPPED_ENTRY_KEYS) {
        pub name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub meta: SortedMap<String, String>,
        /// Path of the PEM certificate (and intermediates) on the gateway's disk.
        pub certificate: String,
        /// Path of the PEM private key on the gateway's disk.
        pub private_key: String,
    }
}

/// Checks one path field: given, and a path rather than PEM content.
fn check_path(cx: &mut Cx, origin: &Meta, value: &str, (field, key): (&str, &str), what: &str) {
    if value.trim().is_empty() {
        cx.error(
            Code::MissingField,
            origin.field(field),
            format!("a file-system-certificate needs `{key}`: the path of {what} on the gateway's disk"),
        );
        return;
    }
    if value.contains("-----BEGIN ") || value.contains('\n') {
        let at = origin.field(field);
        let start = crate::source::Span { end: at.start.saturating_add(1).min(at.end), ..at };
        cx.push(
            Diagnostic::error(
                Code::InvalidValue,
                start,
                format!("{key} holds PEM text; a file-system-certificate takes the path of a file that holds it"),
            )
            .with_note("write the PEM to a file on the gateway's host and give its path, or use an inline-certificate entry for PEM text"),
        );
    }
}

impl Validate for FileSystemCertificate {
    fn validate(&self, cx: &mut Cx) {
        require_name(cx, &self.origin, &self.name, "a file-system-certificate entry");
        check_path(cx, &self.origin, &self.certificate, ("certificate", "Certificate"), "the PEM certificate");
        check_path(cx, &self.origin, &self.private_key, ("private_key", "PrivateKey"), "the PEM private key");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{at, diags, entry, messages, one};
    use crate::model::ConfigEntry;

    const HCL: &str = "Kind = \"file-system-certificate\"\nName = \"gateway-cert\"\nMeta = { env = \"test\" }\nCertificate = \"/opt/consul/tls/api-gateway.crt\"\nPrivateKey = \"/opt/consul/tls/api-gateway.key\"\n";

    fn fs_entry(file: &str, text: &str) -> FileSystemCertificate {
        match entry(file, text) {
            ConfigEntry::FileSystemCertificate(c) => c,
            other => panic!("not a file-system-certificate: {other:?}"),
        }
    }

    #[test]
    fn decodes_the_same_in_every_format() {
        let h = fs_entry("x.hcl", HCL);
        let json = r#"{"Kind": "file-system-certificate", "Name": "gateway-cert", "Meta": {"env": "test"},
            "Certificate": "/opt/consul/tls/api-gateway.crt", "PrivateKey": "/opt/consul/tls/api-gateway.key"}"#;
        let yaml = "kind: file-system-certificate\nname: gateway-cert\nmeta:\n  env: test\ncertificate: /opt/consul/tls/api-gateway.crt\nprivate_key: /opt/consul/tls/api-gateway.key\n";
        assert_eq!(h, fs_entry("x.json", json));
        assert_eq!(h, fs_entry("x.yaml", yaml));
        assert_eq!(h.private_key, "/opt/consul/tls/api-gateway.key");
    }

    #[test]
    fn both_paths_are_required() {
        let text = "Kind = \"file-system-certificate\"\nName = \"c\"\nPrivateKey = \"\"\n";
        assert_eq!(
            diags("x.hcl", text),
            vec![("E0203".to_string(), "1:1".to_string()), ("E0203".to_string(), at(text, "\"\"", 1))]
        );
        let text = HCL.replace("Name = \"gateway-cert\"\n", "");
        assert_eq!(diags("x.hcl", &text), one("E0203", "1:1"));
    }

    #[test]
    fn pem_text_where_a_path_belongs_is_refused() {
        let text = HCL.replace(
            "\"/opt/consul/tls/api-gateway.crt\"",
            "<<EOF\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\nEOF",
        );
        assert_eq!(diags("x.hcl", &text), one("E0317", &at(&text, "<<EOF", 1)));
        assert!(messages("x.hcl", &text)[0].starts_with("Certificate holds PEM text"));
    }

    #[test]
    fn unknown_keys_get_a_suggestion() {
        let text = HCL.replace("PrivateKey", "PrivateKeyFile");
        assert_eq!(diags("x.hcl", &text), one("E0201", &at(&text, "PrivateKeyFile", 1)));
    }
}
