use super::*;
use crate::model::testing::{check, d, positions as diags};
use crate::model::{ConfigEntry, Document};
use crate::workspace::Workspace;

fn entry(ws: &Workspace) -> &Mesh {
    match ws.documents.as_slice() {
        [Document::Entry(ConfigEntry::Mesh(e))] => e,
        other => panic!("expected one mesh entry, got {other:?}"),
    }
}

const FULL_HCL: &str = r#"
Kind      = "mesh"
Namespace = "default"
Partition = "default"
Meta = {
  team = "platform"
}
TransparentProxy {
  MeshDestinationsOnly = true
}
AllowEnablingPermissiveMutualTLS = true
ValidateClusters                 = true
TLS {
  Incoming {
    TLSMinVersion = "TLSv1_2"
    TLSMaxVersion = "TLSv1_3"
    CipherSuites = [
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    ]
    ECDHCurves = ["X25519", "P-256"]
  }
  Outgoing {
    TLSMinVersion = "TLSv1_3"
  }
}
HTTP {
  SanitizeXForwardedClientCert = true
  Incoming {
    RequestNormalization {
      InsecureDisablePathNormalization = false // default false, shown for completeness
      MergeSlashes                     = true
      PathWithEscapedSlashesAction     = "UNESCAPE_AND_FORWARD"
      HeadersWithUnderscoresAction     = "REJECT_REQUEST"
    }
  }
}
Peering {
  PeerThroughMeshGateways = true
}
"#;

const FULL_JSON: &str = r#"{
  "Kind": "mesh",
  "Namespace": "default",
  "Partition": "default",
  "Meta": { "team": "platform" },
  "TransparentProxy": { "MeshDestinationsOnly": true },
  "AllowEnablingPermissiveMutualTLS": true,
  "ValidateClusters": true,
  "TLS": {
    "Incoming": {
      "TLSMinVersion": "TLSv1_2",
      "TLSMaxVersion": "TLSv1_3",
      "CipherSuites": [
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"
      ],
      "ECDHCurves": ["X25519", "P-256"]
    },
    "Outgoing": { "TLSMinVersion": "TLSv1_3" }
  },
  "HTTP": {
    "SanitizeXForwardedClientCert": true,
    "Incoming": {
      "RequestNormalization": {
        "InsecureDisablePathNormalization": false,
        "MergeSlashes": true,
        "PathWithEscapedSlashesAction": "UNESCAPE_AND_FORWARD",
        "HeadersWithUnderscoresAction": "REJECT_REQUEST"
      }
    }
  },
  "Peering": { "PeerThroughMeshGateways": true }
}
"#;

const FULL_YAML: &str = r#"
kind: mesh
namespace: default
partition: default
meta:
  team: platform
transparentProxy:
  meshDestinationsOnly: true
allowEnablingPermissiveMutualTLS: true
validateClusters: true
tls:
  incoming:
    tlsMinVersion: TLSv1_2
    tlsMaxVersion: TLSv1_3
    cipherSuites:
      - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
      - TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
    ecdhCurves: [X25519, P-256]
  outgoing:
    tlsMinVersion: TLSv1_3
http:
  sanitizeXForwardedClientCert: true
  incoming:
    requestNormalization:
      insecureDisablePathNormalization: false # default false, shown for completeness
      mergeSlashes: true
      pathWithEscapedSlashesAction: UNESCAPE_AND_FORWARD
      headersWithUnderscoresAction: REJECT_REQUEST
peering:
  peerThroughMeshGateways: true
"#;

