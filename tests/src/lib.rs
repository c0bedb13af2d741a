//! Helpers shared by meshgate's integration tests: the fixture corpus runner.

pub mod corpus;
