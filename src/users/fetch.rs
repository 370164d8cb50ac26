//! Badges for the users on a page, from a per-org cache in `storage.session` (it survives the
//! background worker stopping) or from one query per 200 users. Time is passed in, so the
//! cache's expiry is tested natively.

use super::classify::{classify, UserBadge};
use super::icons;
use super::record::{self, Children, UserId, UserRecord, USERS_PER_QUERY};
use crate::salesforce::{ApiError, Client, OrgId, Transport};
use crate::settings::{Area, KeyValueStore};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How long a classification is reused: a few minutes, so a revisit or the next page of the
/// list costs no API call, and a fix made in another tab shows soon after.
pub const CACHE_TTL_MS: u64 = 5 * 60 * 1000;

/// Most users one request may ask about (the Users list shows at most 1000 rows, facts §H.Q1).
pub const MAX_USERS_PER_REQUEST: usize = 1000;

/// What the cache keeps per user: the badge (or that the user is unmarked) and when it was read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheEntry {
    pub at: u64,
    pub badge: Option<UserBadge>,
}

/// The per-org cache, one `storage.session` value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeCache {
    pub users: BTreeMap<UserId, CacheEntry>,
}

fn cache_key(org: &OrgId) -> String {
    format!("userBadges:{org}")
}

async fn load_cache(store: &impl KeyValueStore, org: &OrgId) -> BadgeCache {
    store
        .get(Area::Session, &cache_key(org))
        .await
        .ok()
        .flatten()
        .and_then(|value| serde_json::from_value(value).ok())
        .unwrap_or_default()
}

/// One request's users: which are already known (fresh in the cache) and which need the API.
#[derive(Debug)]
pub struct Lookup {
    org: OrgId,
    wanted: Vec<(String, UserId)>,
    cache: BadgeCache,
    missing: Vec<UserId>,
    now_ms: u64,
}

impl Lookup {
    /// Reads the cache for `requested` (Ids as the page linked them; invalid ones are ignored).
    pub async fn start(
        store: &impl KeyValueStore,
        org: &OrgId,
        requested: &[String],
        now_ms: u64,
    ) -> Self {
        let wanted: Vec<(String, UserId)> = requested
            .iter()
            .take(MAX_USERS_PER_REQUEST)
            .filter_map(|raw| UserId::parse(raw).map(|id| (raw.clone(), id)))
            .collect();
        let mut cache = load_cache(store, org).await;
        cache
            .users
            .retain(|_, e| e.at <= now_ms && now_ms - e.at < CACHE_TTL_MS);
        let mut missing: Vec<UserId> = wanted
            .iter()
            .map(|(_, id)| id.clone())
            .filter(|id| !cache.users.contains_key(id))
            .collect();
        missing.sort();
        missing.dedup();
        Self {
            org: org.clone(),
            wanted,
            cache,
            missing,
            now_ms,
        }
    }

    /// Whether the API must be asked (no client is needed otherwise).
    pub fn needs_api(&self) -> bool {
        !self.missing.is_empty()
    }

    /// Classifies the missing users (one query per 200) and remembers them. Any API failure
    /// fails the whole lookup, so a page is never half badged.
    pub async fn fetch<T: Transport>(
        &mut self,
        client: &Client<'_, T>,
        store: &impl KeyValueStore,
    ) -> Result<(), ApiError> {
        let mut fetched = Vec::new();
        for chunk in self.missing.chunks(USERS_PER_QUERY) {
            let rows = query_users(client, chunk).await?;
            fetched.push((chunk.to_vec(), rows));
        }
        let at = self.now_ms;
        for (chunk, rows) in fetched {
            for id in chunk {
                self.cache.users.insert(id, CacheEntry { at, badge: None });
            }
            for row in rows {
                let Some(id) = UserId::parse(&row.id) else {
                    continue;
                };
                let badge = classify(&row);
                let badge = badge.is_marked().then_some(badge);
                self.cache.users.insert(id, CacheEntry { at, badge });
            }
        }
        self.missing.clear();
        // A failed cache write only costs a query on the next visit.
        if let Ok(value) = serde_json::to_value(&self.cache) {
            let _ = store.set(Area::Session, &cache_key(&self.org), value).await;
        }
        Ok(())
    }

    /// The badges of the marked users, keyed by the Ids as the page linked them, with the
    /// admin's icons.
    pub async fn badges(self, store: &impl KeyValueStore) -> Vec<UserBadge> {
        let icons = icons::load(store, &self.org).await;
        let mut seen: Vec<&str> = Vec::new();
        let mut badges = Vec::new();
        for (raw, id) in &self.wanted {
            if seen.contains(&raw.as_str()) {
                continue;
            }
            seen.push(raw);
            if let Some(badge) = self.cache.users.get(id).and_then(|e| e.badge.clone()) {
                badges.push(UserBadge {
                    user_id: raw.clone(),
                    icon: icons.get(id).cloned(),
                    ..badge
                });
            }
        }
        badges
    }
}

/// Badges for `requested`, asking the API only for users not fresh in the cache.
pub async fn badges_for<T: Transport, S: KeyValueStore>(
    client: &Client<'_, T>,
    store: &S,
    org: &OrgId,
    requested: &[String],
    now_ms: u64,
) -> Result<Vec<UserBadge>, ApiError> {
    let mut lookup = Lookup::start(store, org, requested, now_ms).await;
    if lookup.needs_api() {
        lookup.fetch(client, store).await?;
    }
    Ok(lookup.badges(store).await)
}

/// One query for up to [`USERS_PER_QUERY`] users; a child list Salesforce cut short is read to
/// its end through its own `nextRecordsUrl` (facts §B.1).
async fn query_users<T: Transport>(
    client: &Client<'_, T>,
    ids: &[UserId],
) -> Result<Vec<UserRecord>, ApiError> {
    let mut rows: Vec<UserRecord> = client.query(&record::soql(ids)).await?;
    for row in &mut rows {
        if let Some(children) = row.permission_set_assignments.as_mut() {
            finish_children(client, children).await?;
        }
        if let Some(children) = row.permission_set_license_assignments.as_mut() {
            finish_children(client, children).await?;
        }
    }
    Ok(rows)
}

async fn finish_children<T: Transport, R: serde::de::DeserializeOwned>(
    client: &Client<'_, T>,
    children: &mut Children<R>,
) -> Result<(), ApiError> {
    while !children.done {
        let Some(next) = children
            .next_records_url
            .take()
            .filter(|n| n.starts_with("/services/data/"))
        else {
            return Err(ApiError::malformed(
                "a list of assignments",
                "it is incomplete and names no next page on this org",
            ));
        };
        let page: Children<R> = client.get(&next, "a list of assignments").await?;
        children.records.extend(page.records);
        children.done = page.done;
        children.next_records_url = page.next_records_url;
    }
    Ok(())
}
