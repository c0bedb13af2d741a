//! JWT requirements of intentions in real Envoy: `meshgate envoy` puts Envoy's jwt_authn filter
//! (verify only) before filter.wasm, which decides from the verified claims. The tokens are ES256,
//! signed here with a key whose JWKS the test generates and hands to a `jwt-provider` entry.
//!
//! Expected answers, from the intention semantics and HTTP: no token or one that does not verify
//! (another key, expired, another issuer, another audience) is 401; a verified token without the
//! required claims is 403; each carries its reason in `x-meshgate-reason`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use meshgate_core::gateway::REASON_HEADER;
use meshgate_core::settings::Settings;
use meshgate_tests::envoy::scratch_dir;
use meshgate_tests::harness::{self, Ports};
use meshgate_tests::net::{http_request, Backend};
use meshgate_tests::pki::Ca;
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const ISSUER: &str = "https://issuer.test";

fn base64(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
        if pad {
            out.push_str(&"=".repeat(3 - chunk.len()));
        }
    }
    out
}

const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// An ES256 signing key and its JWKS.
struct Signer {
    key: EcdsaKeyPair,
    kid: String,
}

impl Signer {
    fn new(kid: &str) -> Signer {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
        Signer { key, kid: kid.into() }
    }

    fn jwks(&self) -> Value {
        // Uncompressed point: 0x04 | x | y.
        let point = self.key.public_key().as_ref();
        json!({ "keys": [{
            "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": self.kid,
            "x": base64(&point[1..33], URL, false), "y": base64(&point[33..65], URL, false),
        }] })
    }

    fn token(&self, claims: &Value) -> String {
        let header = json!({ "alg": "ES256", "typ": "JWT", "kid": self.kid });
        let input = format!(
            "{}.{}",
            base64(header.to_string().as_bytes(), URL, false),
            base64(claims.to_string().as_bytes(), URL, false)
        );
        let sig = self.key.sign(&SystemRandom::new(), input.as_bytes()).unwrap();
        format!("{input}.{}", base64(sig.as_ref(), URL, false))
    }
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// Valid claims, with `extra` merged in.
fn claims(extra: Value) -> Value {
    let mut c = json!({ "iss": ISSUER, "aud": "web", "sub": "alice", "exp": now() + 3600,
                        "perms": { "tenant": ["acme", "other"] } });
    if let (Some(o), Some(e)) = (c.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            o.insert(k.clone(), v.clone());
        }
    }
    c
}

const WORKSPACE: &str = r#"
service { name = "ingress" kind = "ingress-gateway" address = "127.0.0.1" port = 8443 }
---
service { name = "web" address = "127.0.0.1" port = {{WEB}} connect { native = true } }
---
Kind = "proxy-defaults"
Name = "global"
Config { protocol = "http" }
---
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [{ Port = {{INGRESS}}, Protocol = "http", Services = [{ Name = "web", Hosts = ["*"] }] }]
---
Kind = "jwt-provider"
Name = "local"
Issuer = "https://issuer.test"
Audiences = ["web"]
JSONWebKeySet { Local { JWKS = "{{JWKS}}" } }
---
Kind = "service-intentions"
Name = "web"
JWT {
  Providers = [{ Name = "local", VerifyClaims = [{ Path = ["perms", "tenant"], Value = "acme" }] }]
}
Sources = [{
  Name = "ingress"
  Permissions = [
    {
      Action = "allow"
      HTTP { PathPrefix = "/admin" }
      JWT { Providers = [{ Name = "local", VerifyClaims = [{ Path = ["role"], Value = "admin" }] }] }
    },
    { Action = "allow", HTTP { PathPrefix = "/public" } },
  ]
}]
"#;

