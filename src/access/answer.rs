//! The access feature's requests answered with their paired replies, or an [`AccessError`]
//! (worded in [`crate::words`]). A content script asks about its own frame's org only: the
//! frame comes from the browser's sender record, never from the message.

use super::requests::{self, AccessError};
use crate::platform::Platform;
use crate::protocol::access::{AccessReply, GetAssignableSets};
use crate::protocol::Frame;
#[cfg(feature = "generator")]
use crate::protocol::{
    access::{AccessCsvFile, AccessRequest, ReviewedAccess},
    generator::LoadedSpec,
    Reply,
};

/// A content script's `assignableSets`, for a user of its own frame's org. (`openAccessReview`
/// is [`crate::open`]'s: it needs the host's pages.)
pub async fn answer_frame<P: Platform>(
    platform: &P,
    frame: &Frame,
    request: GetAssignableSets,
) -> Result<AccessReply, AccessError> {
    requests::assignable_sets_at(platform, &frame.url, &request.user_id)
        .await
        .map(AccessReply::AssignableSets)
}

/// The generator's curated system permissions (the narrower set carries only these).
#[cfg(feature = "generator")]
fn curated() -> Vec<&'static str> {
    crate::generator::curated::SYSTEM_PERMISSIONS
        .iter()
        .map(|(name, _, _)| *name)
        .collect()
}

/// The access review page's and the generator page's access requests. `narrowerSpec` is
/// answered with the generator's `spec`, which the generator page reads.
#[cfg(feature = "generator")]
pub async fn page<P: Platform>(platform: &P, request: AccessRequest) -> Result<Reply, AccessError> {
    let curated_set = || curated().into_iter().map(str::to_owned).collect();
    Ok(match request {
        AccessRequest::CheckAssignableSets(request) => {
            requests::assignable_sets_at(platform, &request.org_url, &request.user_id)
                .await
                .map(AccessReply::AssignableSets)?
                .into()
        }
        AccessRequest::AccessReview(request) => {
            let (review, api_calls) =
                requests::review(platform, &request.org_url, &request.user_id, curated_set())
                    .await?;
            Reply::from(ReviewedAccess {
                review: Box::new(review),
                api_calls,
            })
        }
        AccessRequest::AccessTable(request) => {
            Reply::from(super::table::view(&request.review, &request.query))
        }
        AccessRequest::AccessCsv(request) => Reply::from(AccessCsvFile {
            file_name: csv_file_name(&request.review.user.name),
            csv: super::table::csv(&request.review, &request.query),
        }),
        AccessRequest::NarrowerSpec(request) => {
            let (review, _) =
                requests::review(platform, &request.org_url, &request.user_id, curated_set())
                    .await?;
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
            Reply::from(LoadedSpec {
                spec: narrower.spec,
                warnings,
            })
        }
        AccessRequest::CheckSpecAssignment(request) => Reply::from(
            requests::check_spec(
                platform,
                &request.org_url,
                &request.spec,
                request.assignee_id.as_deref(),
                &curated(),
            )
            .await?,
        ),
    })
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
