//! The whole pipeline on arbitrary text, read as each of the three formats: parse, decode,
//! validate (`Workspace::load`), render every diagnostic as the CLI does, and compile the plan when
//! the workspace has no errors.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use meshgate_core::diag;
use meshgate_core::settings::Settings;
use meshgate_core::syntax::Format;
use meshgate_core::workspace::{InputFile, Workspace};

fuzz_target!(|data: &[u8]| {
    let text = common::text(data);
    for format in [Format::Hcl, Format::Json, Format::Yaml] {
        let file =
            InputFile { name: format!("fuzz.{}", format.as_str()), text: text.to_string(), format: Some(format) };
        let ws = Workspace::load([file]);
        for d in &ws.diagnostics {
            diag::render(d, &ws.sources, true);
        }
        ws.resolved_diagnostics();
        if !ws.has_errors() {
            // A table error is a reported outcome, not a crash.
            if let Ok(compiled) = meshgate_core::plan::compile(&ws, &Settings::default()) {
                for d in &compiled.diagnostics {
                    diag::render(d, &ws.sources, true);
                }
            }
        }
    }
});
