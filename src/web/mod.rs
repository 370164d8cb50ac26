//! The WebAssembly face of the core: a [`Core`] that a host constructs with its own functions
//! (transport, storage, clock, sessions; see [`host`]) and then asks. The extension's background,
//! popup and generator page construct it with `browserHost` (extension/browser.js); a Node host
//! passes its own (tests/node/core.test.mjs; the `sf` plugin).

mod host;

use crate::platform::Host;
use crate::protocol::{Reply, Request};
use crate::router;
use host::{from_js, json_text, to_js, JsCookies, JsHost, JsSessions};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

/// The core, bound to one host.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Core {
    host: JsHost,
}

/// The parts of the browser's sender record (`runtime.MessageSender`) the core reads.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MessageSender {
    /// The URL of the frame that sent the message.
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    tab: Option<SenderTab>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SenderTab {
    /// Firefox's container of the tab (salesforce.md §A.1); Chrome has none.
    #[serde(default)]
    cookie_store_id: Option<String>,
}

#[wasm_bindgen]
impl Core {
    /// Binds the core to a host's functions (see [`host`] for their shape).
    #[wasm_bindgen(constructor)]
    pub fn new(host: JsHost) -> Core {
        Core { host }
    }

    /// A request from an extension page (the popup, the generator page) or a Node host; resolves
    /// to the reply as a plain object. `cookieStoreId` is the cookie store of the tab the page
    /// works on (Firefox containers); `null` elsewhere.
    pub fn ask(&self, request: JsValue, cookie_store_id: Option<String>) -> js_sys::Promise {
        let host = self.host.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            Ok(answer(&host, request, None, cookie_store_id).await)
        })
    }

    /// A message from a content script, with the browser's sender record as the background got
    /// it: the frame's URL and tab come from the browser, never from the message.
    #[wasm_bindgen(js_name = answerContentScript)]
    pub fn answer_content_script(&self, request: JsValue, sender: JsValue) -> js_sys::Promise {
        let host = self.host.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let sender: MessageSender = from_js(&sender).unwrap_or_default();
            let store_id = sender.tab.and_then(|tab| tab.cookie_store_id);
            let frame_url = sender.url.unwrap_or_default();
            Ok(answer(&host, request, Some(&frame_url), store_id).await)
        })
    }
}

async fn answer(
    host: &JsHost,
    request: JsValue,
    sender_url: Option<&str>,
    cookie_store_id: Option<String>,
) -> JsValue {
    let request = json_text(&request)
        .map_err(|e| format!("Forcefield received a message it does not understand: {e}"))
        .and_then(|json| Request::from_json(&json).map_err(|e| e.to_string()));
    let reply = match request {
        Ok(request) => {
            let sessions = if host.has_own_sessions() {
                JsSessions::Given(host)
            } else {
                JsSessions::Cookies(JsCookies {
                    host,
                    store_id: cookie_store_id,
                })
            };
            let platform = Host {
                sessions,
                transport: host,
                storage: host,
                clock: host,
            };
            router::handle(&platform, request, sender_url).await
        }
        Err(message) => Reply::Failed { message },
    };
    to_js(&reply).unwrap_or_else(|e| JsValue::from_str(&e))
}
