//! Every failure the core reports, in the admin's words, in one place: each error type of the
//! core is a typed value in its own module, and its `Display` (what the admin reads) is written
//! here. A sentence says what failed, why, and what was left unchanged; Salesforce's own message
//! is quoted where it helps.

use crate::access::assign::INTEGRATION_LICENSE;
use crate::access::requests::AccessError;
use crate::connection::ConnectError;
use crate::open::OpenError;
use crate::org::OrgError;
use crate::platform::{HostError, StorageError, TransportError};
use crate::salesforce::{ApiError, ApiErrorKind, CookieStoreError, SessionError};
use crate::toggles::{SnapshotError, TogglesError, TogglesStep};
use crate::users::icons::{IconError, MAX_EDGE, MAX_EMOJI_CHARS};
use crate::users::photo::PngError;
use crate::users::{BadgeError, BadgeLookupError};
use std::fmt;

macro_rules! worded {
    ($($error:ty),* $(,)?) => {
        $(impl std::error::Error for $error {})*
    };
}

worded!(
    crate::protocol::RequestError,
    SessionError,
    CookieStoreError,
    TransportError,
    StorageError,
    HostError,
    ConnectError,
    OrgError,
    TogglesError,
    SnapshotError,
    BadgeError,
    BadgeLookupError,
    IconError,
    PngError,
    OpenError,
    AccessError,
);

impl fmt::Display for crate::protocol::RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::protocol::MAX_REQUEST_BYTES;
        match self {
            Self::TooLarge { bytes } => write!(
                f,
                "Forcefield did not read a message of {} KB: it reads at most {} KB.",
                bytes.div_ceil(1024),
                MAX_REQUEST_BYTES / 1024
            ),
            Self::NotJson(e) => write!(f, "Forcefield received a message that is not JSON: {e}"),
            Self::NotFromThisSender(kind) => write!(
                f,
                "Forcefield does not take a message of type \"{kind}\" from this sender."
            ),
            Self::NotUnderstood { kind, error } => write!(
                f,
                "Forcefield received a \"{kind}\" message it does not understand: {error}"
            ),
        }
    }
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotSalesforce => f.write_str("This page is not on a Salesforce host."),
            Self::ProxiedSession => f.write_str("This Salesforce page is opened through Microsoft Defender for Cloud Apps, which hides the session from extensions. Open the org's own address instead."),
            Self::NotLoggedIn => f.write_str("You are not logged in to Salesforce in this tab. Log in, then try again."),
            Self::NoApiSession(host) => write!(f, "Your Salesforce session for this org was not found on its API host ({host}). Reload the Salesforce tab; if that does not help, log out and in again."),
            Self::CookieStore(detail) => write!(f, "The browser refused to read Salesforce's cookies: {detail}"),
            Self::Host(detail) => write!(f, "No Salesforce session is available: {detail}"),
        }
    }
}

impl fmt::Display for CookieStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreachable(detail) => f.write_str(detail),
            Self::Redirected => f.write_str(
                "the answer was a redirect to another address, which Forcefield does not follow",
            ),
        }
    }
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Host(detail) => f.write_str(detail),
            Self::Encoding(detail) => write!(f, "the value is not in the expected form ({detail})"),
        }
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Session(e) => e.fmt(f),
            Self::Api(e) => e.fmt(f),
        }
    }
}

// ----- Salesforce's answers (the sentences of `ApiError::message`).

/// The admin's sentence for a failed API call of `kind` (HTTP `status`), with Salesforce's own
/// words where it gave some (salesforce.md §A.4, §A.5, §B.2).
pub fn api_failure(kind: ApiErrorKind, status: u16, salesforce_says: &str) -> String {
    let with_detail = |summary: &str| {
        if salesforce_says.is_empty() {
            summary.to_owned()
        } else {
            format!("{summary} Salesforce says: {salesforce_says}")
        }
    };
    match kind {
        ApiErrorKind::SessionExpired => "Your Salesforce session has expired. Reload the Salesforce tab (log in again if asked), then try again.".to_owned(),
        ApiErrorKind::RequestLimit => "This org has used up its API request allowance for now. Forcefield made no changes; try again later or ask Salesforce support to raise the limit.".to_owned(),
        ApiErrorKind::ApiDisabled => format!("API access is not available to you in this org: {salesforce_says}"),
        ApiErrorKind::Forbidden => with_detail("Salesforce refused the request: you may lack a permission it needs."),
        ApiErrorKind::NotFound => with_detail("Salesforce did not find what Forcefield asked for."),
        ApiErrorKind::ServerError => with_detail(&format!("Salesforce had an internal error (HTTP {status}). Try again in a moment.")),
        ApiErrorKind::Redirected => redirected(),
        ApiErrorKind::Rejected | ApiErrorKind::Network | ApiErrorKind::MalformedResponse => {
            with_detail(&format!("Salesforce rejected the request (HTTP {status})."))
        }
    }
}

