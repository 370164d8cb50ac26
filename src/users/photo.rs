//! "Use as profile photo": uploads the icon as a file and makes it the user's photo.
//!
//! Connect REST API "User Profiles Photo" (developer.salesforce.com chatterapi
//! `connect_resources_user_profiles_photo`, API 35.0+): `POST /connect/user-profiles/{userId}/photo`
//! with a Photo Input body `{"fileId": "069…"}` — "18 character ID of an existing file. The key
//! prefix must be 069 and the file must be an image" (ConnectApi.PhotoInput) — or a multipart
//! upload. The file comes from "Insert or Update Blob Data" (REST API guide): a non-multipart
//! JSON insert of ContentVersion with base64 `VersionData` (≤ 37.5 MB), whose `ContentDocumentId`
//! is the 069 Id. Both bodies are JSON, so the client's text transport carries them.

use super::record::UserId;
use crate::platform::Transport;
use crate::salesforce::{ApiError, Client};
/// The largest picture accepted (base64 characters): a profile photo needs no more than a few
/// hundred pixels; Salesforce itself allows 37.5 MB of base64.
pub const MAX_PNG_BASE64: usize = 2 * 1024 * 1024;

/// The Photo answer, as far as Forcefield reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Photo {
    pub small_photo_url: Option<String>,
    pub photo_version_id: Option<String>,
}

/// A string field of a JSON answer, or a "malformed" error naming `what`.
fn field(v: &serde_json::Value, key: &str, what: &str) -> Result<String, ApiError> {
    v.get(key)
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| ApiError::malformed(what, format!("no {key}")))
}

/// Why a picture is not sent (worded in [`crate::words`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PngError {
    EmptyOrTooLarge,
    NotPng,
    NotBase64,
}

/// Checks a base64 PNG before anything is sent.
pub fn validate_png(png_base64: &str) -> Result<(), PngError> {
    if png_base64.is_empty() || png_base64.len() > MAX_PNG_BASE64 {
        return Err(PngError::EmptyOrTooLarge);
    }
    // "\x89PNG" in base64.
    if !png_base64.starts_with("iVBORw0KGgo") {
        return Err(PngError::NotPng);
    }
    if !png_base64
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    {
        return Err(PngError::NotBase64);
    }
    Ok(())
}

/// Uploads the PNG as a file and sets it as the user's profile photo: three calls (insert the
/// ContentVersion, read its ContentDocumentId, post the photo).
pub async fn set_profile_photo<T: Transport>(
    client: &Client<'_, T>,
    user: &UserId,
    png_base64: &str,
) -> Result<Photo, ApiError> {
    let data = client.version().data_path();
    let created: serde_json::Value = client
        .post(
            &format!("{data}/sobjects/ContentVersion"),
            &serde_json::json!({
                "Title": "Forcefield integration user icon",
                "PathOnClient": "forcefield-icon.png",
                "VersionData": png_base64,
            }),
            "the uploaded file",
        )
        .await?;
    let created = field(&created, "id", "the uploaded file")?;
    if !created.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ApiError::malformed(
            "the uploaded file",
            "its Id is not an Id",
        ));
    }
    let version: serde_json::Value = client
        .get(
            &format!("{data}/sobjects/ContentVersion/{created}?fields=ContentDocumentId"),
            "the uploaded file",
        )
        .await?;
    let file_id = field(&version, "ContentDocumentId", "the uploaded file")?;
    let photo: serde_json::Value = client
        .post(
            &format!("{data}/connect/user-profiles/{user}/photo"),
            &serde_json::json!({ "fileId": file_id }),
            "the new profile photo",
        )
        .await?;
    Ok(Photo {
        small_photo_url: field(&photo, "smallPhotoUrl", "the new profile photo").ok(),
        photo_version_id: field(&photo, "photoVersionId", "the new profile photo").ok(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_png_base64_is_sent() {
        assert!(validate_png("iVBORw0KGgoAAAANSUhEUg==").is_ok());
        assert!(validate_png("").is_err());
        assert!(validate_png("R0lGODlhAQABAAAAACw=").is_err());
        assert!(validate_png("iVBORw0KGgo<script>").is_err());
    }
}