/// Loads `workspace` (ports filled, `signer`'s key set as `{{JWKS}}`, default policy deny) and
/// starts `gateway` in Envoy, with the Connect-native backend `web` it sends to.
fn start(
    name: &str,
    workspace: &str,
    ports: &Ports,
    signer: &Signer,
    gateway: &str,
) -> (meshgate_tests::envoy::Envoy, Backend) {
    let dir = scratch_dir(name);
    let jwks = base64(signer.jwks().to_string().as_bytes(), STD, true);
    let text = ports.fill(workspace).replace("{{JWKS}}", &jwks);
    let settings =
        Settings { default_intention_policy: meshgate_core::intentions::Action::Deny, ..Settings::default() };
    let (ws, c) = harness::load(&text, &settings).unwrap_or_else(|e| panic!("{e}"));
    let certs = dir.join("certs");
    let ca = Ca::create(&certs, "test CA").unwrap();
    ca.service(gateway, gateway).unwrap();
    let web = Backend::native_http("web", ports.get("WEB"), &ca.service("web", "web").unwrap()).unwrap();
    let envoy = harness::start_gateway(&dir, &ws, &c, gateway, Some(&certs), None).unwrap_or_else(|e| panic!("{e}"));
    (envoy, web)
}

#[test]
#[ignore = "needs Envoy and filter.wasm: scripts/test.sh runs it"]
fn jwt_requirements_are_enforced_from_what_envoy_verified() {
    let ports = Ports::new(&["INGRESS", "WEB"]);
    let signer = Signer::new("k1");
    let (envoy, _web) = start("jwt", WORKSPACE, &ports, &signer, "ingress");
    let get = |path: &str, token: Option<&str>| {
        let bearer = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> = bearer.iter().map(|b| ("Authorization", b.as_str())).collect();
        let r = http_request(ports.get("INGRESS"), "web.example.com", "GET", path, &headers)
            .unwrap_or_else(|e| panic!("{path}: {e}\n{}", envoy.log_tail(30)));
        (r.status, r.header(REASON_HEADER).unwrap_or("-").to_string())
    };
    let want = |status: u16, reason: &str| (status, reason.to_string());

    let good = signer.token(&claims(json!({})));
    assert_eq!(get("/public", Some(&good)), want(200, "-"), "{}", envoy.log_tail(30));
    // Missing: 401.
    assert_eq!(get("/public", None), want(401, "jwt-missing"));
    // Does not verify: another key, expired, another issuer, another audience: 401.
    let other = Signer::new("k1").token(&claims(json!({})));
    assert_eq!(get("/public", Some(&other)), want(401, "jwt-invalid"));
    let expired = signer.token(&claims(json!({ "exp": now() - 3600 })));
    assert_eq!(get("/public", Some(&expired)), want(401, "jwt-invalid"));
    let issuer = signer.token(&claims(json!({ "iss": "https://evil.test" })));
    assert_eq!(get("/public", Some(&issuer)), want(401, "jwt-invalid"));
    let audience = signer.token(&claims(json!({ "aud": "billing" })));
    assert_eq!(get("/public", Some(&audience)), want(401, "jwt-invalid"));
    assert_eq!(get("/public", Some("not-a-jwt")), want(401, "jwt-invalid"));
    // Verified, but the entry's claim (a list holding "acme") is not there: 403.
    let tenant = signer.token(&claims(json!({ "perms": { "tenant": ["evil"] } })));
    assert_eq!(get("/public", Some(&tenant)), want(403, "jwt-claims"));
    let tenant = signer.token(&claims(json!({ "perms": { "tenant": "acme" } })));
    assert_eq!(get("/public", Some(&tenant)), want(200, "-"));

    // The permission on /admin requires role=admin too.
    assert_eq!(get("/admin/x", Some(&good)), want(403, "jwt-claims"));
    let admin = signer.token(&claims(json!({ "role": "admin" })));
    assert_eq!(get("/admin/x", Some(&admin)), want(200, "-"));
    assert_eq!(get("/admin/x", None), want(401, "jwt-missing"));
    // Nothing allows other paths, token or not.
    assert_eq!(get("/other", Some(&admin)), want(403, "default-policy"));

    // The deny line carries the reason.
    assert!(envoy.eventually(Duration::from_secs(5), || envoy.log_text().contains("reason=jwt-claims")));
    let log = envoy.log_text();
    assert!(log.lines().any(|l| l.contains("meshgate deny") && l.contains("reason=jwt-missing")), "{log}");
    assert!(log.lines().any(|l| l.contains("meshgate deny") && l.contains("reason=jwt-invalid")));
}

