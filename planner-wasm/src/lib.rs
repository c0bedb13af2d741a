//! meshgate-planner-wasm: the wasm-bindgen facade over meshgate-core that the playground page loads.
//!
//! No logic of its own: each method deserializes its argument, calls [`meshgate_core::views`] — the
//! same core the CLI and the filter use — and hands the result to JavaScript as a plain object
//! (maps become objects, `None` becomes `null`). Arguments are read from their JSON text by hand
//! (`input`); results are written with the core's compact JSON writer (`meshgate_core::json`) and
//! `JSON.parse`d (the core's JSON texts already need that writer, so this costs less wasm than a
//! second serializer). Bad input (not the
//! shape the declarations in `types.ts` describe) throws a JS `Error`; problems in the user's
//! configuration are not errors but diagnostics.
//!
//! ```js
//! import init, { Workspace } from "./pkg/meshgate_planner_wasm.js";
//! await init();
//! const ws = new Workspace({ files: [{ name: "a.hcl", text }], settings: { datacenter: "dc1" } });
//! ws.diagnostics();   // DiagnosticsView
//! ws.simulate({ source: "web", destination: "billing", method: "GET", path: "/admin" });
//! ws.gateways();      // GatewaysView: every gateway's route table
//! ws.gatewayPlan("ingress-gateway");  // GatewayPlanView: the JSON its filter receives
//! ws.envoy({ gateway: "ingress-gateway" }); // EnvoyView: its Envoy bootstrap
//! ws.free();
//! convert({ file: { name: "a.hcl", text }, to: "crd" }); // ConvertView: { text, error }
//! ```
//!
//! Build: `cargo build -p meshgate-planner-wasm --target wasm32-unknown-unknown --profile
//! web-release`, then `wasm-bindgen --target web` (`web/build.sh` does both).

// Natively (the unit tests' build) only its tests use it.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod alloc;
mod input;

use meshgate_core::views::{Analysis, IntentionWindows};
use serde::Serialize;
use std::cell::OnceCell;
use wasm_bindgen::prelude::{wasm_bindgen, JsError, JsValue};

// The planner's own allocator (see `alloc`): smaller than the standard library's. It assumes one
// thread, which holds for wasm32 without the `atomics` feature.
#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
compile_error!("the planner's allocator (alloc.rs) assumes a single-threaded wasm module");
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: alloc::SingleThreaded<alloc::WasmMemory> =
    alloc::SingleThreaded(std::cell::UnsafeCell::new(alloc::Heap::new(alloc::WasmMemory)));

/// The declarations of every type the methods below take and return: generated from
/// meshgate-core's view types by ts-rs (`cargo test -p meshgate-core --features ts --test
/// typescript`, which fails while this file is stale and rewrites it with `UPDATE_TS=1`), and
/// checked against what the views serialize by meshgate-core's unit tests. wasm-bindgen copies
/// them into `meshgate_planner_wasm.d.ts`; they cost the wasm nothing (wasm-bindgen strips the
/// section).
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("types.ts");

/// A loaded, validated and compiled set of files (`Workspace` in JavaScript).
#[wasm_bindgen(js_name = Workspace)]
pub struct PlannerWorkspace {
    analysis: Analysis,
    /// The Intentions view's data, made on the first request for it and kept for its windows.
    windows: OnceCell<IntentionWindows>,
}

