//! The message protocol: what content scripts, extension pages and other hosts ask the core, and
//! what it answers. One request enum per feature ([`org`], [`toggles`], [`badges`],
//! [`generator`], [`record_types`], [`access`], and `cli` for the `sf` plugin), each request a type paired through [`Ask`] with the one
//! reply type it gets.
//!
//! Who may ask what is structural: a content script's messages decode only as a
//! [`ContentRequest`], in which nothing names an org or a URL (the core takes the frame from the
//! browser's sender record), and an extension page's only as a [`PageRequest`].
//!
//! The wire is JSON, `{"type": "<request>", …}` in and `{"type": "<reply>", …}` out, so the
//! JavaScript side stays a thin pass-through; a request the core could not answer gets
//! `{"type": "failed", "message": …}` ([`Failed`]).

pub mod access;
pub mod badges;
#[cfg(feature = "generator")]
pub mod cli;
pub mod generator;
pub mod org;
pub mod record_types;
pub mod toggles;

#[cfg(feature = "generator")]
use access::AccessRequest;
use access::{AccessReply, FrameAccessRequest};
use badges::{BadgesReply, BadgesRequest};
#[cfg(feature = "generator")]
use cli::{CliReply, CliRequest};
#[cfg(feature = "generator")]
use generator::GeneratorRequest;
use generator::{FrameGeneratorRequest, GeneratorReply};
use org::{FrameOrgRequest, OrgReply, OrgRequest};
#[cfg(feature = "record-types")]
use record_types::RecordTypesRequest;
use record_types::{FrameRecordTypesRequest, RecordTypesReply};
use serde::{Deserialize, Serialize};
use toggles::{TogglesReply, TogglesRequest};

/// A request and the one reply type it is answered with.
pub trait Ask {
    type Reply;
}

/// A request enum read from its JSON message by the message's `type`: each feature knows its
/// own types, and a sender's enum knows its features. Reading by the tag (instead of serde's
/// tagged or untagged enums, which buffer the whole message first) keeps one JSON path in the
/// WebAssembly: JSON text → `serde_json::Value` → the request's own struct.
pub trait Decode: Sized {
    /// Whether `kind` (a message's `type`) is one of this enum's requests.
    fn owns(kind: &str) -> bool;
    /// The request of type `kind` from its message; `kind` must be [`Self::owns`]'d.
    fn decode(kind: &str, message: serde_json::Value) -> Result<Self, crate::json::JsonError>;
    /// The request as its message (`{"type": …, …}`), as a host would send it.
    fn encode(&self) -> Result<serde_json::Value, serde_json::Error>;
}

/// A request's message: its fields and its `type`.
fn tagged<T: Serialize>(kind: &str, request: &T) -> Result<serde_json::Value, serde_json::Error> {
    let mut message = serde_json::to_value(request)?;
    if let Some(fields) = message.as_object_mut() {
        fields.insert("type".to_owned(), kind.into());
    }
    Ok(message)
}

/// Largest request read, in bytes of JSON: the largest legitimate ones are a Metadata API file at
/// its 8 MB limit (a little more once escaped) and a page snapshot at its limits (see
/// [`crate::toggles::SnapshotLimits`]).
pub const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// Why a message is not a request the core reads (worded in [`crate::words`]).
#[derive(Debug)]
pub enum RequestError {
    /// Longer than [`MAX_REQUEST_BYTES`]; not read.
    TooLarge { bytes: usize },
    /// Not JSON at all.
    NotJson(serde_json::Error),
    /// A `type` this sender may not send (or no such type).
    NotFromThisSender(String),
    /// The sender's request of this `type`, but not in its shape.
    NotUnderstood {
        kind: String,
        error: crate::json::JsonError,
    },
}

impl From<RequestError> for Failed {
    fn from(error: RequestError) -> Self {
        Failed::new(error.to_string())
    }
}

/// A message as JSON text, read only up to [`MAX_REQUEST_BYTES`] and decoded as what its sender
/// may send: the one way a host hands the core a request.
pub fn decode_text<R: Decode>(json: &str) -> Result<R, RequestError> {
    if json.len() > MAX_REQUEST_BYTES {
        return Err(RequestError::TooLarge { bytes: json.len() });
    }
    let message = serde_json::from_str(json).map_err(RequestError::NotJson)?;
    decode(message)
}