/// Every field of a jwt-provider, with a remote key set over https (its own TLS cluster) and
/// another read from a file, passes `envoy --mode validate` in a sidecar and an ingress gateway.
#[test]
#[ignore = "needs Envoy and filter.wasm: scripts/test.sh runs it"]
fn every_provider_setting_passes_envoy_validate() {
    use meshgate_core::envoy::{self, Options};
    use meshgate_tests::envoy::{find_envoy, validate};
    let dir = scratch_dir("jwt-validate");
    let text = r#"
service { name = "ingress" kind = "ingress-gateway" address = "127.0.0.1" port = 8443 }
---
service { name = "web" address = "127.0.0.1" port = 9000 connect { sidecar_service { port = 21000 } } }
---
Kind = "proxy-defaults"
Name = "global"
Config { protocol = "http" }
---
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [{ Port = 8080, Protocol = "http", Services = [{ Name = "web", Hosts = ["*"] }] }]
---
Kind = "jwt-provider"
Name = "okta"
Issuer = "https://okta.example.com"
Audiences = ["billing", "store"]
JSONWebKeySet {
  Remote {
    URI = "https://okta.example.com/oauth2/default/v1/keys"
    RequestTimeoutMs = 1500
    CacheDuration = "10m"
    FetchAsynchronously = true
    UseSNI = true
    RetryPolicy { NumRetries = 3, RetryPolicyBackOff { BaseInterval = "1s", MaxInterval = "10s" } }
    JWKSCluster {
      DiscoveryType = "STRICT_DNS"
      ConnectTimeout = "2s"
      TLSCertificates { TrustedCA { Filename = "{{CA}}" } }
    }
  }
}
Locations = [
  { Header = { Name = "Authorization", ValuePrefix = "Bearer ", Forward = true } },
  { QueryParam = { Name = "access_token" } },
  { Cookie = { Name = "session" } },
]
Forwarding = { HeaderName = "x-jwt-payload", PadForwardPayloadHeader = true }
ClockSkewSeconds = 45
CacheConfig = { Size = 100 }
---
Kind = "jwt-provider"
Name = "files"
JSONWebKeySet { Local { Filename = "{{JWKS_FILE}}" } }
---
Kind = "service-intentions"
Name = "web"
JWT { Providers = [{ Name = "okta", VerifyClaims = [{ Path = ["perms", "role"], Value = "admin" }] }] }
Sources = [{
  Name = "*"
  Permissions = [{ Action = "allow", HTTP { PathPrefix = "/" }, JWT { Providers = [{ Name = "files" }] } }]
}]
"#;
    let certs = dir.join("certs");
    let ca = Ca::create(&certs, "test CA").unwrap();
    ca.service("ingress", "ingress").unwrap();
    ca.service("web", "web").unwrap();
    let jwks = dir.join("jwks.json");
    std::fs::write(&jwks, Signer::new("k").jwks().to_string()).unwrap();
    let text = text
        .replace("{{CA}}", &certs.join("ca.pem").display().to_string())
        .replace("{{JWKS_FILE}}", &jwks.display().to_string());
    let (ws, c) = harness::load(&text, &Settings::default()).unwrap_or_else(|e| panic!("{e}"));
    let envoy_cmd = find_envoy().unwrap();
    let (wasm, host) = meshgate_tests::envoy::filter_under_test().unwrap_or_else(|e| panic!("{e}"));
    for (selector, sidecar) in [("ingress", false), ("web", true)] {
        let opts = Options {
            wasm: wasm.clone(),
            host: host.clone(),
            admin_port: 19000,
            cert_dir: Some(certs.display().to_string()),
            cert_files: Vec::new(),
            ecds_dir: None,
            health_port: None,
            sidecar,
        };
        let g = envoy::generate(&ws, &c, selector, &opts).unwrap_or_else(|e| panic!("{selector}: {e}"));
        assert!(g.bootstrap.contains("envoy.filters.http.jwt_authn"), "{selector}");
        assert!(g.bootstrap.contains("meshgate_jwks_okta"), "{selector}");
        let config = dir.join(format!("{selector}.json"));
        std::fs::write(&config, &g.bootstrap).unwrap();
        validate(&envoy_cmd, &config).unwrap_or_else(|e| panic!("{selector}: {e}"));
    }
}

