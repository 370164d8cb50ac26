//! The HTTPS server: TLS accept loop, HTTP/1.1 per connection (hyper), reading each request,
//! routing, latency injection and request logging.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

use crate::http::{self, Req};
use crate::org::strip_port;
use crate::router;
use crate::state::{LoggedRequest, Shared};

/// Largest request body read (larger bodies get 413).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Accepts connections until `shutdown` flips to true.
pub async fn serve(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let acceptor = TlsAcceptor::from(tls);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let acceptor = acceptor.clone();
                let shared = Arc::clone(&shared);
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(stream).await else { return };
                    let service = service_fn(move |req| handle(Arc::clone(&shared), req));
                    let _ = http1::Builder::new()
                        .keep_alive(true)
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                });
            }
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
            }
        }
    }
}

async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let host = parts
        .headers
        .get(hyper::header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| parts.uri.authority().map(|a| a.to_string()))
        .unwrap_or_default();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return Ok(http::text(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request body too large",
            ))
        }
    };
    let req = Req {
        method: parts.method,
        host: strip_port(&host),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
    };
    let routed = router::route(&shared, &req);
    if routed.logged {
        if shared.config.latency_ms > 0 {
            tokio::time::sleep(Duration::from_millis(shared.config.latency_ms)).await;
        }
        shared.lock().log(LoggedRequest {
            method: req.method.to_string(),
            host: req.host.clone(),
            path: req.path_and_query(),
            status: routed.resp.status().as_u16(),
            auth_sent: req.has_authorization(),
        });
    }
    Ok(routed.resp)
}
