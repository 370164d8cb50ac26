//! Salesforce record Ids: the 15-char case-sensitive form, the 18-char case-safe form, and a
//! deterministic allocator, so every simulated record has an Id a real client would accept.

use std::collections::HashMap;

/// Alphabet of the 3-char case-safe suffix (one char per 5-char chunk).
const SUFFIX_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
/// Digits used in the counter part of generated Ids.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Well-known key prefixes (the first 3 chars of an Id name the object).
pub mod prefix {
    /// `User`.
    pub const USER: &str = "005";
    /// `Profile`.
    pub const PROFILE: &str = "00e";
    /// `UserLicense`.
    pub const USER_LICENSE: &str = "100";
    /// `Organization`.
    pub const ORGANIZATION: &str = "00D";
    /// `RecordType`.
    pub const RECORD_TYPE: &str = "012";
    /// Query locators (`nextRecordsUrl`, salesforce.md §B.1).
    pub const QUERY_LOCATOR: &str = "01g";
    /// `Account`.
    pub const ACCOUNT: &str = "001";
    /// `Contact`.
    pub const CONTACT: &str = "003";
    /// `Opportunity`.
    pub const OPPORTUNITY: &str = "006";
    /// `Case`.
    pub const CASE: &str = "500";
    /// `Lead`.
    pub const LEAD: &str = "00Q";
    /// `Task`.
    pub const TASK: &str = "00T";
    /// `Event`.
    pub const EVENT: &str = "00U";
    /// `PermissionSet`.
    pub const PERMISSION_SET: &str = "0PS";
    /// `ObjectPermissions`.
    pub const OBJECT_PERMISSIONS: &str = "110";
    /// `FieldPermissions`.
    pub const FIELD_PERMISSIONS: &str = "01k";
    /// `PermissionSetAssignment`.
    pub const PERMISSION_SET_ASSIGNMENT: &str = "0Pa";
    /// `PermissionSetLicense`.
    pub const PERMISSION_SET_LICENSE: &str = "0PL";
    /// `PermissionSetLicenseAssign`.
    pub const PERMISSION_SET_LICENSE_ASSIGN: &str = "2LA";
    /// `PermissionSetGroup`.
    pub const PERMISSION_SET_GROUP: &str = "0PG";
    /// `PermissionSetGroupComponent`.
    pub const PERMISSION_SET_GROUP_COMPONENT: &str = "0PH";
    /// `MutingPermissionSet` (prefix not found in any source: invented, salesforce.md §I.7).
    pub const MUTING_PERMISSION_SET: &str = "0QM";
    /// Tooling `PermissionDependency` (prefix invented).
    pub const PERMISSION_DEPENDENCY: &str = "2Pd";
    /// ContentVersion (Connect user photo: a file version).
    pub const CONTENT_VERSION: &str = "068";
    /// ContentDocument (Connect Photo Input `fileId`: "The key prefix must be 069").
    pub const CONTENT_DOCUMENT: &str = "069";
}

/// The 3-char case-safe suffix of a 15-char Id: for each 5-char chunk, bit i is set when char i
/// is an upper-case ASCII letter; the 5-bit value indexes `A..Z0..5`.
pub fn suffix(id15: &str) -> Option<String> {
    let bytes = id15.as_bytes();
    if bytes.len() != 15 || !bytes.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let mut out = String::with_capacity(3);
    for chunk in bytes.chunks(5) {
        let mut bits = 0usize;
        for (i, c) in chunk.iter().enumerate() {
            if c.is_ascii_uppercase() {
                bits |= 1 << i;
            }
        }
        out.push(char::from(SUFFIX_ALPHABET[bits]));
    }
    Some(out)
}

/// 15-char → 18-char. `None` when the input is not a well-formed 15-char Id.
pub fn to18(id15: &str) -> Option<String> {
    suffix(id15).map(|s| format!("{id15}{s}"))
}

