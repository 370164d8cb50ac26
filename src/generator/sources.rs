//! Starting points beyond one template or one copy (issue #16): a profile's system permissions
//! as far as the integration licence allows them, and the union of several permission sets or
//! profiles. Pure: the handler reads the records, this decides what the spec holds.

use crate::model::{FieldAccess, LicenseChoice, PermissionSetSpec};
use std::collections::{BTreeMap, BTreeSet};

/// Left out of a copy: integration users get API Enabled from their profile, and a set tied to
/// the integration licence doesn't even offer it (salesforce.md §H.Q5).
const FROM_THE_PROFILE: &[&str] = &["ApiEnabled"];

/// The system permissions a copy of a profile carries: every one the profile has, within what
/// the licence allows. `maximum` is the Salesforce API Integration licence's
/// `MaximumPermissions<Name>` booleans (salesforce.md §I.8), `None` when the org doesn't say;
/// then all are kept and Salesforce decides at assignment (§I.9). Also the warnings to show.
pub fn profile_permissions(
    enabled: &BTreeSet<String>,
    maximum: Option<&BTreeMap<String, bool>>,
) -> (BTreeSet<String>, Vec<String>) {
    let mut kept = BTreeSet::new();
    let mut refused = Vec::new();
    let mut from_profile = Vec::new();
    for name in enabled {
        if FROM_THE_PROFILE.contains(&name.as_str()) {
            from_profile.push(name.clone());
            continue;
        }
        match maximum {
            Some(maximum) if !maximum.get(name).copied().unwrap_or(false) => {
                refused.push(name.clone());
            }
            _ => {
                kept.insert(name.clone());
            }
        }
    }
    let mut warnings = Vec::new();
    if !from_profile.is_empty() {
        warnings.push(format!(
            "{} not copied: integration users get it from their profile.",
            from_profile.join(", ")
        ));
    }
    match maximum {
        Some(_) if !refused.is_empty() => warnings.push(format!(
            "Not copied, because the Salesforce API Integration license doesn't allow {}: {}.",
            if refused.len() == 1 { "it" } else { "them" },
            refused.join(", ")
        )),
        Some(_) => {}
        None => warnings.push(
            "This org doesn't say which system permissions the Salesforce API Integration license allows: all of the profile's are copied, and Salesforce decides when the set is assigned.".to_owned(),
        ),
    }
    (kept, warnings)
}

/// The union of several starting points, each named for the warnings: every object
/// permission any of them grants, each field at the most any grants (Edit over Read), every
/// system permission. The licence is the integration licence when any source has it. Name and
/// label stay empty: the page keeps its own, so applying creates a new set.
pub fn union(sources: Vec<(String, PermissionSetSpec)>) -> (PermissionSetSpec, Vec<String>) {
    let mut spec = PermissionSetSpec::default();
    let mut warnings = Vec::new();
    let mut licensed = Vec::new();
    let mut descriptions = Vec::new();
    let count = sources.len();
    for (name, source) in sources {
        for (object, access) in source.objects {
            let entry = spec.objects.entry(object).or_default();
            entry.read |= access.read;
            entry.create |= access.create;
            entry.edit |= access.edit;
            entry.delete |= access.delete;
            entry.view_all |= access.view_all;
            entry.modify_all |= access.modify_all;
            entry.view_all_fields |= access.view_all_fields;
        }
        for (field, access) in source.fields {
            let entry = spec.fields.entry(field).or_insert(access);
            if access == FieldAccess::ReadEdit {
                *entry = FieldAccess::ReadEdit;
            }
        }
        spec.system_permissions.extend(source.system_permissions);
        if source.license == LicenseChoice::IntegrationPsl {
            licensed.push(name.clone());
        }
        if !source.description.is_empty() {
            descriptions.push(source.description);
        }
    }
    if !licensed.is_empty() {
        spec.license = LicenseChoice::IntegrationPsl;
        if licensed.len() < count {
            warnings.push(format!(
                "Licensed with the Salesforce API Integration license, as {} {}.",
                licensed.join(", "),
                if licensed.len() == 1 { "is" } else { "are" }
            ));
        }
    }
    // Salesforce's limit on a description (salesforce.md §C.1): the union's says where it came
    // from only when that fits.
    let description = descriptions.join(" / ");
    if description.chars().count() <= 255 {
        spec.description = description;
    }
    (spec, warnings)
}
