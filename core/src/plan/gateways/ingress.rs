//! Ingress gateways: requests from outside the mesh, by listener port, then (http, http2, grpc)
//! `Host` header, through the exposed service's discovery chain to weighted targets.
//!
//! The listeners come from the ingress-gateway entry whose `Name` is the gateway's service name
//! (same namespace and partition), ordered by port.
//!
//! - An **http-like listener** has one virtual host per exposed service, in the order written: its
//!   `Hosts`, or Consul's default host `<service>.ingress.*`. The wildcard service `*` stands, in
//!   its place, for every service living in its namespace of the gateway's datacenter whose
//!   protocol is the listener's (Consul's rule), not listed by name on the same listener, ordered
//!   by name, each at `<service>.ingress.*` with the wildcard's header changes. A virtual host's
//!   routes are the service's discovery chain: its router's routes in order (the last the implicit
//!   catch-all), each to the weighted targets its splitter or resolver reaches; a chain without a
//!   router is one route for every request. A resolver's `RequestTimeout` is the route timeout
//!   only of a chain that starts at the resolver (no router, no splitter: Consul's rule); a
//!   router's routes take their destination's `RequestTimeout` alone.
//! - A **tcp listener** forwards every connection to its one service's chain: the resolver's target
//!   (redirects and default subset applied).
//!
//! Cluster names are target ids (`[subset.]service.namespace.partition.datacenter`). The gateway is
//! the source of every request: the intentions that apply are those naming the gateway's service
//! (or `*`) as source and a target's service as destination.

