//! [`GatewayPlan`]: everything one gateway's filter needs, self-contained and versioned. The
//! filter deserializes it in `on_configure`; `docs/gateway-plan.md` documents every field.

use super::{applicable, protocols_of, select, GatewayIdentity, GatewayKind, GatewayRoutes, RouteTable, ServiceId};
use crate::intentions::path::Normalization;
use crate::intentions::{Action, Intention};
use crate::plan::protocols::{Protocol, Protocols};
use crate::plan::{Compiled, Plan};
use crate::settings::Mode;
use crate::sorted::SortedMap;
use serde::{Deserialize, Serialize};

/// The GatewayPlan format version; bumped on any change a filter built for the old one would
/// misread.
pub const GATEWAY_PLAN_VERSION: u32 = 4;

/// One gateway's slice of the plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GatewayPlan {
    /// [`GATEWAY_PLAN_VERSION`]; a filter refuses other versions.
    pub version: u32,
    pub gateway: GatewayIdentity,
    pub trust_domain: String,
    /// What decides when no intention matches (or an L7 intention's permissions all miss).
    pub default_intention_policy: Action,
    /// `enforce`, or `audit` (decide, log and count, never block).
    pub mode: Mode,
    /// How request paths are normalized before L7 rules and routes see them.
    pub path_normalization: Normalization,
    pub routes: RouteTable,
    /// The intentions that can decide at this gateway, ranked: the first that matches decides.
    /// On the wire, a string table and one row of integers per intention (see [`super::compact`]).
    #[serde(default, with = "super::compact")]
    pub intentions: Vec<Intention>,
    /// The protocol of every service the gateway routes to, sorted.
    #[serde(default)]
    pub protocols: Vec<ServiceProtocol>,
    /// Peer name → its trust domain: a client certificate from a peer's trust domain is that
    /// peer's service (terminating gateways and sidecars).
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub peer_trust_domains: SortedMap<String, String>,
    /// Set by `meshgate envoy` (never by the planner, never with ECDS) on terminating gateways and
    /// sidecars: every HTTP chain's connection manager writes the chain's server name into
    /// [`SNI_HEADER`](crate::gateway::SNI_HEADER) and the client certificate's URI SANs into
    /// `x-forwarded-client-cert`, replacing a client's copies, and its route strips both. The
    /// filter then reads the server name and the peer's identity there, in the header map it reads
    /// anyway, instead of as two connection properties per request (each a round trip through
    /// the host). Its decisions are the same either way.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub connection_headers: bool,
}

/// A service and its protocol.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceProtocol {
    pub name: String,
    pub namespace: String,
    pub partition: String,
    pub protocol: Protocol,
}

impl GatewayPlan {
    /// The canonical JSON form: compact, fields in declaration order, maps sorted. What the hash
    /// covers, and what a round trip through serde reproduces exactly.
    pub fn canonical_json(&self) -> String {
        crate::json::to_string(self).unwrap_or_default()
    }

    /// [`content_hash`] of [`Self::canonical_json`]: a stable content hash for logs.
    pub fn hash(&self) -> u64 {
        content_hash(self.canonical_json().as_bytes())
    }

    /// [`Self::hash`] as 16 hex digits.
    pub fn hash_hex(&self) -> String {
        format!("{:016x}", self.hash())
    }

    /// The service's protocol as the plan records it (`tcp` for a service it does not list).
    pub fn protocol(&self, name: &str, namespace: &str, partition: &str) -> Protocol {
        let s = ServiceId::new(name, namespace, partition);
        self.protocols
            .iter()
            .find(|p| p.name == s.name && p.namespace == s.namespace && p.partition == s.partition)
            .map_or(Protocol::Tcp, |p| p.protocol)
    }
}

