//! The router: one entry point for every [`Request`], which only routes each to the feature that
//! answers it. Features take the [`Platform`] and never import this module; only the hosts'
//! entry points (the wasm shell, native tests) call it.

use crate::platform::Platform;
use crate::protocol::{Reply, Request};

/// Answers one request. `sender_url` is the URL of the frame that sent it, as the browser
/// reports it (content scripts); extension pages pass `None`.
pub async fn handle<P: Platform>(
    platform: &P,
    request: Request,
    sender_url: Option<&str>,
) -> Reply {
    match request {
        Request::PageLoaded { .. } => crate::org::page_verdict(platform, sender_url).await,
        Request::PlanColumns { snapshot, filter } => {
            crate::toggles::column_plans(&snapshot, filter.as_ref())
        }
        Request::AccessSources {} => crate::toggles::access_sources(platform, sender_url).await,
        Request::CopyAccess {
            source,
            mode,
            snapshot,
        } => crate::toggles::copy_access(platform, sender_url, &source, mode, &snapshot).await,
        Request::OrgStatus { tab_url } => {
            Reply::OrgStatus(crate::org::org_status(platform, &tab_url).await)
        }
        Request::SetOrgEnabled { org_id, enabled } => {
            match crate::org::set_org_enabled(platform.storage(), &org_id, enabled).await {
                Ok(()) => Reply::OrgEnabled { org_id, enabled },
                Err(e) => Reply::Failed {
                    message: format!("The setting could not be saved: {e}"),
                },
            }
        }
        Request::ForgetUnreadable { key } => {
            crate::org::forget_unreadable(platform.storage(), key, sender_url).await
        }
        Request::BadgeUsers { user_ids } => {
            crate::users::requests::user_badges(platform, sender_url, &user_ids).await
        }
        Request::SetUserIcon { user_id, icon } => {
            crate::users::requests::set_user_icon(platform, sender_url, user_id, icon).await
        }
        Request::SetProfilePhoto {
            user_id,
            png_base64,
        } => {
            crate::users::requests::set_profile_photo(platform, sender_url, user_id, &png_base64)
                .await
        }
        Request::AssignableSets { user_id } => {
            crate::access::answer::assignable_sets(platform, sender_url, &user_id).await
        }
        // Extension pages name the org; a content script may only ask about its own frame's.
        #[cfg(feature = "generator")]
        Request::CheckAssignableSets { org_url, user_id } if sender_url.is_none() => {
            crate::access::answer::assignable_sets(platform, Some(&org_url), &user_id).await
        }
        #[cfg(feature = "generator")]
        request @ (Request::AccessReview { .. }
        | Request::AccessTable { .. }
        | Request::AccessCsv { .. }
        | Request::NarrowerSpec { .. }
        | Request::CheckSpecAssignment { .. }) => {
            crate::access::answer::page(platform, request).await
        }
        #[cfg(feature = "record-types")]
        Request::RecordTypeDefaults {
            org_url,
            user_id,
            profile_id,
        } => crate::record_types::requests::defaults(platform, &org_url, user_id, profile_id).await,
        #[cfg(feature = "record-types")]
        Request::SetDefaultRecordType {
            org_url,
            profile_id,
            profile_name,
            profile_full_name,
            record_type,
            shown_default,
        } => {
            let request = crate::record_types::flow::SetDefault {
                org_url,
                profile_id,
                profile_name,
                profile_full_name,
                record_type,
                shown_default,
            };
            crate::record_types::requests::set_default(platform, &request).await
        }
        generator_request => crate::generator::handle(platform, generator_request).await,
    }
}
