//! The message protocol: what content scripts, extension pages and other hosts ask the core, and
//! what it answers. One request enum per feature ([`org`], [`toggles`], [`badges`],
//! [`generator`]), each request a type paired through [`Ask`] with the one reply type it gets.
//!
//! Who may ask what is structural: a content script's messages decode only as a
//! [`ContentRequest`], in which nothing names an org or a URL (the core takes the frame from the
//! browser's sender record), and an extension page's only as a [`PageRequest`].
//!
//! The wire is JSON, `{"type": "<request>", …}` in and `{"type": "<reply>", …}` out, so the
//! JavaScript side stays a thin pass-through; a request the core could not answer gets
//! `{"type": "failed", "message": …}` ([`Failed`]).

pub mod badges;
pub mod generator;
pub mod org;
pub mod toggles;

use badges::{BadgesReply, BadgesRequest};
#[cfg(feature = "generator")]
use generator::GeneratorRequest;
use generator::{FrameGeneratorRequest, GeneratorReply};
use org::{FrameOrgRequest, OrgReply, OrgRequest};
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
    fn decode(kind: &str, message: serde_json::Value) -> Result<Self, serde_json::Error>;
}

/// A message as JSON, decoded as what its sender may send; anything else is refused.
pub fn decode<R: Decode>(message: serde_json::Value) -> Result<R, Failed> {
    let kind = message
        .get("type")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if !R::owns(&kind) {
        return Err(Failed::new(format!(
            "Forcefield does not take a message of type \"{kind}\" from this sender."
        )));
    }
    R::decode(&kind, message).map_err(|e| {
        Failed::new(format!(
            "Forcefield received a \"{kind}\" message it does not understand: {e}"
        ))
    })
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

            fn decode(kind: &str, message: serde_json::Value) -> Result<Self, serde_json::Error> {
                use serde::Deserialize;
                match kind {
                    $( $kind => <$request>::deserialize(message).map(Self::$variant), )*
                    _ => Err(serde::de::Error::custom("not a request type of this sender")),
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
}

impl Decode for ContentRequest {
    fn owns(kind: &str) -> bool {
        FrameOrgRequest::owns(kind)
            || TogglesRequest::owns(kind)
            || BadgesRequest::owns(kind)
            || FrameGeneratorRequest::owns(kind)
    }

    fn decode(kind: &str, message: serde_json::Value) -> Result<Self, serde_json::Error> {
        if FrameOrgRequest::owns(kind) {
            FrameOrgRequest::decode(kind, message).map(Self::Org)
        } else if TogglesRequest::owns(kind) {
            TogglesRequest::decode(kind, message).map(Self::Toggles)
        } else if BadgesRequest::owns(kind) {
            BadgesRequest::decode(kind, message).map(Self::Badges)
        } else {
            FrameGeneratorRequest::decode(kind, message).map(Self::Generator)
        }
    }
}

/// Everything an extension page (the popup, the generator page) or a Node host may ask, by
/// feature. Each request names the org it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(
    clippy::large_enum_variant,
    reason = "one message per call, decoded and moved once; boxing buys nothing"
)]
pub enum PageRequest {
    Org(OrgRequest),
    #[cfg(feature = "generator")]
    Generator(GeneratorRequest),
}

impl Decode for PageRequest {
    fn owns(kind: &str) -> bool {
        #[cfg(feature = "generator")]
        if GeneratorRequest::owns(kind) {
            return true;
        }
        OrgRequest::owns(kind)
    }

    fn decode(kind: &str, message: serde_json::Value) -> Result<Self, serde_json::Error> {
        #[cfg(feature = "generator")]
        if GeneratorRequest::owns(kind) {
            return GeneratorRequest::decode(kind, message).map(Self::Generator);
        }
        OrgRequest::decode(kind, message).map(Self::Org)
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
});
replies!(Org(OrgReply) {
    PageVerdict(org::PageVerdict),
    OrgStatus(org::OrgStatus),
    OrgEnabled(org::OrgEnabled),
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
    ImportXml(generator::ImportXml),
    ExportXml(generator::ExportXml),
    SaveTemplate(generator::SaveTemplate),
    DeleteTemplate(generator::DeleteTemplate),
    LoadTemplate(generator::LoadTemplate),
    ObjectAccessChange(generator::ChangeObjectAccess),
    DeriveNames(generator::DeriveNames),
    PlanPermissionSet(generator::PlanPermissionSet),
    StartApply(generator::StartApply),
    ContinueApply(generator::ContinueApply),
    FinishCleanUp(generator::FinishCleanUp),
    PendingApplies(generator::ListPendingApplies),
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
    Names(crate::generator::view::DerivedNames),
    Plan(generator::Planned),
    ApplyProgress(generator::ApplyProgress),
    Applies(generator::PendingApplies),
    UserCreated(generator::UserCreated),
});

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
        ] {
            assert_eq!(content(page_only.clone()), None, "{page_only}");
        }
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