/// A SOAP fault of no kind Forcefield tells apart (a fault has no status of its own to name).
pub fn fault_rejected(salesforce_says: &str) -> String {
    if salesforce_says.is_empty() {
        "Salesforce rejected the request.".to_owned()
    } else {
        format!("Salesforce rejected the request. Salesforce says: {salesforce_says}")
    }
}

/// An answer of `bytes`, beyond the `max_bytes` the client reads.
pub fn answer_too_large(bytes: usize, max_bytes: usize) -> String {
    format!(
        "Salesforce's answer was {} MB, more than the {} MB Forcefield reads, so it was not read.",
        bytes.div_ceil(1024 * 1024),
        max_bytes / (1024 * 1024)
    )
}

/// No HTTP answer at all.
pub fn unreachable(detail: &TransportError) -> String {
    format!("Salesforce could not be reached ({detail}). Check your connection and try again.")
}

/// An answer that could not be read.
pub fn malformed(what: &str, detail: &dyn fmt::Display) -> String {
    format!(
        "Salesforce sent {what} that Forcefield could not read ({detail}). Nothing was changed."
    )
}

/// A redirect, not followed (salesforce.md §I.15).
pub fn redirected() -> String {
    "Salesforce's API host answered with a redirect. Forcefield did not follow it, so your session was sent to your org's API host only. If this keeps happening, check for a proxy or a changed My Domain.".to_owned()
}

/// The org offers no version Forcefield speaks.
pub fn no_supported_version() -> String {
    "This org offers no REST API version that Forcefield supports (v52.0 to v66.0).".to_owned()
}

// ----- The features.

impl fmt::Display for OrgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SettingNotSaved(e) => write!(f, "The setting could not be saved: {e}"),
            Self::NothingKeptAside(key) => write!(f, "Nothing is kept aside under \"{key}\"."),
            Self::NotForgotten(e) => write!(f, "It could not be forgotten: {e}"),
        }
    }
}

impl fmt::Display for TogglesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Snapshot(e) => e.fmt(f),
            Self::UnknownObject => f.write_str(
                "Forcefield could not tell which object this page is about, so it copied nothing.",
            ),
            Self::Connect(ConnectError::Session(e)) => e.fmt(f),
            Self::Connect(ConnectError::Api(e)) => toggles_api(f, "reach the org", e),
            Self::Api(TogglesStep::ListSources, e) => {
                toggles_api(f, "list the permission sets and profiles", e)
            }
            Self::Api(TogglesStep::ReadAccess, e) => toggles_api(f, "read the access to copy", e),
        }
    }
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { what, found, max } => write!(f, "This page's tables are larger than Forcefield handles ({what}: {found}, at most {max}), so it adds no toggles here."),
            Self::DuplicateCheckbox(id) => write!(f, "This page has more than one checkbox with the id \"{id}\", so Forcefield can't tell them apart and adds no toggles here."),
        }
    }
}

fn toggles_api(
    f: &mut fmt::Formatter<'_>,
    doing: &str,
    e: &crate::salesforce::ApiError,
) -> fmt::Result {
    match e.kind {
        ApiErrorKind::SessionExpired => write!(
            f,
            "Your Salesforce session has expired, so Forcefield couldn't {doing}. Log in again, then reload the page."
        ),
        _ => write!(f, "Forcefield couldn't {doing}: {e}"),
    }
}

impl fmt::Display for BadgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAUserId => f.write_str("That is not a user Id."),
            Self::NotAnIntegrationUser => f.write_str("Nothing was changed: Forcefield changes icons and profile photos only for users it marks as integration users in this org."),
            Self::Unclassified(e) => write!(f, "Nothing was changed: {e}"),
            Self::Session(e) => e.fmt(f),
            Self::Icon(e) => e.fmt(f),
            Self::IconNotSaved(e) => write!(f, "The icon was not saved: {e}"),
            Self::Png(e) => e.fmt(f),
            Self::PhotoNotSet(e) => write!(f, "The profile photo was not changed: {e}"),
        }
    }
}

