//! The one message protocol: what content scripts and extension pages ask the core, and what it
//! answers. JSON-shaped (`{"type": "...", ...}`) so the JavaScript side stays a thin pass-through.

use crate::columns::copy::{CopyMode, CopyPlan};
use crate::columns::{PageControls, PageSnapshot, RowFilter};
use crate::generator::view::{
    ApplyView, AttentionAction, DerivedNames, FieldChoice, GeneratorContext, PlanView,
    TemplateSummary,
};
use crate::model::{ObjectAccess, PermissionSetSpec};
use crate::rules::ObjectPerm;
use crate::salesforce::{ApiErrorKind, ApiVersion, DomainKind, MyDomain, OrgId};
use crate::storage::SetAside;
use crate::toggles::{SourceOption, SourceRef};
use crate::users::{UserBadge, UserIcon};
use serde::{Deserialize, Serialize};

/// Largest request read, in bytes of JSON: the largest legitimate ones are a Metadata API file at
/// its 8 MB limit (a little more once escaped) and a page snapshot at its limits (see
/// [`crate::toggles::SnapshotLimits`]).
pub const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// Why a message is not a request the core reads.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("Forcefield did not read a message of {} KB: it reads at most {} KB.", bytes.div_ceil(1024), MAX_REQUEST_BYTES / 1024)]
    TooLarge { bytes: usize },
    #[error("Forcefield received a message it does not understand: {0}")]
    NotUnderstood(#[from] serde_json::Error),
}

impl Request {
    /// Reads a request from its JSON text: the one way a host hands the core a request.
    pub fn from_json(json: &str) -> Result<Self, RequestError> {
        if json.len() > MAX_REQUEST_BYTES {
            return Err(RequestError::TooLarge { bytes: json.len() });
        }
        Ok(serde_json::from_str(json)?)
    }
}

