//! `inline-certificate`: a TLS certificate and its private key, written into the entry as PEM, for
//! api-gateway listeners to serve.
//!
//! Consul parses both with Go's crypto libraries and checks that they belong together. We have no
//! crypto here, so we check the structure a person can get wrong: that each field holds PEM
//! blocks of the right type, closed properly, with base64 bodies, and an unencrypted key.

use super::common::require_name;
use super::Validate;
use crate::decode::{Cx, Meta};
use crate::decode_struct;
use crate::diag::{Code, Diagnostic};
use crate::sorted::SortedMap;
use crate::source::Span;
use serde::Serialize;

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(tag = "Kind", rename = "inline-certificate", rename_all = "PascalCase")]
    pub struct InlineCertificate("an inline-certificate entry", pascal, ignore crate::decode::SKIPPED_ENTRY_KEYS) {
        pub name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub meta: SortedMap<String, String>,
        /// The certificate (first) and any intermediates, PEM `CERTIFICATE` blocks.
        pub certificate: String,
        /// The private key, one PEM `PRIVATE KEY` / `RSA PRIVATE KEY` / `EC PRIVATE KEY` block.
        pub private_key: String,
    }
}

/// One PEM block as found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PemBlock {
    /// What follows `-----BEGIN ` (`CERTIFICATE`, `RSA PRIVATE KEY`, ...).
    pub label: String,
    /// It carries a `Proc-Type: 4,ENCRYPTED` header (legacy encrypted key).
    pub encrypted: bool,
}

impl PemBlock {
    pub fn is_private_key(&self) -> bool {
        self.label == "PRIVATE KEY" || self.label.ends_with(" PRIVATE KEY")
    }
}

/// The PEM blocks in `text`, or why the text is not well-formed PEM. Text outside blocks is
/// ignored, as Go's PEM reader does.
pub fn pem_blocks(text: &str) -> Result<Vec<PemBlock>, String> {
    if !text.contains('\n') && text.contains("\\n") {
        return Err("has `\\n` written as two characters instead of line breaks; use real line breaks \
                    (a heredoc such as <<EOF in HCL, a `|` block in YAML)"
            .into());
    }
    let mut blocks = Vec::new();
    // (label, encrypted, base64 characters so far)
    let mut open: Option<(String, bool, usize)> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        match open.as_mut() {
            None => {
                if let Some(rest) = line.strip_prefix("-----BEGIN ") {
                    let Some(label) = rest.strip_suffix("-----") else {
                        return Err(format!(
                            "has a BEGIN line (line {} of the value) that does not end with `-----`",
                            n + 1
                        ));
                    };
                    open = Some((label.to_string(), false, 0));
                } else if line.starts_with("-----END ") {
                    return Err(format!("has an END line (line {} of the value) with no BEGIN line before it", n + 1));
                }
            }
            Some((label, encrypted, body)) => {
                if let Some(rest) = line.strip_prefix("-----END ") {
                    let end = rest.strip_suffix("-----").unwrap_or(rest);
                    if end != label {
                        return Err(format!(
                            "has a `BEGIN {label}` block closed by `END {end}`; the two labels must match"
                        ));
                    }
                    if *body == 0 {
                        return Err(format!("has an empty `BEGIN {label}` block"));
                    }
                    if *body % 4 != 0 {
                        return Err(format!("has a `BEGIN {label}` block whose base64 text is cut short (not a multiple of 4 characters)"));
                    }
                    blocks.push(PemBlock { label: label.clone(), encrypted: *encrypted });
                    open = None;
                } else if line.starts_with("-----BEGIN ") {
                    return Err(format!(
                        "has a new block beginning on line {} of the value before the `BEGIN {label}` block ends",
                        n + 1
                    ));
                } else if let Some((key, value)) = line.split_once(':') {
                    if key.trim() == "Proc-Type" && value.contains("ENCRYPTED") {
                        *encrypted = true;
                    }
                } else if let Some(c) =
                    line.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')))
                {
                    return Err(format!(
                        "has `{c}` on line {} of the value, inside the `BEGIN {label}` block, which is not base64",
                        n + 1
                    ));
                } else {
                    *body += line.len();
                }
            }
        }
    }
    if let Some((label, _, _)) = open {
        return Err(format!(
            "has a `BEGIN {label}` block that is never closed: it needs an `-----END {label}-----` line"
        ));
    }
    if blocks.is_empty() {
        return Err("has no PEM block (a `-----BEGIN ...-----` line, base64 text, an `-----END ...-----` line)".into());
    }
    Ok(blocks)
}

