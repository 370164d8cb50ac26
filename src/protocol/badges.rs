//! The badges' messages: which users of a page are integration users, and the admin's icon and
//! profile photo for one of them. Content scripts send them; the org is always the sender
//! frame's, so none names one.

use super::Ask;
use crate::salesforce::ApiErrorKind;
use crate::users::{UserBadge, UserIcon};
use serde::{Deserialize, Serialize};

super::request_enum! {
    /// A content script's badge requests, about its own frame's org.
    pub enum BadgesRequest {
        "badgeUsers" => BadgeUsers(BadgeUsers),
        "setUserIcon" => SetUserIcon(SetUserIcon),
        "setProfilePhoto" => SetProfilePhoto(SetProfilePhoto),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum BadgesReply {
    UserBadges(UserBadges),
    UserIconSaved(UserIconSaved),
    ProfilePhotoSet(ProfilePhotoSet),
}

/// The users a page links to (Ids from the links, 15 or 18 characters); the answer has the
/// badges of the marked ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeUsers {
    #[serde(rename = "userIds")]
    pub user_ids: Vec<String>,
}

impl Ask for BadgeUsers {
    type Reply = UserBadges;
}

/// Badges for the marked users of a page. With `error`, `badges` is empty: the page shows one
/// message and no badge rather than some badges.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserBadges {
    pub badges: Vec<UserBadge>,
    pub error: Option<BadgeProblem>,
}

/// Why a page's users could not be badged, in words for the admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BadgeProblem {
    pub kind: Option<ApiErrorKind>,
    pub message: String,
}

/// The admin picks (or with `null`, removes) an integration user's icon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetUserIcon {
    #[serde(rename = "userId")]
    pub user_id: String,
    pub icon: Option<UserIcon>,
}

impl Ask for SetUserIcon {
    type Reply = UserIconSaved;
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserIconSaved {
    #[serde(rename = "userId")]
    pub user_id: String,
    pub icon: Option<UserIcon>,
}

/// "Use as profile photo": a PNG (base64) becomes the user's Salesforce profile photo.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetProfilePhoto {
    #[serde(rename = "userId")]
    pub user_id: String,
    #[serde(rename = "pngBase64")]
    pub png_base64: String,
}

impl Ask for SetProfilePhoto {
    type Reply = ProfilePhotoSet;
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfilePhotoSet {
    #[serde(rename = "userId")]
    pub user_id: String,
    #[serde(rename = "photoUrl")]
    pub photo_url: Option<String>,
}
