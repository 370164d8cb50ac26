//! Forcefield's core: everything that decides, in pure Rust, so `cargo test` covers it.
//!
//! The extension runs this crate as WebAssembly in its background worker and extension pages
//! (the popup). Content scripts on Salesforce pages stay thin JavaScript because the pages' CSP
//! blocks WebAssembly there; they send a [`protocol::ContentRequest`] to the background and apply
//! the [`protocol::Reply`]; extension pages ask [`protocol::PageRequest`]s.
//!
//! * [`platform`]: the port a host plugs into (sessions, transport, storage, clock), with
//!   in-memory stand-ins; [`connection`]: the one way to reach an org (session → API version →
//!   client).
//! * [`salesforce`]: hosts and sessions (which cookie, which API host), the sans-IO REST client
//!   over a [`platform::Transport`], error mapping and query paging.
//! * [`columns`]: bulk column toggles: a page's table snapshot → its checkbox columns → the exact
//!   checkbox changes of one toggle.
//! * [`rules`]: Salesforce's permission dependency rules (object, field, profile FLS, the page's map).
//! * [`model`], [`generator`]: one-click permission sets: a spec → a plan against the org → a
//!   resumable, all-or-nothing apply; field eligibility, API names, Metadata API XML.
//! * `record_types` (feature `record-types`): a profile's default record types through the
//!   Metadata API's SOAP calls ([`salesforce`]'s `metadata_api`), for the integration profile whose
//!   Setup page doesn't offer them.
//! * [`users`]: integration-user badges: classification, setup-health warnings, the cache,
//!   custom icons and the profile photo.
//! * [`access`]: the access review of an integration user (every grant with its source,
//!   overrides, broad grants, a narrower set) and "can this set be assigned?".
//! * [`protocol`]: the messages, one request enum per feature, each request paired with its reply
//!   type; per sender, so a content script can only ask about its own frame's org.
//! * [`org`]: the org of a page or tab (page verdict, the popup's status); [`settings`]: the
//!   admin's per-org switches; [`toggles`]: the bulk toggles' request.
//! * [`storage`]: versioned stored values, their migrations, and unreadable values kept aside.
//! * [`open`]: Forcefield's own pages (the generator, the record types page) opened from a Setup
//!   page, for integration users the core classified.
//! * [`router`]: the entry points (per sender), which only route each request to its feature.
//!   Features never import it; hosts call it.
//! * [`json`]: the one way JSON text becomes a typed value (through `serde_json::Value`).
//! * [`words`]: every error the admin can see, worded in one place (each error type's `Display`).
//! * `web` (wasm32 only): the only code that touches wasm-bindgen and js-sys: the `Core` a host
//!   constructs with its own functions (the extension's `browserHost`, or Node's).

// Issue #11: no index into stored or received data may panic (with `panic = "abort"` the core
// would die on every such input). Checked access (`get`, iterators) everywhere outside tests.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

pub mod access;
pub mod columns;
pub mod connection;
pub mod generator;
pub mod json;
pub mod model;
pub mod open;
pub mod org;
pub mod platform;
pub mod protocol;
#[cfg(feature = "record-types")]
pub mod record_types;
pub mod router;
pub mod rules;
pub mod salesforce;
pub mod settings;
pub mod storage;
pub mod toggles;
pub mod users;
pub mod words;
#[cfg(any(feature = "generator", feature = "record-types"))]
pub mod xml;

#[cfg(target_arch = "wasm32")]
mod web;