#[wasm_bindgen(js_class = Workspace)]
impl PlannerWorkspace {
    /// Loads `{files: [{name, text}], settings?}`. Throws only when the argument has the wrong
    /// shape; configuration problems are [`diagnostics`](Self::diagnostics).
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "WorkspaceInput")] input: JsValue) -> Result<Self, JsError> {
        let input = from_js(input, "new Workspace(input)", input::workspace)?;
        Ok(PlannerWorkspace { analysis: Analysis::new(input), windows: OnceCell::new() })
    }

    /// Every problem found, with UTF-16 positions for the editor.
    #[wasm_bindgen(unchecked_return_type = "DiagnosticsView")]
    pub fn diagnostics(&self) -> Result<JsValue, JsError> {
        to_js(&self.analysis.diagnostics())
    }

    /// How many intentions, sources and destinations; the view itself comes in windows.
    #[wasm_bindgen(js_name = intentionsSummary, unchecked_return_type = "IntentionsSummary")]
    pub fn intentions_summary(&self) -> Result<JsValue, JsError> {
        to_js(&self.windows().summary())
    }

    /// A window of the ranked intentions, filtered by label.
    #[wasm_bindgen(js_name = intentionList, unchecked_return_type = "ListSlice")]
    pub fn intention_list(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ListQuery")] query: JsValue,
    ) -> Result<JsValue, JsError> {
        let query = from_js(query, "intentionList(query)", input::list_query)?;
        to_js(&self.windows().list(&query))
    }

    /// The source × destination matrix, filtered: a table, or a window of the decided pairs.
    #[wasm_bindgen(unchecked_return_type = "MatrixSlice")]
    pub fn matrix(
        &self,
        #[wasm_bindgen(unchecked_param_type = "MatrixQuery")] query: JsValue,
    ) -> Result<JsValue, JsError> {
        let query = from_js(query, "matrix(query)", input::matrix_query)?;
        to_js(&self.windows().matrix(&self.analysis, &query))
    }

    /// The services Simulate suggests as sources and destinations.
    #[wasm_bindgen(js_name = intentionNames, unchecked_return_type = "IntentionNames")]
    pub fn intention_names(&self) -> Result<JsValue, JsError> {
        to_js(&self.analysis.intention_names())
    }

    /// Every connect proxy's upstreams: target, SNI, mesh gateway mode and its level, what is dialled.
    #[wasm_bindgen(unchecked_return_type = "UpstreamsView")]
    pub fn upstreams(&self) -> Result<JsValue, JsError> {
        to_js(&self.analysis.upstreams())
    }

    /// Every discovery chain: its route table (match → weighted targets, failover) and its graph.
    #[wasm_bindgen(unchecked_return_type = "RoutesView")]
    pub fn routes(&self) -> Result<JsValue, JsError> {
        to_js(&self.analysis.routes())
    }

    /// Every registered gateway's route table (mesh: SNI rows; terminating: linked services;
    /// ingress and API: listeners → hosts → matches → weighted targets).
    #[wasm_bindgen(unchecked_return_type = "GatewaysView")]
    pub fn gateways(&self) -> Result<JsValue, JsError> {
        to_js(&self.analysis.gateways())
    }

    /// The GatewayPlan of one gateway (by key) as pretty JSON — what the filter receives — or
    /// why it is withheld (errors in the configuration, no such gateway).
    #[wasm_bindgen(js_name = gatewayPlan, unchecked_return_type = "GatewayPlanView")]
    pub fn gateway_plan(&self, key: &str) -> Result<JsValue, JsError> {
        to_js(&self.analysis.gateway_plan(key))
    }

    /// The Envoy bootstrap for one gateway (`meshgate envoy`'s output), or why it is withheld.
    /// Throws only when the request has the wrong shape.
    #[wasm_bindgen(unchecked_return_type = "EnvoyView")]
    pub fn envoy(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EnvoyRequest")] request: JsValue,
    ) -> Result<JsValue, JsError> {
        let request = from_js(request, "envoy(request)", input::envoy)?;
        to_js(&self.analysis.envoy(&request))
    }

    /// Decides one request, with the trace of every intention considered. Throws when the request
    /// cannot be asked (no source or destination, a header without `:`).
    #[wasm_bindgen(unchecked_return_type = "SimulateView")]
    pub fn simulate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SimulateRequest")] request: JsValue,
    ) -> Result<JsValue, JsError> {
        let request = from_js(request, "simulate(request)", input::simulate)?;
        let view = self.analysis.simulate(&request).map_err(|e| JsError::new(&e))?;
        to_js(&view)
    }

    /// The compiled plan as pretty JSON (exactly `meshgate plan`'s output), or why it is withheld.
    #[wasm_bindgen(unchecked_return_type = "PlanView")]
    pub fn plan(&self) -> Result<JsValue, JsError> {
        to_js(&self.analysis.plan())
    }
}

impl PlannerWorkspace {
    fn windows(&self) -> &IntentionWindows {
        self.windows.get_or_init(|| self.analysis.intention_windows())
    }
}

/// One file's entries (or the one named `request.name`) written as HCL, JSON, YAML or Kubernetes
/// resources (`meshgate convert`): `{text}`, or `{error}` saying why not. Throws only when the
/// request has the wrong shape.
#[wasm_bindgen(unchecked_return_type = "ConvertView")]
pub fn convert(#[wasm_bindgen(unchecked_param_type = "ConvertRequest")] request: JsValue) -> Result<JsValue, JsError> {
    let request = from_js(request, "convert(request)", input::convert)?;
    to_js(&meshgate_core::convert::convert_file(&request))
}

/// The version of this crate (and of the meshgate workspace), e.g. `"0.1.0"`.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// An argument read through its JSON text (see `input`): `what` names it in the error thrown.
fn from_js<T>(
    value: JsValue,
    what: &str,
    read: fn(&meshgate_core::json::Value) -> Result<T, String>,
) -> Result<T, JsError> {
    let text = json_stringify(&value).ok().and_then(|t| t.as_string());
    let value = text
        .as_deref()
        // `JSON.stringify` writes compact JSON, which the core reads without serde_json's parser
        // (one fewer JSON parser in the wasm).
        .and_then(meshgate_core::json::read_compact)
        .ok_or_else(|| JsError::new(&format!("{what}: not a JSON value")))?;
    read(&value).map_err(|e| JsError::new(&format!("{what}: {e}")))
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = JSON, js_name = stringify, catch)]
    fn json_stringify(value: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse(text: &str) -> Result<JsValue, JsValue>;
}

/// The view as a plain JavaScript object, through JSON text. Compact: the core writes its pretty
/// texts by re-indenting compact ones (`meshgate_core::json`), so this is the one writer the wasm
/// carries.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let text = meshgate_core::json::to_string(value)
        .map_err(|e| JsError::new(&format!("could not hand the view to JavaScript: {e}")))?;
    json_parse(&text).map_err(|_| JsError::new("could not hand the view to JavaScript"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn version_is_the_crate_version() {
        let version = super::version();
        assert_eq!(version, env!("CARGO_PKG_VERSION"));
        assert_eq!(version.split('.').count(), 3, "not MAJOR.MINOR.PATCH: {version}");
    }
}
