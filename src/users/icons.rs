//! The admin's own icon for an integration user: an emoji or a small picture, kept in
//! `storage.local` per org and user, shown in the user's badge.
//!
//! Pictures are stored as raw RGBA pixels and painted with `putImageData`, so showing one never
//! loads a URL: Salesforce's page CSP (`img-src`) cannot block it.

use super::record::UserId;
use crate::platform::{Area, KeyValueStore};
use crate::salesforce::OrgId;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Largest picture edge, in pixels (a badge shows it at 16 px; 2× for sharp screens, with room).
pub const MAX_EDGE: u32 = 64;
/// Longest emoji text, in characters (a family or flag sequence is several code points).
const MAX_EMOJI_CHARS: usize = 16;

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

    /// The icon as storage keeps it (the protocol's shape).
    pub fn to_json(&self) -> Value {
        let mut icon = Map::new();
        match self.kind {
            IconKind::Emoji => {
                icon.insert("kind".to_owned(), "emoji".into());
                icon.insert("emoji".to_owned(), self.emoji.clone().into());
            }
            IconKind::Image => {
                icon.insert("kind".to_owned(), "image".into());
                icon.insert("width".to_owned(), self.width.into());
                icon.insert("height".to_owned(), self.height.into());
                icon.insert("rgba".to_owned(), self.rgba.clone().into());
            }
        }
        Value::Object(icon)
    }

    /// Reads a stored icon (by hand: see `record`); `None` when it is not one.
    pub fn from_json(v: &serde_json::Value) -> Option<Self> {
        let number = |key| {
            v.get(key)
                .and_then(serde_json::Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
        };
        let icon = match v.get("kind")?.as_str()? {
            "emoji" => Self::emoji(v.get("emoji")?.as_str()?),
            "image" => Self::image(
                number("width")?,
                number("height")?,
                v.get("rgba")?.as_str()?.to_owned(),
            ),
            _ => return None,
        };
        icon.validate().ok().map(|()| icon)
    }

    /// Why this icon can't be kept, if it can't.
    pub fn validate(&self) -> Result<(), String> {
        match self.kind {
            IconKind::Emoji => {
                let emoji = self.emoji.as_deref().unwrap_or_default();
                let chars = emoji.chars().count();
                if chars == 0 || chars > MAX_EMOJI_CHARS {
                    return Err(format!(
                        "An icon is one emoji (1 to {MAX_EMOJI_CHARS} characters)."
                    ));
                }
                if emoji.chars().any(|c| c.is_control() || c.is_whitespace()) {
                    return Err("An icon can't contain spaces or control characters.".to_owned());
                }
                Ok(())
            }
            IconKind::Image => {
                let (width, height) = (self.width.unwrap_or(0), self.height.unwrap_or(0));
                if !(1..=MAX_EDGE).contains(&width) || !(1..=MAX_EDGE).contains(&height) {
                    return Err(format!(
                        "A picture icon is at most {MAX_EDGE}×{MAX_EDGE} pixels."
                    ));
                }
                let rgba = self.rgba.as_deref().unwrap_or_default();
                let bytes = (width as usize) * (height as usize) * 4;
                let expected = bytes.div_ceil(3) * 4;
                let alphabet_ok = rgba
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
                if rgba.len() != expected || !alphabet_ok {
                    return Err("The picture's pixels are not in the expected form.".to_owned());
                }
                Ok(())
            }
        }
    }
}

fn key(org: &OrgId) -> String {
    format!("userIcons:{org}")
}

async fn load_raw(store: &impl KeyValueStore, org: &OrgId) -> Map<String, Value> {
    match store.get(Area::Local, &key(org)).await.ok().flatten() {
        Some(Value::Object(icons)) => icons,
        _ => Map::new(),
    }
}

/// Every icon the admin chose in this org; none when storage can't be read (badges still show).
pub async fn load(store: &impl KeyValueStore, org: &OrgId) -> Vec<(UserId, UserIcon)> {
    load_raw(store, org)
        .await
        .iter()
        .filter_map(|(user, icon)| Some((UserId::parse(user)?, UserIcon::from_json(icon)?)))
        .collect()
}

/// Keeps (or with `None`, forgets) one user's icon.
pub async fn save(
    store: &impl KeyValueStore,
    org: &OrgId,
    user: &UserId,
    icon: Option<UserIcon>,
) -> Result<(), String> {
    if let Some(icon) = &icon {
        icon.validate()?;
    }
    let mut icons = load_raw(store, org).await;
    match icon {
        Some(icon) => icons.insert(user.as_str().to_owned(), icon.to_json()),
        None => icons.remove(user.as_str()),
    };
    store
        .set(Area::Local, &key(org), Value::Object(icons))
        .await
        .map_err(|e| e.to_string())
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
