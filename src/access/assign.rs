//! "Can this set be assigned?": what is known to block a permission set's assignment to a user
//! before anyone tries (salesforce.md §I.9), from the user's licences, the org's permission set
//! licences and what the set grants. Pure; the reads fill the facts.
//!
//! A set is **blocked** when (salesforce.md §I.9):
//! * its `LicenseId` is a user licence other than the profile's (§C.5) [C];
//! * its `LicenseId` is a permission set licence the user doesn't hold and that has no seat left
//!   (assigning the set assigns the licence, §I.2, which needs a seat, §I.8) [C];
//! * it enables a user permission that is false in the `MaximumPermissions<Name>` of every
//!   permission set licence the user holds or will get, and the profile doesn't enable it
//!   (§I.8; an inference, §I.9) — only where the org exposes those fields;
//! * for a Salesforce Integration user, a refusal on the curated list [`INTEGRATION_REFUSALS`]
//!   (§H.Q3, §H.Q4).
//!
//! Everything else is **"Salesforce decides at assignment"**, with what could not be checked:
//! object permissions beyond the curated list are checked by Salesforce only then (§I.9). The
//! verdict is never "assignable" on a guess.

use serde::{Deserialize, Serialize};

/// The integration user licence (salesforce.md §C.7).
pub const INTEGRATION_LICENSE: &str = "Salesforce Integration";
/// DeveloperName of the integration permission set licence (salesforce.md §C.6).
pub const INTEGRATION_PSL: &str = "SalesforceAPIIntegrationPsl";
/// Key prefixes of `PermissionSet.LicenseId` (salesforce.md §C.1, §I.9).
const USER_LICENSE_PREFIX: &str = "100";
const PSL_PREFIX: &str = "0PL";

/// What the Salesforce Integration user licence is known to refuse at assignment: the curated
/// list (salesforce.md §H.Q3, §H.Q4). Each is `(code, what Forcefield says, source)`.
pub const INTEGRATION_REFUSALS: &[(RefusalCode, &str, &str)] = &[
    (
        RefusalCode::ObjectsWithoutIntegrationPsl,
        "It grants object permissions with no licence of its own, and a Salesforce Integration user needs the Salesforce API Integration permission set licence for those first.",
        "salesforce.md §H.Q4 [S]: \u{201c}The user license doesn't allow the permission\u{201d} until the licence is assigned",
    ),
    (
        RefusalCode::ViewAllOnStandardObject,
        "It grants View All or Modify All on a standard object, which the Salesforce Integration licence can't take.",
        "salesforce.md §H.Q4 [S, single source]: \u{201c}The Integration license cannot grant View All on standard objects\u{201d}",
    ),
];

/// One entry of [`INTEGRATION_REFUSALS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RefusalCode {
    ObjectsWithoutIntegrationPsl,
    ViewAllOnStandardObject,
}

/// Names (user permissions, licence Ids, objects) as a plain list: these facts are small, and a
/// list keeps the map and sort code of sets out of the worker's core.
pub type Names = Vec<String>;

/// `(user permission name, label)`, for the messages.
pub type Labels = [(String, String)];

fn label_of<'a>(labels: &'a Labels, name: &'a str) -> &'a str {
    labels
        .iter()
        .find(|(n, _)| n == name)
        .map_or(name, |(_, label)| label.as_str())
}

/// The user a set would be assigned to, as far as licences go.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserLicences {
    /// The profile's `UserLicenseId`.
    pub profile_license_id: Option<String>,
    pub profile_license_name: Option<String>,
    /// Permission set licences the user holds (Ids).
    pub held_psls: Names,
    /// Licences the user will get before the set (the generator assigns the integration PSL
    /// first, salesforce.md §H.Q4), Ids.
    pub will_get_psls: Names,
    /// User permissions the profile enables: its user licence evidently allows them.
    pub profile_permissions: Names,
}

impl UserLicences {
    pub fn is_integration(&self) -> bool {
        self.profile_license_name.as_deref() == Some(INTEGRATION_LICENSE)
    }
}

/// One permission set licence of the org (salesforce.md §C.6, §I.8).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PslFacts {
    pub id: String,
    pub developer_name: String,
    pub label: String,
    pub total: Option<u32>,
    pub used: Option<u32>,
    /// `MaximumPermissions<Name>` by permission name, for the fields the org exposes.
    pub maximum: Vec<(String, bool)>,
}

