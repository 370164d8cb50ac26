//! The WebAssembly face of the core: a [`Core`] that a host constructs with its own functions
//! (transport, storage, clock, sessions; see [`host`]) and then asks. The extension's background,
//! popup and generator page construct it with `browserHost` (extension/browser.js); a Node host
//! passes its own (tests/node/core.test.mjs; the `sf` plugin).

mod host;

use crate::platform::{Host, HostError, Pages};
use crate::protocol::{ContentRequest, Failed, Frame, PageRequest, Reply};
use crate::router;
use host::{json_text, text_property, to_js, JsCookies, JsHost, JsSessions};
use wasm_bindgen::prelude::*;

/// The core, bound to one host.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Core {
    host: JsHost,
}

/// The host's pages beside the sender's tab (`host.openGenerator(tab, userId)`,
/// `host.openRecordTypes(tab, userId)`, `host.openAccessReview(tab, userId)`).
struct SenderPages<'a> {
    host: &'a JsHost,
    tab: JsValue,
}

impl Pages for SenderPages<'_> {
    async fn open_generator(&self, user_id: Option<&str>) -> Result<(), HostError> {
        host::open_generator(self.host, &self.tab, user_id).await
    }

    async fn open_record_types(&self, user_id: &str) -> Result<(), HostError> {
        host::open_record_types(self.host, &self.tab, user_id).await
    }

    async fn open_access_review(&self, user_id: &str) -> Result<(), HostError> {
        host::open_access_review(self.host, &self.tab, user_id).await
    }
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
        promise(Box::pin(async move {
            match decode::<PageRequest>(&request) {
                Ok(request) => {
                    let platform = platform(&host, cookie_store_id);
                    router::answer_page(&platform, request).await
                }
                Err(failed) => Reply::Failed(failed),
            }
        }))
    }

    /// A message from a content script, with the browser's sender record as the background got
    /// it: the frame's URL and tab come from the browser, never from the message.
    #[wasm_bindgen(js_name = answerContentScript)]
    pub fn answer_content_script(&self, request: JsValue, sender: JsValue) -> js_sys::Promise {
        let host = self.host.clone();
        promise(Box::pin(async move {
            match decode::<ContentRequest>(&request) {
                Ok(request) => {
                    // The browser's sender record (`runtime.MessageSender`): the URL of the
                    // frame that sent the message, and its tab, whose `cookieStoreId` is
                    // Firefox's container (salesforce.md §A.1; Chrome has none).
                    let frame = Frame {
                        url: text_property(&sender, "url").unwrap_or_default(),
                    };
                    let tab = js_sys::Reflect::get(&sender, &JsValue::from_str("tab"))
                        .unwrap_or(JsValue::NULL);
                    let store_id = text_property(&tab, "cookieStoreId");
                    let pages = SenderPages { host: &host, tab };
                    let platform = platform(&host, store_id);
                    router::answer_content(&platform, &pages, &frame, request).await
                }
                Err(failed) => Reply::Failed(failed),
            }
        }))
    }
}

/// A reply to come as a promise of a plain JS object. One (boxed) future type for every entry
/// point: the promise machinery is compiled once.
fn promise(reply: std::pin::Pin<Box<dyn std::future::Future<Output = Reply>>>) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        let reply = reply.await;
        Ok(to_js(&reply).unwrap_or_else(|e| JsValue::from_str(&e.0)))
    })
}

/// A message as the request type of its sender (read as JSON text, so its size is checked
/// before it is parsed), or why it is refused.
fn decode<R: crate::protocol::Decode>(message: &JsValue) -> Result<R, Failed> {
    let text = json_text(message).map_err(|e| {
        Failed::new(format!(
            "Forcefield received a message that is not JSON: {}",
            e.0
        ))
    })?;
    Ok(crate::protocol::decode_text(&text)?)
}

/// The host's functions as the core's platform, with sessions from the host's own login or from
/// the cookies of `cookie_store_id`.
fn platform(
    host: &JsHost,
    cookie_store_id: Option<String>,
) -> Host<JsSessions<'_>, &JsHost, &JsHost, &JsHost> {
    let sessions = if host.has_own_sessions() {
        JsSessions::Given(host)
    } else {
        JsSessions::Cookies(JsCookies {
            host,
            store_id: cookie_store_id,
        })
    };
    Host {
        sessions,
        transport: host,
        storage: host,
        clock: host,
    }
}

#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