#[test]
fn the_full_example_reads_alike_in_hcl_json_and_yaml() {
    let hcl = Workspace::from_text("mesh.hcl", FULL_HCL);
    let json = Workspace::from_text("mesh.json", FULL_JSON);
    let yaml = Workspace::from_text("mesh.yaml", FULL_YAML);
    for ws in [&hcl, &json, &yaml] {
        assert!(crate::model::testing::rules(ws).is_empty(), "{:?}", crate::model::testing::resolved_rules(ws));
    }
    assert_eq!(entry(&hcl), entry(&json));
    assert_eq!(entry(&hcl), entry(&yaml));

    let m = entry(&hcl);
    // Not written, and filled in as Consul names the one mesh entry.
    assert_eq!(m.name, "mesh");
    assert!(m.mesh_destinations_only());
    assert!(m.allows_permissive_mutual_tls());
    assert!(m.peer_through_mesh_gateways());
    assert!(m.sanitize_x_forwarded_client_cert());
    let incoming = m.tls_incoming().expect("incoming");
    assert_eq!((incoming.tls_min_version, incoming.tls_max_version), (TlsVersion::V1_2, TlsVersion::V1_3));
    let suites: Vec<TlsCipherSuite> = incoming.cipher_suites.iter().map(|s| s.value).collect();
    assert_eq!(
        suites,
        [TlsCipherSuite::EcdheEcdsaWithAes128GcmSha256, TlsCipherSuite::EcdheRsaWithChacha20Poly1305Sha256]
    );
    assert_eq!(m.tls_outgoing().map(|t| t.tls_min_version), Some(TlsVersion::V1_3));
    assert_eq!(
        m.path_normalization(),
        PathNormalization {
            normalize_path: true,
            merge_slashes: true,
            path_with_escaped_slashes_action: PathWithEscapedSlashesAction::UnescapeAndForward,
            headers_with_underscores_action: HeadersWithUnderscoresAction::RejectRequest,
        }
    );
}