/// A plan's content hash, for logs and for telling plans apart: per 64-bit little-endian word
/// (the last one zero-padded and tagged with its length) `hash = (hash.rotl(5) ^ word) * SEED`,
/// then the total length, then MurmurHash3's 64-bit finalizer so every input bit reaches every
/// output bit. Defined on 64-bit words whatever the platform: the CLI (64-bit), the filter and the
/// playground (wasm32) must print the same hash for the same plan — a `usize`-based hasher such as
/// rustc-hash's gives another value on wasm32. Byte-at-a-time hashes (FNV) cost a
/// 100,000-intention plan ~26 ms per load natively; this costs ~3.
pub fn content_hash(bytes: &[u8]) -> u64 {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let add = |hash: u64, word: u64| (hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    let mut hash = 0u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(c);
        hash = add(hash, u64::from_le_bytes(word));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        // The length keeps "a" and "a\0" apart.
        hash = add(hash, u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
    }
    hash = add(hash, bytes.len() as u64);
    let mut x = hash;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// The GatewayPlan of the gateway `selector` names (its key, or its name when no other gateway
/// has that name), or `None` when no gateway matches.
pub fn gateway_plan(compiled: &Compiled, selector: &str) -> Option<GatewayPlan> {
    gateway_plan_from(&compiled.plan, &compiled.protocols, compiled.table.normalization(), selector)
}

/// [`gateway_plan`] from a plan's parts.
pub fn gateway_plan_from(
    plan: &Plan,
    protocols: &Protocols,
    path_normalization: Normalization,
    selector: &str,
) -> Option<GatewayPlan> {
    let g = select(&plan.gateways, selector, &plan.settings.datacenter, &plan.settings.partition).ok()?;
    Some(plan_of(g, plan, protocols, path_normalization))
}

/// The GatewayPlan of the sidecar `selector` names (a proxy, or the service it fronts: see
/// [`super::sidecar::select`]).
pub fn sidecar_plan(compiled: &Compiled, selector: &str) -> Result<GatewayPlan, super::sidecar::SidecarSelectError> {
    let plan = &compiled.plan;
    let s = super::sidecar::select(&plan.sidecars, selector, &plan.settings.datacenter, &plan.settings.partition)?;
    Ok(plan_of(s, plan, &compiled.protocols, compiled.table.normalization()))
}

/// The slice of the plan one gateway's (or sidecar's) filter enforces.
pub fn plan_of(
    g: &GatewayRoutes,
    plan: &Plan,
    protocols: &Protocols,
    path_normalization: Normalization,
) -> GatewayPlan {
    let services = g.routes.services();
    let intentions = match g.routes.intention_scope(&g.gateway) {
        Some((source, destinations)) => {
            applicable(&plan.intentions, source.as_ref(), &destinations).into_iter().cloned().collect()
        }
        None => Vec::new(),
    };
    let mut routes = g.routes.clone();
    // Each linked service's ranked summary repeats `intentions` for people; the filter has them.
    match &mut routes {
        RouteTable::TerminatingGateway(t) => t.services.iter_mut().for_each(|s| s.intentions = Vec::new()),
        RouteTable::Sidecar(t) => t.inbound.intentions = Vec::new(),
        _ => {}
    }
    // Peers' trust domains, where peers' certificates can arrive (a peer's clients are named by
    // the peer in intentions).
    let peers = match g.gateway.kind {
        GatewayKind::TerminatingGateway | GatewayKind::ConnectProxy => plan.settings.peer_trust_domains.clone(),
        _ => SortedMap::new(),
    };
    GatewayPlan {
        version: GATEWAY_PLAN_VERSION,
        gateway: g.gateway.clone(),
        trust_domain: plan.settings.trust_domain.clone(),
        default_intention_policy: plan.settings.default_intention_policy,
        mode: plan.settings.mode,
        path_normalization,
        routes,
        intentions,
        protocols: protocols_of(&services, protocols)
            .into_iter()
            .map(|(s, protocol)| ServiceProtocol {
                name: s.name,
                namespace: s.namespace,
                partition: s.partition,
                protocol,
            })
            .collect(),
        peer_trust_domains: peers,
        // Only `meshgate envoy` knows the connection managers it writes (`mark_direct_routes`).
        connection_headers: false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{compiled, FULL};
    use super::*;

    #[test]
    fn every_gateway_plan_round_trips_through_json_identically() {
        let c = compiled(FULL);
        assert!(c.plan.gateways.len() >= 4, "{:?}", c.plan.gateways.iter().map(|g| &g.gateway.key).collect::<Vec<_>>());
        for g in &c.plan.gateways {
            let plan = gateway_plan(&c, &g.gateway.key).expect("plan");
            let json = serde_json::to_string_pretty(&plan).unwrap();
            let back: GatewayPlan = serde_json::from_str(&json).unwrap();
            assert_eq!(back, plan);
            assert_eq!(serde_json::to_string_pretty(&back).unwrap(), json);
            assert_eq!(back.hash(), plan.hash());
            assert_eq!(plan.version, GATEWAY_PLAN_VERSION);
        }
    }

    #[test]
    fn the_plan_carries_what_the_filter_needs() {
        let c = compiled(FULL);
        let tgw = gateway_plan(&c, "tgw").expect("tgw");
        assert_eq!(tgw.gateway.key, "tgw");
        let labels: Vec<String> = tgw.intentions.iter().map(Intention::label).collect();
        assert_eq!(labels, vec!["web → billing-api", "* → billing-api"]);
        // The linked services' summaries repeat `intentions` for people: not in the filter's plan,
        // while the whole plan keeps them.
        let RouteTable::TerminatingGateway(linked) = &tgw.routes else { panic!("{:?}", tgw.routes) };
        assert!(!linked.services.is_empty() && linked.services.iter().all(|s| s.intentions.is_empty()));
        let whole = c.plan.gateways.iter().find(|g| g.gateway.key == "tgw").expect("tgw in the whole plan");
        let RouteTable::TerminatingGateway(whole_linked) = &whole.routes else { panic!("{:?}", whole.routes) };
        assert!(whole_linked.services.iter().any(|s| !s.intentions.is_empty()));
        let ingress = gateway_plan(&c, "ingress").expect("ingress");
        assert!(ingress.intentions.iter().all(|i| i.source.name == "ingress" || i.source.name == "*"));
        assert_eq!(ingress.protocol("web", "", ""), Protocol::Http);
        let mesh = gateway_plan(&c, "mesh-gateway").expect("mesh");
        assert!(mesh.intentions.is_empty());
        assert!(gateway_plan(&c, "nope").is_none());
        // The hash is stable and changes with the content.
        let mut other = tgw.clone();
        other.default_intention_policy = Action::Deny;
        assert_ne!(other.hash(), tgw.hash());
        assert_eq!(tgw.hash_hex().len(), 16);
    }
}

#[cfg(test)]
mod content_hash_tests {
    use super::content_hash;

    #[test]
    fn content_hashes_are_pinned_and_tell_near_inputs_apart() {
        // Pinned: a plan's hash is shown by the playground and logged by the filter; both must
        // keep computing the same value.
        assert_eq!(format!("{:016x}", content_hash(br#"{"version":2}"#)), PINNED);
        let inputs: [&[u8]; 7] = [b"", b"a", b"a\0", b"b", b"ab", br#"{"version":2}"#, br#"{"version":3}"#];
        let mut seen = std::collections::HashSet::new();
        for i in inputs {
            assert!(seen.insert(content_hash(i)), "{i:?} collides");
        }
        // One changed byte changes about half the output bits.
        let flipped = (content_hash(b"plan-0") ^ content_hash(b"plan-1")).count_ones();
        assert!((16..=48).contains(&flipped), "{flipped} bits differ");
    }

    // The value the previous implementation (core/src/fast_hash.rs) gave: unchanged.
    const PINNED: &str = "ea304bd3ece8cd38";
}
