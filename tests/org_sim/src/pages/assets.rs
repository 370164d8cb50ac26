//! Static files served under `/sim/` and `/img/`: the shell script (pages carry no inline
//! script, salesforce.md §D.1 CSP) and the stylesheets that make pages look roughly like Salesforce.

use hyper::StatusCode;

use crate::http::{self, Resp};

/// A static asset by path, if there is one.
pub fn get(path: &str) -> Option<Resp> {
    let (ct, body): (&str, &'static [u8]) = match path {
        "/sim/shell.js" => (
            "text/javascript; charset=UTF-8",
            include_bytes!("assets/shell.js"),
        ),
        "/sim/permdeps.js" => (
            "text/javascript; charset=UTF-8",
            include_bytes!("assets/permdeps.js"),
        ),
        "/sim/assign.js" => (
            "text/javascript; charset=UTF-8",
            include_bytes!("assets/assign.js"),
        ),
        "/sim/userslist.js" => (
            "text/javascript; charset=UTF-8",
            include_bytes!("assets/userslist.js"),
        ),
        "/sim/shell.css" => (
            "text/css; charset=UTF-8",
            include_bytes!("assets/shell.css"),
        ),
        "/sim/classic.css" => (
            "text/css; charset=UTF-8",
            include_bytes!("assets/classic.css"),
        ),
        "/sim/login.css" => (
            "text/css; charset=UTF-8",
            include_bytes!("assets/login.css"),
        ),
        "/img/checkbox_checked.gif" => (
            "image/svg+xml",
            include_bytes!("assets/checkbox_checked.svg"),
        ),
        "/img/checkbox_unchecked.gif" => (
            "image/svg+xml",
            include_bytes!("assets/checkbox_unchecked.svg"),
        ),
        "/img/s.gif" => ("image/svg+xml", include_bytes!("assets/blank.svg")),
        "/favicon.ico" => return Some(http::text(StatusCode::NOT_FOUND, "")),
        _ => return None,
    };
    Some(http::asset(ct, body))
}
