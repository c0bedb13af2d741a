//! Where a gateway or sidecar sends each target and the mTLS it speaks there, as the Routes and
//! Upstreams views show it: [`crate::plan::dial`]'s answers (the ones `meshgate envoy` configures),
//! worded for people, with `_short` twins that write the trust domain `<td>`. Nothing is resolved
//! here.

use super::gateways::{target_label, Shortener};
use crate::plan::dial::{Caller, Dial, Dialer, Forward, SanMatch, Via};
use crate::plan::gateways::RouteTarget;
use serde::Serialize;

/// How one target is dialled.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DialView {
    pub via: Via,
    /// `Connect endpoints`, `terminating gateway`, `local mesh gateway`, `remote mesh gateway`,
    /// `peer's mesh gateway`.
    pub via_title: &'static str,
    /// `address:port`, sorted.
    pub endpoints: Vec<String>,
    /// The SNI sent.
    pub sni: String,
    pub sni_short: String,
    /// The SPIFFE ID the gateway (or the sidecar's service) presents.
    pub presents: String,
    pub presents_short: String,
    /// What the server must present.
    pub expects: SanMatch,
    /// `spiffe://<td>/ns/default/dc/dc1/svc/api`, or `~<pattern>` for a peer's service.
    pub expects_short: String,
    /// The peer whose CA the server's certificate chains to; null: the mesh CA.
    pub peer: Option<String>,
    /// Why the traffic fails, when it does (the target is unrouted).
    pub problem: Option<String>,
    /// A subset filter meshgate could not read: every instance is used.
    pub unread_filter: Option<String>,
}

/// Where a mesh gateway forwards one SNI row's connections (passed through, never decrypted).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ForwardView {
    pub via: Via,
    /// `Connect endpoints`, `terminating gateway`, `remote mesh gateway`, `peer's mesh gateway`.
    pub via_title: &'static str,
    /// `address:port`, sorted.
    pub endpoints: Vec<String>,
    /// Why the connections fail, when they do (the row is unrouted).
    pub problem: Option<String>,
    /// A subset filter meshgate could not read: every instance is used.
    pub unread_filter: Option<String>,
}

/// A target and its dial, with the failover targets tried after it, in order.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DialedTarget {
    /// The Envoy cluster (the target id).
    pub cluster: String,
    /// `v1.api`, `api @dc2`, `ledger @peer:partner`.
    pub label: String,
    pub dial: DialView,
    pub failover: Vec<DialedTarget>,
}

/// Who dials, and from where: what every target of one gateway, or of one sidecar upstream, is
/// dialled with.
pub(super) struct Dials<'a> {
    pub dialer: &'a Dialer<'a>,
    pub caller: Caller,
    /// The caller's datacenter (target labels say `@dc` outside it).
    pub datacenter: &'a str,
    pub short: &'a Shortener<'a>,
}

impl Dials<'_> {
    pub fn dial(&self, t: &RouteTarget) -> DialView {
        dial_view(&self.dialer.dial(&self.caller, t), self.short)
    }

    pub fn target(&self, t: &RouteTarget) -> DialedTarget {
        DialedTarget {
            cluster: t.cluster.clone(),
            label: target_label(t, self.datacenter),
            dial: self.dial(t),
            failover: self.failover(t),
        }
    }

    pub fn failover(&self, t: &RouteTarget) -> Vec<DialedTarget> {
        t.failover.iter().map(|f| self.target(f)).collect()
    }
}

fn dial_view(d: &Dial, short: &Shortener<'_>) -> DialView {
    let expects_text = d.expects.describe();
    DialView {
        via: d.via,
        via_title: d.via.describe(),
        endpoints: d.endpoints.clone(),
        sni: d.sni.clone(),
        sni_short: short.short(&d.sni),
        presents: d.presents.clone(),
        presents_short: short.short(&d.presents),
        expects: d.expects.clone(),
        expects_short: match &d.expects {
            SanMatch::Exact(_) => short.short(&expects_text),
            // A pattern escapes the trust domain's dots: it is not the plain name.
            SanMatch::Regex(_) => expects_text,
        },
        peer: (!d.peer.is_empty()).then(|| d.peer.clone()),
        problem: d.problem.clone(),
        unread_filter: d.unread_filter.clone(),
    }
}

pub(super) fn forward_view(f: &Forward) -> ForwardView {
    ForwardView {
        via: f.via,
        via_title: f.via.describe(),
        endpoints: f.endpoints.clone(),
        problem: f.problem.clone(),
        unread_filter: f.unread_filter.clone(),
    }
}
