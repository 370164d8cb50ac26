//! Drives an apply: one round of calls per `continueApply` / `finishCleanUp` request, so the
//! page (or worker) that drives it can stop between any two rounds. Each round: the state
//! machine ([`super::machine`]) picks the calls and records them in the journal, the journal is
//! saved, the calls go out together, their answers (any status, with headers) go back to the
//! machine, and the journal is saved again.
//!
//! Writes are sObject Collections with `allOrNone` (salesforce.md §B.3), one type per call
//! (§H.Q3), or composite requests with `allOrNone` where the org allows mixing Setup types
//! (§B.4, §H.Q3 [U]); undo writes use `allOrNone=false` so each record stands alone.

use super::journal::Journal;
use super::journal_store::{self, JournalError};
use super::machine::{Answer, ChoiceError, Outgoing};
use super::view::AttentionAction;
use crate::platform::{KeyValueStore, Transport};
use crate::salesforce::Client;

/// Runs one round: the machine's next calls, saved before they are sent, then their answers.
pub async fn run_round<T: Transport, S: KeyValueStore>(
    client: &Client<'_, T>,
    store: &S,
    journal: &mut Journal,
) -> Result<(), JournalError> {
    let data = client.version().data_path();
    let calls: Vec<Outgoing> = journal.next_calls(&data);
    // Write-ahead: the calls are in the journal before any of them is sent.
    journal_store::save(store, journal).await?;
    if calls.is_empty() {
        return Ok(());
    }
    let answers = futures_util::future::join_all(
        calls
            .iter()
            .map(|call| client.exchange(call.method, &call.path, call.body.clone())),
    )
    .await;
    journal.absorb(
        calls
            .into_iter()
            .zip(answers)
            .map(|(call, answer)| {
                let answer = match answer {
                    Ok(response) => Answer::Response(response),
                    Err(reason) => Answer::NoAnswer(reason),
                };
                (call.tag, answer)
            })
            .collect(),
    );
    journal_store::save(store, journal).await
}

/// Resumes a paused apply or a blocked clean-up and runs one round.
pub async fn resume<T: Transport, S: KeyValueStore>(
    client: &Client<'_, T>,
    store: &S,
    journal: &mut Journal,
) -> Result<(), JournalError> {
    journal.resume();
    run_round(client, store, journal).await
}

/// Records the admin's decision for an attention item; an action other than `keep` undoes
/// that record through the journal (the page then continues the apply).
pub async fn choose<S: KeyValueStore>(
    store: &S,
    journal: &mut Journal,
    item: usize,
    action: AttentionAction,
) -> Result<Result<(), ChoiceError>, JournalError> {
    let chosen = journal.choose(item, action);
    if chosen.is_ok() {
        journal_store::save(store, journal).await?;
    }
    Ok(chosen)
}
