//! The permission set generator's messages. A content script may only ask to open the generator
//! (for a user of its own frame's org); everything else comes from the generator page, an
//! extension page, and names its org by `orgUrl`: any Salesforce URL of that org (the tab's URL),
//! resolved to a session exactly as the popup's `orgStatus` is.

use super::Ask;
#[cfg(feature = "generator")]
use crate::generator::view::{
    ApplyView, AttentionAction, DerivedNames, FieldChoice, GeneratorContext, PlanView,
    TemplateSummary,
};
#[cfg(feature = "generator")]
use crate::model::{ObjectAccess, PermissionSetSpec};
#[cfg(feature = "generator")]
use crate::rules::ObjectPerm;
use serde::{Deserialize, Serialize};

super::request_enum! {
    /// A content script's generator request.
    pub enum FrameGeneratorRequest {
        "openGenerator" => OpenGenerator(OpenGenerator),
    }
}

/// "Generate permission set" on a Setup page: opens the generator beside the sender's tab,
/// for one user of the frame's org or for none (the permission set list).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenGenerator {
    #[serde(rename = "userId", default)]
    pub user_id: Option<String>,
}

impl Ask for OpenGenerator {
    type Reply = GeneratorOpened;
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratorOpened {}

#[cfg(feature = "generator")]
super::request_enum! {
    /// The generator page's requests.
    pub enum GeneratorRequest {
        "generatorContext" => GeneratorContext(GetGeneratorContext),
        "objectFields" => ObjectFields(GetObjectFields),
        "loadAccess" => LoadAccess(LoadAccess),
        "loadUnion" => LoadUnion(LoadUnion),
        "importXml" => ImportXml(ImportXml),
        "exportXml" => ExportXml(ExportXml),
        "saveTemplate" => SaveTemplate(SaveTemplate),
        "deleteTemplate" => DeleteTemplate(DeleteTemplate),
        "loadTemplate" => LoadTemplate(LoadTemplate),
        "objectAccessChange" => ObjectAccessChange(ChangeObjectAccess),
        "viewAllFieldsChange" => ViewAllFieldsChange(ChangeViewAllFields),
        "systemPermissionChange" => SystemPermissionChange(ChangeSystemPermission),
        "deriveNames" => DeriveNames(DeriveNames),
        "planPermissionSet" => PlanPermissionSet(PlanPermissionSet),
        "startApply" => StartApply(StartApply),
        "continueApply" => ContinueApply(ContinueApply),
        "finishCleanUp" => FinishCleanUp(FinishCleanUp),
        "pendingApplies" => PendingApplies(ListPendingApplies),
        "resolveAttention" => ResolveAttention(ResolveAttention),
        "createIntegrationUser" => CreateIntegrationUser(CreateIntegrationUser),
    }
}

/// The generator's answers (to the page, and `generatorOpened` to a content script).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum GeneratorReply {
    GeneratorOpened(GeneratorOpened),
    #[cfg(feature = "generator")]
    GeneratorContext(GeneratorContext),
    #[cfg(feature = "generator")]
    ObjectFields(ObjectFields),
    #[cfg(feature = "generator")]
    Spec(LoadedSpec),
    #[cfg(feature = "generator")]
    Xml(XmlFile),
    #[cfg(feature = "generator")]
    Templates(Templates),
    #[cfg(feature = "generator")]
    ObjectAccess(ChangedAccess),
    #[cfg(feature = "generator")]
    SystemPermissions(ChosenSystemPermissions),
    #[cfg(feature = "generator")]
    Names(DerivedNames),
    #[cfg(feature = "generator")]
    Plan(Planned),
    #[cfg(feature = "generator")]
    ApplyProgress(ApplyProgress),
    #[cfg(feature = "generator")]
    Applies(PendingApplies),
    #[cfg(feature = "generator")]
    UserCreated(UserCreated),
}

/// Everything the generator page needs to open: org, user, grantable objects, system
/// permissions, the integration PSL, existing permission sets, saved templates.
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetGeneratorContext {
    pub org_url: String,
    #[serde(default)]
    pub user_id: Option<String>,
}

#[cfg(feature = "generator")]
impl Ask for GetGeneratorContext {
    type Reply = GeneratorContext;
}

