//! The browser's `fetch` as the client's [`Transport`]. Runs in extension contexts only, where
//! host permissions lift CORS (salesforce.md §A.6); cookies are never sent, the bearer token is,
//! and a redirect is never followed (the token would go wherever `Location` points).

use crate::salesforce::{HttpRequest, HttpResponse, Method, Transport, TransportError};
use gloo_net::http::RequestBuilder;
use web_sys::{RequestCache, RequestCredentials, RequestRedirect, ResponseType};

pub struct Fetch;

fn unreachable(error: impl std::fmt::Display) -> TransportError {
    TransportError::Unreachable(error.to_string())
}

impl Transport for Fetch {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut builder = match request.method {
            Method::Get => RequestBuilder::new(&request.url).method(gloo_net::http::Method::GET),
            Method::Post => RequestBuilder::new(&request.url).method(gloo_net::http::Method::POST),
            Method::Patch => {
                RequestBuilder::new(&request.url).method(gloo_net::http::Method::PATCH)
            }
            Method::Delete => {
                RequestBuilder::new(&request.url).method(gloo_net::http::Method::DELETE)
            }
        }
        .credentials(RequestCredentials::Omit)
        .cache(RequestCache::NoStore)
        // `manual`: a 3xx answer comes back as an opaque redirect instead of being followed with
        // the Authorization header still on (README "Security").
        .redirect(RequestRedirect::Manual);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let pending = match request.body {
            Some(body) => builder.body(body).map_err(unreachable)?,
            None => builder.build().map_err(unreachable)?,
        };
        let response = pending.send().await.map_err(unreachable)?;
        // An opaque redirect shows neither status nor `Location` (Fetch standard), only its type.
        if response.type_() == ResponseType::Opaqueredirect || response.redirected() {
            return Err(TransportError::Redirected { location: None });
        }
        let status = response.status();
        let headers = response
            .headers()
            .entries()
            .map(|(name, value)| (name.to_ascii_lowercase(), value))
            .collect();
        let body = response.text().await.map_err(unreachable)?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}
