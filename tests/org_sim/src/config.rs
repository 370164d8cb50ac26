//! Run-time configuration of the sim: network, paging, latency, API allowance, and one switch
//! per behaviour that docs/salesforce.md marks [U] (unconfirmed), so tests can exercise both
//! outcomes.

use std::net::{IpAddr, Ipv4Addr};

/// Which host serves the Classic page framed by the `*.lightning.force.com` Setup shell.
/// Exact frame origin per org type is [U] (salesforce.md §D.1, §G).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClassicFrameHost {
    /// `<org>.my.salesforce.com` ("different subdomain" in older Lightning, salesforce.md §D.1). That
    /// frame is cross-site from `*.lightning.force.com`, so browsers that block third-party
    /// cookies (current Chromium, Firefox) show it the login page.
    MyDomain,
    /// The shell's own host (same-origin frame, as on the Setup domain, salesforce.md §D.1). Default,
    /// because it is what works in current browsers.
    #[default]
    SameHost,
}

/// What happens when an update leaves an ObjectPermissions/FieldPermissions row with every
/// permission false. salesforce.md §C.2 [S]: rejected ("you cannot have … all FALSE … delete the
/// record"); salesforce.md §C.3 [C]: a FieldPermissions row without Read "will be deleted".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AllFalsePermissions {
    /// Reject the write (default).
    #[default]
    Reject,
    /// Delete the row instead (updates only; an all-false insert is still rejected).
    Delete,
}

/// What the org does with a Metadata API update of record type visibilities of standard objects
/// on the standard integration profile "Minimum Access - API Only Integrations". Whether
/// Salesforce accepts it is [U] (salesforce.md §H.Q6, §I.13): its Setup page doesn't offer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IntegrationProfileRecordTypes {
    /// Saved like on any other profile.
    Accept,
    /// `SaveResult` `success` false with `codes.record_type_settings` (default; the stricter
    /// reading: the sim never forgives more than Salesforce might).
    #[default]
    Refuse,
    /// `success` true but nothing saved: only reading the profile again shows it.
    Ignore,
}

impl IntegrationProfileRecordTypes {
    /// The CLI spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "accept" => Some(Self::Accept),
            "refuse" => Some(Self::Refuse),
            "ignore" => Some(Self::Ignore),
            _ => None,
        }
    }
}

/// errorCodes the facts leave open ([U], salesforce.md §H.Q3 table, §H.10). Each is a choice of the
/// sim; change them with `--error-code NAME=CODE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnconfirmedCodes {
    /// Duplicate PermissionSetAssignment (text confirmed, code [U]; salesforce.md §C.5, §H.Q3).
    pub duplicate_assignment: String,
    /// Duplicate PermissionSetLicenseAssign (prefix "duplicate value found" [C]; code [S]).
    pub duplicate_license_assignment: String,
    /// Permission set license with no licenses left ([U], salesforce.md §C.5, §H.Q3).
    pub psl_exhausted: String,
    /// Several types in one write call when one is a Setup object ([U], salesforce.md §B.3, §H.Q3).
    pub mixed_setup_types: String,
    /// FieldPermissions Edit without Read ([U], salesforce.md §C.3, §H.Q3).
    pub field_edit_without_read: String,
    /// FieldPermissions Edit on formula / auto-number / roll-up fields ([U], salesforce.md §C.3).
    pub read_only_field_edit: String,
    /// An ObjectPermissions/FieldPermissions row with every permission false ([U], §C.2).
    pub all_false: String,
    /// PermissionSet Name not matching the API-name rules ([U]; rules per salesforce.md §C.1).
    pub invalid_api_name: String,
    /// A Profile update naming a record type that doesn't exist ([S] by analogy: an update naming
    /// a missing component answers INVALID_CROSS_REFERENCE_KEY "In field: … - no … named … found",
    /// salesforce.md §I.12).
    pub unknown_record_type: String,
    /// A Profile update the org refuses for its record type settings: two defaults for one object,
    /// an invisible or inactive default, the integration profile when
    /// [`IntegrationProfileRecordTypes::Refuse`] ([U]: codes and messages are the sim's).
    pub record_type_settings: String,
}

