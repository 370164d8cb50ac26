//! The optional first step: create the integration user itself (salesforce.md §C.7: the Salesforce
//! Integration license, the API-only profile found by its license). It can't be undone (users
//! can only be deactivated), so the page confirms it separately.

use crate::platform::{Method, Transport};
use crate::salesforce::{soql, ApiError, Client};
use serde_json::{json, Value};

/// What the admin typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewUser {
    pub first_name: String,
    pub last_name: String,
    pub username: String,
    pub email: String,
    pub alias: String,
}

/// An email-shaped text: one `@`, a dot in the domain, no spaces.
pub fn valid_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(char::is_whitespace)
        && text.len() <= 80
}

/// What is wrong with the input (worded in [`crate::words`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewUserProblem {
    LastNameMissing,
    /// Salesforce usernames are email-shaped (≤ 80 characters).
    UsernameNotEmail,
    EmailInvalid,
    AliasTooLong,
}

/// Why the user was not created (worded in [`crate::words`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewUserError {
    Invalid(Vec<NewUserProblem>),
    NoIntegrationProfile,
    UsernameTaken(String),
    NoIdReturned,
    Api(ApiError),
}

/// Problems with the input.
pub fn problems(user: &NewUser) -> Vec<NewUserProblem> {
    let mut problems = Vec::new();
    if user.last_name.trim().is_empty() {
        problems.push(NewUserProblem::LastNameMissing);
    }
    if !valid_email(&user.username) {
        problems.push(NewUserProblem::UsernameNotEmail);
    }
    if !valid_email(&user.email) {
        problems.push(NewUserProblem::EmailInvalid);
    }
    if user.alias.chars().count() > 8 {
        problems.push(NewUserProblem::AliasTooLong);
    }
    problems
}

fn default_alias(user: &NewUser) -> String {
    let first: String = user.first_name.chars().take(1).collect();
    let alias: String = format!("{first}{}", user.last_name.trim())
        .chars()
        .filter(|c| c.is_alphanumeric())
        .take(8)
        .collect();
    if alias.is_empty() {
        "intuser".to_owned()
    } else {
        alias.to_lowercase()
    }
}

/// Creates the user; returns its Id and username, or why it was not created.
pub async fn create<T: Transport>(
    client: &Client<'_, T>,
    user: &NewUser,
) -> Result<(String, String), NewUserError> {
    let problems = problems(user);
    if !problems.is_empty() {
        return Err(NewUserError::Invalid(problems));
    }
    let to_message = NewUserError::Api;
    // salesforce.md §C.7: find the profile by its license, not its (renamed, cloneable) name; prefer
    // the current standard profile over the deprecated one.
    let profiles: Vec<Value> = client
        .query(
            &soql::select(["Id", "Name"])
                .from("Profile")
                .where_eq("UserLicense.Name", "Salesforce Integration")
                .to_string(),
        )
        .await
        .map_err(to_message)?;
    let name_of = |p: &Value| {
        p.get("Name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let profile = profiles
        .iter()
        .find(|p| name_of(p) == "Minimum Access - API Only Integrations")
        .or_else(|| profiles.first())
        .ok_or(NewUserError::NoIntegrationProfile)?;
    let profile_id = profile
        .get("Id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let taken: Vec<Value> = client
        .query(
            &soql::select(["Id"])
                .from("User")
                .where_eq("Username", &user.username)
                .to_string(),
        )
        .await
        .map_err(to_message)?;
    if !taken.is_empty() {
        return Err(NewUserError::UsernameTaken(user.username.clone()));
    }
    let alias = if user.alias.is_empty() {
        default_alias(user)
    } else {
        user.alias.clone()
    };
    let mut record = json!({
        "LastName": user.last_name.trim(),
        "Username": user.username,
        "Email": user.email,
        "Alias": alias,
        "ProfileId": profile_id,
        "IsActive": true,
        "TimeZoneSidKey": "GMT",
        "LocaleSidKey": "en_US",
        "EmailEncodingKey": "UTF-8",
        "LanguageLocaleKey": "en_US",
    });
    if let (false, Some(fields)) = (user.first_name.trim().is_empty(), record.as_object_mut()) {
        fields.insert("FirstName".to_owned(), json!(user.first_name.trim()));
    }
    let response = client
        .send(
            Method::Post,
            &format!("{}/sobjects/User", client.version().data_path()),
            Some(record.to_string()),
        )
        .await
        .map_err(to_message)?;
    let created: Value = serde_json::from_str(&response.body)
        .map_err(|e| NewUserError::Api(ApiError::malformed("the new user's Id", e)))?;
    let id = created
        .get("id")
        .and_then(Value::as_str)
        .ok_or(NewUserError::NoIdReturned)?;
    Ok((id.to_owned(), user.username.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_is_checked_before_any_call() {
        let good = NewUser {
            first_name: "Net".into(),
            last_name: "Suite".into(),
            username: "netsuite@acme.example".into(),
            email: "ops@acme.example".into(),
            alias: String::new(),
        };
        assert!(problems(&good).is_empty());
        assert_eq!(default_alias(&good), "nsuite");
        let bad = NewUser {
            last_name: " ".into(),
            username: "netsuite".into(),
            email: "a b@c.d".into(),
            alias: "toolongalias".into(),
            ..good
        };
        assert_eq!(problems(&bad).len(), 4);
        assert!(!valid_email("a@b"));
        assert!(!valid_email("@b.c"));
        assert!(valid_email("a.b+c@d.example"));
    }
}
