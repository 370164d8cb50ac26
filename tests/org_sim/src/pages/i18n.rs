//! Page label localization: Salesforce localizes every label, heading and button `value`
//! (salesforce.md §D.2: "Button labels are localized … never match on text"), while ids, classes and
//! API-name titles stay the same. `--locale de` renders Setup pages in German so nothing in the
//! extension can depend on English text.

/// A page language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    /// English (default).
    #[default]
    En,
    /// German.
    De,
}

impl Locale {
    /// `en` / `de` (case-insensitive; `en_US`, `de_DE` accepted too).
    pub fn parse(s: &str) -> Option<Self> {
        let lang = s.split(['_', '-']).next().unwrap_or_default();
        match lang.to_ascii_lowercase().as_str() {
            "en" => Some(Self::En),
            "de" => Some(Self::De),
            _ => None,
        }
    }

    /// The `lang` attribute value.
    pub fn lang(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
        }
    }
}

/// One label in every language.
#[derive(Debug, Clone, Copy)]
pub struct Text {
    en: &'static str,
    de: &'static str,
}

impl Text {
    /// The label in `locale`.
    pub fn get(self, locale: Locale) -> &'static str {
        match locale {
            Locale::En => self.en,
            Locale::De => self.de,
        }
    }
}

const fn t(en: &'static str, de: &'static str) -> Text {
    Text { en, de }
}

/// Buttons.
pub const SAVE: Text = t("Save", "Speichern");
/// Dueling list titles (salesforce.md §H.Q1 1c).
pub const AVAILABLE_PERMISSION_SETS: Text =
    t("Available Permission Sets", "Verfügbare Berechtigungssätze");
/// Dueling list titles (salesforce.md §H.Q1 1c).
pub const ENABLED_PERMISSION_SETS: Text =
    t("Enabled Permission Sets", "Aktivierte Berechtigungssätze");
/// Dueling list controls (salesforce.md §H.Q1 1c `img[alt='Add']`).
pub const ADD: Text = t("Add", "Hinzufügen");
/// Dueling list controls (salesforce.md §H.Q1 1c `img[alt='Remove']`).
pub const REMOVE: Text = t("Remove", "Entfernen");
/// Assignment list heading.
pub const CURRENT_ASSIGNMENTS: Text = t("Current Assignments", "Aktuelle Zuweisungen");
/// Buttons.
pub const CANCEL: Text = t("Cancel", "Abbrechen");
/// Buttons.
pub const EDIT: Text = t("Edit", "Bearbeiten");
/// Buttons.
pub const CLONE: Text = t("Clone", "Klonen");
/// Buttons.
pub const DELETE: Text = t("Delete", "Löschen");
/// Buttons.
pub const EDIT_PROPERTIES: Text = t("Edit Properties", "Eigenschaften bearbeiten");
/// Buttons.
pub const MANAGE_ASSIGNMENTS: Text = t("Manage Assignments", "Zuweisungen verwalten");
/// Buttons.
pub const NEW: Text = t("New", "Neu");
/// Buttons.
pub const EDIT_ASSIGNMENTS: Text = t("Edit Assignments", "Zuweisungen bearbeiten");

/// Page types (`h1.pageType`).
pub const PERMISSION_SET: Text = t("Permission Set", "Berechtigungssatz");
/// Page types.
pub const PERMISSION_SETS: Text = t("Permission Sets", "Berechtigungssätze");
/// Page types.
pub const PROFILE: Text = t("Profile", "Profil");
/// Page types.
pub const PROFILES: Text = t("Profiles", "Profile");

/// Section titles and breadcrumbs.
pub const OVERVIEW: Text = t(
    "Permission Set Overview",
    "Übersicht über Berechtigungssatz",
);
/// Section titles.
pub const PROFILE_OVERVIEW: Text = t("Profile Overview", "Profilübersicht");
/// Section titles.
pub const OBJECT_SETTINGS: Text = t("Object Settings", "Objekteinstellungen");
/// Section titles.
pub const SYSTEM_PERMISSIONS: Text = t("System Permissions", "Systemberechtigungen");
/// Section titles.
pub const APPS: Text = t("Apps", "Apps");
/// Section titles.
pub const SYSTEM: Text = t("System", "System");
/// Section titles.
pub const TAB_SETTINGS: Text = t("Tab Settings", "Registerkarteneinstellungen");
/// Section titles.
pub const OBJECT_PERMISSIONS: Text = t("Object Permissions", "Objektberechtigungen");
/// Section titles.
pub const FIELD_PERMISSIONS: Text = t("Field Permissions", "Feldberechtigungen");
/// Section titles.
pub const DESCRIPTION: Text = t("Description", "Beschreibung");
/// Section titles.
pub const CONFIRM_TITLE: Text = t(
    "Permission Changes Confirmation",
    "Bestätigung der Berechtigungsänderungen",
);
/// Confirmation text.
pub const CONFIRM_TEXT: Text = t(
    "Enabling the permissions you selected also enables these dependent permissions. Click Save to confirm.",
    "Durch das Aktivieren der ausgewählten Berechtigungen werden auch diese abhängigen Berechtigungen aktiviert. Klicken Sie zur Bestätigung auf \"Speichern\".",
);
/// Confirmation column.
pub const PERMISSIONS_ADDED: Text = t("Permissions Added", "Hinzugefügte Berechtigungen");
/// Confirmation column.
pub const REQUIRED_BY: Text = t("Required By", "Erforderlich für");