impl Default for UnconfirmedCodes {
    fn default() -> Self {
        Self {
            duplicate_assignment: "DUPLICATE_VALUE".into(),
            duplicate_license_assignment: "DUPLICATE_VALUE".into(),
            psl_exhausted: "LICENSE_LIMIT_EXCEEDED".into(),
            mixed_setup_types: "MIXED_DML_OPERATION".into(),
            field_edit_without_read: "FIELD_INTEGRITY_EXCEPTION".into(),
            read_only_field_edit: "FIELD_INTEGRITY_EXCEPTION".into(),
            all_false: "FIELD_INTEGRITY_EXCEPTION".into(),
            invalid_api_name: "FIELD_INTEGRITY_EXCEPTION".into(),
            unknown_record_type: "INVALID_CROSS_REFERENCE_KEY".into(),
            record_type_settings: "FIELD_INTEGRITY_EXCEPTION".into(),
        }
    }
}

impl UnconfirmedCodes {
    /// The names accepted by [`UnconfirmedCodes::set`].
    pub const NAMES: &'static [&'static str] = &[
        "duplicate_assignment",
        "duplicate_license_assignment",
        "psl_exhausted",
        "mixed_setup_types",
        "field_edit_without_read",
        "read_only_field_edit",
        "all_false",
        "invalid_api_name",
        "unknown_record_type",
        "record_type_settings",
    ];

    /// Sets one code by name; false if the name is unknown.
    pub fn set(&mut self, name: &str, code: &str) -> bool {
        let slot = match name {
            "duplicate_assignment" => &mut self.duplicate_assignment,
            "duplicate_license_assignment" => &mut self.duplicate_license_assignment,
            "psl_exhausted" => &mut self.psl_exhausted,
            "mixed_setup_types" => &mut self.mixed_setup_types,
            "field_edit_without_read" => &mut self.field_edit_without_read,
            "read_only_field_edit" => &mut self.read_only_field_edit,
            "all_false" => &mut self.all_false,
            "invalid_api_name" => &mut self.invalid_api_name,
            "unknown_record_type" => &mut self.unknown_record_type,
            "record_type_settings" => &mut self.record_type_settings,
            _ => return false,
        };
        code.clone_into(slot);
        true
    }
}

