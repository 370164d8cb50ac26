//! The generator's apply requests: `startApply` (plan again, write only the previewed plan,
//! one unfinished apply per org and set), `continueApply` / `finishCleanUp` (one round each),
//! `pendingApplies` (every stored journal still needing something, unreadable ones included)
//! and `resolveAttention` (the admin's decision about a record left untouched).

use super::apply;
use super::handler::{connect_failed, failed, read_and_plan, PlanTarget};
use super::journal::Journal;
use super::journal_store::{self, Stored};
use super::view::{ApplyStatus, AttentionAction};
use crate::connection::{connect, connect_session, ConnectError};
use crate::platform::{KeyValueStore, Platform, SessionSource};
use crate::protocol::{Reply, Request};
use crate::salesforce::OrgId;

/// Answers one apply request (other requests are not sent here).
pub async fn handle<P: Platform>(platform: &P, request: Request) -> Reply {
    match request {
        Request::StartApply {
            org_url,
            spec,
            assignee_id,
            target_permission_set_id,
            use_composite,
            confirmed_production,
            fingerprint,
            apply_id,
        } => {
            let target = PlanTarget {
                assignee_id: assignee_id.as_deref(),
                permission_set_id: target_permission_set_id.as_deref(),
                use_composite,
            };
            start(
                platform,
                &org_url,
                &spec,
                target,
                Start {
                    confirmed_production,
                    fingerprint,
                    apply_id,
                },
            )
            .await
        }
        Request::ContinueApply { org_url, apply_id }
        | Request::FinishCleanUp { org_url, apply_id } => step(platform, &org_url, &apply_id).await,
        Request::PendingApplies { org_url } => match platform.sessions().org_of(&org_url).await {
            Ok(org_id) => match journal_store::all(platform.storage(), &org_id).await {
                Ok(stored) => Reply::Applies {
                    applies: stored
                        .iter()
                        .filter_map(|s| match s {
                            Stored::Readable(journal) => {
                                journal.unfinished().then(|| journal.view())
                            }
                            Stored::Unreadable(unreadable) => Some(unreadable.view()),
                        })
                        .collect(),
                },
                Err(e) => failed(e.to_string()),
            },
            Err(e) => failed(e.to_string()),
        },
        Request::ResolveAttention {
            org_url,
            apply_id,
            item,
            action,
        } => resolve(platform, &org_url, &apply_id, item, action).await,
        _ => failed("This request is not an apply request."),
    }
}

/// What `startApply` brings besides the plan's target.
struct Start {
    confirmed_production: bool,
    fingerprint: Option<String>,
    apply_id: Option<String>,
}

/// A page-made apply Id: letters, digits, `-` and `_`, at most 64.
fn valid_apply_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

async fn start<P: Platform>(
    platform: &P,
    org_url: &str,
    spec: &crate::model::PermissionSetSpec,
    target: PlanTarget<'_>,
    start: Start,
) -> Reply {
    let connection = match connect(platform, org_url).await {
        Ok(connection) => connection,
        Err(e) => return connect_failed(e),
    };
    let (client, session) = (connection.client(), &connection.session);
    // The state read is the key look-up the apply's ownership proofs rest on; who the applying
    // user is comes in parallel (salesforce.md §I.6: CreatedById).
    let (planned, user) = futures_util::future::join(
        read_and_plan(platform.storage(), &client, session, spec, target),
        client.user_info(),
    )
    .await;
    let (mut view, write_plan) = match planned {
        Ok(planned) => planned,
        Err(e) => return failed(e.message),
    };
    // Exactly the previewed writes, or the new preview (with whatever it finds) instead of any
    // write.
    if let Some(previewed) = &start.fingerprint {
        if *previewed != view.fingerprint {
            view.changed_since_preview = true;
            return Reply::Plan { plan: view };
        }
    }
    if !view.blockers.is_empty() {
        let reasons: Vec<&str> = view.blockers.iter().map(|b| b.message.as_str()).collect();
        return failed(format!("Nothing was changed: {}", reasons.join(" ")));
    }
    if view.requires_confirmation && !start.confirmed_production && !write_plan.calls.is_empty() {
        return failed(format!(
            "Nothing was changed: {} is a production org, and applying there needs your explicit confirmation.",
            view.org.org_name
        ));
    }
    let org = session.org_id.clone();
    let set_name = write_plan.permission_set.name.clone();
    match unfinished_for(platform.storage(), &org, &set_name).await {
        Ok(Some(other)) => {
            return failed(format!(
                "Nothing was changed: an earlier apply of {set_name} ({other}) is not finished. Resume it or finish its clean-up first."
            ))
        }
        Ok(None) => {}
        Err(e) => return failed(format!("Nothing was changed: {e}")),
    }
    let candidates: Vec<String> = match start.apply_id {
        Some(id) if !valid_apply_id(&id) => {
            return failed("Nothing was changed: the apply's Id must be letters, digits, - and _.")
        }
        Some(id) => vec![id],
        // Applies of one set never run at once (the page's lock, the check above), so the first
        // free suffix can't be taken by another window meanwhile.
        None => {
            let base = format!("{set_name}-{}", write_plan.server_date.unwrap_or_default());
            std::iter::once(base.clone())
                .chain((2..100).map(|n| format!("{base}-{n}")))
                .collect()
        }
    };
    let mut apply_id = None;
    for candidate in candidates {
        match journal_store::exists(platform.storage(), &org, &candidate).await {
            Ok(false) => {
                apply_id = Some(candidate);
                break;
            }
            Ok(true) => {}
            Err(e) => return failed(format!("Nothing was changed: {e}")),
        }
    }
    let Some(apply_id) = apply_id else {
        return failed(
            "Nothing was changed: an apply with this Id is already recorded; start it again.",
        );
    };
    let journal = Journal::new(
        apply_id,
        org,
        session.api_host.to_string(),
        user.ok().map(|u| u.user_id),
        write_plan,
    );
    match journal_store::save(platform.storage(), &journal).await {
        Ok(()) => Reply::ApplyProgress {
            apply: journal.view(),
        },
        Err(e) => failed(format!(
            "Nothing was changed: the apply's journal could not be saved ({e})."
        )),
    }
}

