//! The optional first step: create the integration user itself (salesforce.md §C.7: the Salesforce
//! Integration license, the API-only profile found by its license). It can't be undone (users
//! can only be deactivated), so the page confirms it separately.

use super::org::soql_text;
use crate::platform::{Method, Transport};
use crate::salesforce::{ApiError, Client};
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

/// Problems with the input, one sentence each. Salesforce usernames are email-shaped (≤ 80).
pub fn problems(user: &NewUser) -> Vec<String> {
    let mut problems = Vec::new();
    if user.last_name.trim().is_empty() {
        problems.push("The last name is required.".to_owned());
    }
    if !valid_email(&user.username) {
        problems
            .push("The username must look like an email address (name@example.com).".to_owned());
    }
    if !valid_email(&user.email) {
        problems.push("The email address is not valid.".to_owned());
    }
    if user.alias.chars().count() > 8 {
        problems.push("The alias can be at most 8 characters.".to_owned());
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

/// Creates the user; returns its Id and username, or the admin-facing reason it failed.
pub async fn create<T: Transport>(
    client: &Client<'_, T>,
    user: &NewUser,
) -> Result<(String, String), String> {
    let problems = problems(user);
    if !problems.is_empty() {
        return Err(problems.join(" "));
    }
    let to_message = |e: ApiError| e.message;
    // salesforce.md §C.7: find the profile by its license, not its (renamed, cloneable) name; prefer
    // the current standard profile over the deprecated one.
    let profiles: Vec<Value> = client
        .query("SELECT Id, Name FROM Profile WHERE UserLicense.Name = 'Salesforce Integration'")
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
        .ok_or("This org has no profile with the Salesforce Integration license.")?;
    let profile_id = profile
        .get("Id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let taken: Vec<Value> = client
        .query(&format!(
            "SELECT Id FROM User WHERE Username = {}",
            soql_text(&user.username)
        ))
        .await
        .map_err(to_message)?;
    if !taken.is_empty() {
        return Err(format!(
            "The username {} is already taken: usernames are unique across all Salesforce orgs.",
            user.username
        ));
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
        .map_err(|e| ApiError::malformed("the new user's Id", e).message)?;
    let id = created
        .get("id")
        .and_then(Value::as_str)
        .ok_or("Salesforce did not return the new user's Id.")?;
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
