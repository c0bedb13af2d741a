//! `syntax::hcl::parse` on arbitrary text: no panic, valid spans, one diagnostic on error.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use meshgate_core::syntax::hcl;

fuzz_target!(|data: &[u8]| {
    let text = common::text(data);
    match hcl::parse(0, &text) {
        Ok(node) => common::check_node(&text, &node),
        Err(diags) => common::check_error(&text, &diags),
    }
});
