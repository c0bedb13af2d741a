//! Development certificates for the Envoy tests, in the layout `meshgate envoy --cert-dir` expects
//! (`ca.pem`, `<name>.pem`, `<name>-key.pem`): a CA and SPIFFE leaf certificates (ECDSA P-256).

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, SanType,
};
use std::path::{Path, PathBuf};

/// A CA that can issue leaves.
pub struct Ca {
    pub dir: PathBuf,
    pub cert_pem: String,
    key: KeyPair,
    cert: rcgen::Certificate,
}

/// A leaf certificate and its key.
pub struct Leaf {
    pub cert_pem: String,
    pub key_pem: String,
}

impl Leaf {
    /// As a client certificate.
    pub fn client(&self) -> crate::net::ClientIdentity<'_> {
        crate::net::ClientIdentity { cert_pem: &self.cert_pem, key_pem: &self.key_pem }
    }
}

impl Ca {
    /// Creates a CA and writes `dir/ca.pem` and `dir/ca-key.pem`.
    pub fn create(dir: &Path, name: &str) -> Result<Ca, String> {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let mut p = CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
        p.distinguished_name.push(DnType::CommonName, name);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        let key = KeyPair::generate().map_err(|e| e.to_string())?;
        let cert = p.self_signed(&key).map_err(|e| e.to_string())?;
        let cert_pem = cert.pem();
        std::fs::write(dir.join("ca.pem"), &cert_pem).map_err(|e| e.to_string())?;
        std::fs::write(dir.join("ca-key.pem"), key.serialize_pem()).map_err(|e| e.to_string())?;
        Ok(Ca { dir: dir.to_path_buf(), cert_pem, key, cert })
    }

    /// Issues `<stem>.pem`/`<stem>-key.pem` with a URI SAN (`spiffe://…`) and DNS names.
    pub fn issue(&self, stem: &str, uri: &str, dns: &[&str]) -> Result<Leaf, String> {
        let uris: &[&str] = if uri.is_empty() { &[] } else { &[uri] };
        self.issue_uris(stem, uris, dns)
    }

    /// [`Ca::issue`] with any number of URI SANs, in this order (Connect certificates carry
    /// exactly one; tests need the others).
    pub fn issue_uris(&self, stem: &str, uris: &[&str], dns: &[&str]) -> Result<Leaf, String> {
        let mut names: Vec<String> = dns.iter().map(|d| d.to_string()).collect();
        names.push("localhost".into());
        let mut p = CertificateParams::new(names).map_err(|e| e.to_string())?;
        p.distinguished_name.push(DnType::CommonName, stem);
        for (i, uri) in uris.iter().enumerate() {
            let uri = uri.to_string().try_into().map_err(|e: rcgen::Error| e.to_string())?;
            p.subject_alt_names.insert(i, SanType::URI(uri));
        }
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth];
        let key = KeyPair::generate().map_err(|e| e.to_string())?;
        let cert = p.signed_by(&key, &self.cert, &self.key).map_err(|e| e.to_string())?;
        let leaf = Leaf { cert_pem: cert.pem(), key_pem: key.serialize_pem() };
        std::fs::write(self.dir.join(format!("{stem}.pem")), &leaf.cert_pem).map_err(|e| e.to_string())?;
        std::fs::write(self.dir.join(format!("{stem}-key.pem")), &leaf.key_pem).map_err(|e| e.to_string())?;
        Ok(leaf)
    }
}

impl Leaf {
    /// This leaf as a workload's mesh identity, trusting `ca`.
    pub fn identity(&self, ca: &Ca) -> crate::net::MeshIdentity {
        crate::net::MeshIdentity {
            cert_pem: self.cert_pem.clone(),
            key_pem: self.key_pem.clone(),
            ca_pem: ca.cert_pem.clone(),
        }
    }
}