impl InlineCertificate {
    /// How many certificates `Certificate` holds (leaf and intermediates), if it is valid PEM.
    pub fn chain_len(&self) -> usize {
        pem_blocks(&self.certificate).map_or(0, |b| b.iter().filter(|b| b.label == "CERTIFICATE").count())
    }

    fn check_certificate(&self, cx: &mut Cx) {
        let at = self.origin.field("certificate");
        let problem = match pem_blocks(&self.certificate) {
            Err(why) => Some(format!("Certificate {why}")),
            Ok(blocks) => match blocks.first() {
                Some(first) if first.is_private_key() => Some(format!(
                    "Certificate holds a private key (`BEGIN {}`); the key belongs in PrivateKey, and Certificate needs the `BEGIN CERTIFICATE` block",
                    first.label
                )),
                Some(first) if first.label != "CERTIFICATE" => Some(format!(
                    "Certificate starts with a `BEGIN {}` block; Consul reads the first block as the certificate, so it must be `BEGIN CERTIFICATE`",
                    first.label
                )),
                _ => None,
            },
        };
        report(cx, at, problem);
    }

    fn check_private_key(&self, cx: &mut Cx) {
        let at = self.origin.field("private_key");
        let problem = match pem_blocks(&self.private_key) {
            Err(why) => Some(format!("PrivateKey {why}")),
            Ok(blocks) => match blocks.iter().find(|b| b.is_private_key()) {
                None if blocks.iter().any(|b| b.label == "CERTIFICATE") => Some(
                    "PrivateKey holds a certificate, not a key; the certificate belongs in Certificate, and PrivateKey needs a `BEGIN PRIVATE KEY` (or RSA/EC) block"
                        .to_string(),
                ),
                None => Some(format!(
                    "PrivateKey has no private key block (found {}); expected `BEGIN PRIVATE KEY`, `BEGIN RSA PRIVATE KEY` or `BEGIN EC PRIVATE KEY`",
                    blocks.iter().map(|b| format!("`BEGIN {}`", b.label)).collect::<Vec<_>>().join(", ")
                )),
                Some(key) if key.label == "ENCRYPTED PRIVATE KEY" || key.encrypted => Some(
                    "PrivateKey is encrypted; Consul needs the key unencrypted (for example `openssl pkey -in key.pem -out plain.pem`)"
                        .to_string(),
                ),
                Some(_) => None,
            },
        };
        report(cx, at, problem);
    }
}

/// Reports at the start of the value: a PEM value is long, and the message says what is wrong.
fn report(cx: &mut Cx, at: Span, problem: Option<String>) {
    if let Some(message) = problem {
        let start = Span { end: at.start.saturating_add(1).min(at.end), ..at };
        cx.push(Diagnostic::error(Code::PemFormat, start, message));
    }
}

/// Reports an empty PEM field (at the value when one was written, else at the entry).
fn require_pem(cx: &mut Cx, origin: &Meta, value: &str, (field, key): (&str, &str), what: &str) -> bool {
    if value.trim().is_empty() {
        cx.error(Code::MissingField, origin.field(field), format!("an inline-certificate needs `{key}`: {what}"));
        return false;
    }
    true
}