/// Accepts a 15- or 18-char Id and returns the canonical 18-char form. An 18-char Id whose
/// suffix does not match its first 15 chars is rejected, as Salesforce does.
pub fn normalize(id: &str) -> Option<String> {
    match id.len() {
        15 => to18(id),
        18 => {
            let (head, tail) = id.split_at(15);
            let expected = suffix(head)?;
            // The suffix itself is case-insensitive.
            tail.eq_ignore_ascii_case(&expected)
                .then(|| format!("{head}{expected}"))
        }
        _ => None,
    }
}

/// The 15-char form of a 15/18-char Id (the first 15 chars; no validation beyond length).
pub fn to15(id: &str) -> &str {
    id.get(..15).unwrap_or(id)
}

/// Hands out fresh, deterministic Ids: `<prefix><pod><space><9-char base62 counter>`.
#[derive(Debug, Clone)]
pub struct IdAllocator {
    pod: String,
    space: char,
    next: HashMap<String, u64>,
}

impl IdAllocator {
    /// `pod` is 2 chars (the instance part of real Ids); `space` keeps orgs' Ids apart.
    pub fn new(pod: &str, space: char) -> Self {
        Self {
            pod: pod.to_owned(),
            space,
            next: HashMap::new(),
        }
    }

    /// Next 18-char Id with the given 3-char key prefix.
    pub fn next(&mut self, key_prefix: &str) -> String {
        let counter = self.next.entry(key_prefix.to_owned()).or_insert(1);
        let n = *counter;
        *counter += 1;
        let id15 = format!(
            "{key_prefix}{}{}{}",
            self.pod,
            self.space,
            base62_padded(n, 9)
        );
        to18(&id15).unwrap_or(id15)
    }
}

fn base62_padded(mut n: u64, width: usize) -> String {
    let mut digits = Vec::with_capacity(width);
    while n > 0 {
        digits.push(BASE62[(n % 62) as usize]);
        n /= 62;
    }
    while digits.len() < width {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8_lossy(&digits).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_matches_known_ids() {
        // Worked by hand: "00DAM" has D, A, M upper-case at bits 2,3,4 → 28 → '2'.
        assert_eq!(
            to18("00DAM0000000001").as_deref(),
            Some("00DAM00000000012AA")
        );
        // A documented example pair (REST guide sample Id 003RO0000035WQgYAM, salesforce.md §B.1).
        assert_eq!(
            to18("003RO0000035WQg").as_deref(),
            Some("003RO0000035WQgYAM")
        );
        assert_eq!(
            to18("001000000000000").as_deref(),
            Some("001000000000000AAA")
        );
        assert_eq!(
            to18("AAAAAAAAAAAAAAA").as_deref(),
            Some("AAAAAAAAAAAAAAA555")
        );
    }

    #[test]
    fn normalize_accepts_15_and_18_and_rejects_bad_suffix() {
        assert_eq!(
            normalize("00DAM0000000001").as_deref(),
            Some("00DAM00000000012AA")
        );
        assert_eq!(
            normalize("00DAM00000000012aa").as_deref(),
            Some("00DAM00000000012AA")
        );
        assert_eq!(normalize("00DAM00000000013AA"), None);
        assert_eq!(normalize("00DAM000000001"), None);
        assert_eq!(normalize("00DAM00000000-1"), None);
    }

    #[test]
    fn allocator_is_deterministic_and_valid() {
        let mut a = IdAllocator::new("AM", '0');
        let first = a.next(prefix::USER);
        assert_eq!(first, "005AM0000000001YAA");
        let second = a.next(prefix::USER);
        assert_eq!(&second[..15], "005AM0000000002");
        assert_eq!(normalize(&second).as_deref(), Some(second.as_str()));
        assert_eq!(&a.next(prefix::PROFILE)[..15], "00eAM0000000001");
        assert_eq!(base62_padded(62, 3), "010");
    }
}
