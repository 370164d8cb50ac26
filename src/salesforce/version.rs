//! REST API versions: Forcefield speaks up to [`SUPPORTED_MAX`] and uses the highest version the
//! org offers at or below it (production orgs run a release behind sandboxes for weeks).

use serde::{Deserialize, Serialize};
use std::fmt;

/// The newest API version Forcefield is written against: v66.0, Spring '26 (salesforce.md §A.4).
pub const SUPPORTED_MAX: ApiVersion = ApiVersion { major: 66 };

/// The oldest version whose objects and fields Forcefield relies on (PermissionSet.LicenseId is
/// 38.0+, PermissionSetAssignment.IsActive 52.0+, salesforce.md §C.1, §C.5).
pub const SUPPORTED_MIN: ApiVersion = ApiVersion { major: 52 };

/// A Salesforce REST API version. Salesforce only issues `NN.0` versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ApiVersion {
    major: u16,
}

impl ApiVersion {
    pub const fn new(major: u16) -> Self {
        Self { major }
    }

    pub fn parse(text: &str) -> Option<Self> {
        let text = text.strip_prefix('v').unwrap_or(text);
        let (major, minor) = text.split_once('.')?;
        (minor == "0").then_some(())?;
        major.parse().ok().map(|major| Self { major })
    }

    /// The path prefix of this version's REST resources, e.g. `/services/data/v66.0`.
    pub fn data_path(self) -> String {
        format!("/services/data/v{self}")
    }

    /// The highest version in `offered` that Forcefield supports.
    pub fn negotiate(offered: impl IntoIterator<Item = ApiVersion>) -> Option<ApiVersion> {
        offered
            .into_iter()
            .filter(|v| (SUPPORTED_MIN..=SUPPORTED_MAX).contains(v))
            .max()
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.0", self.major)
    }
}

impl TryFrom<String> for ApiVersion {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text).ok_or_else(|| format!("not an API version: \"{text}\""))
    }
}

impl From<ApiVersion> for String {
    fn from(version: ApiVersion) -> Self {
        version.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        assert_eq!(ApiVersion::parse("66.0"), Some(ApiVersion::new(66)));
        assert_eq!(ApiVersion::parse("v58.0"), Some(ApiVersion::new(58)));
        assert_eq!(ApiVersion::parse("58.5"), None);
        assert_eq!(ApiVersion::parse("latest"), None);
        assert_eq!(ApiVersion::new(66).data_path(), "/services/data/v66.0");
    }

    #[test]
    fn picks_the_highest_supported_version_the_org_offers() {
        let sandbox = [20, 52, 65, 66, 67].map(ApiVersion::new);
        assert_eq!(ApiVersion::negotiate(sandbox), Some(ApiVersion::new(66)));
        let lagging_production = [52, 64, 65].map(ApiVersion::new);
        assert_eq!(
            ApiVersion::negotiate(lagging_production),
            Some(ApiVersion::new(65))
        );
        let ancient = [20, 40, 51].map(ApiVersion::new);
        assert_eq!(ApiVersion::negotiate(ancient), None);
    }
}
