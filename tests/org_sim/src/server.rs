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

use crate::faults::FaultKind;
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
    let admin = req.path.starts_with("/__sim/");
    let fault = if admin {
        None
    } else {
        shared.lock().control.fire(req.method.as_str(), &req.path)
    };
    let routed = match &fault {
        Some(f) if f.kind == FaultKind::Fail => router::Routed {
            resp: http::api_error(
                StatusCode::from_u16(f.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                &f.error_code,
                &f.message,
            ),
            logged: true,
        },
        Some(f) if f.kind == FaultKind::Redirect => router::Routed {
            resp: http::redirect(f.location.as_deref().unwrap_or("/")),
            logged: true,
        },
        _ => router::route(&shared, &req),
    };
    let mut resp = routed.resp;
    if routed.logged {
        let delay = shared.lock().control.next_delay_ms();
        if delay > 0 {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
        shared.lock().log(LoggedRequest {
            method: req.method.to_string(),
            host: req.host.clone(),
            path: req.path_and_query(),
            status: resp.status().as_u16(),
            auth_sent: req.has_authorization(),
            soap_call: crate::soap::operation(&req),
        });
    }
    if let Some(f) =
        fault.filter(|f| matches!(f.kind, FaultKind::MalformedJson | FaultKind::Truncate))
    {
        resp = mangle(resp, f.kind).await;
    }
    Ok(resp)
}

/// Cuts a response body in half: as malformed JSON (consistent length) or truncated (the
/// Content-Length promises the whole body, the connection closes early).
async fn mangle(resp: Response<Full<Bytes>>, kind: FaultKind) -> Response<Full<Bytes>> {
    let (mut parts, body) = resp.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    let len = if kind == FaultKind::Truncate {
        bytes.len()
    } else {
        half.len()
    };
    if let Ok(v) = hyper::header::HeaderValue::from_str(&len.to_string()) {
        parts.headers.insert(hyper::header::CONTENT_LENGTH, v);
    }
    Response::from_parts(parts, Full::new(half))
}
