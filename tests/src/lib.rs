//! Helpers shared by meshgate's integration tests: the fixture corpus runner, and the real-Envoy
//! harness (finding and running Envoy, a gateway from workspace text, loopback backends and
//! clients over HTTP/1.1, HTTP/2 and TLS, Connect-native backends, development certificates, and a
//! hand-written Consul-shaped sidecar).

pub mod corpus;
pub mod envoy;
pub mod h2;
pub mod harness;
pub mod meshca;
pub mod net;
pub mod pki;
pub mod requests;
pub mod scripted;
pub mod sidecar;
pub mod traffic;
