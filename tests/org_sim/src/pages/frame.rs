//! The chrome every Classic Setup page shares: document, `body.sfdcBody` (salesforce.md §D.2), page
//! title block (`h1.pageType` / `h2.pageDescription`), error block, boolean images, and links
//! that keep `isdtp=p1` inside the Lightning frame (salesforce.md §D.1).

use crate::http::esc;
use crate::org::Org;
use crate::pages::i18n::{self, Locale};

/// Body classes (salesforce.md §D.2, §H.Q8: `hasMotif setupTab listPage|detailPage|editPage …
/// sfdcBody brandQuaternaryBgr`).
pub const BODY_LIST: &str = "hasMotif setupTab listPage sfdcBody brandQuaternaryBgr";
/// Detail page body classes.
pub const BODY_DETAIL: &str = "hasMotif setupTab detailPage sfdcBody brandQuaternaryBgr";
/// Edit page body classes.
pub const BODY_EDIT: &str = "hasMotif setupTab editPage sfdcBody brandQuaternaryBgr";
/// Setup home body classes.
pub const BODY_HOME: &str = "hasMotif setupTab homePage sfdcBody brandQuaternaryBgr";

/// Per-request page context.
#[derive(Debug, Clone, Copy)]
pub struct PageCtx<'a> {
    /// The org.
    pub org: &'a Org,
    /// Label language.
    pub locale: Locale,
    /// Inside the Lightning frame (`isdtp=p1`).
    pub in_frame: bool,
}

impl PageCtx<'_> {
    /// A label in the page language.
    pub fn t(&self, text: i18n::Text) -> &'static str {
        text.get(self.locale)
    }

    /// `path` (with or without query) plus `isdtp=p1` when in the frame; not yet escaped.
    pub fn href(&self, path: &str) -> String {
        if self.in_frame {
            let sep = if path.contains('?') { '&' } else { '?' };
            format!("{path}{sep}isdtp=p1")
        } else {
            path.to_owned()
        }
    }

    /// A full page. `scripts` are external script paths appended at the end of the body.
    pub fn page(&self, title: &str, body_class: &str, content: &str, scripts: &[&str]) -> String {
        layout(
            self.org,
            self.locale,
            title,
            body_class,
            self.in_frame,
            content,
            scripts,
        )
    }

    /// Frame/document title `<what> ~ Salesforce - <Edition>` (salesforce.md §H.Q1 1b).
    pub fn title(&self, what: &str) -> String {
        format!("{what} ~ Salesforce - {}", self.org.edition)
    }
}

/// The document around a Classic page.
pub fn layout(
    org: &Org,
    locale: Locale,
    title: &str,
    body_class: &str,
    in_frame: bool,
    content: &str,
    scripts: &[&str],
) -> String {
    // Outside the Lightning frame Classic shows its own header; inside (isdtp=p1) it does not.
    let header = if in_frame {
        String::new()
    } else {
        format!(
            "<div id=\"AppBodyHeader\" class=\"bPageHeader\"><span class=\"sim-logo\">salesforce</span><span class=\"sim-orgname\">{}</span><a href=\"/setup/forcecomHomepage.apexp?setupid=ForceCom\">Setup</a></div>",
            esc(&org.display_name)
        )
    };
    // Scripts only as external files: the CSP forbids inline script (docs/architecture.md).
    let scripts: String = scripts
        .iter()
        .map(|s| format!("<script src=\"{}\"></script>", esc(s)))
        .collect();
    format!(
        r#"<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="/sim/classic.css"></head>
<body class="{body_class}">
{header}<div class="bodyDiv brdPalette brandPrimaryBrd"><table class="outer" width="100%" id="bodyTable" border="0" cellspacing="0" cellpadding="0"><tr><td class="oRight" id="bodyCell">
{content}
</td></tr></table></div>
{scripts}</body></html>"#,
        lang = locale.lang(),
        title = esc(title),
    )
}

/// `div.bPageTitle` with `h1.pageType` and `h2.pageDescription` (salesforce.md §D.2).
pub fn page_title(kind: &str, description: &str) -> String {
    format!(
        "<div class=\"bPageTitle\"><div class=\"ptBody\"><div class=\"content\"><img src=\"/img/s.gif\" alt=\"{k}\" class=\"pageTitleIcon\" title=\"{k}\"><h1 class=\"pageType\">{k}</h1><h2 class=\"pageDescription\">{d}</h2><div class=\"blank\">&nbsp;</div></div></div></div>",
        k = esc(kind),
        d = esc(description)
    )
}

/// Page errors: `#errorDiv_ep` with `div.errorMsg` per message (salesforce.md §D.2 error selectors).
pub fn errors(locale: Locale, messages: &[String]) -> String {
    if messages.is_empty() {
        return String::new();
    }
    let items: String = messages
        .iter()
        .map(|m| {
            format!(
                "<div class=\"errorMsg\"><strong>{}</strong> {}</div>",
                esc(i18n::ERROR_PREFIX.get(locale)),
                esc(m)
            )
        })
        .collect();
    format!("<div id=\"errorDiv_ep\" class=\"pbError\">{items}</div>")
}

/// The Classic boolean cell (salesforce.md §H.Q1 1b: `img.checkImg[title=Checked|Not Checked]`).
pub fn check_img(on: bool) -> String {
    let (src, label) = if on {
        ("/img/checkbox_checked.gif", "Checked")
    } else {
        ("/img/checkbox_unchecked.gif", "Not Checked")
    };
    format!("<img src=\"{src}\" alt=\"{label}\" width=\"21\" height=\"16\" class=\"checkImg\" title=\"{label}\">")
}

/// `<input type=checkbox>` with the given id (also its `name`, as JSF renders it), state and
/// optional onclick attribute (kept verbatim, salesforce.md §D.3).
pub fn checkbox(id: &str, checked: bool, disabled: bool, extra: &str) -> String {
    format!(
        "<input type=\"checkbox\" id=\"{id}\" name=\"{id}\"{c}{d}{extra}>",
        id = esc(id),
        c = if checked { " checked=\"checked\"" } else { "" },
        d = if disabled {
            " disabled=\"disabled\""
        } else {
            ""
        },
    )
}

/// `onclick="ProfileDependentCheckboxes.handleClick(this, '<row>', '<perm>')"` (salesforce.md §D.3),
/// with literal quotes as Salesforce renders it; keys are API names, other characters dropped.
pub fn handle_click(row_key: &str, perm_key: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
            .collect()
    };
    format!(
        " onclick=\"ProfileDependentCheckboxes.handleClick(this, '{}', '{}')\"",
        clean(row_key),
        clean(perm_key)
    )
}

/// `tr.dataRow.even|odd(.first)(.last)` classes (salesforce.md §H.Q1 1a).
pub fn row_class(i: usize, len: usize) -> String {
    let mut c = vec!["dataRow", if i % 2 == 0 { "even" } else { "odd" }];
    if i == 0 {
        c.push("first");
    }
    if i + 1 == len {
        c.push("last");
    }
    c.join(" ")
}
