//! Conformance tests: the sim, over real HTTPS with real host names, behaves as
//! docs/salesforce.md says Salesforce does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod admin;
mod api;
mod assignments;
mod badges;
mod common;
mod composite;
mod control;
mod data;
mod login;
mod metadata_soap;
mod pages;
mod permissions;
mod rest;
mod setup_pages;