/// A message as JSON, decoded as what its sender may send; anything else is refused.
pub fn decode<R: Decode>(message: serde_json::Value) -> Result<R, RequestError> {
    let kind = message
        .get("type")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if !R::owns(&kind) {
        return Err(RequestError::NotFromThisSender(kind));
    }
    R::decode(&kind, message).map_err(|error| RequestError::NotUnderstood { kind, error })
}

/// A feature's request enum: one variant per request type, with the `type` each is sent as.
macro_rules! request_enum {
    (
        $(#[$meta:meta])*
        pub enum $enum:ident { $( $(#[$vmeta:meta])* $kind:literal => $variant:ident($request:ty) ),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum $enum {
            $( $(#[$vmeta])* $variant($request), )*
        }

        impl $crate::protocol::Decode for $enum {
            fn owns(kind: &str) -> bool {
                matches!(kind, $($kind)|*)
            }

            fn decode(kind: &str, message: serde_json::Value) -> Result<Self, crate::json::JsonError> {
                match kind {
                    $( $kind => $crate::json::read::<$request>(&message).map(Self::$variant), )*
                    _ => Err(serde::de::Error::custom("not a request type of this sender")),
                }
            }

            fn encode(&self) -> Result<serde_json::Value, serde_json::Error> {
                match self {
                    $( Self::$variant(request) => $crate::protocol::tagged($kind, request), )*
                }
            }
        }
    };
}
pub(crate) use request_enum;

/// The reply type of request `R`.
pub type ReplyTo<R> = <R as Ask>::Reply;

/// Everything a content script may ask, by feature. None of it names an org or a URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContentRequest {
    Org(FrameOrgRequest),
    Toggles(TogglesRequest),
    Badges(BadgesRequest),
    Generator(FrameGeneratorRequest),
    RecordTypes(FrameRecordTypesRequest),
    Access(FrameAccessRequest),
}

impl Decode for ContentRequest {
    fn owns(kind: &str) -> bool {
        FrameOrgRequest::owns(kind)
            || TogglesRequest::owns(kind)
            || BadgesRequest::owns(kind)
            || FrameGeneratorRequest::owns(kind)
            || FrameRecordTypesRequest::owns(kind)
            || FrameAccessRequest::owns(kind)
    }

    fn decode(kind: &str, message: serde_json::Value) -> Result<Self, crate::json::JsonError> {
        if FrameOrgRequest::owns(kind) {
            FrameOrgRequest::decode(kind, message).map(Self::Org)
        } else if TogglesRequest::owns(kind) {
            TogglesRequest::decode(kind, message).map(Self::Toggles)
        } else if BadgesRequest::owns(kind) {
            BadgesRequest::decode(kind, message).map(Self::Badges)
        } else if FrameGeneratorRequest::owns(kind) {
            FrameGeneratorRequest::decode(kind, message).map(Self::Generator)
        } else if FrameRecordTypesRequest::owns(kind) {
            FrameRecordTypesRequest::decode(kind, message).map(Self::RecordTypes)
        } else {
            FrameAccessRequest::decode(kind, message).map(Self::Access)
        }
    }

    fn encode(&self) -> Result<serde_json::Value, serde_json::Error> {
        match self {
            Self::Org(request) => request.encode(),
            Self::Toggles(request) => request.encode(),
            Self::Badges(request) => request.encode(),
            Self::Generator(request) => request.encode(),
            Self::RecordTypes(request) => request.encode(),
            Self::Access(request) => request.encode(),
        }
    }
}

/// Everything an extension page (the popup, the generator page) or a Node host (the `sf` plugin,
/// which also sends [`CliRequest`]s) may ask, by feature. Each request names the org it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(
    clippy::large_enum_variant,
    reason = "one message per call, decoded and moved once; boxing buys nothing"
)]
pub enum PageRequest {
    Org(OrgRequest),
    #[cfg(feature = "generator")]
    Generator(GeneratorRequest),
    #[cfg(feature = "record-types")]
    RecordTypes(RecordTypesRequest),
    #[cfg(feature = "generator")]
    Access(AccessRequest),
    #[cfg(feature = "generator")]
    Cli(CliRequest),
}

impl Decode for PageRequest {
    fn owns(kind: &str) -> bool {
        #[cfg(feature = "generator")]
        if GeneratorRequest::owns(kind) {
            return true;
        }
        #[cfg(feature = "record-types")]
        if RecordTypesRequest::owns(kind) {
            return true;
        }
        #[cfg(feature = "generator")]
        if AccessRequest::owns(kind) || CliRequest::owns(kind) {
            return true;
        }
        OrgRequest::owns(kind)
    }

    fn decode(kind: &str, message: serde_json::Value) -> Result<Self, crate::json::JsonError> {
        #[cfg(feature = "generator")]
        if GeneratorRequest::owns(kind) {
            return GeneratorRequest::decode(kind, message).map(Self::Generator);
        }
        #[cfg(feature = "record-types")]
        if RecordTypesRequest::owns(kind) {
            return RecordTypesRequest::decode(kind, message).map(Self::RecordTypes);
        }
        #[cfg(feature = "generator")]
        if AccessRequest::owns(kind) {
            return AccessRequest::decode(kind, message).map(Self::Access);
        }
        #[cfg(feature = "generator")]
        if CliRequest::owns(kind) {
            return CliRequest::decode(kind, message).map(Self::Cli);
        }
        OrgRequest::decode(kind, message).map(Self::Org)
    }

    fn encode(&self) -> Result<serde_json::Value, serde_json::Error> {
        match self {
            Self::Org(request) => request.encode(),
            #[cfg(feature = "generator")]
            Self::Generator(request) => request.encode(),
            #[cfg(feature = "record-types")]
            Self::RecordTypes(request) => request.encode(),
            #[cfg(feature = "generator")]
            Self::Access(request) => request.encode(),
            #[cfg(feature = "generator")]
            Self::Cli(request) => request.encode(),
        }
    }
}

/// The core's answer, by feature, or why there is none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[allow(
    clippy::large_enum_variant,
    reason = "one message per call, built and encoded once; boxing buys nothing"
)]
pub enum Reply {
    Org(OrgReply),
    Toggles(TogglesReply),
    Badges(BadgesReply),
    Generator(GeneratorReply),
    RecordTypes(RecordTypesReply),
    Access(AccessReply),
    #[cfg(feature = "generator")]
    Cli(CliReply),
    Failed(Failed),
}

