//! Connect REST API "User Profiles Photo" (developer.salesforce.com chatterapi
//! `connect_resources_user_profiles_photo`, API 35.0+): `GET|POST|DELETE
//! /connect/user-profiles/{userId|me}/photo`. POST takes a Photo Input JSON body whose `fileId`
//! is "18 character ID of an existing file. The key prefix must be 069 and the file must be an
//! image" (ConnectApi.PhotoInput), optional `versionNumber`, `cropX`/`cropY`/`cropSize`; the
//! multipart upload form is not simulated. Answers a Photo body and sets the user's
//! `SmallPhotoUrl` / `FullPhotoUrl`. Error codes of this resource are not in the facts: the sim
//! answers 400 `INVALID_ID_FIELD` for an unusable `fileId` (a sim choice, **U**).

use serde_json::{json, Value as Json};

use super::api::{method_not_allowed, ApiOut, Call, Ctx};
use crate::dml::ApiErr;
use crate::ids;
use crate::store::Value;

const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif"];

/// `/connect/user-profiles/{user}/photo`.
pub fn handle(ctx: &mut Ctx<'_>, call: &Call, user: &str) -> ApiOut {
    let user_id = if user == "me" {
        ctx.session.user_id.clone()
    } else {
        match ids::normalize(user) {
            Some(id) if id.starts_with(ids::prefix::USER) => id,
            _ => return ApiOut::errors(&[ApiErr::not_found()]),
        }
    };
    let Some(org) = ctx.st.orgs.get_mut(ctx.org) else {
        return ApiOut::errors(&[ApiErr::not_found()]);
    };
    let Some(record) = org
        .store
        .get(&user_id)
        .filter(|r| r.object == "User")
        .cloned()
    else {
        return ApiOut::errors(&[ApiErr::not_found()]);
    };
    match call.method.as_str() {
        "GET" => ApiOut::json(
            200,
            photo_body(
                &org.host(crate::org::HostKind::MyDomain),
                &record.id,
                record.text("SmallPhotoUrl"),
            ),
        ),
        "POST" => {
            let file = call
                .body
                .as_ref()
                .and_then(|b| b.get("fileId"))
                .and_then(Json::as_str)
                .or_else(|| call.param("fileId"))
                .unwrap_or_default()
                .to_owned();
            let document = ids::normalize(&file)
                .filter(|id| id.starts_with(ids::prefix::CONTENT_DOCUMENT))
                .and_then(|id| org.store.get(&id).cloned());
            let Some(document) = document else {
                return ApiOut::error(
                    400,
                    "INVALID_ID_FIELD",
                    "fileId: the ID of an existing file is required; the key prefix must be 069.",
                );
            };
            let extension = document.text("FileExtension").unwrap_or_default();
            if !IMAGE_EXTENSIONS.contains(&extension) {
                return ApiOut::error(
                    400,
                    "INVALID_ID_FIELD",
                    "fileId: the file must be an image.",
                );
            }
            let version = document
                .text("LatestPublishedVersionId")
                .unwrap_or_default();
            let photo_version = format!("729{}", ids::to15(version).get(3..).unwrap_or_default());
            let base = format!(
                "https://{}/profilephoto/{photo_version}",
                org.host(crate::org::HostKind::MyDomain)
            );
            let _ = org.store.update(
                &record.id,
                "SmallPhotoUrl",
                Value::text(format!("{base}/T")),
            );
            let _ = org
                .store
                .update(&record.id, "FullPhotoUrl", Value::text(format!("{base}/F")));
            let small = format!("{base}/T");
            ApiOut::json(
                201,
                photo_body(
                    &org.host(crate::org::HostKind::MyDomain),
                    &record.id,
                    Some(&small),
                ),
            )
        }
        "DELETE" => {
            let _ = org.store.update(&record.id, "SmallPhotoUrl", Value::Null);
            let _ = org.store.update(&record.id, "FullPhotoUrl", Value::Null);
            ApiOut::empty(204)
        }
        m => method_not_allowed(m, "GET,POST,DELETE"),
    }
}

/// The Photo response body (its documented properties; the default photo when none is set).
fn photo_body(host: &str, user_id: &str, small: Option<&str>) -> Json {
    let default = format!("https://{host}/profilephoto/005/T");
    let small = small.map_or(default, str::to_owned);
    let full = small.trim_end_matches("/T").to_owned() + "/F";
    let version = small
        .split('/')
        .rev()
        .nth(1)
        .filter(|v| v.starts_with("729"))
        .map(str::to_owned);
    json!({
        "fullEmailPhotoUrl": full,
        "largePhotoUrl": full,
        "mediumPhotoUrl": small,
        "photoVersionId": version,
        "smallPhotoUrl": small,
        "standardEmailPhotoUrl": small,
        "url": format!("/services/data/v66.0/connect/user-profiles/{}/photo", ids::to15(user_id)),
    })
}