impl Ca {
    /// Issues `<stem>.pem` for a workload of dc1's default namespace whose SPIFFE ID names
    /// `service` (a Connect certificate: exactly one URI SAN), and returns it as a mesh identity.
    pub fn service(&self, stem: &str, service: &str) -> Result<crate::net::MeshIdentity, String> {
        Ok(self.issue(stem, &crate::harness::spiffe(service), &[])?.identity(self))
    }
}

// ------------------------------------------------------------------------ reading certificates

/// One DER element: (tag, contents, what follows). `None` when the input is not DER.
fn der(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// The URI SANs of a DER certificate, in order (a Connect certificate carries exactly one, its
/// SPIFFE ID). Empty when it has none or cannot be read.
pub fn uri_sans(cert_der: &[u8]) -> Vec<String> {
    sans(cert_der, 0x86) // GeneralName [6] IMPLICIT IA5String
}

/// The DNS-name SANs of a DER certificate, in order. Empty when it has none or cannot be read.
pub fn dns_sans(cert_der: &[u8]) -> Vec<String> {
    sans(cert_der, 0x82) // GeneralName [2] IMPLICIT IA5String
}

/// The SANs of one GeneralName type (`tag`), in order.
fn sans(cert_der: &[u8], wanted: u8) -> Vec<String> {
    const SEQUENCE: u8 = 0x30;
    const EXTENSIONS: u8 = 0xa3; // [3] EXPLICIT, in the TBSCertificate
    const SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11]; // 2.5.29.17
    let mut out = Vec::new();
    let Some((SEQUENCE, cert, _)) = der(cert_der) else { return out };
    let Some((SEQUENCE, mut tbs, _)) = der(cert) else { return out };
    // The TBSCertificate's fields, up to the extensions.
    let mut extensions = None;
    while let Some((tag, body, rest)) = der(tbs) {
        if tag == EXTENSIONS {
            extensions = der(body).filter(|(t, _, _)| *t == SEQUENCE).map(|(_, list, _)| list);
        }
        tbs = rest;
    }
    let mut list = extensions.unwrap_or_default();
    while let Some((_, ext, rest)) = der(list) {
        list = rest;
        let Some((0x06, oid, mut fields)) = der(ext) else { continue };
        if oid != SUBJECT_ALT_NAME {
            continue;
        }
        // extnID, [critical BOOLEAN], extnValue OCTET STRING holding GeneralNames.
        while let Some((tag, value, rest)) = der(fields) {
            fields = rest;
            if tag != 0x04 {
                continue;
            }
            let Some((SEQUENCE, mut names, _)) = der(value) else { continue };
            while let Some((tag, name, rest)) = der(names) {
                names = rest;
                if tag == wanted {
                    out.push(String::from_utf8_lossy(name).into_owned());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;

    fn der_of(pem: &str) -> Vec<u8> {
        CertificateDer::from_pem_slice(pem.as_bytes()).map(|c| c.to_vec()).unwrap_or_default()
    }

    #[test]
    fn uri_sans_are_read_in_order() {
        let dir = std::env::temp_dir().join(format!("meshgate-pki-{}", std::process::id()));
        let ca = Ca::create(&dir, "test CA").unwrap_or_else(|e| panic!("{e}"));
        let one = ca.issue("one", "spiffe://td/ns/default/dc/dc1/svc/web", &["web"]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(uri_sans(&der_of(&one.cert_pem)), ["spiffe://td/ns/default/dc/dc1/svc/web"]);
        let two = ca.issue_uris("two", &["spiffe://a/x", "spiffe://b/y"], &["two"]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(uri_sans(&der_of(&two.cert_pem)), ["spiffe://a/x", "spiffe://b/y"]);
        let none = ca.issue("none", "", &["none"]).unwrap_or_else(|e| panic!("{e}"));
        assert!(uri_sans(&der_of(&none.cert_pem)).is_empty());
        assert_eq!(dns_sans(&der_of(&none.cert_pem)), ["none", "localhost"]);
        assert!(uri_sans(&der_of(&ca.cert_pem)).is_empty());
        assert!(uri_sans(b"\x30\x82\xff").is_empty(), "truncated DER");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