impl PslFacts {
    /// Seats left = `TotalLicenses − UsedLicenses` (salesforce.md §I.8).
    pub fn seats_left(&self) -> Option<u32> {
        Some(self.total?.saturating_sub(self.used?))
    }

    /// `MaximumPermissions<permission>`, if the org exposes it.
    pub fn allows(&self, permission: &str) -> Option<bool> {
        self.maximum
            .iter()
            .find(|(p, _)| p == permission)
            .map(|(_, on)| *on)
    }

    pub fn is_integration_psl(&self) -> bool {
        // salesforce.md §C.6: one note spells it `SalesforceAPIIntegrationPSL`.
        self.developer_name.eq_ignore_ascii_case(INTEGRATION_PSL)
    }
}

/// What a permission set would bring, as far as the checks go.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetFacts {
    /// Empty for a set not created yet (the generator's spec).
    pub id: String,
    pub name: String,
    pub label: String,
    pub namespace: Option<String>,
    pub license_id: Option<String>,
    pub license_name: Option<String>,
    /// Enabled user permissions that the checks may concern.
    pub enabled_permissions: Names,
    /// Whether it has any object permission.
    pub grants_objects: bool,
    /// Standard objects it gives View All or Modify All on.
    pub view_all_standard: Names,
    /// Already assigned to the user.
    pub assigned: bool,
}

/// What blocks an assignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BlockKind {
    LicenseMismatch,
    NoSeatLeft,
    PermissionNotAllowed,
    IntegrationRefusal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Blocker {
    pub kind: BlockKind,
    pub message: String,
}

/// The answer for one set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum Verdict {
    /// Known to fail: every blocker, in words.
    Blocked { blockers: Vec<Blocker> },
    /// Nothing known blocks it; Salesforce decides when it is assigned. `unchecked` says what
    /// Forcefield could not check.
    DecidedAtAssignment { unchecked: Vec<String> },
}

impl Verdict {
    pub fn is_blocked(&self) -> bool {
        matches!(self, Self::Blocked { .. })
    }
}

/// A set and its verdict, for a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetVerdict {
    pub id: String,
    pub name: String,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_name: Option<String>,
    pub assigned: bool,
    pub verdict: Verdict,
}

/// Whether an object is standard: custom objects and the like end in `__c` and other
/// double-underscore suffixes (salesforce.md §H.Q3).
pub fn is_standard_object(name: &str) -> bool {
    !name.contains("__")
}