impl fmt::Display for BadgeLookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Session(e) => e.fmt(f),
            Self::Api(e) if e.kind == ApiErrorKind::SessionExpired => f.write_str("Your Salesforce session has expired, so Forcefield can't mark integration users on this page. Log in again, then reload the page."),
            Self::Api(e) => write!(f, "Forcefield could not mark integration users on this page: {e}"),
        }
    }
}

impl fmt::Display for IconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmojiLength => write!(
                f,
                "An icon is one emoji (1 to {MAX_EMOJI_CHARS} characters)."
            ),
            Self::EmojiSpaces => f.write_str("An icon can't contain spaces or control characters."),
            Self::PictureSize => {
                write!(f, "A picture icon is at most {MAX_EDGE}×{MAX_EDGE} pixels.")
            }
            Self::PicturePixels => {
                f.write_str("The picture's pixels are not in the expected form.")
            }
        }
    }
}

impl fmt::Display for PngError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyOrTooLarge => f.write_str("The picture is empty or larger than 1.5 MB."),
            Self::NotPng => f.write_str("The picture is not a PNG image."),
            Self::NotBase64 => f.write_str("The picture is not valid base64."),
        }
    }
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAUserId => f.write_str("That is not a user Id."),
            Self::NotAnIntegrationUser => f.write_str("Forcefield opens the generator, the record types page and the access review from Setup only for users with the Salesforce Integration license in this org."),
            Self::Unclassified(e) => write!(f, "The page was not opened: {e}"),
            Self::NotOpened(e) => write!(f, "The page could not be opened: {e}"),
        }
    }
}

/// An access read met an expired session.
const ACCESS_EXPIRED: &str = "Your Salesforce session has expired. Log in to Salesforce again, then reload this page. Nothing was changed.";

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let api = |f: &mut fmt::Formatter<'_>, e: &ApiError| match e.kind {
            ApiErrorKind::SessionExpired => f.write_str(ACCESS_EXPIRED),
            _ => write!(
                f,
                "Forcefield could not read the org's permissions: {e} Nothing was changed."
            ),
        };
        match self {
            Self::NotAUserId => f.write_str("That is not a user Id. Nothing was read."),
            Self::NoSuchUser => f.write_str("That user doesn't exist in this org. Nothing was changed."),
            Self::NotIntegration { name, license } => write!(
                f,
                "\u{201c}{name}\u{201d} is not an integration user: their profile's user licence is \u{201c}{license}\u{201d}, not \u{201c}{INTEGRATION_LICENSE}\u{201d}. The access review and the assignment check are for integration users. Nothing was changed."
            ),
            Self::Connect(ConnectError::Api(e)) | Self::Api(e) => api(f, e),
            Self::Connect(ConnectError::Session(e)) => write!(f, "{e}"),
        }
    }
}

#[cfg(feature = "generator")]
mod generator {
    use crate::generator::machine::ChoiceError;
    use crate::generator::metadata::ImportError;
    use crate::generator::user::{NewUserError, NewUserProblem};
    use crate::generator::GeneratorError;
    use std::fmt;

    worded!(GeneratorError, ImportError, NewUserError, ChoiceError);

