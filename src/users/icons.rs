//! The admin's own icon for an integration user: an emoji or a small picture, kept in
//! `storage.local` per org and user, shown in the user's badge.
//!
//! Pictures are stored as raw RGBA pixels and painted with `putImageData`, so showing one never
//! loads a URL: Salesforce's page CSP (`img-src`) cannot block it.

use super::record::UserId;
use crate::platform::{Area, KeyValueStore};
use crate::salesforce::OrgId;
use crate::storage::{self, IfUnreadable, Loaded, ReadError, StoreError, Stored, Unversioned};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Largest picture edge, in pixels (a badge shows it at 16 px; 2× for sharp screens, with room).
pub const MAX_EDGE: u32 = 64;
/// Longest emoji text, in characters (a family or flag sequence is several code points).
pub const MAX_EMOJI_CHARS: usize = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum IconKind {
    Emoji,
    Image,
}

/// `{"kind": "emoji", "emoji": "…"}` or `{"kind": "image", "width", "height", "rgba"}`, where
/// `rgba` is base64 of `width × height × 4` bytes, row by row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserIcon {
    pub kind: IconKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emoji: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rgba: Option<String>,
}

impl UserIcon {
    pub fn emoji(emoji: &str) -> Self {
        Self {
            kind: IconKind::Emoji,
            emoji: Some(emoji.to_owned()),
            width: None,
            height: None,
            rgba: None,
        }
    }

    pub fn image(width: u32, height: u32, rgba: String) -> Self {
        Self {
            kind: IconKind::Image,
            emoji: None,
            width: Some(width),
            height: Some(height),
            rgba: Some(rgba),
        }
    }

    /// The icon as storage keeps it: the protocol's own encoding.
    pub fn to_json(&self) -> Value {
        crate::json::write(self).unwrap_or(Value::Null)
    }

    /// Reads a stored icon; `None` when it is not a valid one.
    pub fn from_json(v: &Value) -> Option<Self> {
        let icon: Self = crate::json::read(v).ok()?;
        icon.validate().ok().map(|()| icon)
    }

    /// Why this icon can't be kept, if it can't.
    pub fn validate(&self) -> Result<(), IconError> {
        match self.kind {
            IconKind::Emoji => {
                let emoji = self.emoji.as_deref().unwrap_or_default();
                let chars = emoji.chars().count();
                if chars == 0 || chars > MAX_EMOJI_CHARS {
                    return Err(IconError::EmojiLength);
                }
                if emoji.chars().any(|c| c.is_control() || c.is_whitespace()) {
                    return Err(IconError::EmojiSpaces);
                }
                Ok(())
            }
            IconKind::Image => {
                let (width, height) = (self.width.unwrap_or(0), self.height.unwrap_or(0));
                if !(1..=MAX_EDGE).contains(&width) || !(1..=MAX_EDGE).contains(&height) {
                    return Err(IconError::PictureSize);
                }
                let rgba = self.rgba.as_deref().unwrap_or_default();
                let bytes = (width as usize) * (height as usize) * 4;
                let expected = bytes.div_ceil(3) * 4;
                let alphabet_ok = rgba
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
                if rgba.len() != expected || !alphabet_ok {
                    return Err(IconError::PicturePixels);
                }
                Ok(())
            }
        }
    }
}

/// Why an icon can't be kept (worded in [`crate::words`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IconError {
    EmojiLength,
    EmojiSpaces,
    PictureSize,
    PicturePixels,
}

/// Why an icon was not saved.
#[derive(Debug)]
pub enum SaveIconError {
    Invalid(IconError),
    Storage(StoreError),
}

/// The storage key of an org's icons.
pub fn key(org: &OrgId) -> String {
    format!("userIcons:{org}")
}

/// An org's icons by 18-character user Id: `{"<user Id>": <icon>}` (version 0 was this object
/// itself). Every entry is checked: one that isn't a valid icon makes the whole value
/// unreadable, so it is kept aside whole rather than trimmed. (A list, not a map: one user
/// appears once, and the WebAssembly stays smaller.)
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Icons(pub Vec<(UserId, UserIcon)>);

