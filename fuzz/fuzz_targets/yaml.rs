//! `syntax::yaml::parse` on arbitrary text: no panic, valid spans, one diagnostic on error, and
//! alias expansion held to the node budget (an alias bomb is an error, not an OOM).
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use meshgate_core::syntax::yaml;

fuzz_target!(|data: &[u8]| {
    let text = common::text(data);
    match yaml::parse(0, &text) {
        Ok(nodes) => nodes.iter().for_each(|node| common::check_node(&text, node)),
        Err(diags) => common::check_error(&text, &diags),
    }
});
