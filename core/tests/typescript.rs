//! The playground's TypeScript declarations, generated from the Rust types the planner facade
//! hands to JavaScript and takes from it, and compared with the committed
//! `planner-wasm/src/types.ts` (which planner-wasm gives wasm-bindgen, so it lands in
//! `meshgate_planner_wasm.d.ts` and the page type-checks against it).
//!
//! ```text
//! cargo test -p meshgate-core --features ts --test typescript             # fails when stale
//! UPDATE_TS=1 cargo test -p meshgate-core --features ts --test typescript # rewrites it (BLESS=1 too)
//! ```
//!
//! Why ts-rs: it derives from the types where they are defined, reads their serde attributes
//! (rename, tag, skip_serializing_if with default), carries `///` docs into JSDoc, and is a plain
//! dependency that needs nothing of the host — so it sits behind meshgate-core's optional `ts`
//! feature, which no shipped build enables. tsify derives wasm-bindgen ABI impls and emits its
//! declarations through `#[wasm_bindgen(typescript_custom_section)]`, so it needs wasm-bindgen in
//! the crate that derives: meshgate-core must stay host-free (DESIGN.md §1). specta 2 has been a
//! release candidate for years, with its TypeScript exporter (`specta-typescript` 0.0.x) pinned to
//! one exact rc — an API that still moves under us.
//!
//! That the declarations describe what serde_json writes is checked by meshgate-core's unit tests
//! (`views::tests::serialized_views_match_the_generated_declarations`): they serialize every view
//! of populated workspaces and check each key and value against this file.

#![cfg(feature = "ts")]

#[allow(dead_code)]
#[path = "../src/views/ts_decl.rs"]
mod ts_decl;

use meshgate_core::convert::{ConvertRequest, ConvertView};
use meshgate_core::views::{
    DiagnosticsView, EnvoyRequest, EnvoyView, GatewayPlanView, GatewaysView, IntentionNames, IntentionsSummary,
    ListQuery, ListSlice, MatrixQuery, MatrixSlice, PlanView, RoutesView, SimulateRequest, SimulateView, UpstreamsView,
    WorkspaceInput,
};
use std::any::TypeId;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use ts_decl::{Decl, Declarations, Ty};
use ts_rs::{Config, TypeVisitor, TS};

const HEADER: &str = "\
// Generated from meshgate-core's view types by ts-rs (core/tests/typescript.rs): do not edit.
// Regenerate: UPDATE_TS=1 cargo test -p meshgate-core --features ts --test typescript
// Every key and value the views serialize is checked against these declarations (meshgate-core's
// unit tests); planner-wasm hands them to wasm-bindgen (typescript_custom_section).
";

fn types_ts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../planner-wasm/src/types.ts")
}

/// Every declaration reachable from the roots, by name (ts-rs visits dependencies in no fixed
/// order; the file's order is made below).
struct Collect<'a> {
    cfg: &'a Config,
    seen: BTreeMap<String, TypeId>,
    decls: BTreeMap<String, Decl>,
    errors: Vec<String>,
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Primitives, arrays and maps have no declaration of their own.
        if T::output_path().is_none() {
            return;
        }
        let name = T::ident(self.cfg);
        match self.seen.get(&name) {
            Some(id) if *id == TypeId::of::<T>() => return,
            Some(_) => {
                self.errors.push(format!(
                    "two Rust types are called `{name}` in TypeScript (the second is {}): give one #[ts(rename)]",
                    std::any::type_name::<T>()
                ));
                return;
            }
            None => {}
        }
        self.seen.insert(name.clone(), TypeId::of::<T>());
        let text = format!("{}export {}", T::docs().unwrap_or_default(), T::decl(self.cfg));
        match Declarations::parse(&text) {
            Ok(mut d) if d.decls.len() == 1 => {
                self.decls.insert(name, d.decls.remove(0));
            }
            Ok(_) => self.errors.push(format!("`{name}`: not one declaration: {text}")),
            Err(e) => self.errors.push(format!("`{name}`: {e}\n{text}")),
        }
        T::visit_dependencies(self);
    }
}

/// Every name a type mentions, in the order it mentions them.
fn mentions(ty: &Ty, out: &mut Vec<String>) {
    match ty {
        Ty::Name(n) => out.push(n.clone()),
        Ty::Literal(_) => {}
        Ty::Array(t) => mentions(t, out),
        Ty::Tuple(ts) | Ty::Union(ts) => ts.iter().for_each(|t| mentions(t, out)),
        Ty::Object(ms) => ms.iter().for_each(|m| mentions(&m.ty, out)),
        Ty::Map { key, value, .. } => {
            mentions(key, out);
            mentions(value, out);
        }
    }
}

