//! `meshgate ca create` and `meshgate cert issue`: a development CA and SPIFFE leaf certificates
//! for demos and tests (production meshes bring their own).
//!
//! Layout of the directory (`--dir`, default `certs`): `ca.pem`, `ca-key.pem`, and per leaf
//! `<name>.pem` + `<name>-key.pem`. Keys are ECDSA P-256.

use crate::input::InputError;
use meshgate_core::names::{Sni, SpiffeId};
use meshgate_core::settings::{DEFAULT_DATACENTER, DEFAULT_TRUST_DOMAIN};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, SanType,
};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The CA's common name; rebuilt identically when it signs (the issuer name must match).
const CA_NAME: &str = "meshgate development CA";

#[derive(clap::Subcommand, Debug)]
pub enum CaCommand {
    /// Create a development CA: DIR/ca.pem and DIR/ca-key.pem.
    Create(CaArgs),
}

#[derive(clap::Args, Debug)]
pub struct CaArgs {
    /// Where the CA goes.
    #[arg(long, value_name = "DIR", default_value = "certs")]
    dir: PathBuf,
    /// The mesh's trust domain (the CA carries spiffe://<trust domain> as its URI SAN).
    #[arg(long, value_name = "DOMAIN", default_value = DEFAULT_TRUST_DOMAIN)]
    trust_domain: String,
    /// Replace an existing CA.
    #[arg(long)]
    force: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum CertCommand {
    /// Issue a leaf certificate signed by the CA in DIR, with a SPIFFE URI SAN.
    Issue(IssueArgs),
}

#[derive(clap::Args, Debug)]
pub struct IssueArgs {
    /// The service the certificate identifies (spiffe://<td>/ns/<ns>/dc/<dc>/svc/<service>).
    #[arg(long, value_name = "NAME", required_unless_present = "mesh_gateway")]
    service: Option<String>,
    /// Issue a mesh gateway's identity (spiffe://<td>/gateway/mesh/dc/<dc>) instead.
    #[arg(long, conflicts_with = "service")]
    mesh_gateway: bool,
    #[arg(long, value_name = "DC", default_value = DEFAULT_DATACENTER)]
    datacenter: String,
    #[arg(long, value_name = "NS", default_value = "default")]
    namespace: String,
    #[arg(long, value_name = "AP", default_value = "default")]
    partition: String,
    #[arg(long, value_name = "DOMAIN", default_value = DEFAULT_TRUST_DOMAIN)]
    trust_domain: String,
    /// Extra DNS names (the service name, its SNI name and localhost are always included).
    #[arg(long = "dns", value_name = "NAME")]
    dns: Vec<String>,
    /// The directory with the CA; the certificate is written there too.
    #[arg(long, value_name = "DIR", default_value = "certs")]
    dir: PathBuf,
    /// File name stem for the certificate and key (default: the service name, or
    /// `mesh-gateway-<dc>`).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
}

fn err(what: &str) -> impl Fn(rcgen::Error) -> InputError + '_ {
    move |e| InputError(format!("{what}: {e}"))
}

fn write(path: &Path, content: &str) -> Result<(), InputError> {
    std::fs::write(path, content).map_err(|e| InputError(format!("cannot write {}: {e}", path.display())))
}

fn ca_params(trust_domain: &str) -> Result<CertificateParams, InputError> {
    let mut p = CertificateParams::new(Vec::<String>::new()).map_err(err("CA parameters"))?;
    p.distinguished_name.push(DnType::CommonName, CA_NAME);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let uri = format!("spiffe://{}", trust_domain.to_ascii_lowercase());
    p.subject_alt_names = vec![SanType::URI(uri.try_into().map_err(err("trust domain"))?)];
    Ok(p)
}

pub fn ca(cmd: &CaCommand) -> Result<ExitCode, InputError> {
    let CaCommand::Create(args) = cmd;
    std::fs::create_dir_all(&args.dir).map_err(|e| InputError(format!("cannot create {}: {e}", args.dir.display())))?;
    let (cert_path, key_path) = (args.dir.join("ca.pem"), args.dir.join("ca-key.pem"));
    if cert_path.exists() && !args.force {
        eprintln!("meshgate: {} exists; keeping it (--force replaces it)", cert_path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let key = KeyPair::generate().map_err(err("CA key"))?;
    let cert = ca_params(&args.trust_domain)?.self_signed(&key).map_err(err("CA certificate"))?;
    write(&key_path, &key.serialize_pem())?;
    write(&cert_path, &cert.pem())?;
    println!("{}", cert_path.display());
    Ok(ExitCode::SUCCESS)
}

pub fn issue(cmd: &CertCommand) -> Result<ExitCode, InputError> {
    let CertCommand::Issue(a) = cmd;
    let ca_key_path = a.dir.join("ca-key.pem");
    let ca_key_pem = std::fs::read_to_string(&ca_key_path).map_err(|e| {
        InputError(format!(
            "cannot read {}: {e} (create a CA first: meshgate ca create --dir {})",
            ca_key_path.display(),
            a.dir.display()
        ))
    })?;
    let ca_key = KeyPair::from_pem(&ca_key_pem).map_err(err("CA key"))?;
    let ca_cert = ca_params(&a.trust_domain)?.self_signed(&ca_key).map_err(err("CA certificate"))?;

    let td = a.trust_domain.to_ascii_lowercase();
    let (id, stem, mut dns) = match &a.service {
        Some(service) if !a.mesh_gateway => {
            let id = SpiffeId::service(&td, &a.partition, &a.namespace, &a.datacenter, service);
            let sni = Sni::service(None, service, &a.namespace, &a.partition, &a.datacenter, &td);
            (id, service.clone(), vec![service.clone(), sni.to_string()])
        }
        _ => {
            let id = SpiffeId::mesh_gateway(&td, &a.partition, &a.datacenter);
            let stem = format!("mesh-gateway-{}", a.datacenter);
            (id, stem, vec![Sni::gateway(&a.partition, &a.datacenter, &td).to_string()])
        }
    };
    dns.push("localhost".into());
    dns.extend(a.dns.iter().cloned());
    let stem = a.name.clone().unwrap_or(stem);
    let mut p = CertificateParams::new(dns).map_err(err("certificate names"))?;
    p.distinguished_name.push(DnType::CommonName, stem.as_str());
    p.subject_alt_names.insert(0, SanType::URI(id.to_string().try_into().map_err(err("SPIFFE ID"))?));
    p.subject_alt_names.push(SanType::IpAddress(std::net::IpAddr::from([127, 0, 0, 1])));
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth];
    let key = KeyPair::generate().map_err(err("key"))?;
    let cert = p.signed_by(&key, &ca_cert, &ca_key).map_err(err("certificate"))?;
    let (cert_path, key_path) = (a.dir.join(format!("{stem}.pem")), a.dir.join(format!("{stem}-key.pem")));
    write(&key_path, &key.serialize_pem())?;
    write(&cert_path, &cert.pem())?;
    println!("{} {}", cert_path.display(), id);
    Ok(ExitCode::SUCCESS)
}