/// An API gateway: `open` has a listener `Default` (any verified token), which the `/admin` rule's
/// own, stricter filter replaces; `locked` has an `Override` (role ops) that wins over its route's
/// filter (which asks for no claim). Consul's documented precedence: Override, then the route's
/// filter, then Default.
const API_GATEWAY: &str = r#"
service { name = "api-gw" kind = "api-gateway" address = "127.0.0.1" port = 8443 }
---
service { name = "web" address = "127.0.0.1" port = {{WEB}} connect { native = true } }
---
Kind = "proxy-defaults"
Name = "global"
Config { protocol = "http" }
---
Kind = "jwt-provider"
Name = "local"
Issuer = "https://issuer.test"
Audiences = ["web"]
JSONWebKeySet { Local { JWKS = "{{JWKS}}" } }
---
Kind = "api-gateway"
Name = "api-gw"
Listeners = [
  {
    Name = "open", Port = {{OPEN}}, Protocol = "http"
    Default = { JWT = { Providers = [{ Name = "local" }] } }
  },
  {
    Name = "locked", Port = {{LOCKED}}, Protocol = "http"
    Override = { JWT = { Providers = [{ Name = "local", VerifyClaims = [{ Path = ["role"], Value = "ops" }] }] } }
  },
]
---
Kind = "http-route"
Name = "open"
Parents = [{ Name = "api-gw", SectionName = "open" }]
Rules = [
  {
    Matches = [{ Path = { Match = "prefix", Value = "/admin" } }]
    Filters = { JWT = { Providers = [{ Name = "local", VerifyClaims = [{ Path = ["role"], Value = "admin" }] }] } }
    Services = [{ Name = "web" }]
  },
  { Services = [{ Name = "web" }] },
]
---
Kind = "http-route"
Name = "locked"
Parents = [{ Name = "api-gw", SectionName = "locked" }]
Rules = [{ Filters = { JWT = { Providers = [{ Name = "local" }] } }, Services = [{ Name = "web" }] }]
---
Kind = "service-intentions"
Name = "web"
Sources = [{ Name = "api-gw", Action = "allow" }]
"#;

#[test]
#[ignore = "needs Envoy and filter.wasm: scripts/test.sh runs it"]
fn api_gateway_jwt_requirements_are_enforced_per_route() {
    let ports = Ports::new(&["OPEN", "LOCKED", "WEB"]);
    let signer = Signer::new("k1");
    let (envoy, web) = start("jwt-api", API_GATEWAY, &ports, &signer, "api-gw");
    let get = |port: &str, path: &str, token: Option<&str>| {
        let bearer = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> = bearer.iter().map(|b| ("Authorization", b.as_str())).collect();
        let r = http_request(ports.get(port), "site.example.com", "GET", path, &headers)
            .unwrap_or_else(|e| panic!("{path}: {e}\n{}", envoy.log_tail(30)));
        (r.status, r.header(REASON_HEADER).unwrap_or("-").to_string())
    };
    let want = |status: u16, reason: &str| (status, reason.to_string());

    // The listener's Default: a token is needed, any verified one will do.
    let good = signer.token(&claims(json!({})));
    assert_eq!(get("OPEN", "/home", None), want(401, "jwt-missing"), "{}", envoy.log_tail(30));
    assert_eq!(get("OPEN", "/home", Some(&good)), want(200, "-"), "{}", envoy.log_tail(30));
    let other = Signer::new("k1").token(&claims(json!({})));
    assert_eq!(get("OPEN", "/home", Some(&other)), want(401, "jwt-invalid"));
    // The /admin rule's stricter filter replaces the Default.
    assert_eq!(get("OPEN", "/admin/x", Some(&good)), want(403, "jwt-claims"));
    let admin = signer.token(&claims(json!({ "role": "admin" })));
    assert_eq!(get("OPEN", "/admin/x", Some(&admin)), want(200, "-"));
    // The Override wins over the route's own (claim-free) filter.
    assert_eq!(get("LOCKED", "/", Some(&good)), want(403, "jwt-claims"));
    assert_eq!(get("LOCKED", "/", Some(&admin)), want(403, "jwt-claims"));
    let ops = signer.token(&claims(json!({ "role": "ops" })));
    assert_eq!(get("LOCKED", "/", Some(&ops)), want(200, "-"));
    assert_eq!(get("LOCKED", "/", None), want(401, "jwt-missing"));

    assert_eq!(web.received().len(), 3, "only the allowed requests reach the service: {:?}", web.received());
    assert!(envoy.eventually(Duration::from_secs(5), || envoy.log_text().contains("reason=jwt-claims")));
}