#[test]
fn it_serializes_with_consul_spelling() {
    let ws = Workspace::from_text("mesh.hcl", FULL_HCL);
    let v = serde_json::to_value(entry(&ws)).expect("serialize");
    assert_eq!(v["Name"], "mesh");
    assert_eq!(v["AllowEnablingPermissiveMutualTLS"], true);
    assert_eq!(v["TLS"]["Incoming"]["TLSMinVersion"], "TLSv1_2");
    assert_eq!(v["TLS"]["Incoming"]["ECDHCurves"][1], "P-256");
    assert_eq!(v["TLS"]["Incoming"]["CipherSuites"][0], "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    assert_eq!(v["HTTP"]["SanitizeXForwardedClientCert"], true);
    assert_eq!(v["HTTP"]["Incoming"]["RequestNormalization"]["PathWithEscapedSlashesAction"], "UNESCAPE_AND_FORWARD");
    assert_eq!(v["Peering"]["PeerThroughMeshGateways"], true);
}

#[test]
fn normalization_defaults_when_nothing_is_said() {
    let ws = Workspace::from_text("m.hcl", "Kind = \"mesh\"\n");
    assert!(crate::model::testing::rules(&ws).is_empty(), "{:?}", crate::model::testing::resolved_rules(&ws));
    let defaults = PathNormalization {
        normalize_path: true,
        merge_slashes: false,
        path_with_escaped_slashes_action: PathWithEscapedSlashesAction::ImplementationSpecificDefault,
        headers_with_underscores_action: HeadersWithUnderscoresAction::Allow,
    };
    assert_eq!(entry(&ws).path_normalization(), defaults);
    assert_eq!(PathNormalization::of(None), defaults);
    let off = Workspace::from_text(
        "m.hcl",
        "Kind = \"mesh\"\nHTTP { Incoming { RequestNormalization { InsecureDisablePathNormalization = true } } }\n",
    );
    assert!(!PathNormalization::of(Some(entry(&off))).normalize_path);
}

#[test]
fn a_name_when_given_must_be_mesh() {
    assert!(check("m.hcl", "Kind = \"mesh\"\nName = \"mesh\"\n").is_empty());
    let ws = Workspace::from_text("m.hcl", "Kind = \"mesh\"\nName = \"global\"\n");
    assert_eq!(diags(&ws), [d("E0320", 2, 8)]);
    assert!(ws.diagnostics[0].notes[0].contains("implicitly `mesh`"));
}

#[test]
fn the_mesh_entry_lives_in_the_default_namespace() {
    assert_eq!(check("m.hcl", "Kind = \"mesh\"\nNamespace = \"team-a\"\n"), [d("E0317", 2, 13)]);
}

#[test]
fn peering_through_mesh_gateways_only_in_the_default_partition() {
    let text = "Kind = \"mesh\"\nPartition = \"team-a\"\nPeering {\n  PeerThroughMeshGateways = true\n}\n";
    assert_eq!(check("m.hcl", text), [d("E0316", 4, 29)]);
    let off = "Kind = \"mesh\"\nPartition = \"team-a\"\nPeering {\n  PeerThroughMeshGateways = false\n}\n";
    assert!(check("m.hcl", off).is_empty());
}

#[test]
fn tls_versions_and_suites_are_closed_sets() {
    let text = "Kind = \"mesh\"\nTLS {\n  Incoming {\n    TLSMinVersion = \"TLSv1_4\"\n  }\n}\n";
    let ws = Workspace::from_text("m.hcl", text);
    assert_eq!(diags(&ws), [d("E0205", 4, 21)]);
    let suite = "Kind = \"mesh\"\nTLS {\n  Outgoing {\n    CipherSuites = [\"TLS_RSA_WITH_RC4_128_SHA\"]\n  }\n}\n";
    assert_eq!(check("m.hcl", suite), [d("E0205", 4, 21)]);
    let action =
        "Kind = \"mesh\"\nHTTP { Incoming { RequestNormalization { HeadersWithUnderscoresAction = \"DROP\" } } }\n";
    assert_eq!(check("m.hcl", action), [d("E0205", 2, 73)]);
}

#[test]
fn max_version_must_not_be_below_min() {
    let text = r#"Kind = "mesh"
TLS {
  Incoming {
    TLSMinVersion = "TLSv1_3"
    TLSMaxVersion = "TLSv1_2"
  }
  Outgoing {
    TLSMinVersion = "TLS_AUTO"
    TLSMaxVersion = "TLSv1_0"
  }
}
"#;
    // TLS_AUTO depends on the implementation, so only the concrete pair is compared.
    assert_eq!(check("m.hcl", text), [d("E0321", 5, 21)]);
}

#[test]
fn cipher_suites_do_not_apply_to_tls_1_3() {
    let text = r#"Kind = "mesh"
TLS {
  Outgoing {
    TLSMinVersion = "TLSv1_3"
    CipherSuites  = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
  }
}
"#;
    let ws = Workspace::from_text("m.hcl", text);
    assert_eq!(diags(&ws), [d("E0322", 5, 21)]);
    let first = &crate::model::testing::rules(&ws)[0].message;
    assert!(first.contains("TLS.Outgoing.CipherSuites"), "{first}");
}

#[test]
fn ecdh_curves_need_tls_1_2() {
    let text = r#"Kind = "mesh"
TLS {
  Incoming {
    TLSMinVersion = "TLSv1_1"
    ECDHCurves    = ["X25519"]
  }
}
"#;
    assert_eq!(check("m.hcl", text), [d("E0322", 5, 21)]);
}

#[test]
fn a_cipher_suite_listed_twice_is_pointed_at() {
    let text = r#"{
  "Kind": "mesh",
  "TLS": { "Incoming": { "CipherSuites": [
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA"
  ] } }
}"#;
    assert_eq!(check("m.json", text), [d("E0317", 5, 5)]);
}

#[test]
fn yaml_positions() {
    let yaml =
        "kind: mesh\nname: not-mesh\ntls:\n  incoming:\n    tlsMinVersion: TLSv1_2\n    tlsMaxVersion: TLSv1_0\n";
    assert_eq!(check("m.yaml", yaml), [d("E0320", 2, 7), d("E0321", 6, 20)]);
}
