//! filter.wasm