/// Column headers.
pub const LABEL: Text = t("Label", "Beschriftung");
/// Column headers.
pub const API_NAME: Text = t("API Name", "API-Name");
/// Column headers.
pub const LICENSE: Text = t("License", "Lizenz");
/// Column headers.
pub const NAMESPACE_PREFIX: Text = t("Namespace Prefix", "Namensraumpräfix");
/// Column headers.
pub const CREATED_BY: Text = t("Created By", "Erstellt von");
/// Column headers.
pub const ACTION: Text = t("Action", "Aktion");
/// Column headers.
pub const OBJECT_NAME: Text = t("Object Name", "Objektname");
/// Column headers.
pub const PERMISSION_NAME: Text = t("Permission Name", "Berechtigungsname");
/// Column headers.
pub const ENABLED: Text = t("Enabled", "Aktiviert");
/// Column headers.
pub const FIELD_NAME: Text = t("Field Name", "Feldname");
/// Column headers.
pub const FIELD_TYPE: Text = t("Field Type", "Feldtyp");
/// Column headers (salesforce.md §D.3: "Read Access"/"Edit Access" wording).
pub const READ_ACCESS: Text = t("Read Access", "Lesezugriff");
/// Column headers.
pub const EDIT_ACCESS: Text = t("Edit Access", "Bearbeitungszugriff");
/// Column headers (salesforce.md §D.4: Visible / Read-Only).
pub const VISIBLE: Text = t("Visible", "Sichtbar");
/// Column headers.
pub const READ_ONLY: Text = t("Read-Only", "Schreibgeschützt");
/// Column headers.
pub const AVAILABLE: Text = t("Available", "Verfügbar");
/// Column headers.
pub const OBJECT_PERMS_SUMMARY: Text = t("Object Permissions", "Objektberechtigungen");
/// Column headers.
pub const TOTAL_FIELDS: Text = t("Total Fields", "Felder gesamt");
/// Column headers.
pub const SESSION_ACTIVATION: Text = t(
    "Session Activation Required",
    "Sitzungsaktivierung erforderlich",
);
/// Column headers.
pub const USER_LICENSE: Text = t("User License", "Benutzerlizenz");
/// Column headers.
pub const PERMISSION_SET_LICENSE: Text = t("Permission Set License", "Berechtigungssatzlizenz");
/// Column headers.
pub const EXPIRATION_DATE: Text = t("Expiration Date", "Ablaufdatum");
/// Column headers.
pub const ASSIGNED_ON: Text = t("Date Assigned", "Zuweisungsdatum");

/// Object permission labels (salesforce.md §D.3: Read, Create, Edit, Delete, View All, Modify All).
pub const P_READ: Text = t("Read", "Lesen");
/// Object permission labels.
pub const P_CREATE: Text = t("Create", "Erstellen");
/// Object permission labels.
pub const P_EDIT: Text = t("Edit", "Bearbeiten");
/// Object permission labels.
pub const P_DELETE: Text = t("Delete", "Löschen");
/// Object permission labels.
pub const P_VIEW_ALL: Text = t("View All", "Alle anzeigen");
/// Object permission labels.
pub const P_MODIFY_ALL: Text = t("Modify All", "Alle ändern");

