//! The browser's `fetch` as the client's [`Transport`]. Runs in extension contexts only, where
//! host permissions lift CORS (salesforce.md §A.6); cookies are never sent, the bearer token is.

use crate::platform::{HttpRequest, HttpResponse, Method, Transport, TransportError};
use gloo_net::http::RequestBuilder;
use web_sys::{RequestCache, RequestCredentials};

pub struct Fetch;

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
        .cache(RequestCache::NoStore);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let pending = match request.body {
            Some(body) => builder.body(body).map_err(unreachable)?,
            None => builder.build().map_err(unreachable)?,
        };
        let response = pending.send().await.map_err(unreachable)?;
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

fn unreachable(e: gloo_net::Error) -> TransportError {
    TransportError::Unreachable(e.to_string())
}