impl Icons {
    /// Sets (or with `None`, removes) one user's icon.
    pub fn set(&mut self, user: &UserId, icon: Option<UserIcon>) {
        self.0.retain(|(id, _)| id != user);
        if let Some(icon) = icon {
            self.0.push((user.clone(), icon));
        }
    }
}

impl Stored for Icons {
    const KIND: &'static str = "userIcons";
    const VERSION: u32 = 1;
    const UNVERSIONED: Unversioned = Unversioned::Value;
    const IF_UNREADABLE: IfUnreadable = IfUnreadable::Quarantine;

    fn read(version: u32, json: &str) -> Result<Self, ReadError> {
        if version > 1 {
            return Err(ReadError::NoMigration(version));
        }
        let Value::Object(entries) = storage::from_json(Self::KIND, json)? else {
            return Err(ReadError::Invalid("it is not an object".to_owned()));
        };
        let mut icons = Icons::default();
        for (user, icon) in &entries {
            let id = UserId::parse(user)
                .ok_or_else(|| ReadError::Invalid(format!("\"{user}\" is not a user Id")))?;
            let icon = UserIcon::from_json(icon)
                .ok_or_else(|| ReadError::Invalid(format!("the icon of {user} is not valid")))?;
            icons.set(&id, Some(icon));
        }
        Ok(icons)
    }

    fn write(&self) -> Result<String, serde_json::Error> {
        let mut entries = Map::new();
        for (user, icon) in &self.0 {
            entries.insert(user.as_str().to_owned(), icon.to_json());
        }
        Ok(Value::Object(entries).to_string())
    }
}

/// Every icon the admin chose in this org; none when they can't be read (badges still show,
/// and unreadable icons are kept aside for the popup to show).
pub async fn load(store: &impl KeyValueStore, org: &OrgId) -> Vec<(UserId, UserIcon)> {
    match storage::load::<Icons>(store, Area::Local, &key(org)).await {
        Ok(Loaded::Found(icons)) => icons.0,
        _ => Vec::new(),
    }
}

/// Keeps (or with `None`, forgets) one user's icon. Unreadable icons are kept aside first and
/// the new icon starts a new list.
pub async fn save(
    store: &impl KeyValueStore,
    org: &OrgId,
    user: &UserId,
    icon: Option<UserIcon>,
) -> Result<(), SaveIconError> {
    if let Some(icon) = &icon {
        icon.validate().map_err(SaveIconError::Invalid)?;
    }
    let loaded = storage::load::<Icons>(store, Area::Local, &key(org))
        .await
        .map_err(SaveIconError::Storage)?;
    let mut icons = match loaded {
        Loaded::Found(icons) => icons,
        Loaded::Absent | Loaded::Unreadable(_) => Icons::default(),
    };
    icons.set(user, icon);
    storage::save(store, Area::Local, &key(org), &icons)
        .await
        .map_err(SaveIconError::Storage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icons_are_checked_before_they_are_kept() {
        let ok = |icon: UserIcon| icon.validate().is_ok();
        assert!(ok(UserIcon::emoji("🤖")));
        assert!(ok(UserIcon::emoji("👩‍💻")));
        assert!(!ok(UserIcon::emoji("")));
        assert!(!ok(UserIcon::emoji("a b")));
        assert!(!ok(UserIcon::emoji(&"x".repeat(40))));
        // 2×2 RGBA = 16 bytes = 24 base64 characters.
        assert!(ok(UserIcon::image(2, 2, "A".repeat(24))));
        assert!(!ok(UserIcon::image(2, 2, "A".repeat(20))));
        assert!(!ok(UserIcon::image(65, 1, "A".repeat(348))));
        assert!(!ok(UserIcon::image(2, 2, format!("{}<>", "A".repeat(22)))));
        // Read back from storage as written.
        let icon = UserIcon::image(2, 2, "A".repeat(24));
        let stored = icon.to_json();
        assert_eq!(UserIcon::from_json(&stored), Some(icon));
        assert_eq!(
            UserIcon::from_json(&serde_json::json!({"kind": "emoji", "emoji": ""})),
            None
        );
    }
}
