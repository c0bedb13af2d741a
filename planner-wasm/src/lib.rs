//! meshgate-planner-wasm: the wasm-bindgen facade over meshgate-core that the playground page loads.
//!
//! Build with `cargo build -p meshgate-planner-wasm --target wasm32-unknown-unknown --release`, then
//! `wasm-bindgen --target web` (no bundler). For now it only exposes [`version`]; the playground issue
//! adds the planner views.

use wasm_bindgen::prelude::wasm_bindgen;

/// The version of this crate (and of the meshgate workspace), e.g. `"0.1.0"`.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
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
