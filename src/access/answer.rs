//! The access feature's protocol requests answered: each reply, or one `failed` message worded
//! by [`super::requests::AccessError`]. Content scripts ask about their own frame's org only.

use super::requests::{self, AccessError};
use crate::platform::Platform;
use crate::protocol::Reply;

fn failed(e: AccessError) -> Reply {
    Reply::Failed {
        message: e.to_string(),
    }
}

/// `assignableSets` (content script: the org of `org_url` is the sender frame's) and
/// `checkAssignableSets` (extension page: the org it names).
pub async fn assignable_sets<P: Platform>(
    platform: &P,
    org_url: Option<&str>,
    user_id: &str,
) -> Reply {
    let Some(org_url) = org_url else {
        return Reply::Failed {
            message:
                "Forcefield checks permission sets for a user of a Salesforce page's org only."
                    .to_owned(),
        };
    };
    match requests::assignable_sets_at(platform, org_url, user_id).await {
        Ok(sets) => Reply::AssignableSets(sets),
        Err(e) => failed(e),
    }
}

/// The generator's curated system permissions (the narrower set carries only these).
#[cfg(feature = "generator")]
fn curated() -> Vec<&'static str> {
    crate::generator::curated::SYSTEM_PERMISSIONS
        .iter()
        .map(|(name, _, _)| *name)
        .collect()
}

/// The page core's access requests (the access review page, the generator page).
#[cfg(feature = "generator")]
pub async fn page<P: Platform>(platform: &P, request: crate::protocol::Request) -> Reply {
    use crate::protocol::Request;
    let curated_set = || curated().into_iter().map(str::to_owned).collect();
    match request {
        Request::AccessReview { org_url, user_id } => {
            match requests::review(platform, &org_url, &user_id, curated_set()).await {
                Ok((review, api_calls)) => Reply::AccessReview {
                    review: Box::new(review),
                    api_calls,
                },
                Err(e) => failed(e),
            }
        }
        Request::AccessTable { review, query } => {
            Reply::AccessTable(super::table::view(&review, &query))
        }
        Request::AccessCsv { review, query } => Reply::AccessCsv {
            file_name: csv_file_name(&review.user.name),
            csv: super::table::csv(&review, &query),
        },
        Request::NarrowerSpec { org_url, user_id } => {
            match requests::review(platform, &org_url, &user_id, curated_set()).await {
                Ok((review, _)) => {
                    let narrower = review.narrower;
                    let mut warnings: Vec<String> = narrower
                        .removed
                        .iter()
                        .map(|r| format!("Left out: {r}"))
                        .collect();
                    warnings.extend(
                        narrower
                            .not_carried
                            .iter()
                            .map(|n| format!("Not carried over: {n}")),
                    );
                    Reply::Spec {
                        spec: narrower.spec,
                        warnings,
                    }
                }
                Err(e) => failed(e),
            }
        }
        Request::CheckSpecAssignment {
            org_url,
            spec,
            assignee_id,
        } => match requests::check_spec(
            platform,
            &org_url,
            &spec,
            assignee_id.as_deref(),
            &curated(),
        )
        .await
        {
            Ok(check) => Reply::SpecAssignment(check),
            Err(e) => failed(e),
        },
        _ => Reply::Failed {
            message: "This request is not an access review request.".to_owned(),
        },
    }
}

/// `Access review – <user>.csv`, with characters file systems refuse replaced.
pub fn csv_file_name(user_name: &str) -> String {
    let safe: String = user_name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    format!("Access review – {}.csv", safe.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_file_names_carry_no_path() {
        assert_eq!(
            csv_file_name("NetSuite Integration"),
            "Access review – NetSuite Integration.csv"
        );
        assert_eq!(csv_file_name("../<x>"), "Access review – ..__x_.csv");
        assert!(!csv_file_name("a/b\\c").contains(['/', '\\']));
    }
}
