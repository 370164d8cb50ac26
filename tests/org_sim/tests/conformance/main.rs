//! Conformance tests: the sim, over real HTTPS with real host names, behaves as
//! salesforce-facts.md says Salesforce does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin;
mod common;
mod login;
mod pages;
mod rest;