/// An unfinished apply of the same set in this org, if any (its Id).
async fn unfinished_for(
    store: &impl KeyValueStore,
    org: &OrgId,
    set_name: &str,
) -> Result<Option<String>, journal_store::JournalError> {
    Ok(journal_store::all(store, org)
        .await?
        .into_iter()
        .find_map(|stored| match stored {
            Stored::Readable(journal)
                if journal.set_name.eq_ignore_ascii_case(set_name)
                    && matches!(
                        journal.status,
                        ApplyStatus::Running | ApplyStatus::Paused | ApplyStatus::CleanupNeeded
                    ) =>
            {
                Some(journal.apply_id.clone())
            }
            _ => None,
        }))
}

/// Loads the journal of `apply_id` in the org of `org_url`.
async fn load<P: Platform>(
    platform: &P,
    org_url: &str,
    apply_id: &str,
) -> Result<(crate::salesforce::Session, Stored), Reply> {
    // The journal is found by the org of the URL, so the journal's org and the session's match.
    let session = platform
        .sessions()
        .session(org_url)
        .await
        .map_err(|e| failed(e.to_string()))?;
    let stored = journal_store::load(platform.storage(), &session.org_id, apply_id)
        .await
        .map_err(|e| failed(e.to_string()))?;
    Ok((session, stored))
}

/// One round of an apply (resuming it first if it paused or its clean-up was blocked).
async fn step<P: Platform>(platform: &P, org_url: &str, apply_id: &str) -> Reply {
    let (session, stored) = match load(platform, org_url, apply_id).await {
        Ok(loaded) => loaded,
        Err(reply) => return reply,
    };
    let mut journal = match stored {
        Stored::Readable(journal) => journal,
        Stored::Unreadable(unreadable) => {
            return Reply::ApplyProgress {
                apply: unreadable.view(),
            }
        }
    };
    let connection = match connect_session(platform, session).await {
        Ok(connection) => connection,
        Err(e) => {
            // Can't reach the org now: the journal is unchanged and the page can retry.
            let mut apply = journal.view();
            apply.message = Some(match e {
                ConnectError::Session(e) => e.to_string(),
                ConnectError::Api(e) => e.message,
            });
            return Reply::ApplyProgress { apply };
        }
    };
    match apply::resume(&connection.client(), platform.storage(), &mut journal).await {
        Ok(()) => Reply::ApplyProgress {
            apply: journal.view(),
        },
        Err(e) => failed(format!("The apply's journal could not be saved: {e}")),
    }
}

async fn resolve<P: Platform>(
    platform: &P,
    org_url: &str,
    apply_id: &str,
    item: usize,
    action: AttentionAction,
) -> Reply {
    let (session, stored) = match load(platform, org_url, apply_id).await {
        Ok(loaded) => loaded,
        Err(reply) => return reply,
    };
    match stored {
        Stored::Unreadable(unreadable) => {
            if action != AttentionAction::Keep {
                return failed("An unreadable journal can only be marked as handled.");
            }
            match journal_store::mark_handled(platform.storage(), &session.org_id, apply_id).await {
                Ok(()) => {
                    let mut apply = unreadable.view();
                    for item in &mut apply.attention {
                        item.chosen = Some(AttentionAction::Keep);
                    }
                    Reply::ApplyProgress { apply }
                }
                Err(e) => failed(e.to_string()),
            }
        }
        Stored::Readable(mut journal) => {
            match apply::choose(platform.storage(), &mut journal, item, action).await {
                Ok(Ok(())) => Reply::ApplyProgress {
                    apply: journal.view(),
                },
                Ok(Err(message)) => failed(message),
                Err(e) => failed(format!("The apply's journal could not be saved: {e}")),
            }
        }
    }
}
