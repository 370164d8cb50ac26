//! The admin's own icon for an integration user: an emoji or a small picture, kept in
//! `storage.local` per org and user, shown in the user's badge.
//!
//! Pictures are stored as raw RGBA pixels and painted with `putImageData`, so showing one never
//! loads a URL: Salesforce's page CSP (`img-src`) cannot block it.

use super::record::UserId;
use crate::salesforce::OrgId;
use crate::settings::{Area, KeyValueStore};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Largest picture edge, in pixels (a badge shows it at 16 px; 2× for sharp screens, with room).
pub const MAX_EDGE: u32 = 64;
/// Longest emoji text, in characters (a family or flag sequence is several code points).
const MAX_EMOJI_CHARS: usize = 16;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum UserIcon {
    Emoji {
        emoji: String,
    },
    /// `rgba`: base64 of `width × height × 4` bytes, row by row.
    Image {
        width: u32,
        height: u32,
        rgba: String,
    },
}

impl UserIcon {
    /// Why this icon can't be kept, if it can't.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Self::Emoji { emoji } => {
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
            Self::Image {
                width,
                height,
                rgba,
            } => {
                if !(1..=MAX_EDGE).contains(width) || !(1..=MAX_EDGE).contains(height) {
                    return Err(format!(
                        "A picture icon is at most {MAX_EDGE}×{MAX_EDGE} pixels."
                    ));
                }
                let bytes = (*width as usize) * (*height as usize) * 4;
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

/// Every icon the admin chose in this org; none when storage can't be read (badges still show).
pub async fn load(store: &impl KeyValueStore, org: &OrgId) -> BTreeMap<UserId, UserIcon> {
    store
        .get(Area::Local, &key(org))
        .await
        .ok()
        .flatten()
        .and_then(|value| serde_json::from_value(value).ok())
        .unwrap_or_default()
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
    let mut icons = load(store, org).await;
    match icon {
        Some(icon) => icons.insert(user.clone(), icon),
        None => icons.remove(user),
    };
    let value = serde_json::to_value(&icons).map_err(|e| e.to_string())?;
    store.set(Area::Local, &key(org), value).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icons_are_checked_before_they_are_kept() {
        let ok = |icon: UserIcon| icon.validate().is_ok();
        assert!(ok(UserIcon::Emoji {
            emoji: "🤖".into()
        }));
        assert!(ok(UserIcon::Emoji {
            emoji: "👩‍💻".into()
        }));
        assert!(!ok(UserIcon::Emoji { emoji: "".into() }));
        assert!(!ok(UserIcon::Emoji {
            emoji: "a b".into()
        }));
        assert!(!ok(UserIcon::Emoji {
            emoji: "x".repeat(40)
        }));
        // 2×2 RGBA = 16 bytes = 24 base64 characters.
        assert!(ok(UserIcon::Image {
            width: 2,
            height: 2,
            rgba: "A".repeat(24)
        }));
        assert!(!ok(UserIcon::Image {
            width: 2,
            height: 2,
            rgba: "A".repeat(20)
        }));
        assert!(!ok(UserIcon::Image {
            width: 65,
            height: 1,
            rgba: "A".repeat(348)
        }));
        assert!(!ok(UserIcon::Image {
            width: 2,
            height: 2,
            rgba: format!("{}<>", "A".repeat(22))
        }));
    }
}
