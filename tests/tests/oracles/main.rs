//! Outside oracles for our readers: where a maintained parser reads the same text, our value
//! tree must equal its reading, both converted to one common form ([`common::C`]).
//!
//! - [`hcl`]: hcl-rs, over the corpus's `.hcl` files and generated HCL2 documents.
//! - [`yaml`]: serde-saphyr, over the corpus's `.yaml`/`.yml` files and generated YAML streams.
//!
//! Each module's comment says precisely how its format maps onto the common form and which
//! differences are deliberate. `PROPTEST_CASES=n` runs more generated cases than the default 256.

mod common;
mod hcl;
mod yaml;