/// A request to the core.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Request {
    /// A content script saw a Salesforce page load in its frame. The core takes the frame's URL
    /// from the browser's sender record, never from the page.
    PageLoaded {
        surface: Surface,
    },
    // ----- Bulk toggles (crate::columns). The org of the copy requests is the sender frame's.
    /// A content script's snapshot of its page's tables. The answer names the columns that get a
    /// toggle and each box's dependency closure, so toggles, pastes and copies run on the page
    /// without a round trip.
    PlanColumns {
        snapshot: PageSnapshot,
        /// The admin's filter over one table's rows, for the initial header states.
        #[serde(default)]
        filter: Option<RowFilter>,
    },
    /// The permission sets and profiles to copy access from.
    AccessSources {},
    /// One source's object and field permissions for the page's object, as box states.
    CopyAccess {
        source: SourceRef,
        mode: CopyMode,
        snapshot: PageSnapshot,
    },
    /// The popup asks about the org open in a tab.
    OrgStatus {
        #[serde(rename = "tabUrl")]
        tab_url: String,
    },
    /// The popup turns Forcefield on or off for one org.
    SetOrgEnabled {
        #[serde(rename = "orgId")]
        org_id: OrgId,
        enabled: bool,
    },
    /// The admin forgets the unreadable values kept aside for a storage key (settings, icons,
    /// templates): the popup's or the generator page's "Forget" (extension pages only).
    ForgetUnreadable {
        key: String,
    },
    // ----- The permission set generator (issue #6). Requests come from the generator page, an
    // extension page without a sender URL, so each names its org by `orgUrl`: any Salesforce URL
    // of that org (the tab's URL), resolved to a session exactly as `orgStatus` does.
    /// Everything the generator page needs to open: org, user, grantable objects, system
    /// permissions, the integration PSL, existing permission sets, saved templates.
    #[serde(rename_all = "camelCase")]
    GeneratorContext {
        org_url: String,
        #[serde(default)]
        user_id: Option<String>,
    },
    /// One object's fields with what can be granted on each and why not (salesforce.md §C.3, §C.4).
    #[serde(rename_all = "camelCase")]
    ObjectFields {
        org_url: String,
        sobject: String,
    },
    /// A spec copied from an existing permission set's or profile's access.
    #[serde(rename_all = "camelCase")]
    LoadAccess {
        org_url: String,
        source: AccessSource,
    },
    /// A spec from the union of several permission sets and profiles (issue #16).
    #[serde(rename_all = "camelCase")]
    LoadUnion {
        org_url: String,
        sources: Vec<AccessSource>,
    },
    /// A spec read from a Metadata API PermissionSet XML file (salesforce.md §E). `fileName`
    /// (optional, additive to the contract) gives the API name when the file has no `<fullName>`.
    #[serde(rename_all = "camelCase")]
    ImportXml {
        xml: String,
        #[serde(default)]
        file_name: Option<String>,
    },
    /// The spec as `<Name>.permissionset-meta.xml` (salesforce.md §E, §H.Q4).
    ExportXml {
        spec: PermissionSetSpec,
    },
    SaveTemplate {
        name: String,
        spec: PermissionSetSpec,
    },
    DeleteTemplate {
        name: String,
    },
    LoadTemplate {
        name: String,
    },
    /// The generator page's object access after the admin sets one permission, with
    /// Salesforce's dependencies applied the way Setup's checkboxes follow each other.
    ObjectAccessChange {
        access: ObjectAccess,
        permission: ObjectPerm,
        on: bool,
    },
    /// One object's access after View All Fields is turned on or off (on brings Read,
    /// salesforce.md §I.10).
    ViewAllFieldsChange {
        access: ObjectAccess,
        on: bool,
    },
    /// Label "Integration – <name>" and an API name checked against Salesforce's Name rules.
    #[serde(rename_all = "camelCase")]
    DeriveNames {
        integration_name: String,
    },
    /// What an apply would do; reads the org, writes nothing.
    #[serde(rename_all = "camelCase")]
    PlanPermissionSet {
        org_url: String,
        spec: PermissionSetSpec,
        #[serde(default)]
        assignee_id: Option<String>,
        /// Update this set instead of the one named `spec.name`.
        #[serde(default)]
        target_permission_set_id: Option<String>,
        /// Send every write in one composite request. Only for orgs known to accept several
        /// Setup object types in one composite (salesforce.md §H.Q3 [U]); the default is one type per call.
        #[serde(default)]
        use_composite: bool,
    },
    /// Plans again against the org as it is now and starts the apply: persists its journal and
    /// makes no write yet. The page then calls `continueApply` until the status is not `running`.
    #[serde(rename_all = "camelCase")]
    StartApply {
        org_url: String,
        spec: PermissionSetSpec,
        #[serde(default)]
        assignee_id: Option<String>,
        #[serde(default)]
        target_permission_set_id: Option<String>,
        #[serde(default)]
        use_composite: bool,
        /// Required on production orgs.
        #[serde(default)]
        confirmed_production: bool,
        /// The previewed plan's `fingerprint`: if the org changed since, nothing is written and
        /// the new preview is the answer (`plan` with `changedSincePreview`).
        #[serde(default)]
        fingerprint: Option<String>,
        /// A new, unique Id for this apply (the page makes a random one); one is derived when
        /// absent.
        #[serde(default)]
        apply_id: Option<String>,
    },
    /// Performs the next write call (or, after a failure, the next undo call) and persists the
    /// journal before answering, so an apply survives the background worker stopping.
    #[serde(rename_all = "camelCase")]
    ContinueApply {
        org_url: String,
        apply_id: String,
    },
    /// Retries the undo of a failed apply whose clean-up could not finish (session expired, API
    /// allowance spent); one call per request, like `continueApply`.
    #[serde(rename_all = "camelCase")]
    FinishCleanUp {
        org_url: String,
        apply_id: String,
    },
    /// Applies of this org still running, paused, needing clean-up or a decision.
    #[serde(rename_all = "camelCase")]
    PendingApplies {
        org_url: String,
    },
    /// The admin's decision about a record an apply left untouched (`item` of its
    /// `attention`): `keep`, or undo it anyway; the page then continues the apply.
    #[serde(rename_all = "camelCase")]
    ResolveAttention {
        org_url: String,
        apply_id: String,
        item: usize,
        action: AttentionAction,
    },
    /// Creates the integration user (Salesforce Integration license, the API-only profile found
    /// by its license, salesforce.md §C.7). Cannot be undone: users can only be deactivated.
    #[serde(rename_all = "camelCase")]
    CreateIntegrationUser {
        org_url: String,
        #[serde(default)]
        first_name: Option<String>,
        last_name: String,
        username: String,
        email: String,
        #[serde(default)]
        alias: Option<String>,
    },
    // ----- Default record types of a profile (issue #16 item 1), from the record types page, an
    // extension page that names its org by `orgUrl` like the generator's requests.
    /// A profile's default record types per object: the profile of `userId`, or `profileId`.
    #[cfg(feature = "record-types")]
    #[serde(rename_all = "camelCase")]
    RecordTypeDefaults {
        org_url: String,
        #[serde(default)]
        user_id: Option<String>,
        #[serde(default)]
        profile_id: Option<String>,
    },
    /// Makes `recordType` the default of its object for the profile, after the admin confirmed;
    /// `shownDefault` is the default the page showed (nothing is sent if the org has another by
    /// now). The profile's fields are the ones `recordTypeDefaults` answered.
    #[cfg(feature = "record-types")]
    #[serde(rename_all = "camelCase")]
    SetDefaultRecordType {
        org_url: String,
        profile_id: String,
        profile_name: String,
        profile_full_name: String,
        record_type: String,
        #[serde(default)]
        shown_default: Option<String>,
    },
    /// A content script lists the users its page links to (Ids from the links, 15 or 18
    /// characters); the core answers with the badges of the marked ones. The org is the
    /// sender frame's, as for `PageLoaded`.
    BadgeUsers {
        #[serde(rename = "userIds")]
        user_ids: Vec<String>,
    },
    /// The admin picks (or with `null`, removes) an integration user's icon.
    SetUserIcon {
        #[serde(rename = "userId")]
        user_id: String,
        icon: Option<UserIcon>,
    },
    /// "Use as profile photo": a PNG (base64) becomes the user's Salesforce profile photo.
    SetProfilePhoto {
        #[serde(rename = "userId")]
        user_id: String,
        #[serde(rename = "pngBase64")]
        png_base64: String,
    },
    // ----- Access review and "can this set be assigned?" (issue #15, crate::access). Reads only.
    /// The health panel: which permission sets of the sender frame's org can be assigned to this
    /// integration user, and what blocks the others.
    AssignableSets {
        #[serde(rename = "userId")]
        user_id: String,
    },
    /// The same from an extension page (the access review), for the org of `orgUrl`.
    #[cfg(feature = "generator")]
    #[serde(rename_all = "camelCase")]
    CheckAssignableSets {
        org_url: String,
        user_id: String,
    },
    /// The access review of an integration user.
    #[cfg(feature = "generator")]
    #[serde(rename_all = "camelCase")]
    AccessReview {
        org_url: String,
        user_id: String,
    },
    /// The review as the page shows it: filtered and sorted (no API call).
    #[cfg(feature = "generator")]
    AccessTable {
        review: Box<crate::access::review::AccessReview>,
        #[serde(default)]
        query: crate::access::table::TableQuery,
    },
    /// The review as CSV, filtered as shown (no API call).
    #[cfg(feature = "generator")]
    AccessCsv {
        review: Box<crate::access::review::AccessReview>,
        #[serde(default)]
        query: crate::access::table::TableQuery,
    },
    /// "Generate a narrower set": today's access minus the flagged grants, as a generator spec;
    /// answered with `spec` (its `warnings` list each grant left out).
    #[cfg(feature = "generator")]
    #[serde(rename_all = "camelCase")]
    NarrowerSpec {
        org_url: String,
        user_id: String,
    },
    /// The generator, before it applies: can the set it is about to create be assigned?
    #[cfg(feature = "generator")]
    #[serde(rename_all = "camelCase")]
    CheckSpecAssignment {
        org_url: String,
        spec: PermissionSetSpec,
        #[serde(default)]
        assignee_id: Option<String>,
    },
}

