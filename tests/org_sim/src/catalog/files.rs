//! Files, as far as a user photo needs them: ContentVersion (inserted as JSON with base64
//! `VersionData`, REST API "Insert or Update Blob Data": ≤ 37.5 MB base64 without multipart) and
//! the ContentDocument each first version creates (its 069 Id is the Connect API's `fileId`).

use crate::ids::prefix;
use crate::schema::{lookup, FieldDef, FieldType as T, ObjectDef};

/// ContentDocument and ContentVersion; neither is granted through permission sets here.
pub fn objects() -> Vec<ObjectDef> {
    vec![
        ObjectDef::new("ContentDocument", prefix::CONTENT_DOCUMENT)
            .labels("Content Document", "Content Documents")
            .query_only()
            .with(FieldDef::new("Title", T::String).len(255))
            .with(FieldDef::new("FileExtension", T::String).len(40))
            .with(lookup(
                "LatestPublishedVersionId",
                &["ContentVersion"],
                "LatestPublishedVersion",
            ))
            .audit(),
        ObjectDef::new("ContentVersion", prefix::CONTENT_VERSION)
            .labels("Content Version", "Content Versions")
            .with(FieldDef::new("Title", T::String).len(255))
            .with(FieldDef::new("PathOnClient", T::String).len(500).required())
            // Base64 of the file; 37.5 MB of base64 in a JSON body (REST API guide).
            .with(
                FieldDef::new("VersionData", T::TextArea)
                    .len(39_321_600)
                    .required(),
            )
            .with(
                lookup("ContentDocumentId", &["ContentDocument"], "ContentDocument").create_only(),
            )
            .with(
                FieldDef::new("FileExtension", T::String)
                    .len(40)
                    .read_only(),
            )
            .audit(),
    ]
}