/// Related lists on the user page (salesforce.md §H.Q1 1c).
pub const PS_ASSIGNMENTS: Text = t("Permission Set Assignments", "Berechtigungssatzzuweisungen");
/// Related lists.
pub const PSL_ASSIGNMENTS: Text = t(
    "Permission Set License Assignments",
    "Berechtigungssatzlizenz-Zuweisungen",
);
/// Empty tables.
pub const NO_RECORDS: Text = t("No records to display", "Keine Datensätze zur Anzeige");
/// Empty license.
pub const NONE: Text = t("--None--", "--Keine--");
/// Generic error heading (salesforce.md §D.2 `#errorDiv_ep` / `div.errorMsg`).
pub const ERROR_PREFIX: Text = t("Error:", "Fehler:");
/// Page title suffix.
pub const FLS_TITLE: Text = t(
    "Field-Level Security for profile",
    "Sicherheit auf Feldebene für Profil",
);
/// Users list and user detail (salesforce.md §H.Q1 1b/1c labels).
pub const USERS: Text = t("Users", "Benutzer");
/// Users list.
pub const USER: Text = t("User", "Benutzer");
/// Users list.
pub const USER_DETAIL: Text = t("User Detail", "Benutzerdetail");
/// Users list.
pub const FULL_NAME: Text = t("Full Name", "Vollständiger Name");
/// Users list.
pub const ALIAS: Text = t("Alias", "Alias");
/// Users list.
pub const USERNAME: Text = t("Username", "Benutzername");
/// Users list.
pub const ROLE: Text = t("Role", "Rolle");
/// Users list.
pub const ACTIVE: Text = t("Active", "Aktiv");
/// Users list.
pub const NEW_USER: Text = t("New User", "Neuer Benutzer");
/// Users list.
pub const RESET_PASSWORDS: Text = t("Reset Password(s)", "Kennwörter zurücksetzen");
/// Users list.
pub const ADD_USERS: Text = t("Add Multiple Users", "Mehrere Benutzer hinzufügen");
/// Yes/no.
pub const YES: Text = t("Yes", "Ja");

/// Lightning Setup shell: the app name in the header.
pub const SETUP: Text = t("Setup", "Setup");
/// Lightning Setup shell: the Quick Find box.
pub const QUICK_FIND: Text = t("Quick Find", "Schnellsuche");
/// Lightning Setup shell: the Setup Home node.
pub const SETUP_HOME: Text = t("Setup Home", "Setup-Startseite");
/// Lightning Setup shell: the loading spinner.
pub const LOADING: Text = t("Loading", "Wird geladen");

/// German labels of the simulated system permissions (catalog/perms.rs); the rows keep their
/// English order so checkbox ids stay the same in every language, as Salesforce's ids do.
const SYSTEM_PERMISSIONS_DE: &[(&str, &str)] = &[
    ("ApiEnabled", "API aktiviert"),
    ("ApiUserOnly", "Nur API-Benutzer"),
    ("PasswordNeverExpires", "Kennwort läuft nie ab"),
    ("ViewEncryptedData", "Verschlüsselte Daten anzeigen"),
    ("ModifyAllData", "Alle Daten ändern"),
    ("ViewAllData", "Alle Daten anzeigen"),
    ("ViewSetup", "Setup und Konfiguration anzeigen"),
    ("ManageUsers", "Benutzer verwalten"),
    ("ManageInternalUsers", "Interne Benutzer verwalten"),
    ("ViewAllUsers", "Alle Benutzer anzeigen"),
    (
        "ResetPasswords",
        "Benutzerkennwörter zurücksetzen und Benutzer entsperren",
    ),
    ("AssignPermissionSets", "Berechtigungssätze zuweisen"),
    (
        "ManageProfilesPermissionsets",
        "Profile und Berechtigungssätze verwalten",
    ),
    (
        "ManageSessionPermissionSets",
        "Sitzungsberechtigungssatz-Aktivierungen verwalten",
    ),
    ("CustomizeApplication", "Anwendung anpassen"),
    ("AuthorApex", "Apex erstellen"),
    ("ChatterInternalUser", "Interner Chatter-Benutzer"),
    ("LightningExperienceUser", "Lightning Experience-Benutzer"),
    ("ConvertLeads", "Leads konvertieren"),
    ("EditTask", "Aufgaben bearbeiten"),
    ("EditEvent", "Ereignisse bearbeiten"),
    ("RunReports", "Berichte ausführen"),
    ("ExportReport", "Berichte exportieren"),
    ("BulkApiHardDelete", "Endgültiges Löschen mit Bulk API"),
];

/// A system permission's label in `locale` (English when no translation is known).
pub fn system_permission(api_name: &str, english: &'static str, locale: Locale) -> &'static str {
    match locale {
        Locale::En => english,
        Locale::De => SYSTEM_PERMISSIONS_DE
            .iter()
            .find(|(name, _)| *name == api_name)
            .map_or(english, |(_, label)| label),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_locales() {
        assert_eq!(Locale::parse("de"), Some(Locale::De));
        assert_eq!(Locale::parse("de_DE"), Some(Locale::De));
        assert_eq!(Locale::parse("EN"), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
        assert_eq!(SAVE.get(Locale::De), "Speichern");
        assert_eq!(SAVE.get(Locale::En), "Save");
    }
}