/// The declarations in reading order: each root as the facade lists its methods, each followed
/// by what it mentions first that was not declared before (depth first).
fn ordered(roots: &[String], mut decls: BTreeMap<String, Decl>) -> Result<Vec<Decl>, String> {
    fn place(name: &str, decls: &mut BTreeMap<String, Decl>, out: &mut Vec<Decl>) {
        let Some(d) = decls.remove(name) else { return };
        let mut names = Vec::new();
        mentions(&d.ty, &mut names);
        out.push(d);
        for n in names {
            place(&n, decls, out);
        }
    }
    let mut out = Vec::new();
    for r in roots {
        place(r, &mut decls, &mut out);
    }
    if !decls.is_empty() {
        return Err(format!("declarations no root reaches: {:?}", decls.keys()));
    }
    Ok(out)
}

fn generate() -> Result<(Vec<String>, Declarations), String> {
    // Large integers (u64 weights, counts) are written by serde_json as plain JSON numbers.
    let cfg = Config::new().with_large_int("number");
    let mut c = Collect { cfg: &cfg, seen: BTreeMap::new(), decls: BTreeMap::new(), errors: Vec::new() };
    let mut roots = Vec::new();
    macro_rules! roots {
        ($($t:ty),* $(,)?) => {$(
            roots.push(<$t as TS>::ident(&cfg));
            c.visit::<$t>();
        )*};
    }
    // What the facade's methods take and return, in the order planner-wasm declares them.
    roots!(
        WorkspaceInput,
        DiagnosticsView,
        IntentionsSummary,
        ListQuery,
        ListSlice,
        MatrixQuery,
        MatrixSlice,
        IntentionNames,
        UpstreamsView,
        RoutesView,
        GatewaysView,
        GatewayPlanView,
        EnvoyRequest,
        EnvoyView,
        SimulateRequest,
        SimulateView,
        PlanView,
        ConvertRequest,
        ConvertView,
    );
    if !c.errors.is_empty() {
        return Err(c.errors.join("\n"));
    }
    let decls = Declarations::new(ordered(&roots, c.decls)?)?;
    Ok((roots, decls))
}

#[test]
fn planner_wasm_types_ts_is_generated_from_the_rust_types() {
    let (_, decls) = generate().unwrap_or_else(|e| panic!("{e}"));
    let generated = decls.print(HEADER);
    let path = types_ts();
    let bless = ["UPDATE_TS", "BLESS"].iter().any(|v| std::env::var_os(v).is_some_and(|v| v == "1"));
    if bless {
        std::fs::write(&path, &generated).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let line = committed.lines().zip(generated.lines()).position(|(a, b)| a != b);
        let line = line.unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
        panic!(
            "planner-wasm/src/types.ts is stale: the Rust types changed (first difference at line {}:\n  committed: {}\n  generated: {}).\n\
             Regenerate it and commit the result:\n  UPDATE_TS=1 cargo test -p meshgate-core --features ts --test typescript",
            line + 1,
            committed.lines().nth(line).unwrap_or("(end of file)"),
            generated.lines().nth(line).unwrap_or("(end of file)"),
        );
    }
}

/// The names the facade gives wasm-bindgen (`unchecked_param_type` / `unchecked_return_type`)
/// are exactly the roots: each declared, none missing. (The page's tsc skips library checks, so
/// an undeclared name there would silently become `any`.)
#[test]
fn the_facade_names_exactly_the_generated_roots() {
    let (roots, decls) = generate().unwrap_or_else(|e| panic!("{e}"));
    let facade_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../planner-wasm/src/lib.rs");
    let facade = std::fs::read_to_string(&facade_path).unwrap_or_else(|e| panic!("{}: {e}", facade_path.display()));
    let mut named = BTreeSet::new();
    for key in ["unchecked_param_type = \"", "unchecked_return_type = \""] {
        for (at, _) in facade.match_indices(key) {
            let rest = &facade[at + key.len()..];
            named.insert(rest[..rest.find('"').unwrap_or(0)].to_string());
        }
    }
    for n in &named {
        assert!(decls.get(n).is_some(), "planner-wasm names `{n}`, which types.ts does not declare");
    }
    let roots: BTreeSet<String> = roots.into_iter().collect();
    assert_eq!(named, roots, "the facade's types and this test's roots differ");
}