/// The frame a content script's message came from, as the browser's sender record gives it
/// (`sender.url`), never as the message says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    pub url: String,
}

/// The request could not be served: `message` says what failed and why, in the admin's words,
/// including Salesforce's own message where there is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "failed")]
pub struct Failed {
    pub message: String,
}

impl Failed {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

/// `From` each request type into its feature's enum and its sender's enum, so a host or a test
/// sends a request by itself.
macro_rules! requests {
    ($sender:ident :: $feature:ident ( $enum:ident ) { $($variant:ident ( $request:ty )),* $(,)? }) => {
        $(
            impl From<$request> for $enum {
                fn from(request: $request) -> Self {
                    Self::$variant(request)
                }
            }
            impl From<$request> for $sender {
                fn from(request: $request) -> Self {
                    Self::$feature($enum::$variant(request))
                }
            }
        )*
        impl From<$enum> for $sender {
            fn from(request: $enum) -> Self {
                Self::$feature(request)
            }
        }
    };
}

/// Each reply type into the wire [`Reply`] and back out of it, so a caller gets the reply type
/// its request is paired with.
macro_rules! replies {
    ($feature:ident ( $enum:ident ) { $($variant:ident ( $reply:ty )),* $(,)? }) => {
        $(
            impl From<$reply> for Reply {
                fn from(reply: $reply) -> Self {
                    Self::$feature($enum::$variant(reply))
                }
            }
            impl TryFrom<Reply> for $reply {
                type Error = Reply;
                fn try_from(reply: Reply) -> Result<Self, Reply> {
                    match reply {
                        Reply::$feature($enum::$variant(reply)) => Ok(reply),
                        other => Err(other),
                    }
                }
            }
        )*
    };
}

requests!(ContentRequest::Org(FrameOrgRequest) { PageLoaded(org::PageLoaded) });
requests!(PageRequest::Org(OrgRequest) {
    OrgStatus(org::GetOrgStatus),
    SetOrgEnabled(org::SetOrgEnabled),
    ForgetUnreadable(org::ForgetUnreadable),
});
replies!(Org(OrgReply) {
    PageVerdict(org::PageVerdict),
    OrgStatus(org::OrgStatus),
    OrgEnabled(org::OrgEnabled),
    Forgotten(org::UnreadableForgotten),
});

requests!(ContentRequest::Toggles(TogglesRequest) {
    PlanColumns(toggles::PlanColumns),
    AccessSources(toggles::ListAccessSources),
    CopyAccess(toggles::CopyAccess),
});
replies!(Toggles(TogglesReply) {
    ColumnPlans(crate::columns::PageControls),
    AccessSources(toggles::AccessSources),
    AccessCopy(toggles::AccessCopy),
});

requests!(ContentRequest::Badges(BadgesRequest) {
    BadgeUsers(badges::BadgeUsers),
    SetUserIcon(badges::SetUserIcon),
    SetProfilePhoto(badges::SetProfilePhoto),
});
replies!(Badges(BadgesReply) {
    UserBadges(badges::UserBadges),
    UserIconSaved(badges::UserIconSaved),
    ProfilePhotoSet(badges::ProfilePhotoSet),
});

requests!(ContentRequest::Generator(FrameGeneratorRequest) {
    OpenGenerator(generator::OpenGenerator),
});
replies!(Generator(GeneratorReply) { GeneratorOpened(generator::GeneratorOpened) });

#[cfg(feature = "generator")]
requests!(PageRequest::Generator(GeneratorRequest) {
    GeneratorContext(generator::GetGeneratorContext),
    ObjectFields(generator::GetObjectFields),
    LoadAccess(generator::LoadAccess),
    LoadUnion(generator::LoadUnion),
    ImportXml(generator::ImportXml),
    ExportXml(generator::ExportXml),
    SaveTemplate(generator::SaveTemplate),
    DeleteTemplate(generator::DeleteTemplate),
    LoadTemplate(generator::LoadTemplate),
    ObjectAccessChange(generator::ChangeObjectAccess),
    ViewAllFieldsChange(generator::ChangeViewAllFields),
    SystemPermissionChange(generator::ChangeSystemPermission),
    DeriveNames(generator::DeriveNames),
    PlanPermissionSet(generator::PlanPermissionSet),
    StartApply(generator::StartApply),
    ContinueApply(generator::ContinueApply),
    FinishCleanUp(generator::FinishCleanUp),
    PendingApplies(generator::ListPendingApplies),
    ResolveAttention(generator::ResolveAttention),
    CreateIntegrationUser(generator::CreateIntegrationUser),
});
#[cfg(feature = "generator")]
replies!(Generator(GeneratorReply) {
    GeneratorContext(crate::generator::view::GeneratorContext),
    ObjectFields(generator::ObjectFields),
    Spec(generator::LoadedSpec),
    Xml(generator::XmlFile),
    Templates(generator::Templates),
    ObjectAccess(generator::ChangedAccess),
    SystemPermissions(generator::ChosenSystemPermissions),
    Names(crate::generator::view::DerivedNames),
    Plan(generator::Planned),
    ApplyProgress(generator::ApplyProgress),
    Applies(generator::PendingApplies),
    UserCreated(generator::UserCreated),
});

/// Starting an apply answers with one of two reply types, as the outcome says.
#[cfg(feature = "generator")]
impl From<generator::ApplyStarted> for GeneratorReply {
    fn from(outcome: generator::ApplyStarted) -> Self {
        match outcome {
            generator::ApplyStarted::Started(progress) => Self::ApplyProgress(progress),
            generator::ApplyStarted::ChangedSincePreview(plan) => Self::Plan(plan),
        }
    }
}

#[cfg(feature = "generator")]
impl From<generator::ApplyStarted> for Reply {
    fn from(outcome: generator::ApplyStarted) -> Self {
        Self::Generator(outcome.into())
    }
}

#[cfg(feature = "generator")]
impl TryFrom<Reply> for generator::ApplyStarted {
    type Error = Reply;
    fn try_from(reply: Reply) -> Result<Self, Reply> {
        match reply {
            Reply::Generator(GeneratorReply::ApplyProgress(progress)) => {
                Ok(Self::Started(progress))
            }
            Reply::Generator(GeneratorReply::Plan(plan)) => Ok(Self::ChangedSincePreview(plan)),
            other => Err(other),
        }
    }
}

requests!(ContentRequest::Access(FrameAccessRequest) {
    AssignableSets(access::GetAssignableSets),
    OpenAccessReview(access::OpenAccessReview),
});
replies!(Access(AccessReply) {
    AccessReviewOpened(access::AccessReviewOpened),
    AssignableSets(access::AssignableSets),
});
#[cfg(feature = "generator")]
requests!(PageRequest::Access(AccessRequest) {
    CheckAssignableSets(access::CheckAssignableSets),
    AccessReview(access::GetAccessReview),
    AccessTable(access::GetAccessTable),
    AccessCsv(access::GetAccessCsv),
    NarrowerSpec(access::GetNarrowerSpec),
    CheckSpecAssignment(access::CheckSpecAssignment),
});
#[cfg(feature = "generator")]
replies!(Access(AccessReply) {
    AccessReview(access::ReviewedAccess),
    AccessTable(crate::access::table::TableView),
    AccessCsv(access::AccessCsvFile),
    SpecAssignment(crate::access::requests::SpecAssignment),
});

impl From<AccessReply> for Reply {
    fn from(reply: AccessReply) -> Self {
        Self::Access(reply)
    }
}

impl From<OrgReply> for Reply {
    fn from(reply: OrgReply) -> Self {
        Self::Org(reply)
    }
}

impl From<TogglesReply> for Reply {
    fn from(reply: TogglesReply) -> Self {
        Self::Toggles(reply)
    }
}

impl From<BadgesReply> for Reply {
    fn from(reply: BadgesReply) -> Self {
        Self::Badges(reply)
    }
}

impl From<GeneratorReply> for Reply {
    fn from(reply: GeneratorReply) -> Self {
        Self::Generator(reply)
    }
}

requests!(ContentRequest::RecordTypes(FrameRecordTypesRequest) {
    OpenRecordTypes(record_types::OpenRecordTypes),
});
replies!(RecordTypes(RecordTypesReply) { RecordTypesOpened(record_types::RecordTypesOpened) });

#[cfg(feature = "record-types")]
requests!(PageRequest::RecordTypes(RecordTypesRequest) {
    RecordTypeDefaults(record_types::GetRecordTypeDefaults),
    SetDefaultRecordType(record_types::SetDefaultRecordType),
});
#[cfg(feature = "record-types")]
replies!(RecordTypes(RecordTypesReply) {
    RecordTypeDefaults(crate::record_types::RecordTypeDefaults),
    DefaultRecordTypeSet(record_types::DefaultRecordTypeSet),
    DefaultRecordTypeNotSet(record_types::DefaultRecordTypeNotSet),
});

/// Setting a default answers with one of two reply types, as the outcome says.
#[cfg(feature = "record-types")]
impl From<record_types::DefaultRecordTypeOutcome> for Reply {
    fn from(outcome: record_types::DefaultRecordTypeOutcome) -> Self {
        match outcome {
            record_types::DefaultRecordTypeOutcome::Set(set) => set.into(),
            record_types::DefaultRecordTypeOutcome::NotSet(not_set) => not_set.into(),
        }
    }
}

#[cfg(feature = "record-types")]
impl TryFrom<Reply> for record_types::DefaultRecordTypeOutcome {
    type Error = Reply;
    fn try_from(reply: Reply) -> Result<Self, Reply> {
        match reply {
            Reply::RecordTypes(RecordTypesReply::DefaultRecordTypeSet(set)) => Ok(Self::Set(set)),
            Reply::RecordTypes(RecordTypesReply::DefaultRecordTypeNotSet(not_set)) => {
                Ok(Self::NotSet(not_set))
            }
            other => Err(other),
        }
    }
}

impl From<RecordTypesReply> for Reply {
    fn from(reply: RecordTypesReply) -> Self {
        Self::RecordTypes(reply)
    }
}

#[cfg(feature = "generator")]
requests!(PageRequest::Cli(CliRequest) {
    IntegrationUsers(cli::ListIntegrationUsers),
    CheckUser(cli::CheckUser),
    ReadSpec(cli::ReadSpec),
    CheckSpecNames(cli::CheckSpecNames),
});
#[cfg(feature = "generator")]
replies!(Cli(CliReply) {
    IntegrationUsers(cli::IntegrationUsers),
    UserCheck(cli::UserCheck),
    SpecFits(cli::SpecFits),
    SpecRefused(cli::SpecRefused),
});

#[cfg(feature = "generator")]
impl From<CliReply> for Reply {
    fn from(reply: CliReply) -> Self {
        Self::Cli(reply)
    }
}

/// A spec request answers with what it asked for, or with `specRefused`.
#[cfg(feature = "generator")]
impl<T: Into<Reply>> From<cli::SpecOutcome<T>> for Reply {
    fn from(outcome: cli::SpecOutcome<T>) -> Self {
        match outcome {
            cli::SpecOutcome::Fits(fits) => fits.into(),
            cli::SpecOutcome::Refused(refused) => refused.into(),
        }
    }
}

#[cfg(feature = "generator")]
impl<T: TryFrom<Reply, Error = Reply>> TryFrom<Reply> for cli::SpecOutcome<T> {
    type Error = Reply;
    fn try_from(reply: Reply) -> Result<Self, Reply> {
        match reply {
            Reply::Cli(CliReply::SpecRefused(refused)) => Ok(Self::Refused(refused)),
            other => T::try_from(other).map(Self::Fits),
        }
    }
}

impl From<Failed> for Reply {
    fn from(failed: Failed) -> Self {
        Self::Failed(failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn content(message: serde_json::Value) -> Option<ContentRequest> {
        decode(message).ok()
    }

    #[test]
    fn content_scripts_can_only_ask_about_their_own_frame() {
        assert!(content(json!({"type": "pageLoaded", "surface": "classicSetup"})).is_some());
        assert!(content(json!({"type": "badgeUsers", "userIds": []})).is_some());
        assert!(
            content(json!({"type": "openGenerator", "userId": "005AM000000001AAAA"})).is_some()
        );
        // Requests that name an org are extension pages' only.
        for page_only in [
            json!({"type": "orgStatus", "tabUrl": "https://uat.lightning.force.com/"}),
            json!({"type": "setOrgEnabled", "orgId": "00DAM0000000002", "enabled": false}),
            json!({"type": "pendingApplies", "orgUrl": "https://acme.lightning.force.com/"}),
            json!({"type": "startApply", "orgUrl": "https://acme.lightning.force.com/", "spec": {}}),
            json!({"type": "checkAssignableSets", "orgUrl": "https://acme.lightning.force.com/", "userId": "005AM000000001AAAA"}),
            json!({"type": "accessReview", "orgUrl": "https://acme.lightning.force.com/", "userId": "005AM000000001AAAA"}),
            // The sf plugin's requests.
            json!({"type": "integrationUsers", "orgUrl": "https://acme.my.salesforce.com"}),
            json!({"type": "checkUser", "orgUrl": "https://acme.my.salesforce.com", "user": "x@y.z"}),
            json!({"type": "readSpec", "fileName": "x.json", "text": "{}"}),
            json!({"type": "checkSpecNames", "orgUrl": "https://acme.my.salesforce.com", "spec": {}}),
        ] {
            assert_eq!(content(page_only.clone()), None, "{page_only}");
        }
    }

    #[test]
    fn a_request_beyond_the_size_limit_is_refused_with_a_clear_message() {
        let url = "x".repeat(MAX_REQUEST_BYTES);
        let json = format!(r#"{{"type":"orgStatus","tabUrl":"{url}"}}"#);
        match decode_text::<PageRequest>(&json) {
            Err(e @ RequestError::TooLarge { .. }) => {
                assert!(e.to_string().contains("it reads at most 16384 KB"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        let small = r#"{"type":"orgStatus","tabUrl":"https://acme.my.salesforce.com/"}"#;
        assert!(matches!(
            decode_text::<PageRequest>(small),
            Ok(PageRequest::Org(OrgRequest::OrgStatus(_)))
        ));
        assert!(matches!(
            decode_text::<PageRequest>(&"[".repeat(200)),
            Err(RequestError::NotJson(_))
        ));
    }

    #[test]
    fn the_wire_keeps_its_shape() {
        let page: PageRequest =
            decode(json!({"type": "orgStatus", "tabUrl": "https://acme.lightning.force.com/"}))
                .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            page,
            PageRequest::from(org::GetOrgStatus {
                tab_url: "https://acme.lightning.force.com/".to_owned()
            })
        );
        let verdict = Reply::from(org::PageVerdict {
            enhance: false,
            org_id: None,
        });
        assert_eq!(
            serde_json::to_value(&verdict).unwrap_or_default(),
            json!({"type": "pageVerdict", "enhance": false, "orgId": null})
        );
        assert_eq!(
            serde_json::to_value(Reply::from(Failed::new("no"))).unwrap_or_default(),
            json!({"type": "failed", "message": "no"})
        );
        assert_eq!(
            serde_json::to_value(Reply::from(generator::GeneratorOpened {})).unwrap_or_default(),
            json!({"type": "generatorOpened"})
        );
        let back: Reply = serde_json::from_value(json!({"type": "failed", "message": "no"}))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, Reply::Failed(Failed::new("no")));
    }
}
