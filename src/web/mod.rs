//! The WebAssembly face of the core: the one exported entry point, and the adapters that give
//! [`crate::router`] the browser's cookies, storage, `fetch` and clock as the core's platform.

mod browser;
mod fetch;

use crate::platform::Host;
use crate::protocol::{Reply, Request};
use crate::router;
use crate::salesforce::CookieSessions;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Handles one [`Request`] and resolves to its [`Reply`], both as plain JS objects.
///
/// `sender_url` is the URL of the sending frame as the browser reports it (content scripts);
/// extension pages pass `null`. `cookie_store_id` is Firefox's container store of the tab
/// (`sender.tab.cookieStoreId`, salesforce.md §A.1); Chrome passes `null`.
#[wasm_bindgen]
pub async fn handle(
    request: JsValue,
    sender_url: Option<String>,
    cookie_store_id: Option<String>,
) -> JsValue {
    let reply = match serde_wasm_bindgen::from_value::<Request>(request) {
        Ok(request) => {
            let host = Host {
                sessions: CookieSessions(browser::Cookies::new(cookie_store_id)),
                transport: fetch::Fetch,
                storage: browser::Storage,
                clock: browser::BrowserClock,
            };
            router::handle(&host, request, sender_url.as_deref()).await
        }
        Err(e) => Reply::Failed {
            message: format!("Forcefield received a message it does not understand: {e}"),
        },
    };
    to_js(&reply)
}

fn to_js(reply: &Reply) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    reply
        .serialize(&serializer)
        .unwrap_or_else(|e| JsValue::from_str(&e.to_string()))
}