use super::{reduce_weights, Context, GatewayIdentity, HeaderModifiers, ServiceId, TcpRoute, VirtualHost};
use crate::identity::or_default;
use crate::intentions::Origin;
use crate::model::ingress_gateway::{default_host, IngressGateway, IngressListener as ModelListener, IngressService};
use crate::plan::protocols::Protocol;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IngressTable {
    /// The identity requests come from, as intentions name it: the gateway's service.
    pub source: ServiceId,
    /// Ordered by port.
    pub listeners: Vec<IngressListener>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IngressListener {
    pub port: u16,
    pub protocol: Protocol,
    /// The listener serves TLS (Consul-issued or SDS certificates).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tls: bool,
    /// http, http2 and grpc listeners.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<VirtualHost>,
    /// tcp listeners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp: Option<TcpRoute>,
    /// Set by `meshgate envoy` (never by the planner) when every request this http listener can
    /// forward goes to this one cluster and no route has an Envoy-side policy: the generated
    /// Envoy route then names the cluster, and the filter only authorizes — it sets no routing
    /// header and does not make Envoy match the route again. Its decisions (what it denies,
    /// answers 404/503, rewrites) are the same either way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_cluster: Option<String>,
    pub origin: Origin,
}

pub(crate) fn compile(cx: &Context<'_>, gw: &GatewayIdentity, notes: &mut Vec<String>) -> IngressTable {
    let source = gw.as_service();
    let Some(entry) = cx.entries.ingress_gateway(&source) else {
        notes.push(format!("no ingress-gateway entry is named `{}`: the gateway has no listeners", gw.name));
        return IngressTable { source, listeners: Vec::new() };
    };
    let mut listeners: Vec<IngressListener> =
        entry.listeners.iter().map(|l| listener(cx, gw, entry, l, notes)).collect();
    crate::sorting::sort_by_key(&mut listeners, |l| l.port);
    IngressTable { source, listeners }
}

fn protocol_of(l: &ModelListener) -> Protocol {
    Protocol::parse(l.protocol.as_str()).unwrap_or_default()
}

fn listener(
    cx: &Context<'_>,
    gw: &GatewayIdentity,
    entry: &IngressGateway,
    l: &ModelListener,
    notes: &mut Vec<String>,
) -> IngressListener {
    let protocol = protocol_of(l);
    let tls = entry.effective_tls(l);
    let mut out = IngressListener {
        port: l.port,
        protocol,
        tls: tls.enabled || tls.sds.is_some(),
        hosts: Vec::new(),
        tcp: None,
        direct_cluster: None,
        origin: cx.origin(l.origin.span),
    };
    let service_ref =
        |s: &IngressService, name: &str| ServiceId::new(name, s.namespace_or(entry), s.partition_or(entry));
    let mut check_protocol = |svc: &ServiceId| {
        let p = cx.protocols.protocol(&svc.name, &svc.namespace, &svc.partition);
        if p != protocol {
            notes.push(format!(
                "service `{}` speaks {}, but the listener on port {} is {}: Consul rejects the entry",
                svc.label(),
                p.as_str(),
                l.port,
                protocol.as_str()
            ));
        }
    };
    if !protocol.is_http_like() {
        if let Some(s) = l.services.first() {
            let svc = service_ref(s, &s.name);
            check_protocol(&svc);
            let mut targets = cx.service_targets(&svc, &gw.datacenter);
            reduce_weights(&mut targets);
            let config = s.effective_limits(entry);
            super::traffic::each_target(targets.iter_mut(), &|p: &mut super::traffic::ClusterPolicy| {
                p.add_ingress(&config)
            });
            out.tcp = Some(TcpRoute { route: String::new(), service: svc, targets, origin: cx.origin(s.origin.span) });
        }
        return out;
    }
    for s in &l.services {
        let headers = (
            HeaderModifiers::from_model(s.request_headers.as_ref()),
            HeaderModifiers::from_model(s.response_headers.as_ref()),
        );
        let origin = cx.origin(s.origin.span);
        if s.is_wildcard() {
            let ns = or_default(s.namespace_or(entry));
            for (svc, _) in cx.known.in_place(&gw.datacenter, s.partition_or(entry)) {
                let listed = l.services.iter().any(|o| !o.is_wildcard() && service_ref(o, &o.name) == svc);
                let same_protocol = cx.protocols.protocol(&svc.name, &svc.namespace, &svc.partition) == protocol;
                if svc.namespace != ns || listed || !same_protocol {
                    continue;
                }
                let mut routes = cx.chain_routes(&svc, &gw.datacenter, &origin);
                limits(&mut routes, &s.effective_limits(entry));
                out.hosts.push(VirtualHost {
                    domains: vec![default_host(&svc.name)],
                    routes,
                    service: Some(svc),
                    request_headers: headers.0.clone(),
                    response_headers: headers.1.clone(),
                    origin: origin.clone(),
                });
            }
            continue;
        }
        let svc = service_ref(s, &s.name);
        check_protocol(&svc);
        let mut routes = cx.chain_routes(&svc, &gw.datacenter, &origin);
        limits(&mut routes, &s.effective_limits(entry));
        out.hosts.push(VirtualHost {
            domains: s.effective_hosts(),
            routes,
            service: Some(svc),
            request_headers: headers.0,
            response_headers: headers.1,
            origin,
        });
    }
    out
}

/// The service's limits and passive health check (its own, else the entry's `Defaults`), on
/// every cluster its routes reach.
fn limits(routes: &mut [super::HttpRoute], config: &crate::model::ingress_gateway::IngressServiceConfig) {
    let apply = |p: &mut super::traffic::ClusterPolicy| p.add_ingress(config);
    super::traffic::each_target(routes.iter_mut().flat_map(|r| r.targets.iter_mut()), &apply);
}

#[cfg(test)]
mod tests {
    use super::super::testing::{compile, ingress};
    use super::super::MatchKind;

    const WORKSPACE: &str = r#"
service { name = "ingress" kind = "ingress-gateway" }
---
Kind = "proxy-defaults"
Name = "global"
Config { protocol = "http" }
---
Kind = "service-defaults"
Name = "db"
Protocol = "tcp"
---
service { name = "web" port = 80 }
---
service { name = "api" port = 80 }
---
service { name = "docs" port = 80 }
---
service { name = "db" port = 5432 }
---
Kind = "service-resolver"
Name = "api"
Subsets = { v1 = { Filter = "Service.Meta.v == 1" }, v2 = { Filter = "Service.Meta.v == 2" } }
---
Kind = "service-splitter"
Name = "api"
Splits = [{ Weight = 90, ServiceSubset = "v1" }, { Weight = 10, ServiceSubset = "v2" }]
---
Kind = "service-router"
Name = "web"
Routes = [{ Match { HTTP { PathPrefix = "/api" } }, Destination { Service = "api" } }]
---
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [
  { Port = 9000, Protocol = "tcp", Services = [{ Name = "db" }] },
  {
    Port = 8080
    Protocol = "http"
    Services = [
      { Name = "web", Hosts = ["www.example.com"] },
      { Name = "api" },
      { Name = "*", RequestHeaders { Add = { "x-via" = "ingress" } } },
    ]
  },
]
"#;

    #[test]
    fn http_hosts_chains_and_weights() {
        let plan = compile(WORKSPACE);
        let t = ingress(&plan, "ingress");
        assert_eq!(t.source.name, "ingress");
        assert_eq!(t.listeners.iter().map(|l| l.port).collect::<Vec<_>>(), vec![8080, 9000]);
        let http = &t.listeners[0];
        let hosts: Vec<Vec<String>> = http.hosts.iter().map(|h| h.domains.clone()).collect();
        // docs comes through the wildcard; db is tcp, web and api are listed by name.
        assert_eq!(
            hosts,
            vec![
                vec!["www.example.com".to_string()],
                vec!["api.ingress.*".to_string()],
                vec!["docs.ingress.*".to_string()]
            ]
        );
        let web = &http.hosts[0];
        assert_eq!(web.routes.len(), 2);
        assert_eq!(
            (web.routes[0].route_match.path.kind, web.routes[0].route_match.path.value.as_str()),
            (MatchKind::Prefix, "/api")
        );
        let split: Vec<(&str, u64)> = web.routes[0].targets.iter().map(|t| (t.cluster.as_str(), t.weight)).collect();
        assert_eq!(split, vec![("v1.api.default.default.dc1", 9), ("v2.api.default.default.dc1", 1)]);
        assert_eq!(web.routes[1].targets[0].cluster, "web.default.default.dc1");
        assert_eq!(web.routes[1].route_match.path.value, "/");
        assert_eq!(http.hosts[2].request_headers.add.get("x-via").map(String::as_str), Some("ingress"));
        let tcp = t.listeners[1].tcp.as_ref().expect("tcp route");
        assert_eq!(tcp.targets.len(), 1);
        assert_eq!((tcp.targets[0].cluster.as_str(), tcp.targets[0].weight), ("db.default.default.dc1", 1));
    }

    #[test]
    fn a_resolver_request_timeout_applies_only_to_a_chain_that_starts_at_it() {
        let plan = compile(
            r#"
service { name = "ingress" kind = "ingress-gateway" }
---
Kind = "proxy-defaults"
Name = "global"
Config { protocol = "http" }
---
Kind = "service-resolver"
Name = "api"
RequestTimeout = "20s"
---
Kind = "service-router"
Name = "web"
Routes = [
  { Match { HTTP { PathPrefix = "/api" } }, Destination { Service = "api" } },
  { Match { HTTP { PathPrefix = "/slow" } }, Destination { Service = "api", RequestTimeout = "3s" } },
]
---
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [{ Port = 8080, Protocol = "http", Services = [{ Name = "web" }, { Name = "api" }] }]
"#,
        );
        let t = ingress(&plan, "ingress");
        let timeouts = |h: usize| -> Vec<Option<String>> {
            t.listeners[0].hosts[h].routes.iter().map(|r| r.request_timeout.clone()).collect()
        };
        // Consul sets a resolver's RequestTimeout on the route only when the chain starts at the
        // resolver: api's own chain does, web's router routes to api do not.
        assert_eq!(timeouts(0), vec![None, Some("3s".to_string()), None]);
        assert_eq!(timeouts(1), vec![Some("20s".to_string())]);
    }

    #[test]
    fn the_gateway_is_the_source_of_the_intentions_that_apply() {
        let plan = compile(&format!(
            "{WORKSPACE}\n---\nKind = \"service-intentions\"\nName = \"api\"\nSources = [{{ Name = \"ingress\", Action = \"allow\" }}, {{ Name = \"web\", Action = \"deny\" }}]\n"
        ));
        let g = plan.gateways.iter().find(|g| g.gateway.key == "ingress").expect("gateway");
        let labels: Vec<&str> = g.intentions.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, vec!["ingress → api"]);
    }
}