impl Validate for InlineCertificate {
    fn validate(&self, cx: &mut Cx) {
        require_name(cx, &self.origin, &self.name, "an inline-certificate entry");
        if require_pem(
            cx,
            &self.origin,
            &self.certificate,
            ("certificate", "Certificate"),
            "the PEM certificate to serve",
        ) {
            self.check_certificate(cx);
        }
        if require_pem(
            cx,
            &self.origin,
            &self.private_key,
            ("private_key", "PrivateKey"),
            "the certificate's PEM private key",
        ) {
            self.check_private_key(cx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{at, diags, entry, messages, one};
    use crate::model::ConfigEntry;

    // Structurally valid PEM (the base64 is not a real key pair: no crypto is checked).
    const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQk9HVVMtVEVTVC1DRVJUSUZJQ0FURTAKBggqhkjOPQQD\nAjAWMRQwEgYDVQQDDAtleGFtcGxlLmNvbQ==\n-----END CERTIFICATE-----\n";
    const KEY: &str = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFRFU1QtT05MWS1OT1QtQS1SRUFMLUtFWS0xMjM0NTY3ODkwYWJjZA==\n-----END EC PRIVATE KEY-----\n";

    fn hcl(cert: &str, key: &str) -> String {
        format!("Kind = \"inline-certificate\"\nName = \"tls-certificate\"\nMeta = {{ env = \"test\" }}\nCertificate = <<EOF\n{cert}EOF\nPrivateKey = <<-EOT\n    {}EOT\n", key.replace('\n', "\n    "))
    }

    fn json(cert: &str, key: &str) -> String {
        serde_json::json!({
            "Kind": "inline-certificate",
            "Name": "tls-certificate",
            "Meta": { "env": "test" },
            "Certificate": cert,
            "PrivateKey": key,
        })
        .to_string()
    }

    fn yaml(cert: &str, key: &str) -> String {
        let indent = |s: &str| s.lines().map(|l| format!("  {l}\n")).collect::<String>();
        format!(
            "Kind: inline-certificate\nName: tls-certificate\nMeta:\n  env: test\nCertificate: |\n{}PrivateKey: |\n{}",
            indent(cert),
            indent(key)
        )
    }

    fn cert_entry(file: &str, text: &str) -> InlineCertificate {
        match entry(file, text) {
            ConfigEntry::InlineCertificate(c) => c,
            other => panic!("not an inline-certificate: {other:?}"),
        }
    }

    #[test]
    fn the_full_example_decodes_the_same_in_every_format() {
        let h = cert_entry("x.hcl", &hcl(CERT, KEY));
        assert_eq!(h, cert_entry("x.json", &json(CERT, KEY)));
        assert_eq!(h, cert_entry("x.yaml", &yaml(CERT, KEY)));
        assert_eq!(h.certificate, CERT);
        assert_eq!(h.chain_len(), 1);
        let chain = format!("{CERT}{CERT}");
        assert_eq!(cert_entry("x.json", &json(&chain, KEY)).chain_len(), 2);
    }

    #[test]
    fn both_fields_are_required() {
        let text = "Kind = \"inline-certificate\"\nName = \"c\"\nPrivateKey = \"\"\n";
        assert_eq!(
            diags("x.hcl", text),
            vec![("E0203".to_string(), "1:1".to_string()), ("E0203".to_string(), at(text, "\"\"", 1))]
        );
    }

    #[test]
    fn placeholders_and_swapped_fields_are_caught() {
        let text = json("<complete-public-certificate>", CERT);
        assert_eq!(
            diags("x.json", &text),
            vec![
                ("E0380".to_string(), at(&text, "\"<complete", 1)),
                ("E0380".to_string(), at(&text, "\"-----BEGIN CERT", 1)),
            ]
        );
        let msgs = messages("x.json", &text);
        assert!(msgs[0].starts_with("Certificate has no PEM block"), "{}", msgs[0]);
        assert!(msgs[1].starts_with("PrivateKey holds a certificate"), "{}", msgs[1]);
        let swapped = json(KEY, KEY);
        assert!(messages("x.json", &swapped)[0].starts_with("Certificate holds a private key"));
    }

    #[test]
    fn broken_pem_structure_is_explained() {
        let cases = [
            (CERT.replace("-----END CERTIFICATE-----\n", ""), "never closed"),
            (CERT.replace("END CERTIFICATE", "END PRIVATE KEY"), "closed by `END PRIVATE KEY`"),
            (CERT.replace("MIIBszCC", "MIIB szCC"), "not base64"),
            (CERT.replace("AKBggq", "AKBgg"), "cut short"),
            ("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n".to_string(), "empty `BEGIN CERTIFICATE` block"),
            (CERT.replace('\n', "\\n"), "line breaks"),
        ];
        for (cert, want) in cases {
            let text = json(&cert, KEY);
            let msgs = messages("x.json", &text);
            assert_eq!(msgs.len(), 1, "{cert:?}: {msgs:?}");
            assert!(msgs[0].contains(want), "{cert:?}: {}", msgs[0]);
        }
    }

    #[test]
    fn encrypted_keys_are_refused() {
        let pkcs8 = KEY.replace("EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY");
        let text = json(CERT, &pkcs8);
        assert_eq!(diags("x.json", &text), one("E0380", &at(&text, "\"-----BEGIN ENC", 1)));
        let legacy = KEY.replace("-----\nMHc", "-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\nMHc");
        assert!(messages("x.json", &json(CERT, &legacy))[0].contains("encrypted"));
        let rsa = KEY.replace("EC PRIVATE KEY", "RSA PRIVATE KEY");
        assert!(diags("x.json", &json(CERT, &rsa)).is_empty());
        let with_params =
            format!("-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n{KEY}");
        assert!(diags("x.json", &json(CERT, &with_params)).is_empty());
    }

    #[test]
    fn the_entry_needs_a_name() {
        let text = json(CERT, KEY).replace("\"Name\":\"tls-certificate\",", "");
        assert_eq!(diags("x.json", &text), one("E0203", "1:1"));
    }
}
