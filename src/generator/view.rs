//! What the generator page is shown: the JSON shapes of the generator's replies (contract with
//! the UI; camelCase; every list is in display order).

use crate::salesforce::{ApiVersion, DomainKind, MyDomain, OrgId};
use serde::{Deserialize, Serialize};

/// The org the generator works on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgSummary {
    pub org_id: OrgId,
    pub org_name: String,
    pub my_domain: Option<MyDomain>,
    pub kind: DomainKind,
    pub api_host: String,
    pub api_version: ApiVersion,
    /// Applying needs an explicit confirmation on production orgs.
    pub is_production: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionSetRef {
    pub id: String,
    pub name: String,
    pub label: String,
}

/// The user the permission set is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSummary {
    pub id: String,
    pub name: String,
    pub username: String,
    /// Profile's user license is "Salesforce Integration" (salesforce.md §C.7).
    pub is_integration: bool,
    /// Holds the `SalesforceAPIIntegrationPsl` license (salesforce.md §C.6).
    pub has_integration_psl: bool,
    pub profile_name: Option<String>,
    pub assigned_permission_sets: Vec<PermissionSetRef>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectChoice {
    pub name: String,
    pub label: String,
    pub custom: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Risk {
    Low,
    Medium,
    High,
}

/// A system permission from the curated list for integrations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemPermissionChoice {
    pub name: String,
    pub label: String,
    pub explanation: String,
    pub risk: Risk,
    /// User permissions it depends on, from the org's `PermissionDependency` (salesforce.md §H.Q5).
    pub requires: Vec<String>,
    /// Object permissions it (or one of `requires`) depends on, in words ("Create on
    /// Account"): the plan adds them (salesforce.md §I.14).
    #[serde(default)]
    pub requires_objects: Vec<String>,
    pub available: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unavailable_reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PslSummary {
    pub id: String,
    pub developer_name: String,
    pub label: String,
    pub total: u32,
    pub used: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionSetChoice {
    pub id: String,
    pub name: String,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_label: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateSummary {
    pub name: String,
}

/// Everything the generator page needs to open for an org (and optionally a user).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneratorContext {
    pub org: OrgSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<UserSummary>,
    pub objects: Vec<ObjectChoice>,
    pub system_permissions: Vec<SystemPermissionChoice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration_psl: Option<PslSummary>,
    /// Custom permission sets (not profile-owned, not group aggregates), by label.
    pub permission_sets: Vec<PermissionSetChoice>,
    pub templates: Vec<TemplateSummary>,
    /// Template stores that could not be read, kept aside with their raw content.
    #[serde(default)]
    pub set_aside_templates: Vec<crate::storage::SetAside>,
    /// Profiles whose access the page can copy (`loadAccess { profileId }`), by name.
    #[serde(default)]
    pub profiles: Vec<ProfileChoice>,
    /// The per-object View All Fields choice (salesforce.md §I.10).
    #[serde(default)]
    pub view_all_fields: ViewAllFieldsChoice,
}

/// View All Fields as the page offers it beside an object's access: whether this org has it,
/// its risk and what it means.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ViewAllFieldsChoice {
    pub available: bool,
    pub risk: Option<Risk>,
    pub explanation: String,
}

impl ViewAllFieldsChoice {
    /// High risk: every field, sensitive and future ones included, whatever field-level
    /// security says (salesforce.md §I.10).
    pub fn for_org(available: bool) -> Self {
        Self {
            available,
            risk: Some(Risk::High),
            explanation: if available {
                "Reads every field of the object, including sensitive fields and fields created later, whatever their field-level security. Prefer granting the fields the integration needs.".to_owned()
            } else {
                "Not available: this org's API version is before 63.0 (Spring '25), which brought View All Fields.".to_owned()
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileChoice {
    pub id: String,
    pub name: String,
}

/// How far a field can be granted (salesforce.md §C.3, §C.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Grant {
    ReadEdit,
    ReadOnly,
    None,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldChoice {
    /// Field API name (without the object).
    pub name: String,
    pub label: String,
    pub field_type: String,
    pub custom: bool,
    pub grant: Grant,
    /// Why the grant is limited (absent for `readEdit`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What a step or the permission set itself does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    Create,
    Update,
    Delete,
    Unchanged,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedPermissionSet {
    pub action: Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    pub label: String,
}

/// What a step writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StepKind {
    PermissionSet,
    ObjectPermissions,
    FieldPermissions,
    LicenseAssignment,
    PermissionSetAssignment,
}

impl StepKind {
    pub fn sobject_type(self) -> &'static str {
        match self {
            Self::PermissionSet => "PermissionSet",
            Self::ObjectPermissions => "ObjectPermissions",
            Self::FieldPermissions => "FieldPermissions",
            Self::LicenseAssignment => "PermissionSetLicenseAssign",
            Self::PermissionSetAssignment => "PermissionSetAssignment",
        }
    }
}

/// One step of a plan: records of one type and one action. A step takes one write call per
/// 200 records (salesforce.md §B.3), or shares one composite call when mixing is allowed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanStep {
    pub id: String,
    pub kind: StepKind,
    pub sobject_type: String,
    pub action: Action,
    pub count: usize,
    pub description: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiCalls {
    /// Calls that read the org when the apply starts.
    pub reads: usize,
    /// Calls that write.
    pub writes: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenseChange {
    pub from: String,
    pub to: String,
    pub message: String,
}

/// What an apply would do, before it does anything.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanView {
    pub org: OrgSummary,
    pub permission_set: PlannedPermissionSet,
    pub steps: Vec<PlanStep>,
    pub api_calls: ApiCalls,
    /// Things the admin should know; the apply still runs.
    pub warnings: Vec<Finding>,
    /// Things that stop the apply until fixed.
    pub blockers: Vec<Finding>,
    pub requires_confirmation: bool,
    /// Fields of the spec left out, with the reason (`Object.Field: reason`).
    pub excluded_fields: Vec<ExcludedField>,
    /// Set when the existing set's license differs: `LicenseId` is create-only (salesforce.md §C.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_change: Option<LicenseChange>,
    /// Whether the writes go in one composite request (org allows mixing Setup types, §H.Q3 [U]).
    pub composite: bool,
    /// Identifies exactly these writes: `startApply` sends it back, and the apply writes only
    /// if planning again gives the same writes (otherwise the page is shown the new preview).
    pub fingerprint: String,
    /// Set on the preview `startApply` answers instead of writing: the org changed since the
    /// preview the admin confirmed.
    #[serde(default)]
    pub changed_since_preview: bool,
}

/// Something the plan found, for the admin: a stable `code` the page may act on and a
/// `message` it shows (the page never reads the message).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub code: FindingCode,
    pub message: String,
}

impl Finding {
    pub fn new(code: FindingCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// What a [`Finding`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FindingCode {
    /// The API name breaks Salesforce's Name rules (salesforce.md §C.1).
    InvalidName,
    /// The label is missing or too long (salesforce.md §C.1).
    InvalidLabel,
    DescriptionTooLong,
    /// The permission set chosen by Id no longer exists.
    TargetMissing,
    /// The user to assign doesn't exist.
    AssigneeMissing,
    /// The set is a profile's; Forcefield writes custom sets only.
    ProfileOwnedSet,
    /// The org has no Salesforce API Integration permission set license (salesforce.md §C.6).
    NoIntegrationLicense,
    /// No seat of that license is left (salesforce.md §C.6).
    LicenseExhausted,
    /// The existing set's license differs: `LicenseId` is create-only (salesforce.md §C.1).
    LicenseCreateOnly,
    /// A system permission the org's permission sets don't have.
    UnknownSystemPermission,
    /// Read added on objects that only got fields (salesforce.md §C.2).
    ReadAdded,
    /// Read added on a master object (salesforce.md §C.2).
    MasterReadAdded,
    /// An object that takes no ObjectPermissions was left out (salesforce.md §H.Q3).
    ObjectNotGrantable,
    /// A system permission was added because a chosen one requires it (salesforce.md §H.Q5).
    PrerequisiteAdded,
    /// An object permission was added because a chosen system permission requires it
    /// (PermissionDependency of type "Object Permission", salesforce.md §I.14).
    ObjectPrerequisiteAdded,
    /// A chosen system permission requires an object permission Salesforce doesn't take for
    /// that object in this org (salesforce.md §H.Q3, §I.14).
    ObjectPrerequisiteUnavailable,
    /// A chosen system permission requires an object permission whose name Forcefield can't
    /// read (the naming is [U], salesforce.md §H.Q5).
    ObjectPrerequisiteUnread,
    /// View All Fields is granted: what it exposes, shown with its risk (salesforce.md §I.10).
    ViewAllFieldsGranted,
    /// View All Fields was asked for and this org's ObjectPermissions has no such field
    /// (API 63.0+, salesforce.md §I.10).
    ViewAllFieldsUnavailable,
    /// The assignment's expiry is not a date and time Salesforce takes (salesforce.md §I.11).
    ExpirationInvalid,
    /// The assignment's expiry is not after the org's clock.
    ExpirationPast,
    /// An expiry was given, and nobody is assigned.
    ExpirationWithoutAssignee,
    /// The set holds a permission that keeps assignments from expiring (salesforce.md §I.11).
    ExpirationNotAllowed,
}

impl FindingCode {
    /// Whether the finding is about the permission set license (the page shows these beside
    /// the license choice).
    pub fn is_license(self) -> bool {
        matches!(
            self,
            Self::NoIntegrationLicense | Self::LicenseExhausted | Self::LicenseCreateOnly
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExcludedField {
    pub field: String,
    pub reason: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ApplyStatus {
    /// More calls to make: the page calls `continueApply` again.
    Running,
    /// Stopped before writing more (session expired, API allowance spent, Salesforce out of
    /// reach): `continueApply` resumes, checking first what the last call did.
    Paused,
    /// Everything written (or nothing was needed: a repeated apply is `done` at once): the org
    /// holds what the preview showed.
    Done,
    /// A write failed before anything was written: the org is as before.
    Failed,
    /// A write failed and everything this apply had written was undone: the org is as before.
    RolledBack,
    /// A write failed and the undo could not finish (session expired, API allowance spent…):
    /// `remaining` lists what is left; `finishCleanUp` resumes the undo.
    CleanupNeeded,
    /// The undo finished what this apply could prove was its own and still held what it wrote;
    /// `attention` lists the records left untouched for the admin to decide (a stored journal
    /// that can't be read is shown this way too, with its content).
    NeedsAttention,
}

/// Why a record needs the admin's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AttentionReason {
    /// Found after a lost answer; nothing proves this apply made it (or that it didn't).
    Unproven,
    /// This apply made it, but the org no longer holds what it wrote (someone changed it since).
    ChangedSince,
    /// This apply's permission set now holds records or assignments this apply didn't make.
    HasOtherRecords,
    /// A record this apply changed or deleted is gone, or its key is taken by another record.
    Gone,
    /// Salesforce refused the undo twice.
    UndoRefused,
    /// The stored journal can't be read; its content and the record Ids it names are shown.
    UnreadableJournal,
}

/// What the admin can choose for an attention item (`resolveAttention`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AttentionAction {
    /// Delete the record anyway.
    Delete,
    /// Put back the values from before the apply anyway.
    Restore,
    /// Create the deleted record again.
    Recreate,
    /// Leave the org as it is (the admin has checked it).
    Keep,
}

/// A record left untouched for the admin, with what Forcefield found and what it can do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttentionView {
    /// Its number in `resolveAttention`.
    pub item: usize,
    pub reason: AttentionReason,
    pub sobject_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub evidence: String,
    pub actions: Vec<AttentionAction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chosen: Option<AttentionAction>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StepState {
    Pending,
    Running,
    Done,
    Failed,
    Undone,
}

/// Salesforce's own error for a failed step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepError {
    pub error_code: String,
    pub message: String,
    pub fields: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepProgress {
    pub id: String,
    pub description: String,
    pub state: StepState,
    pub done: usize,
    pub total: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<StepError>,
}

/// A record this apply created (or changed) that is still in the org after a failed undo.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemainingRecord {
    pub sobject_type: String,
    pub id: String,
    /// Where the admin sees it (Classic record URL on the org's host).
    pub url: String,
}

/// An apply's progress, as stored in its journal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyView {
    pub apply_id: String,
    /// The permission set's API name (the page's lock is keyed on the org and it).
    #[serde(default)]
    pub set_name: String,
    pub status: ApplyStatus,
    pub steps: Vec<StepProgress>,
    pub remaining: Vec<RemainingRecord>,
    /// Records left untouched for the admin's decision.
    #[serde(default)]
    pub attention: Vec<AttentionView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission_set_id: Option<String>,
    /// Which state the org is in and why, in words for the admin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The stored text of a journal that can't be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    /// Salesforce record Ids an unreadable journal names.
    #[serde(default)]
    pub named_ids: Vec<String>,
}

/// A permission set name derived from an integration's name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DerivedNames {
    pub label: String,
    pub name: String,
    /// Salesforce's Name rules the name breaks (empty when valid, salesforce.md §C.1).
    pub problems: Vec<String>,
}
