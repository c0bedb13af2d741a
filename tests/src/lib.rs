//! Helpers shared by meshgate's integration tests: the fixture corpus runner, and the real-Envoy
//! harness (finding and running Envoy, loopback backends and clients, development certificates).

pub mod corpus;
pub mod envoy;
pub mod net;
pub mod pki;
pub mod requests;
