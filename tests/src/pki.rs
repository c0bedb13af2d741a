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