/// Where `loadAccess` copies access from: `{"permissionSetId": "0PS…"}` or `{"profileId": "00e…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AccessSource {
    PermissionSet {
        #[serde(rename = "permissionSetId")]
        permission_set_id: String,
    },
    Profile {
        #[serde(rename = "profileId")]
        profile_id: String,
    },
}

/// What kind of Salesforce page a content script is in (salesforce.md §A.3, §D.1, §D.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Surface {
    /// The Lightning Setup shell (`#auraLoadingBox`, `/lightning/setup/…`).
    LightningSetup,
    /// A Classic Setup page (`body.sfdcBody`), usually inside the shell's iframe.
    ClassicSetup,
}

/// The core's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Reply {
    /// Whether the content script should enhance its page. Carries no session data.
    PageVerdict {
        enhance: bool,
        #[serde(rename = "orgId")]
        org_id: Option<OrgId>,
    },
    ColumnPlans(PageControls),
    AccessSources {
        sources: Vec<SourceOption>,
    },
    AccessCopy {
        plan: CopyPlan,
    },
    OrgStatus(OrgStatus),
    OrgEnabled {
        #[serde(rename = "orgId")]
        org_id: OrgId,
        enabled: bool,
    },
    /// Badges for the marked users of a page. With `error`, `badges` is empty: the page shows
    /// one message and no badge rather than some badges.
    UserBadges {
        badges: Vec<UserBadge>,
        error: Option<BadgeProblem>,
    },
    /// The unreadable values kept aside for `key` are gone.
    Forgotten {
        key: String,
    },
    UserIconSaved {
        #[serde(rename = "userId")]
        user_id: String,
        icon: Option<UserIcon>,
    },
    ProfilePhotoSet {
        #[serde(rename = "userId")]
        user_id: String,
        #[serde(rename = "photoUrl")]
        photo_url: Option<String>,
    },
    /// The request itself could not be served. For generator requests the message includes
    /// Salesforce's own message where there is one.
    Failed {
        message: String,
    },
    GeneratorContext(GeneratorContext),
    ObjectFields {
        sobject: String,
        fields: Vec<FieldChoice>,
    },
    /// A spec (from `loadAccess`, `importXml`, `loadTemplate`) and what could not be carried over.
    Spec {
        spec: PermissionSetSpec,
        warnings: Vec<String>,
    },
    #[serde(rename_all = "camelCase")]
    Xml {
        file_name: String,
        xml: String,
    },
    Templates {
        templates: Vec<TemplateSummary>,
    },
    ObjectAccess {
        access: ObjectAccess,
    },
    Names(DerivedNames),
    Plan {
        plan: PlanView,
    },
    ApplyProgress {
        apply: ApplyView,
    },
    Applies {
        applies: Vec<ApplyView>,
    },
    #[serde(rename_all = "camelCase")]
    UserCreated {
        user_id: String,
        username: String,
    },
    AssignableSets(crate::access::requests::AssignableSets),
    #[cfg(feature = "generator")]
    #[serde(rename_all = "camelCase")]
    AccessReview {
        review: Box<crate::access::review::AccessReview>,
        /// API calls the review took.
        api_calls: usize,
    },
    #[cfg(feature = "generator")]
    AccessTable(crate::access::table::TableView),
    #[cfg(feature = "generator")]
    #[serde(rename_all = "camelCase")]
    AccessCsv {
        file_name: String,
        csv: String,
    },
    #[cfg(feature = "generator")]
    SpecAssignment(crate::access::requests::SpecAssignment),
    #[cfg(feature = "record-types")]
    RecordTypeDefaults(crate::record_types::RecordTypeDefaults),
    /// The default is set and the profile, read again, shows it.
    #[cfg(feature = "record-types")]
    DefaultRecordTypeSet {
        object: crate::record_types::ObjectRecordTypes,
    },
    /// Nothing was changed (or, when Salesforce said it saved but didn't, what it has instead):
    /// one message, and the profile's record type page in Setup when that is the way on.
    #[cfg(feature = "record-types")]
    #[serde(rename_all = "camelCase")]
    DefaultRecordTypeNotSet {
        message: String,
        settings_url: Option<String>,
    },
}

