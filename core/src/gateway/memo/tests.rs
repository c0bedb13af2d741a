use super::*;
use crate::gateway::{Connection, RequestHead, SNI_HEADER};
use crate::plan::gateways::gateway_plan;
use crate::plan::gateways::testing::TD;
use proptest::prelude::*;

const WS: &str = r#"
service { name = "billing" address = "billing.example.com" port = 443 }
---
service { name = "files" address = "files.example.com" port = 443 }
---
service { name = "tgw" kind = "terminating-gateway" port = 9443 }
---
Kind = "service-defaults"
Name = "billing"
Protocol = "http"
---
Kind = "terminating-gateway"
Name = "tgw"
Services = [{ Name = "billing" }, { Name = "files" }]
---
Kind = "service-intentions"
Name = "billing"
Sources = [
  { Name = "web", Permissions = [{ Action = "allow", HTTP { PathPrefix = "/pay" } }] },
  { Name = "web", Peer = "partner", Action = "allow" },
  { Name = "api", Action = "deny" },
  { Name = "*", Action = "deny" },
]
"#;

/// `tgw`'s index, with `partner.consul` as the trust domain of peer `partner`, its plan marked
/// as `meshgate envoy` marks it (`connection_headers`) or not; `audit` for a second plan;
/// `files_only`: a third whose rows differ (the gateway links `files` only and trusts no peer),
/// so that an answer carried over from another plan would show.
fn index_of(connection_headers: bool, audit: bool, files_only: bool) -> GatewayIndex {
    let mut settings = crate::settings::Settings {
        default_intention_policy: crate::intentions::Action::Deny,
        ..crate::settings::Settings::default()
    };
    if audit {
        settings.mode = crate::settings::Mode::Audit;
    }
    if !files_only {
        settings.peer_trust_domains.insert("partner".into(), "partner.consul".into());
    }
    let ws_text = if files_only {
        WS.replace(r#"Services = [{ Name = "billing" }, { Name = "files" }]"#, r#"Services = [{ Name = "files" }]"#)
    } else {
        WS.to_string()
    };
    let c = crate::plan::gateways::testing::compiled_with(&ws_text, &settings);
    let mut plan = gateway_plan(&c, "tgw").expect("gateway plan");
    crate::envoy::traffic::mark_direct_routes(&mut plan, connection_headers);
    GatewayIndex::new(&plan).expect("index")
}

fn index(connection_headers: bool, audit: bool) -> GatewayIndex {
    index_of(connection_headers, audit, false)
}

const NAMES: [&[u8]; 6] = [
    b"billing.default.dc1.internal.11111111-2222-3333-4444-555555555555.consul",
    b"BILLING.default.dc1.internal.11111111-2222-3333-4444-555555555555.consul",
    b"files.default.dc1.internal.11111111-2222-3333-4444-555555555555.consul",
    b"unknown.example",
    b"",
    b"billing\xff",
];

/// Peer URI SANs: local, a peer's, a foreign trust domain, a gateway, not SPIFFE, a partition,
/// one too long for the memo to keep (whose intention is the wildcard's, not `web`'s).
fn peers() -> Vec<String> {
    vec![
        format!("spiffe://{TD}/ns/default/dc/dc1/svc/web"),
        format!("spiffe://{TD}/ns/default/dc/dc1/svc/api"),
        "spiffe://partner.consul/ns/default/dc/dc9/svc/web".into(),
        "spiffe://PARTNER.consul/ns/default/dc/dc9/svc/web".into(),
        "spiffe://other.consul/ns/default/dc/dc1/svc/web".into(),
        format!("spiffe://{TD}/gateway/mesh/dc/dc1"),
        format!("spiffe://{TD}/ap/default/ns/default/dc/dc1/svc/web"),
        format!("spiffe://{TD}/ns/default/dc/dc1/svc/web/"),
        "https://example.com/web".into(),
        String::new(),
        format!("spiffe://{TD}/ns/default/dc/dc1/svc/{}", "w".repeat(MAX_KEY)),
    ]
}

/// The client-certificate header for `sans` (0 to 2 of them), quoted or not.
fn client_cert(sans: &[&str], quoted: bool) -> String {
    let mut v = format!("By=spiffe://{TD}/ns/default/dc/dc1/svc/billing;Hash=0123");
    for s in sans {
        if quoted {
            v.push_str(&format!(";URI=\"{s}\""));
        } else {
            v.push_str(&format!(";URI={s}"));
        }
    }
    v
}

/// One request: which server name, which peers in the header (and the first as the property),
/// quoted or not, which path.
type Case = (usize, Vec<usize>, bool, usize);

fn decide_both(ix: &GatewayIndex, memo: &mut ConnMemo, (name, sans, quoted, path): &Case) -> (String, String) {
    let peers = peers();
    let sans: Vec<&str> = sans.iter().map(|i| peers[*i % peers.len()].as_str()).collect();
    let xfcc = client_cert(&sans, *quoted);
    let name = NAMES[*name % NAMES.len()];
    let path = ["/pay", "/other", "/%2e%2e/pay", "/pay?x=1"][*path % 4];
    let pairs: [(&[u8], &[u8]); 5] = [
        (b":authority", b"billing"),
        (b":path", path.as_bytes()),
        (b":method", b"GET"),
        (b"x-forwarded-client-cert", xfcc.as_bytes()),
        (SNI_HEADER.as_bytes(), name),
    ];
    let head = RequestHead::from_pairs(pairs.iter().copied());
    let conn = Connection { port: None, server_name: name, peer_uri_san: sans.first().map(|s| s.as_bytes()) };
    let direct = ix.decide_http(&head, &conn, 0, &mut |_| true);
    let remembered = ix.decide_http_remembering(&head, &conn, 0, &mut |_| true, memo);
    // The same connection's L4 answers (files is a tcp service), through the same memo.
    let (peer, log) = (conn.peer_uri_san, &mut |_| true);
    let connection = ix.decide_connection(name, None, 0, log);
    let connection_remembered = ix.decide_connection_remembering(name, None, 0, log, memo);
    let decided = ix.decide_peer(name, peer, log);
    let decided_remembered = ix.decide_peer_remembering(name, peer, log, memo);
    (
        format!("{direct:?} {connection:?} {decided:?}"),
        format!("{remembered:?} {connection_remembered:?} {decided_remembered:?}"),
    )
}

fn case() -> impl Strategy<Value = Case> {
    (0..NAMES.len(), prop::collection::vec(0..peers().len(), 0..3), any::<bool>(), 0..4usize)
}

proptest! {
    /// Whatever came before, a remembered decision is the decision: the same verdict, reason and
    /// log line, for both plans' shapes (the peer from the header, or from the property), with
    /// one memo serving several plans in turn.
    #[test]
    fn a_remembered_decision_is_the_decision(cases in prop::collection::vec((case(), 0..5usize), 1..40)) {
        let indexes =
            [index(true, false), index(false, false), index(true, true), index(false, true), index_of(true, false, true)];
        let mut memo = ConnMemo::default();
        for (case, which) in &cases {
            let (direct, remembered) = decide_both(&indexes[*which], &mut memo, case);
            prop_assert_eq!(direct, remembered, "{:?}", case);
        }
    }

    #[test]
    fn same_words_is_equality(a in prop::collection::vec(0..3u8, 0..40), b in prop::collection::vec(0..3u8, 0..40)) {
        prop_assert_eq!(same_words(&a, &b), a == b);
        prop_assert!(same_words(&a, &a.clone()));
    }
}

#[test]
fn a_repeated_request_reuses_the_answers_and_a_new_plan_does_not() {
    let (ix, other) = (index(true, false), index(true, false));
    assert_ne!(ix.id, other.id, "every index has its own id");
    let mut memo = ConnMemo::default();
    let allowed: Case = (0, vec![0], false, 0);
    let (direct, remembered) = decide_both(&ix, &mut memo, &allowed);
    assert_eq!(direct, remembered);
    assert!(direct.contains("Allowed"), "{direct}");
    let (sni, cert, caller) = (memo.sni.value, memo.cert.value, memo.caller.value);
    assert!(sni.is_some() && cert.is_some() && caller.is_some_and(|c| c.is_ok()), "{memo:?}");
    // The same bytes again: answered from the memo, and still the same decision.
    assert!(memo.sni.get(ix.id, NAMES[0]).is_some());
    assert_eq!(decide_both(&ix, &mut memo, &allowed).1, direct);
    // Another index (even of the same plan) reads again.
    assert!(memo.sni.get(other.id, NAMES[0]).is_none());
    assert_eq!(decide_both(&other, &mut memo, &allowed).1, direct);
    assert_eq!(memo.sni.index, other.id);
}

#[test]
fn an_answer_is_kept_only_for_a_bounded_key_and_never_by_a_memo_that_is_off() {
    let ix = index(true, false);
    let mut memo = ConnMemo::default();
    let long = format!("spiffe://{TD}/ns/default/dc/dc1/svc/{}", "w".repeat(MAX_KEY));
    assert_eq!(memo.caller(&ix, Some(&long)), ix.peer_caller(Some(&long)));
    assert!(memo.caller.value.is_none() && memo.caller.key.capacity() == 0, "not kept");
    let mut off = ConnMemo::off();
    let web = format!("spiffe://{TD}/ns/default/dc/dc1/svc/web");
    assert_eq!(off.caller(&ix, Some(&web)), ix.peer_caller(Some(&web)));
    assert!(off.caller.value.is_none() && off.sni.value.is_none() && off.cert.value.is_none());
}

#[test]
fn shapes_apply_back_to_the_same_pieces() {
    let ix = index(true, false);
    for uri in peers() {
        let direct = ix.peer_caller(Some(&uri));
        if let Ok(c) = &direct {
            let shape = CallerShape::of(c, &ix, &uri).expect("a caller read from the URI has a shape");
            assert_eq!(apply_caller(Ok(shape), &ix, &uri), Some(direct), "{uri}");
        }
    }
    for value in [client_cert(&[], false), client_cert(&["a"], false), client_cert(&["a", "b"], true)] {
        let found = ClientCertUris::read(&value);
        let shape = CertShape::of(&found, &value).expect("shape");
        assert_eq!(shape.apply(&value), Some(found), "{value}");
    }
}

#[test]
fn a_caller_too_long_to_keep_does_not_lend_its_intention_to_the_next() {
    let ix = index(true, false);
    let mut memo = ConnMemo::default();
    let long = peers().len() - 1;
    for case in [(0, vec![0], false, 0), (0, vec![long], false, 0), (0, vec![0], false, 0)] {
        let (direct, remembered) = decide_both(&ix, &mut memo, &case);
        assert_eq!(direct, remembered, "{case:?}");
    }
}
