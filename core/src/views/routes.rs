//! The Routes view: each discovery chain as a route table (what matches → which targets, with
//! weights and failover) and as a graph laid out in columns (router → splitters → resolvers →
//! targets) that the page draws.

use super::Analysis;
use crate::identity::or_default;
use crate::intentions::Origin;
use crate::model::service_splitter::format_hundredths;
use crate::plan::chain::{hundredths_to_weight, DiscoveryChain, Node, Target};
use crate::plan::protocols::Protocol;
use crate::sorted::SortedMap;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoutesView {
    pub chains: Vec<ChainView>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChainView {
    pub service: String,
    pub namespace: String,
    pub partition: String,
    pub datacenter: String,
    pub protocol: Protocol,
    /// `service-defaults at web.hcl:1:1`, `proxy-defaults at …`, `the default`.
    pub protocol_source: String,
    /// Consul's default chain: no router, no splitter, the service's own default resolver.
    pub default: bool,
    /// In order; the first that matches decides.
    pub routes: Vec<RouteRow>,
    pub graph: ChainGraph,
}

/// One row of a chain's route table.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RouteRow {
    /// `PathPrefix "/admin"`, or `every request` for a chain without a router.
    #[serde(rename = "match")]
    pub matches: String,
    /// `admin`, `canary.api` — where the route sends requests before splitting.
    pub destination: String,
    /// Consul's implicit last route to the chain's own service.
    pub catch_all: bool,
    /// Rewrites, timeouts, retries, as short phrases.
    pub details: Vec<String>,
    pub targets: Vec<TargetShare>,
    pub origin: Option<Origin>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TargetShare {
    /// Consul's target id, `[subset.]service.namespace.partition.datacenter`.
    pub target: String,
    /// `canary.api` (`@dc2` or `@peer:p` when not local).
    pub label: String,
    pub sni: String,
    /// Percent of the route's traffic, to 0.01.
    pub weight: f64,
    /// Tried in order when this target has no healthy instance.
    pub failover: Vec<TargetRef>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TargetRef {
    pub target: String,
    /// `stable.api @dc2`
    pub label: String,
}

/// A chain as a graph in columns. The page turns `column`/`row` into coordinates.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChainGraph {
    /// Titles of the columns present (`router`, `splitter`, `resolver`, `target`).
    pub columns: Vec<GraphNodeKind>,
    /// The most rows any column has.
    pub rows: u32,
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum GraphNodeKind {
    Router,
    Splitter,
    Resolver,
    Target,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GraphNode {
    pub id: String,
    pub kind: GraphNodeKind,
    pub label: String,
    /// A short second line: `3 routes`, `connect 5s`, `mesh gateway local`.
    pub detail: String,
    /// Everything else, for a tooltip.
    pub title: String,
    /// Index into [`ChainGraph::columns`].
    pub column: u32,
    pub row: u32,
    /// Reached only as a failover target.
    pub failover_only: bool,
    /// For a router: how many outgoing edges (ports) it has.
    pub ports: u32,
    pub origin: Option<Origin>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GraphEdge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    /// Short: the route numbers of the route table (`#1`, `#2 #3` when several routes lead to one
    /// node), a split's weight (`90%`), or the failover position (`failover 1`).
    pub label: String,
    /// Long, for a tooltip: the route matches, the split, the failover target.
    pub title: String,
    /// For route edges: which of the router's ports (0-based, one per outgoing edge, in route
    /// order) the edge leaves from.
    pub port: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    Route,
    Split,
    Resolve,
    Failover,
}

impl Analysis {
    pub fn routes(&self) -> RoutesView {
        let chains = self.compiled.iter().flat_map(|c| &c.plan.chains);
        RoutesView { chains: chains.map(chain_view).collect() }
    }
}

fn chain_view(chain: &DiscoveryChain) -> ChainView {
    ChainView {
        service: chain.service.clone(),
        namespace: chain.namespace.clone(),
        partition: chain.partition.clone(),
        datacenter: chain.datacenter.clone(),
        protocol: chain.protocol,
        protocol_source: chain.protocol_source.clone(),
        default: chain.default,
        routes: route_rows(chain),
        graph: graph(chain),
    }
}

/// `[partition/][namespace/][subset.]service`, the partition and namespace only where they differ
/// from the chain's (a peer's target is in the chain's partition), with `@dc` or `@peer:p`.
fn short_target(t: &Target, chain: &DiscoveryChain) -> String {
    let mut label = String::new();
    if t.peer.is_empty() && or_default(&t.partition) != or_default(&chain.partition) {
        label.push_str(or_default(&t.partition));
        label.push('/');
    }
    if or_default(&t.namespace) != or_default(&chain.namespace) {
        label.push_str(or_default(&t.namespace));
        label.push('/');
    }
    if !t.service_subset.is_empty() {
        label.push_str(&t.service_subset);
        label.push('.');
    }
    label.push_str(&t.service);
    if !t.peer.is_empty() {
        label.push_str(&format!(" @peer:{}", t.peer));
    } else if t.datacenter != chain.datacenter {
        label.push_str(&format!(" @{}", t.datacenter));
    }
    label
}

fn failover_of(chain: &DiscoveryChain, target: &str) -> Vec<TargetRef> {
    let Some(Node::Resolver(r)) = chain.node(&format!("resolver:{target}")) else { return Vec::new() };
    let ids = r.failover.iter().flat_map(|f| &f.targets);
    ids.map(|id| TargetRef {
        target: id.clone(),
        label: chain.target(id).map(|t| short_target(t, chain)).unwrap_or_else(|| id.clone()),
    })
    .collect()
}

fn shares(chain: &DiscoveryChain, node: &str) -> Vec<TargetShare> {
    chain
        .weighted_targets(node)
        .into_iter()
        .map(|w| TargetShare {
            target: w.target.id.clone(),
            label: short_target(w.target, chain),
            sni: w.target.sni.clone(),
            weight: hundredths_to_weight(w.weight_hundredths),
            failover: failover_of(chain, &w.target.id),
        })
        .collect()
}

fn route_rows(chain: &DiscoveryChain) -> Vec<RouteRow> {
    let Some(Node::Router(router)) = chain.node(&chain.start_node) else {
        let destination = match chain.node(&chain.start_node) {
            Some(Node::Splitter(_)) => format!("splitter {}", chain.service),
            _ => chain.service.clone(),
        };
        return vec![RouteRow {
            matches: "every request".into(),
            destination,
            catch_all: false,
            details: Vec::new(),
            targets: shares(chain, &chain.start_node),
            origin: chain.node(&chain.start_node).and_then(Node::origin).cloned(),
        }];
    };
    router
        .routes
        .iter()
        .map(|r| {
            let mut details = Vec::new();
            if !r.prefix_rewrite.is_empty() {
                details.push(format!("rewrite prefix to {}", r.prefix_rewrite));
            }
            if let Some(t) = r.request_timeout {
                details.push(format!("request timeout {}", t.go_string()));
            }
            if let Some(t) = r.idle_timeout {
                details.push(format!("idle timeout {}", t.go_string()));
            }
            if let Some(retry) = &r.retry {
                let mut what = Vec::new();
                if retry.num_retries > 0 {
                    what.push(format!("{}×", retry.num_retries));
                }
                if retry.on_connect_failure {
                    what.push("on connect failure".to_string());
                }
                if !retry.on_status_codes.is_empty() {
                    let codes: Vec<String> = retry.on_status_codes.iter().map(u32::to_string).collect();
                    what.push(format!("on {}", codes.join(", ")));
                }
                details.push(format!("retry {}", what.join(" ")).trim_end().to_string());
            }
            let destination = if r.service_subset.is_empty() {
                r.service.clone()
            } else {
                format!("{}.{}", r.service_subset, r.service)
            };
            RouteRow {
                matches: r.description.clone(),
                destination,
                catch_all: r.catch_all,
                details,
                targets: shares(chain, &r.next_node),
                origin: Some(r.origin.clone()),
            }
        })
        .collect()
}

fn graph(chain: &DiscoveryChain) -> ChainGraph {
    let mut nodes: Vec<GraphNode> = Vec::new();
    let mut edges: Vec<GraphEdge> = Vec::new();
    let mut rows: SortedMap<GraphNodeKind, u32> = SortedMap::new();
    let mut place = |kind: GraphNodeKind| -> u32 {
        let row = rows.entry(kind).or_insert(0);
        *row += 1;
        *row - 1
    };
    // Routes merged per next node, in route order: (next node, route numbers, matches).
    let mut route_edges: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    let mut target_order: Vec<(String, bool)> = Vec::new();
    let note_target =
        |id: &str, failover: bool, order: &mut Vec<(String, bool)>| match order.iter_mut().find(|(t, _)| t == id) {
            Some(entry) => entry.1 &= failover,
            None => order.push((id.to_string(), failover)),
        };
    for node in &chain.nodes {
        match node {
            Node::Router(r) => {
                nodes.push(GraphNode {
                    id: r.id.clone(),
                    kind: GraphNodeKind::Router,
                    label: format!("router {}", chain.service),
                    detail: format!("{} route{}", r.routes.len(), if r.routes.len() == 1 { "" } else { "s" }),
                    title: r.routes.iter().map(|x| x.description.clone()).collect::<Vec<_>>().join("\n"),
                    column: 0,
                    row: place(GraphNodeKind::Router),
                    failover_only: false,
                    ports: 0,
                    origin: Some(r.origin.clone()),
                });
                for (i, route) in r.routes.iter().enumerate() {
                    let number = format!("#{}", i + 1);
                    let what = if route.catch_all {
                        format!("{number} {} (catch-all)", route.description)
                    } else {
                        format!("{number} {}", route.description)
                    };
                    match route_edges.iter_mut().find(|(to, _, _)| *to == route.next_node) {
                        Some((_, numbers, matches)) => {
                            numbers.push(number);
                            matches.push(what);
                        }
                        None => route_edges.push((route.next_node.clone(), vec![number], vec![what])),
                    }
                }
            }
            Node::Splitter(s) => {
                nodes.push(GraphNode {
                    id: s.id.clone(),
                    kind: GraphNodeKind::Splitter,
                    label: format!("splitter {}", s.name.split('.').next().unwrap_or(&s.name)),
                    detail: format!("{} split{}", s.splits.len(), if s.splits.len() == 1 { "" } else { "s" }),
                    title: s.name.clone(),
                    column: 0,
                    row: place(GraphNodeKind::Splitter),
                    failover_only: false,
                    ports: 0,
                    origin: Some(s.origin.clone()),
                });
                for split in &s.splits {
                    edges.push(GraphEdge {
                        from: s.id.clone(),
                        to: split.next_node.clone(),
                        kind: EdgeKind::Split,
                        label: format!("{}%", format_hundredths(split.weight_hundredths)),
                        title: format!(
                            "{}% to {}{}",
                            format_hundredths(split.weight_hundredths),
                            if split.service_subset.is_empty() {
                                String::new()
                            } else {
                                format!("{}.", split.service_subset)
                            },
                            split.service
                        ),
                        port: None,
                    });
                }
            }
            Node::Resolver(r) => {
                let target = chain.target(&r.target);
                let mut detail = format!("connect {}", r.connect_timeout.go_string());
                if let Some(t) = r.request_timeout {
                    detail.push_str(&format!(" · request {}", t.go_string()));
                }
                if let Some(f) = &r.failover {
                    detail.push_str(&format!(" · failover ×{}", f.targets.len()));
                }
                nodes.push(GraphNode {
                    id: r.id.clone(),
                    kind: GraphNodeKind::Resolver,
                    label: format!(
                        "resolver {}",
                        target.map(|t| short_target(t, chain)).unwrap_or_else(|| r.target.clone())
                    ),
                    detail,
                    title: if r.default { format!("{} (default resolver)", r.name) } else { r.name.clone() },
                    column: 0,
                    row: place(GraphNodeKind::Resolver),
                    failover_only: false,
                    ports: 0,
                    origin: r.origin.clone(),
                });
                edges.push(GraphEdge {
                    from: r.id.clone(),
                    to: format!("target:{}", r.target),
                    kind: EdgeKind::Resolve,
                    label: String::new(),
                    title: format!("resolves to {}", r.target),
                    port: None,
                });
                note_target(&r.target, false, &mut target_order);
                for (i, t) in r.failover.iter().flat_map(|f| &f.targets).enumerate() {
                    edges.push(GraphEdge {
                        from: r.id.clone(),
                        to: format!("target:{t}"),
                        kind: EdgeKind::Failover,
                        label: format!("failover {}", i + 1),
                        title: format!("failover {}: {t}", i + 1),
                        port: None,
                    });
                    note_target(t, true, &mut target_order);
                }
            }
        }
    }
    for t in &chain.targets {
        note_target(&t.id, true, &mut target_order);
    }
    for (id, failover_only) in target_order {
        let Some(t) = chain.target(&id) else { continue };
        let place_text = if t.peer.is_empty() { t.datacenter.clone() } else { format!("peer {}", t.peer) };
        let gateway = serde_plain(&t.mesh_gateway);
        nodes.push(GraphNode {
            id: format!("target:{id}"),
            kind: GraphNodeKind::Target,
            label: short_target(t, chain),
            detail: if t.external {
                format!("{place_text} · external")
            } else {
                format!("{place_text} · gateway {gateway}")
            },
            title: format!("{}\nSNI {}", t.id, t.sni),
            column: 0,
            row: place(GraphNodeKind::Target),
            failover_only,
            ports: 0,
            origin: t.origin.clone(),
        });
    }
    let ports = u32::try_from(route_edges.len()).unwrap_or(u32::MAX);
    for n in nodes.iter_mut().filter(|n| n.kind == GraphNodeKind::Router) {
        n.ports = ports;
    }
    let mut all_edges: Vec<GraphEdge> = route_edges
        .into_iter()
        .enumerate()
        .map(|(port, (to, numbers, matches))| GraphEdge {
            from: chain.start_node.clone(),
            to,
            kind: EdgeKind::Route,
            label: numbers.join(" "),
            title: matches.join("\n"),
            port: u32::try_from(port).ok(),
        })
        .collect();
    all_edges.append(&mut edges);
    let columns: Vec<GraphNodeKind> = rows.keys().copied().collect();
    for n in &mut nodes {
        n.column = columns.iter().position(|k| *k == n.kind).map(|c| c as u32).unwrap_or(0);
    }
    ChainGraph { rows: rows.values().copied().max().unwrap_or(0), columns, nodes, edges: all_edges }
}

fn serde_plain<T: Serialize>(v: &T) -> String {
    crate::json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}
