//! Forcefield's core: everything that decides, in pure Rust, so `cargo test` covers it.
//!
//! The extension runs this crate as WebAssembly in its background worker and extension pages
//! (the popup). Content scripts on Salesforce pages stay thin JavaScript because the pages' CSP
//! blocks WebAssembly there; they send a [`protocol::Request`] to the background and apply the
//! [`protocol::Reply`].
//!
//! * [`salesforce`]: hosts and sessions (which cookie, which API host), the sans-IO REST client
//!   behind a [`salesforce::Transport`], error mapping and query paging.
//! * [`columns`]: bulk column toggles: a page's table snapshot → its checkbox columns → the exact
//!   checkbox changes of one toggle.
//! * [`rules`]: Salesforce's permission dependency rules (object, field, profile FLS, the page's map).
//! * [`model`], [`generator`]: one-click permission sets: a spec → a plan against the org → a
//!   resumable, all-or-nothing apply; field eligibility, API names, Metadata API XML.
//! * [`users`]: integration-user badges: classification, setup-health warnings, the cache,
//!   custom icons and the profile photo.
//! * [`protocol`]: the one message protocol between content scripts, extension pages and the core.
//! * [`settings`]: the admin's per-org switches.
//! * [`storage`]: versioned stored values, their migrations, and unreadable values kept aside.
//! * [`service`]: the request handler that ties them together behind small browser traits.
//! * `web` (wasm32 only): the only code that touches wasm-bindgen, js-sys, web-sys and gloo-net.

pub mod columns;
pub mod generator;
pub mod model;
pub mod protocol;
pub mod rules;
pub mod salesforce;
pub mod service;
pub mod settings;
pub mod storage;
pub mod users;

#[cfg(target_arch = "wasm32")]
mod web;