fn same_id(a: &str, b: &str) -> bool {
    match (a.get(..15), b.get(..15)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// The verdict for one set. `labels` names user permissions for the messages.
pub fn check(set: &SetFacts, user: &UserLicences, psls: &[PslFacts], labels: &Labels) -> Verdict {
    let mut blockers = Vec::new();
    let mut unchecked = Vec::new();
    let mut block = |kind, message: String| blockers.push(Blocker { kind, message });
    let holds = |psl: &str| {
        user.held_psls
            .iter()
            .chain(&user.will_get_psls)
            .any(|h| same_id(h, psl))
    };
    let psl_of = |id: &str| psls.iter().find(|p| same_id(&p.id, id));
    let license_name = set.license_name.clone().unwrap_or_default();
    let mut set_psl: Option<&PslFacts> = None;
    match set.license_id.as_deref() {
        // salesforce.md §C.5 [C]: a set's user licence must be the profile's.
        Some(license) if license.starts_with(USER_LICENSE_PREFIX) => {
            let matches = user
                .profile_license_id
                .as_deref()
                .is_some_and(|p| same_id(p, license));
            if !matches {
                block(
                    BlockKind::LicenseMismatch,
                    format!(
                        "Its licence is the user licence \u{201c}{license_name}\u{201d}, and the user's profile has \u{201c}{}\u{201d}: the two must match.",
                        user.profile_license_name.as_deref().unwrap_or("another licence")
                    ),
                );
            }
        }
        Some(license) if license.starts_with(PSL_PREFIX) => {
            set_psl = psl_of(license);
            match set_psl {
                // salesforce.md §I.2 [C]: assigning the set assigns its licence, which takes a
                // seat (§I.8).
                Some(psl) if !holds(&psl.id) => match psl.seats_left() {
                    Some(0) => block(
                        BlockKind::NoSeatLeft,
                        format!(
                            "Its permission set licence \u{201c}{}\u{201d} has no seat left ({} of {} assigned), and the user doesn't hold it.",
                            psl.label,
                            psl.used.unwrap_or(0),
                            psl.total.unwrap_or(0)
                        ),
                    ),
                    Some(left) => unchecked.push(format!(
                        "Assigning it also assigns its licence \u{201c}{}\u{201d} ({left} seat{} left).",
                        psl.label,
                        if left == 1 { "" } else { "s" }
                    )),
                    None => unchecked.push(format!(
                        "Whether its licence \u{201c}{}\u{201d} has a seat left is not readable.",
                        psl.label
                    )),
                },
                Some(_) => {}
                None => unchecked.push(format!(
                    "Its permission set licence \u{201c}{license_name}\u{201d} could not be read."
                )),
            }
        }
        _ => {}
    }
    // salesforce.md §I.8, §I.9: the licences the user holds or will get, this set's own included.
    let mut considered: Vec<&PslFacts> = psls.iter().filter(|p| holds(&p.id)).collect();
    if let Some(psl) = set_psl {
        if !considered.iter().any(|p| p.id == psl.id) {
            considered.push(psl);
        }
    }
    let mut not_exposed = Vec::new();
    for permission in &set.enabled_permissions {
        if user.profile_permissions.contains(permission) {
            continue;
        }
        if considered.is_empty() {
            continue;
        }
        let answers: Vec<Option<bool>> = considered.iter().map(|p| p.allows(permission)).collect();
        if answers.contains(&Some(true)) {
            continue;
        }
        let label = label_of(labels, permission);
        if answers.iter().all(|a| *a == Some(false)) {
            let names: Vec<String> = considered
                .iter()
                .map(|p| format!("\u{201c}{}\u{201d}", p.label))
                .collect();
            block(
                BlockKind::PermissionNotAllowed,
                format!(
                    "It enables \u{201c}{label}\u{201d}, which {} doesn't allow (MaximumPermissions{permission} is false).",
                    names.join(" and ")
                ),
            );
        } else {
            not_exposed.push(label.to_owned());
        }
    }
    if !not_exposed.is_empty() {
        unchecked.push(format!(
            "This org's permission set licences don't say whether they allow {}.",
            not_exposed.join(", ")
        ));
    }
    if considered.is_empty() && !set.enabled_permissions.is_empty() {
        unchecked.push(
            "The user holds no permission set licence to compare its user permissions with: the user licence decides."
                .to_owned(),
        );
    }
    if user.is_integration() {
        let has_integration_psl = psls.iter().any(|p| p.is_integration_psl() && holds(&p.id))
            || set_psl.is_some_and(PslFacts::is_integration_psl);
        for (code, message, _) in INTEGRATION_REFUSALS {
            let refused = match code {
                RefusalCode::ObjectsWithoutIntegrationPsl => {
                    set.license_id.is_none() && set.grants_objects && !has_integration_psl
                }
                RefusalCode::ViewAllOnStandardObject => !set.view_all_standard.is_empty(),
            };
            if refused {
                let detail = match code {
                    RefusalCode::ViewAllOnStandardObject => {
                        format!(" ({})", set.view_all_standard.join(", "))
                    }
                    RefusalCode::ObjectsWithoutIntegrationPsl => String::new(),
                };
                block(BlockKind::IntegrationRefusal, format!("{message}{detail}"));
            }
        }
    }
    if set.grants_objects {
        unchecked.push(
            "Its object permissions are checked against the user's licences by Salesforce when it is assigned."
                .to_owned(),
        );
    }
    if blockers.is_empty() {
        Verdict::DecidedAtAssignment { unchecked }
    } else {
        Verdict::Blocked { blockers }
    }
}

/// Verdicts for many sets: blocked ones first, each part in the order given (the reads ask for
/// the org's sets by label). No sort and no Unicode case folding here, which keeps the worker's
/// core small.
pub fn check_all(
    sets: &[SetFacts],
    user: &UserLicences,
    psls: &[PslFacts],
    labels: &Labels,
) -> Vec<SetVerdict> {
    let verdicts: Vec<SetVerdict> = sets
        .iter()
        .map(|set| SetVerdict {
            id: set.id.clone(),
            name: set.name.clone(),
            label: set.label.clone(),
            namespace: set.namespace.clone(),
            license_name: set.license_name.clone(),
            assigned: set.assigned,
            verdict: check(set, user, psls, labels),
        })
        .collect();
    let (mut blocked, open): (Vec<SetVerdict>, Vec<SetVerdict>) =
        verdicts.into_iter().partition(|v| v.verdict.is_blocked());
    blocked.extend(open);
    blocked
}

#[cfg(test)]
mod tests {
    use super::*;

    const INTEGRATION_LICENSE_ID: &str = "100AM0000000002AAA";
    const SALESFORCE_LICENSE_ID: &str = "100AM0000000001AAA";

    fn integration_user() -> UserLicences {
        UserLicences {
            profile_license_id: Some(INTEGRATION_LICENSE_ID.into()),
            profile_license_name: Some(INTEGRATION_LICENSE.into()),
            held_psls: vec!["0PLAM0000000001AAA".to_owned()],
            will_get_psls: Vec::new(),
            profile_permissions: vec!["ApiEnabled".to_owned(), "ApiUserOnly".to_owned()],
        }
    }

    fn psls() -> Vec<PslFacts> {
        vec![
            PslFacts {
                id: "0PLAM0000000001AAA".into(),
                developer_name: INTEGRATION_PSL.into(),
                label: "Salesforce API Integration".into(),
                total: Some(5),
                used: Some(3),
                maximum: vec![
                    ("PasswordNeverExpires".to_owned(), true),
                    ("CustomizeApplication".to_owned(), false),
                    ("ModifyAllData".to_owned(), false),
                    ("ApiEnabled".to_owned(), false),
                ],
            },
            PslFacts {
                id: "0PLAM0000000003AAA".into(),
                developer_name: "SalesAnalyticsPsl".into(),
                label: "Sales Analytics".into(),
                total: Some(1),
                used: Some(1),
                maximum: vec![("CustomizeApplication".to_owned(), true)],
            },
        ]
    }

    fn set(name: &str) -> SetFacts {
        SetFacts {
            id: "0PSAM0000000009AAA".into(),
            name: name.into(),
            label: name.into(),
            ..SetFacts::default()
        }
    }

    fn kinds(verdict: &Verdict) -> Vec<BlockKind> {
        match verdict {
            Verdict::Blocked { blockers } => blockers.iter().map(|b| b.kind).collect(),
            Verdict::DecidedAtAssignment { .. } => Vec::new(),
        }
    }

    fn labels() -> Vec<(String, String)> {
        vec![(
            "CustomizeApplication".to_owned(),
            "Customize Application".to_owned(),
        )]
    }

    #[test]
    fn a_user_licence_other_than_the_profiles_blocks() {
        let mut sales = set("Sales_Ops");
        sales.license_id = Some(SALESFORCE_LICENSE_ID.into());
        sales.license_name = Some("Salesforce".into());
        let verdict = check(&sales, &integration_user(), &psls(), &labels());
        assert_eq!(kinds(&verdict), [BlockKind::LicenseMismatch]);
        let Verdict::Blocked { blockers } = verdict else {
            panic!("blocked")
        };
        assert!(blockers[0].message.contains("Salesforce Integration"));
        // The profile's own licence is fine.
        sales.license_id = Some(INTEGRATION_LICENSE_ID.into());
        assert!(!check(&sales, &integration_user(), &psls(), &labels()).is_blocked());
    }

    #[test]
    fn a_psl_with_no_seat_left_blocks_unless_the_user_holds_it() {
        let mut analytics = set("Analytics");
        analytics.license_id = Some("0PLAM0000000003AAA".into());
        analytics.license_name = Some("Sales Analytics".into());
        let user = integration_user();
        assert_eq!(
            kinds(&check(&analytics, &user, &psls(), &labels())),
            [BlockKind::NoSeatLeft]
        );
        let mut holder = user.clone();
        holder.held_psls.push("0PLAM0000000003AAA".into());
        assert!(!check(&analytics, &holder, &psls(), &labels()).is_blocked());
        // With a seat left, the licence comes with the set: Salesforce decides, and says so.
        let mut roomy = psls();
        roomy[1].total = Some(2);
        match check(&analytics, &user, &roomy, &labels()) {
            Verdict::DecidedAtAssignment { unchecked } => {
                assert!(unchecked[0].contains("1 seat left"), "{unchecked:?}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_permission_every_licence_refuses_blocks_and_one_that_allows_it_is_enough() {
        let mut admin = set("Connector_Admin");
        admin.enabled_permissions = vec!["CustomizeApplication".to_owned()];
        let user = integration_user();
        let verdict = check(&admin, &user, &psls(), &labels());
        assert_eq!(kinds(&verdict), [BlockKind::PermissionNotAllowed]);
        let Verdict::Blocked { blockers } = verdict else {
            panic!("blocked")
        };
        assert!(blockers[0].message.contains("Customize Application"));
        assert!(blockers[0].message.contains("Salesforce API Integration"));
        // A set licensed with a PSL that allows it brings that licence (no seat, though).
        admin.license_id = Some("0PLAM0000000003AAA".into());
        assert_eq!(
            kinds(&check(&admin, &user, &psls(), &labels())),
            [BlockKind::NoSeatLeft]
        );
        // The profile's own permissions are allowed by its licence.
        let mut api = set("Api");
        api.enabled_permissions = vec!["ApiEnabled".to_owned()];
        assert!(!check(&api, &user, &psls(), &labels()).is_blocked());
    }

    #[test]
    fn what_the_org_does_not_expose_is_left_to_salesforce() {
        let mut set = set("Reports");
        set.enabled_permissions = vec!["RunReports".to_owned()];
        match check(&set, &integration_user(), &psls(), &labels()) {
            Verdict::DecidedAtAssignment { unchecked } => {
                assert!(
                    unchecked.iter().any(|u| u.contains("RunReports")),
                    "{unchecked:?}"
                )
            }
            other => panic!("{other:?}"),
        }
        // Without any PSL there is nothing to compare with.
        let mut bare = integration_user();
        bare.held_psls.clear();
        match check(&set, &bare, &psls(), &labels()) {
            Verdict::DecidedAtAssignment { unchecked } => {
                assert!(unchecked.iter().any(|u| u.contains("user licence decides")))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_integration_licence_refusals_come_from_the_curated_list_only() {
        let mut objects = set("Objects");
        objects.grants_objects = true;
        let mut bare = integration_user();
        bare.held_psls.clear();
        assert_eq!(
            kinds(&check(&objects, &bare, &psls(), &labels())),
            [BlockKind::IntegrationRefusal]
        );
        // The generator assigns the PSL first: then it is Salesforce's call.
        bare.will_get_psls.push("0PLAM0000000001AAA".into());
        match check(&objects, &bare, &psls(), &labels()) {
            Verdict::DecidedAtAssignment { unchecked } => {
                assert!(unchecked.iter().any(|u| u.contains("object permissions")))
            }
            other => panic!("{other:?}"),
        }
        let mut view_all = set("ViewAll");
        view_all.grants_objects = true;
        view_all.view_all_standard = vec!["Account".to_owned()];
        let verdict = check(&view_all, &integration_user(), &psls(), &labels());
        assert_eq!(kinds(&verdict), [BlockKind::IntegrationRefusal]);
        // Not an integration user: the curated list doesn't apply.
        let mut standard = integration_user();
        standard.profile_license_name = Some("Salesforce".into());
        assert!(!check(&view_all, &standard, &psls(), &labels()).is_blocked());
    }

    #[test]
    fn blocked_sets_come_first_and_list_every_blocker() {
        let mut both = set("Both");
        both.license_id = Some("0PLAM0000000003AAA".into());
        both.enabled_permissions = vec!["ModifyAllData".to_owned()];
        both.label = "B".into();
        let mut fine = set("Fine");
        fine.label = "A".into();
        let verdicts = check_all(&[fine, both], &integration_user(), &psls(), &labels());
        assert_eq!(verdicts[0].label, "B");
        // ModifyAllData: the set's own PSL doesn't expose it (unknown), the held one refuses
        // it — not every licence refuses, so only the seat blocks.
        assert_eq!(kinds(&verdicts[0].verdict), [BlockKind::NoSeatLeft]);
        assert!(!verdicts[1].verdict.is_blocked());
    }

    #[test]
    fn standard_objects_are_told_apart_by_their_suffix() {
        assert!(is_standard_object("Account"));
        assert!(!is_standard_object("Shipment__c"));
        assert!(!is_standard_object("dlrs__LookupRollupSummary__c"));
    }
}
