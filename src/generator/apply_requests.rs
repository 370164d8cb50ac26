//! The generator's apply requests: `startApply` (plan again, write only the previewed plan,
//! one unfinished apply per org and set), `continueApply` / `finishCleanUp` (one round each),
//! `pendingApplies` (every stored journal still needing something, unreadable ones included)
//! and `resolveAttention` (the admin's decision about a record left untouched).

use super::apply;
use super::handler::{read_and_plan, PlanTarget};
use super::journal::Journal;
use super::journal_store::{self, Stored};
use super::view::{ApplyStatus, ApplyView, AttentionAction};
use super::GeneratorError;
use crate::connection::{connect, connect_session};
use crate::platform::{KeyValueStore, Platform, SessionSource};
use crate::protocol::generator::{
    ApplyProgress, ApplyStarted, PendingApplies, Planned, ResolveAttention, StartApply,
};
use crate::salesforce::{OrgId, Session};

/// A page-made apply Id: letters, digits, `-` and `_`, at most 64.
fn valid_apply_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Plans again against the org as it is now and saves the apply's journal; writes nothing yet.
/// If the org changed since the preview the page showed, the new preview is the answer instead.
pub async fn start<P: Platform>(
    platform: &P,
    request: StartApply,
) -> Result<ApplyStarted, GeneratorError> {
    let target = PlanTarget {
        assignee_id: request.assignee_id.as_deref(),
        permission_set_id: request.target_permission_set_id.as_deref(),
        use_composite: request.use_composite,
    };
    let connection = connect(platform, &request.org_url).await?;
    let (client, session) = (connection.client(), &connection.session);
    // The state read is the key look-up the apply's ownership proofs rest on; who the applying
    // user is comes in parallel (salesforce.md §I.6: CreatedById).
    let (planned, user) = futures_util::future::join(
        read_and_plan(platform.storage(), &client, session, &request.spec, target),
        client.user_info(),
    )
    .await;
    let (mut view, write_plan) = planned?;
    // Exactly the previewed writes, or the new preview (with whatever it finds) instead of any
    // write.
    if let Some(previewed) = &request.fingerprint {
        if *previewed != view.fingerprint {
            view.changed_since_preview = true;
            return Ok(ApplyStarted::ChangedSincePreview(Planned { plan: view }));
        }
    }
    if !view.blockers.is_empty() {
        return Err(GeneratorError::Blocked(
            view.blockers.into_iter().map(|b| b.message).collect(),
        ));
    }
    if view.requires_confirmation && !request.confirmed_production && !write_plan.calls.is_empty() {
        return Err(GeneratorError::NeedsProductionConfirmation {
            org_name: view.org.org_name,
        });
    }
    let store = platform.storage();
    let org = session.org_id.clone();
    let set_name = write_plan.permission_set.name.clone();
    if let Some(other) = unfinished_for(store, &org, &set_name)
        .await
        .map_err(GeneratorError::ApplyNotStarted)?
    {
        return Err(GeneratorError::ApplyUnfinished {
            set_name,
            apply_id: other,
        });
    }
    let candidates: Vec<String> = match request.apply_id {
        Some(id) if !valid_apply_id(&id) => return Err(GeneratorError::NotAnApplyId),
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
        if !journal_store::exists(store, &org, &candidate)
            .await
            .map_err(GeneratorError::ApplyNotStarted)?
        {
            apply_id = Some(candidate);
            break;
        }
    }
    let apply_id = apply_id.ok_or(GeneratorError::ApplyIdTaken)?;
    let journal = Journal::new(
        apply_id,
        org,
        session.api_host.to_string(),
        user.ok().map(|u| u.user_id),
        write_plan,
    );
    journal_store::save(store, &journal)
        .await
        .map_err(GeneratorError::JournalNotStarted)?;
    Ok(ApplyStarted::Started(ApplyProgress {
        apply: journal.view(),
    }))
}

/// Every stored journal of the org of `org_url` still needing something, unreadable ones
/// included.
pub async fn pending<P: Platform>(
    platform: &P,
    org_url: &str,
) -> Result<PendingApplies, GeneratorError> {
    let org_id = platform
        .sessions()
        .org_of(org_url)
        .await
        .map_err(GeneratorError::Session)?;
    let stored = journal_store::all(platform.storage(), &org_id)
        .await
        .map_err(GeneratorError::Journal)?;
    Ok(PendingApplies {
        applies: stored
            .iter()
            .filter_map(|s| match s {
                Stored::Readable(journal) => journal.unfinished().then(|| journal.view()),
                Stored::Unreadable(unreadable) => Some(unreadable.view()),
            })
            .collect(),
    })
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
) -> Result<(Session, Stored), GeneratorError> {
    // The journal is found by the org of the URL, so the journal's org and the session's match.
    let session = platform
        .sessions()
        .session(org_url)
        .await
        .map_err(GeneratorError::Session)?;
    let stored = journal_store::load(platform.storage(), &session.org_id, apply_id)
        .await
        .map_err(GeneratorError::Journal)?;
    Ok((session, stored))
}

/// One round of an apply (resuming it first if it paused or its clean-up was blocked).
pub async fn step<P: Platform>(
    platform: &P,
    org_url: &str,
    apply_id: &str,
) -> Result<ApplyProgress, GeneratorError> {
    let (session, stored) = load(platform, org_url, apply_id).await?;
    let mut journal = match stored {
        Stored::Readable(journal) => journal,
        Stored::Unreadable(unreadable) => {
            return Ok(ApplyProgress {
                apply: unreadable.view(),
            })
        }
    };
    let connection = match connect_session(platform, session).await {
        Ok(connection) => connection,
        Err(e) => {
            // Can't reach the org now: the journal is unchanged and the page can retry.
            let mut apply = journal.view();
            apply.message = Some(e.to_string());
            return Ok(ApplyProgress { apply });
        }
    };
    apply::resume(&connection.client(), platform.storage(), &mut journal)
        .await
        .map_err(GeneratorError::JournalNotSaved)?;
    Ok(ApplyProgress {
        apply: journal.view(),
    })
}

/// The admin's decision about one record an apply left untouched.
pub async fn resolve<P: Platform>(
    platform: &P,
    request: ResolveAttention,
) -> Result<ApplyProgress, GeneratorError> {
    let (session, stored) = load(platform, &request.org_url, &request.apply_id).await?;
    let apply: ApplyView = match stored {
        Stored::Unreadable(unreadable) => {
            if request.action != AttentionAction::Keep {
                return Err(GeneratorError::UnreadableJournalIsOnlyMarked);
            }
            journal_store::mark_handled(platform.storage(), &session.org_id, &request.apply_id)
                .await
                .map_err(GeneratorError::Journal)?;
            let mut apply = unreadable.view();
            for item in &mut apply.attention {
                item.chosen = Some(AttentionAction::Keep);
            }
            apply
        }
        Stored::Readable(mut journal) => {
            apply::choose(
                platform.storage(),
                &mut journal,
                request.item,
                request.action,
            )
            .await
            .map_err(GeneratorError::JournalNotSaved)?
            .map_err(GeneratorError::Choice)?;
            journal.view()
        }
    };
    Ok(ApplyProgress { apply })
}