/// Why a page's users could not be badged, in words for the admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BadgeProblem {
    pub kind: Option<ApiErrorKind>,
    pub message: String,
}

/// What the popup shows about a tab's org.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum OrgStatus {
    /// The tab is not on a Salesforce org Forcefield can use; `reason` says why in plain words.
    Unavailable {
        reason: String,
        #[serde(rename = "errorKind")]
        error_kind: Option<ApiErrorKind>,
        #[serde(rename = "orgId")]
        org_id: Option<OrgId>,
    },
    #[serde(rename_all = "camelCase")]
    Connected {
        org_id: OrgId,
        org_name: String,
        my_domain: Option<MyDomain>,
        api_host: String,
        kind: DomainKind,
        api_version: ApiVersion,
        user_name: String,
        username: String,
        enabled: bool,
        /// Why Forcefield is off here although the admin did not switch it off: its settings
        /// could not be read (unreadable settings never turn it on).
        #[serde(default)]
        settings_problem: Option<String>,
        /// This org's stored values that could not be read, kept aside (settings, icons).
        #[serde(default)]
        set_aside: Vec<SetAside>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_beyond_the_size_limit_is_refused_with_a_clear_message() {
        let xml = "x".repeat(MAX_REQUEST_BYTES);
        let json = format!(r#"{{"type":"importXml","xml":"{xml}"}}"#);
        match Request::from_json(&json) {
            Err(e @ RequestError::TooLarge { .. }) => {
                assert!(e.to_string().contains("it reads at most 16384 KB"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        let small = r#"{"type":"importXml","xml":"<PermissionSet/>"}"#;
        assert!(matches!(
            Request::from_json(small),
            Ok(Request::ImportXml { .. })
        ));
        assert!(matches!(
            Request::from_json("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["),
            Err(RequestError::NotUnderstood(_))
        ));
    }
}
