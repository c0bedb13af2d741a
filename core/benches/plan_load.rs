//! What the filter's `on_configure` costs at scale: a terminating gateway's GatewayPlan with N L7
//! intentions (the shape `bench/` measures in Envoy), parsed and indexed by
//! `GatewayIndex::from_json_owned` as the filter calls it — time (median of 5), plan size, peak
//! heap while loading (the plan's bytes included) and the heap the loaded index keeps (a counting
//! allocator; in the filter both are wasm linear memory, which never shrinks, so the peak is what
//! a worker VM keeps).
//!
//! `cargo bench -p meshgate-core --bench plan_load [-- N… | PLAN.json…]` (default N = 10 000 and
//! 100 000; a path loads that GatewayPlan instead)

// A benchmark is not shipped code: a setup failure should stop it loudly.
#![allow(clippy::panic)]

use meshgate_core::gateway::GatewayIndex;
use meshgate_core::plan::gateways::gateway_plan;
use meshgate_core::settings::Settings;
use meshgate_core::workspace::{InputFile, Workspace};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: delegates every call to the system allocator; only counts bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            grew(new_size - layout.size());
        } else {
            CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// bench/bench.py's terminating workspace: `tgw` links `web`; N sources each allow `/api/`.
fn plan_json(n: usize) -> String {
    let mut intentions = String::from("Kind = \"service-intentions\"\nName = \"web\"\nSources = [\n");
    for i in 0..n {
        intentions.push_str(&format!(
            "{{ Name = \"src-{i}\", Permissions = [{{ Action = \"allow\", HTTP {{ PathPrefix = \"/api/\" }} }}] }},\n"
        ));
    }
    intentions.push_str("]\n");
    let files = [
        InputFile::new(
            "ws.hcl",
            "service { name = \"tgw\" kind = \"terminating-gateway\" address = \"127.0.0.1\" port = 9443 }\n\
             service { name = \"web\" address = \"127.0.0.1\" port = 8080 }\n",
        ),
        InputFile::new("entries.hcl", "Kind = \"service-defaults\"\nName = \"web\"\nProtocol = \"http\"\n"),
        InputFile::new(
            "gateway.hcl",
            "Kind = \"terminating-gateway\"\nName = \"tgw\"\nServices = [{ Name = \"web\" }]\n",
        ),
        InputFile::new("intentions.hcl", intentions),
    ];
    let ws = Workspace::load(files);
    if ws.has_errors() {
        panic!("{:?}", ws.diagnostics.first());
    }
    let settings =
        Settings { default_intention_policy: meshgate_core::intentions::Action::Deny, ..Settings::default() };
    let compiled = meshgate_core::plan::compile(&ws, &settings).unwrap_or_else(|e| panic!("{e}"));
    gateway_plan(&compiled, "tgw").unwrap_or_else(|| panic!("no plan for tgw")).canonical_json()
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let args = if args.is_empty() { vec!["10000".to_string(), "100000".to_string()] } else { args };
    println!("plan_load: GatewayIndex::from_json of a terminating gateway's plan with N L7 intentions");
    for arg in args {
        let json = match arg.parse::<usize>() {
            Ok(n) => plan_json(n),
            Err(_) => std::fs::read_to_string(&arg).unwrap_or_else(|e| panic!("{arg}: {e}")),
        };
        let n = GatewayIndex::from_json(json.as_bytes()).map_or(0, |ix| ix.table().intentions().len());
        let mut times = Vec::new();
        let (mut peak, mut kept) = (0, 0);
        for _ in 0..5 {
            // As in the filter: the plan's bytes are the VM's copy, freed once parsed (counted).
            let bytes = json.as_bytes().to_vec();
            let base = CURRENT.load(Ordering::Relaxed) - bytes.len();
            PEAK.store(base + bytes.len(), Ordering::Relaxed);
            let t0 = Instant::now();
            let index = GatewayIndex::from_json_owned(bytes).unwrap_or_else(|e| panic!("{e}"));
            times.push(t0.elapsed().as_secs_f64() * 1000.0);
            peak = PEAK.load(Ordering::Relaxed) - base;
            kept = CURRENT.load(Ordering::Relaxed) - base;
            drop(index);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "N={n:>7}  plan {:>7.2} MiB ({:>4} B/intention)  load {:>8.1} ms median ({:.1}–{:.1})  heap peak {:>7.1} MiB  kept {:>7.1} MiB ({} B/intention)",
            mib(json.len()),
            json.len() / n.max(1),
            times[2],
            times[0],
            times[4],
            mib(peak),
            mib(kept),
            kept / n.max(1),
        );
    }
}
