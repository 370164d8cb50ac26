//! Serves the generator's requests (the `Request` variants after `setOrgEnabled`).

use crate::protocol::{Reply, Request};
use crate::salesforce::{CookieJar, Transport};
use crate::service::Browser;
use crate::settings::KeyValueStore;

/// Answers one generator request.
pub async fn handle<J, T, S>(_browser: &Browser<'_, J, T, S>, request: Request) -> Reply
where
    J: CookieJar,
    T: Transport,
    S: KeyValueStore,
{
    match request {
        Request::DeriveNames { integration_name } => {
            Reply::Names(super::names::derive(&integration_name))
        }
        _ => Reply::Failed {
            message: "not yet".to_owned(),
        },
    }
}
