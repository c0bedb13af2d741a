//! Decision time against table size, and table build time.
//!
//! `cargo bench -p meshgate-core --bench intentions`. Each size has one exact intention per
//! source for one destination plus a spread of other destinations; the request asks for the
//! last-written source, which a linear scan (Envoy RBAC) would reach last.

// A benchmark is not shipped code: a setup failure should stop it loudly.
#![allow(clippy::panic)]

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use meshgate_core::intentions::http::{HttpMatch, HttpRequest, Permission};
use meshgate_core::intentions::path::Normalization;
use meshgate_core::intentions::{
    precedence, Action, Caller, Destination, Intention, IntentionTable, Origin, Request, ServiceName, Source,
};

fn intention(source: &str, destination: &str, l7: bool) -> Intention {
    let source = Source {
        name: source.into(),
        namespace: "default".into(),
        partition: "default".into(),
        peer: Default::default(),
    };
    let destination =
        Destination { name: destination.into(), namespace: "default".into(), partition: "default".into() };
    let precedence = precedence(&source, &destination);
    let (action, permissions) = if l7 {
        let http = HttpMatch { path_prefix: Some("/api".into()), methods: vec!["GET".into()], ..Default::default() };
        (None, vec![Permission { action: Action::Allow, http, jwt: None }])
    } else {
        (Some(Action::Allow), vec![])
    };
    Intention {
        source,
        destination,
        action,
        permissions: permissions.into(),
        jwt: None,
        precedence,
        origin: Origin::default(),
    }
}

fn table(n: usize, l7: bool) -> IntentionTable {
    let mut all: Vec<Intention> =
        (0..n).map(|i| intention(&format!("src-{i}"), &format!("dst-{}", i % 100), l7)).collect();
    all.push(intention("*", "*", false));
    IntentionTable::new(all, Action::Deny, Normalization::default()).unwrap_or_else(|e| panic!("{e}"))
}

const SIZES: &[usize] = &[10, 1_000, 10_000, 100_000];

fn decisions(c: &mut Criterion) {
    let mut group = c.benchmark_group("decide");
    group.throughput(Throughput::Elements(1));
    for &n in SIZES {
        for l7 in [false, true] {
            let t = table(n, l7);
            let last = format!("src-{}", n - 1);
            let dest = format!("dst-{}", (n - 1) % 100);
            let headers: &[(&str, &str)] = &[("host", "x"), ("user-agent", "bench")];
            let label = if l7 { "l7" } else { "l4" };
            group.bench_with_input(BenchmarkId::new(label, n), &n, |b, _| {
                b.iter(|| {
                    let req = Request {
                        source: Caller { name: &last, namespace: "default", partition: "default", peer: "" },
                        destination: ServiceName { name: &dest, namespace: "default", partition: "default" },
                        http: l7.then_some(HttpRequest { method: "GET", path: "/api/v1/users", headers, jwt: None }),
                    };
                    let d = t.decide(black_box(&req));
                    black_box(d.allowed)
                })
            });
        }
    }
    group.finish();
}

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("build-table");
    group.sample_size(10);
    for &n in &[10_000usize, 100_000] {
        let all: Vec<Intention> =
            (0..n).map(|i| intention(&format!("src-{i}"), &format!("dst-{}", i % 10_000), false)).collect();
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| {
                IntentionTable::new(black_box(all.clone()), Action::Deny, Normalization::default())
                    .map(|t| t.intentions().len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, decisions, build);
criterion_main!(benches);