/// One object's fields with what can be granted on each and why not (salesforce.md §C.3, §C.4).
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetObjectFields {
    pub org_url: String,
    pub sobject: String,
}

#[cfg(feature = "generator")]
impl Ask for GetObjectFields {
    type Reply = ObjectFields;
}

#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectFields {
    pub sobject: String,
    pub fields: Vec<FieldChoice>,
}

/// A spec copied from an existing permission set's or profile's access.
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadAccess {
    pub org_url: String,
    pub source: AccessSource,
}

#[cfg(feature = "generator")]
impl Ask for LoadAccess {
    type Reply = LoadedSpec;
}

/// A spec from the union of several permission sets and profiles (issue #16).
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadUnion {
    pub org_url: String,
    pub sources: Vec<AccessSource>,
}

#[cfg(feature = "generator")]
impl Ask for LoadUnion {
    type Reply = LoadedSpec;
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

/// A spec (from `loadAccess`, `importXml`, `loadTemplate`) and what could not be carried over.
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadedSpec {
    pub spec: PermissionSetSpec,
    pub warnings: Vec<String>,
}

/// A spec read from a Metadata API PermissionSet XML file (salesforce.md §E). `fileName`
/// (optional, additive to the contract) gives the API name when the file has no `<fullName>`.
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportXml {
    pub xml: String,
    #[serde(default)]
    pub file_name: Option<String>,
}

#[cfg(feature = "generator")]
impl Ask for ImportXml {
    type Reply = LoadedSpec;
}

/// The spec as `<Name>.permissionset-meta.xml` (salesforce.md §E, §H.Q4).
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportXml {
    pub spec: PermissionSetSpec,
}

#[cfg(feature = "generator")]
impl Ask for ExportXml {
    type Reply = XmlFile;
}

#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct XmlFile {
    pub file_name: String,
    pub xml: String,
}

#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveTemplate {
    pub name: String,
    pub spec: PermissionSetSpec,
}

#[cfg(feature = "generator")]
impl Ask for SaveTemplate {
    type Reply = Templates;
}

#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteTemplate {
    pub name: String,
}

#[cfg(feature = "generator")]
impl Ask for DeleteTemplate {
    type Reply = Templates;
}

/// The saved templates after a save or a delete.
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Templates {
    pub templates: Vec<TemplateSummary>,
}

#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadTemplate {
    pub name: String,
}

#[cfg(feature = "generator")]
impl Ask for LoadTemplate {
    type Reply = LoadedSpec;
}

/// The generator page's object access after the admin sets one permission, with Salesforce's
/// dependencies applied the way Setup's checkboxes follow each other.
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeObjectAccess {
    pub access: ObjectAccess,
    pub permission: ObjectPerm,
    pub on: bool,
}

#[cfg(feature = "generator")]
impl Ask for ChangeObjectAccess {
    type Reply = ChangedAccess;
}

/// One object's access after View All Fields is turned on or off (on brings Read,
/// salesforce.md §I.10).
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeViewAllFields {
    pub access: ObjectAccess,
    pub on: bool,
}

#[cfg(feature = "generator")]
impl Ask for ChangeViewAllFields {
    type Reply = ChangedAccess;
}

#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedAccess {
    pub access: ObjectAccess,
}

/// The chosen system permissions after one is turned on or off. `requires` is what the core
/// said each permission requires (`GeneratorContext.systemPermissions[].requires`, every level).
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSystemPermission {
    pub chosen: Vec<String>,
    pub name: String,
    pub on: bool,
    #[serde(default)]
    pub requires: std::collections::BTreeMap<String, Vec<String>>,
}

#[cfg(feature = "generator")]
impl Ask for ChangeSystemPermission {
    type Reply = ChosenSystemPermissions;
}

#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChosenSystemPermissions {
    pub chosen: Vec<String>,
}

/// Label "Integration – <name>" and an API name checked against Salesforce's Name rules.
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeriveNames {
    pub integration_name: String,
}

#[cfg(feature = "generator")]
impl Ask for DeriveNames {
    type Reply = DerivedNames;
}