    impl fmt::Display for ChoiceError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                Self::NoSuchItem(item) => {
                    write!(f, "This apply has no record number {item} to decide about.")
                }
                Self::AlreadyDecided => f.write_str("That record was already decided."),
                Self::NotOffered => f.write_str("That choice isn't offered for this record."),
                Self::NothingToActOn => f.write_str("Forcefield can't act on that record."),
            }
        }
    }

    impl fmt::Display for GeneratorError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                Self::Connect(e) => e.fmt(f),
                Self::Session(e) => e.fmt(f),
                Self::Api(e) => e.fmt(f),
                Self::NotAnObjectName(name) => write!(f, "{name:?} is not an object API name."),
                Self::TemplateNeedsName => f.write_str("A template needs a name."),
                Self::NoSuchTemplate(name) => write!(f, "No template is called \"{name}\"."),
                Self::Templates(e) => e.fmt(f),
                Self::NoSuchAccessSource => f.write_str("That permission set or profile doesn't exist in this org."),
                Self::NoSuchPermissionSet => f.write_str("That permission set doesn't exist in this org."),
                Self::NoSuchUser => f.write_str("That user doesn't exist in this org."),
                Self::Xml(e) => e.fmt(f),
                Self::Blocked(blockers) => write!(f, "Nothing was changed: {}", blockers.join(" ")),
                Self::NeedsProductionConfirmation { org_name } => write!(f, "Nothing was changed: {org_name} is a production org, and applying there needs your explicit confirmation."),
                Self::JournalNotStarted(detail) => write!(f, "Nothing was changed: the apply's journal could not be saved ({detail})."),
                Self::Journal(e) => e.fmt(f),
                Self::ApplyNotStarted(e) => write!(f, "Nothing was changed: {e}"),
                Self::ApplyUnfinished { set_name, apply_id } => write!(f, "Nothing was changed: an earlier apply of {set_name} ({apply_id}) is not finished. Resume it or finish its clean-up first."),
                Self::NotAnApplyId => f.write_str("Nothing was changed: the apply's Id must be letters, digits, - and _."),
                Self::ApplyIdTaken => f.write_str("Nothing was changed: an apply with this Id is already recorded; start it again."),
                Self::UnreadableJournalIsOnlyMarked => f.write_str("An unreadable journal can only be marked as handled."),
                Self::Choice(e) => e.fmt(f),
                Self::UnionNeedsTwoSources => f.write_str("Choose at least two permission sets or profiles to start from their union."),
                Self::JournalNotSaved(detail) => write!(f, "The apply's journal could not be saved: {detail}"),
                Self::NewUser(e) => e.fmt(f),
            }
        }
    }

    impl fmt::Display for ImportError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                Self::Xml(detail) => write!(f, "This is not a readable XML file: {detail}."),
                Self::NotPermissionSet(root) => {
                    write!(f, "This file describes a {root}, not a PermissionSet.")
                }
            }
        }
    }

    impl fmt::Display for NewUserProblem {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(match self {
                Self::LastNameMissing => "The last name is required.",
                Self::UsernameNotEmail => {
                    "The username must look like an email address (name@example.com)."
                }
                Self::EmailInvalid => "The email address is not valid.",
                Self::AliasTooLong => "The alias can be at most 8 characters.",
            })
        }
    }

    impl fmt::Display for NewUserError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                Self::Invalid(problems) => {
                    let sentences: Vec<String> = problems.iter().map(ToString::to_string).collect();
                    f.write_str(&sentences.join(" "))
                }
                Self::NoIntegrationProfile => f.write_str("This org has no profile with the Salesforce Integration license."),
                Self::UsernameTaken(username) => write!(f, "The username {username} is already taken: usernames are unique across all Salesforce orgs."),
                Self::NoIdReturned => f.write_str("Salesforce did not return the new user's Id."),
                Self::Api(e) => e.fmt(f),
            }
        }
    }
}

#[cfg(feature = "generator")]
mod cli {
    use crate::cli::spec_file::SpecFileError;
    use crate::cli::CliError;
    use std::fmt;

    worded!(CliError, SpecFileError);

    impl fmt::Display for CliError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                Self::Connect(e) => e.fmt(f),
                Self::Api(e) => write!(f, "{e} Nothing was changed."),
            }
        }
    }

    impl fmt::Display for SpecFileError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                Self::Empty { file } => write!(f, "The spec file {file} is empty."),
                Self::NotJson { file, detail } => write!(f, "The spec file {file} is not valid JSON: {detail}"),
                Self::NotSpec { file, detail } => write!(f, "The spec file {file} is not a Forcefield spec: {detail}"),
                Self::UnknownKeys { file, keys } => write!(f, "The spec file {file} has {keys}, which a Forcefield spec doesn't have. Spec keys are name, label, description, license, objects, fields and systemPermissions; object access keys are read, create, edit, delete, viewAll and modifyAll."),
                Self::NotPermissionSet { file, cause } => write!(f, "The spec file {file} can't be used: {cause}"),
                Self::LicenseConflict { file, file_license, asked } => write!(f, "The spec file {file} is licensed {file_license}, but --license asks for {asked}. Change one of them: the file's license wins, and --license only fills a spec that names none."),
            }
        }
    }

    /// A spec naming objects or fields the org doesn't have (each a sentence of
    /// [`crate::cli::spec_file::unknown_names`]).
    pub fn unknown_names(sentences: &[String]) -> String {
        format!(
            "The spec names what this org doesn't have: {} Fix the spec (or the org); nothing was changed.",
            sentences.join(" ")
        )
    }
}
#[cfg(feature = "generator")]
pub use cli::unknown_names;
