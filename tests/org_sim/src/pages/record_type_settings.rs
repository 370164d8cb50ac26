//! The original profile editor's record type page `/setup/ui/profilerecordtypeedit.jsp?id=<00e>
//! &tid=<object API name>&pn=<profile name>` (salesforce.md §H.Q6, workaround 2): the page admins
//! reach by URL when the profile's own Setup page hides the setting. The sim shows the profile's
//! record types of that object with Visible and Default, read only (its markup is [U]; saving is
//! not simulated).

use crate::http::esc;
use crate::pages::frame::{self, PageCtx};
use crate::record_types;
use crate::store::Record;

/// The page path.
pub const PATH: &str = "/setup/ui/profilerecordtypeedit.jsp";

/// The page, or `None` when `profile_id` names no profile (the caller shows "Data Not Available").
pub fn page(c: &PageCtx<'_>, profile_id: &str, object: &str) -> Option<String> {
    let id18 = crate::ids::normalize(profile_id)?;
    let profile: &Record = c.org.store.get(&id18).filter(|r| r.object == "Profile")?;
    let profile_name = profile.text("Name").unwrap_or_default();
    let entries = c.org.record_type_visibility.get(&profile.id)?;
    let mut rows = String::new();
    let shown: Vec<&Record> = c
        .org
        .store
        .records("RecordType")
        .iter()
        .filter(|r| r.text("SobjectType") == Some(object))
        .collect();
    for (i, rt) in shown.iter().enumerate() {
        let name = record_types::full_name(rt);
        let v = entries.get(&name);
        rows.push_str(&format!(
            "<tr class=\"{cls}\" data-record-type=\"{name}\"><th scope=\"row\" class=\" dataCell  \">{label}</th><td class=\" dataCell  \">{active}</td><td class=\" dataCell  \">{visible}</td><td class=\" dataCell  \">{default}</td></tr>",
            cls = frame::row_class(i, shown.len()),
            name = esc(&name),
            label = esc(rt.text("Name").unwrap_or_default()),
            active = frame::check_img(rt.flag("IsActive")),
            visible = frame::check_img(v.is_some_and(|v| v.visible)),
            default = frame::check_img(v.is_some_and(|v| v.default)),
        ));
    }
    let kind = format!("{object} Record Type Settings");
    let content = format!(
        "{title}<div class=\"bPageBlock brandSecondaryBrd secondaryPalette\"><div class=\"pbBody\"><table class=\"list\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\"><tr class=\"headerRow\"><th scope=\"col\">Record Type</th><th scope=\"col\">Active</th><th scope=\"col\">Visible</th><th scope=\"col\">Default</th></tr>{rows}</table></div></div>",
        title = frame::page_title(&kind, profile_name),
    );
    Some(c.page(&c.title(&kind), frame::BODY_EDIT, &content, &[]))
}
