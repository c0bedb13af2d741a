use super::*;
use crate::settings::Settings;

const SEED_UPSTREAMS: &str = include_str!("../../../../tests/corpus/seeds/upstream-modes.hcl");

fn resolved(files: &[(&str, &str)]) -> (Vec<ProxyUpstreams>, Vec<Diagnostic>) {
    let ws = Workspace::load(files.iter().map(|(n, t)| crate::workspace::InputFile::new(*n, *t)));
    assert!(!ws.has_errors(), "{:?}", ws.diagnostics);
    let mut settings = Settings::default();
    settings.peer_trust_domains.insert("cluster-01".into(), "peer-one.consul".into());
    let mut cx = Cx::new();
    (resolve(&ws, &crate::workspace::Entries::new(&ws, &settings.partition), &settings, &mut cx), cx.diags)
}

#[test]
fn the_seed_gives_the_documented_mode_for_each_upstream() {
    let (proxies, _) = resolved(&[("seed.hcl", SEED_UPSTREAMS)]);
    assert_eq!(proxies.len(), 1);
    let ups = &proxies[0].upstreams;
    let summary: Vec<(&str, Mode, ModeSource, Dial, &str)> = ups
        .iter()
        .map(|u| (u.destination.as_str(), u.mesh_gateway_mode, u.mesh_gateway_mode_source, u.dial, u.sni.as_str()))
        .collect();
    let td = crate::settings::DEFAULT_TRUST_DOMAIN;
    assert_eq!(
        summary,
        vec![
            (
                "api",
                Mode::Remote,
                ModeSource::Upstream,
                Dial::RemoteGateway,
                "api.default.default.dc1.external.peer-one.consul"
            ),
            (
                "db",
                Mode::Local,
                ModeSource::Upstream,
                Dial::LocalGateway,
                &format!("db.default.secondary.internal.{td}")
            ),
            (
                "logging",
                Mode::None,
                ModeSource::Upstream,
                Dial::Direct,
                &format!("logging.default.secondary.internal.{td}")
            ),
        ]
    );
}

#[test]
fn each_level_of_the_precedence_can_decide() {
    let proxy = |upstream_mode: &str, proxy_mode: &str| {
        format!(
            r#"service {{
  name = "web-sidecar-proxy"
  kind = "connect-proxy"
  port = 8181
  proxy {{
    destination_service_name = "web"
    {proxy_mode}
    upstreams = [{{ destination_name = "api", datacenter = "dc2", local_bind_port = 9000 {upstream_mode} }}]
  }}
}}"#
        )
    };
    let pd = "Kind = \"proxy-defaults\"\nName = \"global\"\nMeshGateway { Mode = \"local\" }\n";
    let sd = "Kind = \"service-defaults\"\nName = \"web\"\nMeshGateway { Mode = \"none\" }\nUpstreamConfig { Defaults { MeshGateway { Mode = \"remote\" } } }\n";
    let sd_top = "Kind = \"service-defaults\"\nName = \"web\"\nMeshGateway { Mode = \"none\" }\n";
    type Case<'a> = (Vec<(&'a str, String)>, Mode, ModeSource);
    let cases: Vec<Case> = vec![
        (vec![("p.hcl", proxy("", ""))], Mode::None, ModeSource::Default),
        (vec![("p.hcl", proxy("", "")), ("pd.hcl", pd.into())], Mode::Local, ModeSource::ProxyDefaults),
        (
            vec![("p.hcl", proxy("", "")), ("pd.hcl", pd.into()), ("sd.hcl", sd_top.into())],
            Mode::None,
            ModeSource::ServiceDefaults,
        ),
        (
            vec![("p.hcl", proxy("", "")), ("pd.hcl", pd.into()), ("sd.hcl", sd.into())],
            Mode::Remote,
            ModeSource::ServiceDefaults,
        ),
        (
            vec![("p.hcl", proxy("", "mesh_gateway { mode = \"local\" }")), ("sd.hcl", sd.into())],
            Mode::Local,
            ModeSource::Proxy,
        ),
        (
            vec![("p.hcl", proxy(", mesh_gateway { mode = \"none\" }", "mesh_gateway { mode = \"local\" }"))],
            Mode::None,
            ModeSource::Upstream,
        ),
    ];
    for (files, mode, source) in cases {
        let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let (proxies, _) = resolved(&files);
        let u = &proxies[0].upstreams[0];
        assert_eq!((u.mesh_gateway_mode, u.mesh_gateway_mode_source), (mode, source), "{files:?}");
    }
}

#[test]
fn peering_treats_none_as_remote_and_same_dc_dials_directly() {
    let text = r#"service {
  name = "web"
  connect { sidecar_service { proxy {
    mesh_gateway { mode = "local" }
    upstreams = [
      { destination_name = "api", destination_peer = "cluster-01", local_bind_port = 1, mesh_gateway { mode = "none" } },
      { destination_name = "cache", local_bind_port = 2 },
    ]
  } } }
}"#;
    let (proxies, _) = resolved(&[("w.hcl", text)]);
    assert_eq!(proxies[0].proxy, "web-sidecar-proxy");
    let [peer, local] = &proxies[0].upstreams[..] else { panic!() };
    assert_eq!((peer.mesh_gateway_mode, peer.dial), (Mode::Remote, Dial::RemoteGateway));
    assert!(peer.note.is_some());
    assert_eq!((local.mesh_gateway_mode, local.dial), (Mode::Local, Dial::Direct));
}

#[test]
fn a_missing_gateway_is_reported_and_a_registered_one_is_named() {
    let proxy = r#"service {
  name = "web-sidecar-proxy"
  kind = "connect-proxy"
  proxy {
    destination_service_name = "web"
    upstreams = [{ destination_name = "api", datacenter = "dc2", local_bind_port = 9000, mesh_gateway { mode = "remote" } }]
  }
}"#;
    let (_, diags) = resolved(&[("p.hcl", proxy)]);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, Code::NoMeshGateway);
    let gw = r#"service {
  name = "mesh-gateway"
  kind = "mesh-gateway"
  datacenter = "dc2"
  address = "10.0.2.5"
  port = 8443
}"#;
    let (proxies, diags) = resolved(&[("p.hcl", proxy), ("gw.hcl", gw)]);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(proxies[0].upstreams[0].gateway.as_deref(), Some("10.0.2.5:8443"));
}

#[test]
fn each_listener_of_a_proxy_needs_its_own_port() {
    let (_, diags) = resolved(&[(
        "web.hcl",
        r#"service {
  name = "web"
  port = 8080
  connect {
    sidecar_service {
      port = 21000
      proxy {
        upstreams = [
          { destination_name = "api", local_bind_port = 9191 },
          { destination_name = "db", local_bind_port = 9191 },
          { destination_name = "cache", local_bind_port = 21000 },
        ]
      }
    }
  }
}"#,
    )]);
    let found: Vec<(Code, &str)> = diags.iter().map(|d| (d.code, d.message.as_str())).collect();
    assert_eq!(
        found,
        [
            (Code::DuplicateBindPort, "upstreams `api` and `db` of `web-sidecar-proxy` both bind 127.0.0.1:9191"),
            (Code::DuplicateBindPort, "upstream `cache` binds 21000, the port of the proxy `web-sidecar-proxy` itself"),
        ]
    );
}
