//! planner-wasm
