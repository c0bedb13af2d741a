//! Whole-pipeline cost: parse + decode + validate + compile, for 10k services and 100k
//! intentions written as JSON (10 000 service-intentions entries of 10 sources each), and for one
//! destination with 100k L7 sources written as HCL (one entry: what `bench/` generates; per-entry
//! work that is quadratic in the sources, such as a duplicate-source check by linear search,
//! shows here and not in the first).
//!
//! `cargo bench -p meshgate-core --bench compile`

// A benchmark is not shipped code: a setup failure should stop it loudly.
#![allow(clippy::panic)]

use criterion::{criterion_group, criterion_main, Criterion};
use meshgate_core::plan;
use meshgate_core::settings::Settings;
use meshgate_core::workspace::{InputFile, Workspace};

/// Two JSON files: service-defaults for every service, and its intentions (every fifth source
/// with L7 permissions).
fn workspace_text(services: usize, sources_per_service: usize) -> (String, String) {
    let mut defaults = Vec::with_capacity(services);
    let mut intentions = Vec::with_capacity(services);
    for s in 0..services {
        defaults.push(format!(r#"{{"Kind": "service-defaults", "Name": "svc-{s}", "Protocol": "http"}}"#));
        let sources: Vec<String> = (0..sources_per_service)
            .map(|i| {
                if i % 5 == 4 {
                    format!(
                        r#"{{"Name": "client-{i}-{s}", "Permissions": [{{"Action": "deny", "HTTP": {{"PathPrefix": "/admin"}}}}, {{"Action": "allow", "HTTP": {{"PathPrefix": "/"}}}}]}}"#
                    )
                } else {
                    format!(r#"{{"Name": "client-{i}-{s}", "Action": "allow"}}"#)
                }
            })
            .collect();
        intentions.push(format!(
            r#"{{"Kind": "service-intentions", "Name": "svc-{s}", "Sources": [{}]}}"#,
            sources.join(", ")
        ));
    }
    (format!("[\n{}\n]", defaults.join(",\n")), format!("[\n{}\n]", intentions.join(",\n")))
}

fn compile(c: &mut Criterion) {
    let (defaults, intentions) = workspace_text(10_000, 10);
    let mut group = c.benchmark_group("compile");
    group.sample_size(10);
    group.bench_function("10k-services-100k-intentions", |b| {
        b.iter(|| {
            let ws = Workspace::load([
                InputFile::new("defaults.json", defaults.clone()),
                InputFile::new("intentions.json", intentions.clone()),
            ]);
            if ws.has_errors() {
                panic!("{:?}", ws.diagnostics.first());
            }
            let compiled = plan::compile(&ws, &Settings::default()).unwrap_or_else(|e| panic!("{e}"));
            compiled.plan.intentions.len()
        })
    });
    group.finish();
}

/// One HCL service-intentions entry for `web` with `sources` L7 sources, as bench/bench.py
/// writes them.
fn one_destination_hcl(sources: usize) -> String {
    let mut out = String::from("Kind = \"service-intentions\"\nName = \"web\"\nSources = [\n");
    for i in 0..sources {
        out.push_str(&format!(
            "{{ Name = \"client-{i}\", Permissions = [{{ Action = \"allow\", HTTP {{ PathPrefix = \"/api/\" }} }}] }},\n"
        ));
    }
    out.push_str("]\n");
    out
}

fn one_destination(c: &mut Criterion) {
    let defaults = String::from("Kind = \"service-defaults\"\nName = \"web\"\nProtocol = \"http\"\n");
    let intentions = one_destination_hcl(100_000);
    let mut group = c.benchmark_group("compile");
    group.sample_size(10);
    group.bench_function("1-destination-100k-sources-hcl", |b| {
        b.iter(|| {
            let ws = Workspace::load([
                InputFile::new("entries.hcl", defaults.clone()),
                InputFile::new("intentions.hcl", intentions.clone()),
            ]);
            if ws.has_errors() {
                panic!("{:?}", ws.diagnostics.first());
            }
            let compiled = plan::compile(&ws, &Settings::default()).unwrap_or_else(|e| panic!("{e}"));
            compiled.plan.intentions.len()
        })
    });
    group.finish();
}

criterion_group!(benches, compile, one_destination);
criterion_main!(benches);
