//! The HTTPS server: TLS accept loop, HTTP/1.1 per connection (hyper), reading each request,
//! routing, latency injection, request logging, and the faults that lose an answer after the
//! request ran: the connection is closed by erroring the service (no answer at all) or the
//! response body (an answer cut short), which makes hyper abort the connection — what a client
//! sees when the network or a proxy fails mid-answer.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Body, Frame, Incoming, SizeHint};
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

/// A response body: whole, or cut after some bytes (the connection is then aborted).
#[derive(Debug)]
pub enum SimBody {
    /// The whole body.
    Whole(Full<Bytes>),
    /// These bytes, then an error: hyper closes the connection mid-body.
    CutAfter(Option<Bytes>),
}

impl Body for SimBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match self.get_mut() {
            Self::Whole(full) => Pin::new(full)
                .poll_frame(cx)
                .map_err(|never| match never {}),
            Self::CutAfter(data) => match data.take() {
                Some(bytes) => Poll::Ready(Some(Ok(Frame::data(bytes)))),
                None => Poll::Ready(Some(Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "org-sim fault: the answer is cut short",
                )))),
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Self::Whole(full) => full.is_end_stream(),
            Self::CutAfter(_) => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Self::Whole(full) => full.size_hint(),
            Self::CutAfter(_) => SizeHint::default(),
        }
    }
}

/// The connection is closed without an answer (a `cut` fault).
#[derive(Debug)]
struct ConnectionCut;

impl std::fmt::Display for ConnectionCut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("org-sim fault: the connection is cut before the answer")
    }
}

impl std::error::Error for ConnectionCut {}

async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<SimBody>, ConnectionCut> {
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
            return Ok(whole(http::text(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request body too large",
            )))
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
        shared
            .lock()
            .control
            .fire(req.method.as_str(), &req.path, &req.body)
    };
    if let Some(f) = fault
        .as_ref()
        .filter(|f| f.kind == FaultKind::PartialFailure)
    {
        shared.lock().control.record_failure = Some(crate::faults::RecordFailure {
            record: f.record,
            error_code: f.error_code.clone(),
            message: f.message.clone(),
        });
    }
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
    // A partial failure armed for a request that took no collection records does nothing.
    shared.lock().control.record_failure = None;
    let resp = routed.resp;
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
    match fault.map(|f| (f.kind, f.status)) {
        Some((FaultKind::Cut, _)) => Err(ConnectionCut),
        Some((FaultKind::FailAfterCommit, status)) => Ok(whole(http::text(
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY),
            "Bad Gateway: the server behind this gateway did not answer in time.",
        ))),
        Some((kind @ (FaultKind::MalformedJson | FaultKind::Truncate), _)) => {
            Ok(mangle(resp, kind).await)
        }
        _ => Ok(whole(resp)),
    }
}

fn whole(resp: Response<Full<Bytes>>) -> Response<SimBody> {
    resp.map(SimBody::Whole)
}

/// Cuts a response body in half: as malformed JSON (consistent length), or truncated: the
/// Content-Length promises the whole body and the connection is aborted after half of it.
async fn mangle(resp: Response<Full<Bytes>>, kind: FaultKind) -> Response<SimBody> {
    let (mut parts, body) = resp.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    let (len, body) = if kind == FaultKind::Truncate {
        (bytes.len(), SimBody::CutAfter(Some(half)))
    } else {
        (half.len(), SimBody::Whole(Full::new(half)))
    };
    if let Ok(v) = hyper::header::HeaderValue::from_str(&len.to_string()) {
        parts.headers.insert(hyper::header::CONTENT_LENGTH, v);
    }
    Response::from_parts(parts, body)
}