/// Configuration of a sim instance. `Default` is what tests want: loopback, ephemeral port.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Address to bind.
    pub bind: IpAddr,
    /// Port; 0 picks an ephemeral port (see `RunningSim::port`).
    pub port: u16,
    /// Records per query batch; real default and maximum 2000 (salesforce.md §B.1).
    pub query_page_size: usize,
    /// Delay before every (non-admin) response, in milliseconds.
    pub latency_ms: u64,
    /// Extra random delay 0..=jitter per response, from a deterministic PRNG.
    pub latency_jitter_ms: u64,
    /// Seed of the latency PRNG (same seed, same delays).
    pub latency_seed: u64,
    /// Daily API request allowance per org (salesforce.md §B.2: REQUEST_LIMIT_EXCEEDED once spent;
    /// `Sforce-Limit-Info: api-usage=N/<allowance>`). Enterprise orgs get 15000+.
    pub api_allowance: u64,
    /// When true, `sid`s issued for the setup-domain host are also valid for the REST API.
    /// [U] salesforce.md §A.3 / §H.Q7 (SUPR implies yes, SFIR avoids it). Default false.
    pub ui_sessions_valid_for_api: bool,
    /// Max API version of production orgs (e.g. `acme`). Production lags sandboxes during a
    /// release (salesforce.md §A.4: v66.0 = Spring '26).
    pub prod_api_version: String,
    /// Max API version of sandbox orgs (e.g. `acme--uat`).
    pub sandbox_api_version: String,
    /// Host of the Classic frame inside the `*.lightning.force.com` shell ([U] salesforce.md §D.1, §G).
    pub classic_frame_host: ClassicFrameHost,
    /// `User.UserType` of integration users; [U] salesforce.md §C.7 / §H.Q4 ("probably Standard").
    pub integration_user_type: String,
    /// `UserLicense.LicenseDefinitionKey` of "Salesforce Integration"; [U] salesforce.md §C.7 / §H.Q4
    /// (not in any documented key list; this default is invented).
    pub integration_license_key: String,
    /// Rows per page of the Classic Users list when `rowsperpage` is absent; [U] salesforce.md §H.Q1
    /// attests only the `rowsperpage` parameter and its 1000 maximum.
    pub users_list_page_size: usize,
    /// Whether the Users list's paging links and rolodex letters re-render the list in place
    /// (fetch + swap, as enhanced Setup lists do) instead of loading a new page. salesforce.md §H.Q1
    /// attests plain links (`.listElementBottomNav div.next a`, `a.listItem`) and
    /// server-rendered rows; in-place re-rendering is [U]. Default false.
    pub users_list_ajax: bool,
    /// Whether one composite / graph request may write several Setup object types (or mix
    /// them with data types); [U] salesforce.md §H.Q3. Default false: the later write fails with
    /// `codes.mixed_setup_types`.
    pub allow_mixed_setup_types_in_composite: bool,
    /// Extra user-permission dependencies `(permission, required permission)`, API names
    /// without `Permissions`; dependencies of PasswordNeverExpires / ViewEncryptedData are [U]
    /// (salesforce.md §H.Q5), so none by default.
    pub extra_permission_dependencies: Vec<(String, String)>,
    /// `PermissionSet.Type` of profile-owned permission sets; [U] salesforce.md §C.1.
    pub profile_permission_set_type: String,
    /// All-false permission rows on update; see [`AllFalsePermissions`].
    pub all_false_permissions: AllFalsePermissions,
    /// errorCodes the facts leave open.
    pub codes: UnconfirmedCodes,
    /// Language of Setup page labels (headers, button values, section titles); ids, classes
    /// and API-name titles never change (salesforce.md §D.2: labels are localized).
    pub locale: crate::pages::i18n::Locale,
    /// Which of the [U] system permissions in [`INTEGRATION_CHECKED_PERMISSIONS`] a permission
    /// set assigned to a Salesforce-Integration-license user may grant (salesforce.md §H.Q5: allowed
    /// for the license / the API Integration PSL is [U] for both). Default: both allowed.
    pub integration_license_allows: Vec<String>,
    /// Whether `PermissionsApiEnabled = true` on a permission set licensed with the
    /// `SalesforceAPIIntegrationPsl` is accepted ([U] salesforce.md §H.Q5; the PSL-licensed UI does
    /// not offer "API Enabled", §H.Q4). Default true.
    pub psl_api_enabled_accepted: bool,
    /// Whether a permission set assigned to a Salesforce-Integration-license user may grant
    /// View All (`PermissionsViewAllRecords`) on standard objects (salesforce.md §H.Q4: "The
    /// Integration license cannot grant View All on standard objects", single source [S]).
    /// Default false.
    pub integration_view_all_standard: bool,
    /// Whether a permission set group's aggregate permission set holds its members' permissions
    /// *minus* what its muting set mutes ([U] salesforce.md §I.7: "recalculation to determine the
    /// aggregated permissions" suggests so). Default true; false keeps the plain union.
    pub group_aggregate_net_of_muting: bool,
    /// Whether a muting set's ObjectPermissions / FieldPermissions row must also mute what
    /// requires a muted permission (muting Read mutes Edit…), as Setup's boxes follow each
    /// other; [U] salesforce.md §I.7 for the API. Default true (the stricter reading): a row
    /// muting Read while leaving Edit is rejected.
    pub muting_mutes_dependants: bool,
    /// Whether a Metadata API update of standard-object record type visibilities on the standard
    /// integration profile is saved ([U] salesforce.md §H.Q6, §I.13). Default: refused.
    pub integration_profile_record_types: IntegrationProfileRecordTypes,
}

/// The system permissions [`SimConfig::integration_license_allows`] governs (salesforce.md §H.Q5).
pub const INTEGRATION_CHECKED_PERMISSIONS: &[&str] = &["PasswordNeverExpires", "ViewEncryptedData"];

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            query_page_size: 2000,
            latency_ms: 0,
            latency_jitter_ms: 0,
            latency_seed: 1,
            api_allowance: 15_000,
            ui_sessions_valid_for_api: false,
            prod_api_version: "66.0".into(),
            sandbox_api_version: "66.0".into(),
            classic_frame_host: ClassicFrameHost::SameHost,
            integration_user_type: "Standard".into(),
            integration_license_key: "SFDC_INTEGRATION".into(),
            users_list_page_size: 25,
            users_list_ajax: false,
            allow_mixed_setup_types_in_composite: false,
            extra_permission_dependencies: Vec::new(),
            profile_permission_set_type: "Profile".into(),
            all_false_permissions: AllFalsePermissions::Reject,
            codes: UnconfirmedCodes::default(),
            locale: crate::pages::i18n::Locale::En,
            integration_license_allows: INTEGRATION_CHECKED_PERMISSIONS
                .iter()
                .map(|p| (*p).to_owned())
                .collect(),
            psl_api_enabled_accepted: true,
            integration_view_all_standard: false,
            group_aggregate_net_of_muting: true,
            muting_mutes_dependants: true,
            integration_profile_record_types: IntegrationProfileRecordTypes::Refuse,
        }
    }
}