/// What an apply would do; reads the org, writes nothing.
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanPermissionSet {
    pub org_url: String,
    pub spec: PermissionSetSpec,
    #[serde(default)]
    pub assignee_id: Option<String>,
    /// Update this set instead of the one named `spec.name`.
    #[serde(default)]
    pub target_permission_set_id: Option<String>,
    /// Send every write in one composite request. Only for orgs known to accept several Setup
    /// object types in one composite (salesforce.md §H.Q3 [U]); the default is one type per call.
    #[serde(default)]
    pub use_composite: bool,
}

#[cfg(feature = "generator")]
impl Ask for PlanPermissionSet {
    type Reply = Planned;
}

#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planned {
    pub plan: PlanView,
}

/// Plans again against the org as it is now and starts the apply: persists its journal and
/// makes no write yet. The page then calls `continueApply` until the status is not `running`.
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartApply {
    pub org_url: String,
    pub spec: PermissionSetSpec,
    #[serde(default)]
    pub assignee_id: Option<String>,
    #[serde(default)]
    pub target_permission_set_id: Option<String>,
    #[serde(default)]
    pub use_composite: bool,
    /// Required on production orgs.
    #[serde(default)]
    pub confirmed_production: bool,
    /// The previewed plan's `fingerprint`: if the org changed since, nothing is written and
    /// the new preview is the answer (`plan` with `changedSincePreview`).
    #[serde(default)]
    pub fingerprint: Option<String>,
    /// A new, unique Id for this apply (the page makes a random one); one is derived when
    /// absent.
    #[serde(default)]
    pub apply_id: Option<String>,
}

/// `startApply`'s answer: the apply started ([`ApplyProgress`]), or, when the org changed since
/// the preview, the new preview instead of any write ([`Planned`] with `changedSincePreview`).
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(
    clippy::large_enum_variant,
    reason = "one answer per call, built and encoded once; boxing buys nothing"
)]
pub enum ApplyStarted {
    Started(ApplyProgress),
    ChangedSincePreview(Planned),
}

#[cfg(feature = "generator")]
impl Ask for StartApply {
    type Reply = ApplyStarted;
}

/// Where an apply stands.
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyProgress {
    pub apply: ApplyView,
}

/// Performs the next write call (or, after a failure, the next undo call) and persists the
/// journal before answering, so an apply survives the background worker stopping.
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContinueApply {
    pub org_url: String,
    pub apply_id: String,
}

#[cfg(feature = "generator")]
impl Ask for ContinueApply {
    type Reply = ApplyProgress;
}

/// Retries the undo of a failed apply whose clean-up could not finish (session expired, API
/// allowance spent); one call per request, like `continueApply`.
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FinishCleanUp {
    pub org_url: String,
    pub apply_id: String,
}

#[cfg(feature = "generator")]
impl Ask for FinishCleanUp {
    type Reply = ApplyProgress;
}

/// Applies of this org still running, paused, needing clean-up or a decision.
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPendingApplies {
    pub org_url: String,
}

#[cfg(feature = "generator")]
impl Ask for ListPendingApplies {
    type Reply = PendingApplies;
}

#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingApplies {
    pub applies: Vec<ApplyView>,
}

/// The admin's decision about a record an apply left untouched (`item` of its `attention`):
/// `keep`, or undo it anyway; the page then continues the apply.
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolveAttention {
    pub org_url: String,
    pub apply_id: String,
    pub item: usize,
    pub action: AttentionAction,
}

#[cfg(feature = "generator")]
impl Ask for ResolveAttention {
    type Reply = ApplyProgress;
}

/// Creates the integration user (Salesforce Integration license, the API-only profile found by
/// its license, salesforce.md §C.7). Cannot be undone: users can only be deactivated.
#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateIntegrationUser {
    pub org_url: String,
    #[serde(default)]
    pub first_name: Option<String>,
    pub last_name: String,
    pub username: String,
    pub email: String,
    #[serde(default)]
    pub alias: Option<String>,
}

#[cfg(feature = "generator")]
impl Ask for CreateIntegrationUser {
    type Reply = UserCreated;
}

#[cfg(feature = "generator")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserCreated {
    pub user_id: String,
    pub username: String,
}
