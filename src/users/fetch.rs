//! Badges for the users on a page, from a per-org cache in `storage.session` (it survives the
//! background worker stopping) or from one query per 200 users. Time is passed in, so the
//! cache's expiry is tested natively.

use super::classify::{classify, UserBadge};
use super::icons;
use super::record::{self, UserId, UserRecord, USERS_PER_QUERY};
use crate::platform::Transport;
use crate::platform::{Area, KeyValueStore};
use crate::salesforce::{ApiError, Client, OrgId, MAX_QUERY_PAGES};
use crate::storage::{self, IfUnreadable, Loaded, ReadError, Stored, Unversioned};
use serde_json::{Map, Value};

/// How long a classification is reused: a few minutes, so a revisit or the next page of the
/// list costs no API call, and a fix made in another tab shows soon after.
pub const CACHE_TTL_MS: u64 = 5 * 60 * 1000;

/// Most users one request may ask about (the Users list shows at most 1000 rows, salesforce.md §H.Q1).
pub const MAX_USERS_PER_REQUEST: usize = 1000;

/// The per-org cache, one `storage.session` value: `{"<18-char user Id>": {"at": ms, "row":
/// <the User row as Salesforce sent it, its child lists complete> | null}}`, `null` for a user
/// who is no integration user. The cache keeps the org's data, not a verdict: a badge is
/// classified afresh from the row on each read (so the badge has one encoding, the protocol's,
/// and today's rules apply to cached rows). An entry without a row is asked for again.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BadgeCache {
    entries: Map<String, Value>,
}

impl BadgeCache {
    fn fresh(&self, id: &UserId) -> bool {
        self.entries
            .get(id.as_str())
            .is_some_and(|entry| entry.get("row").is_some())
    }

    fn badge(&self, id: &UserId) -> Option<UserBadge> {
        let row = self.entries.get(id.as_str())?.get("row")?;
        let badge = classify(&UserRecord::from_json(row)?);
        badge.is_marked().then_some(badge)
    }

    fn remember(&mut self, id: &UserId, at: u64, row: Option<Value>) {
        let mut entry = Map::new();
        entry.insert("at".to_owned(), Value::from(at));
        entry.insert("row".to_owned(), row.unwrap_or(Value::Null));
        self.entries
            .insert(id.as_str().to_owned(), Value::Object(entry));
    }
}

/// Version 2 keeps rows, as above. Versions 0 (the entries object itself) and 1 (the same in an
/// envelope) kept each user's verdict (`{"at", "badge"}`), not the org's row: they read as an
/// empty cache, so each user is asked for again. Unreadable, the cache is asked for again too.
impl Stored for BadgeCache {
    const KIND: &'static str = "usersCache";
    const VERSION: u32 = 2;
    const UNVERSIONED: Unversioned = Unversioned::Value;
    const IF_UNREADABLE: IfUnreadable = IfUnreadable::Refetch;

    fn read(version: u32, json: &str) -> Result<Self, ReadError> {
        let entries = match storage::json_value(Self::KIND, json)? {
            Value::Object(entries) => entries,
            _ => return Err(ReadError::Invalid("it is not an object".into())),
        };
        match version {
            0 | 1 => Ok(BadgeCache::default()),
            2 => Ok(BadgeCache { entries }),
            other => Err(ReadError::NoMigration(other)),
        }
    }

    fn write(&self) -> Result<String, serde_json::Error> {
        Ok(Value::Object(self.entries.clone()).to_string())
    }
}

fn cache_key(org: &OrgId) -> String {
    format!("userBadges:{org}")
}

/// The org's cache without entries older than [`CACHE_TTL_MS`] (or from the future).
async fn load_cache(store: &impl KeyValueStore, org: &OrgId, now_ms: u64) -> BadgeCache {
    let saved = storage::load::<BadgeCache>(store, Area::Session, &cache_key(org)).await;
    let Ok(Loaded::Found(BadgeCache { entries: saved })) = saved else {
        return BadgeCache::default();
    };
    // Kept entries are moved into a new map rather than the old ones removed in place: the
    // worker's core then carries no map-removal code (about 1 KB gzipped) for this alone.
    let mut entries = Map::new();
    for (id, entry) in saved {
        let fresh = entry
            .get("at")
            .and_then(Value::as_u64)
            .is_some_and(|at| at <= now_ms && now_ms - at < CACHE_TTL_MS);
        if fresh {
            entries.insert(id, entry);
        }
    }
    BadgeCache { entries }
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
        let cache = load_cache(store, org, now_ms).await;
        let mut missing: Vec<UserId> = Vec::new();
        for (_, id) in &wanted {
            if !cache.fresh(id) && !missing.contains(id) {
                missing.push(id.clone());
            }
        }
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
            fetched.push(query_users(client, chunk).await?);
        }
        let at = self.now_ms;
        for id in &self.missing {
            self.cache.remember(id, at, None);
        }
        for row in fetched.into_iter().flatten() {
            let Some(user) = UserRecord::from_json(&row) else {
                continue;
            };
            let Some(id) = UserId::parse(&user.id) else {
                continue;
            };
            let marked = classify(&user).is_marked();
            self.cache.remember(&id, at, marked.then_some(row));
        }
        self.missing.clear();
        // A failed cache write only costs a query on the next visit.
        let _ = storage::save(store, Area::Session, &cache_key(&self.org), &self.cache).await;
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
            if let Some(badge) = self.cache.badge(id) {
                badges.push(UserBadge {
                    user_id: raw.clone(),
                    icon: icons
                        .iter()
                        .find(|(user, _)| user == id)
                        .map(|(_, icon)| icon.clone()),
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

/// One query for up to [`USERS_PER_QUERY`] users, as rows; a child list Salesforce cut short is
/// read to its end through its own `nextRecordsUrl` (salesforce.md §B.1) and joined into the row.
async fn query_users<T: Transport>(
    client: &Client<'_, T>,
    ids: &[UserId],
) -> Result<Vec<Value>, ApiError> {
    read_users(client, &record::soql(ids)).await
}

/// Every user row of `soql` (a query of [`record::select_users`]), every page, each child list
/// read to its end.
pub(crate) async fn read_users<T: Transport>(
    client: &Client<'_, T>,
    soql: &str,
) -> Result<Vec<Value>, ApiError> {
    let mut rows = client.query_rows(soql).await?;
    for row in &mut rows {
        for relationship in [
            "PermissionSetAssignments",
            "PermissionSetLicenseAssignments",
        ] {
            if let Some(children) = row.get_mut(relationship).and_then(Value::as_object_mut) {
                finish_children(client, children).await?;
            }
        }
    }
    Ok(rows)
}

/// Reads a child list to its end, appending each page's records to the first page's.
async fn finish_children<T: Transport>(
    client: &Client<'_, T>,
    children: &mut Map<String, Value>,
) -> Result<(), ApiError> {
    let mut pages = 0;
    while !children
        .get("done")
        .and_then(Value::as_bool)
        .unwrap_or(true)
    {
        pages += 1;
        if pages > MAX_QUERY_PAGES {
            return Err(ApiError::malformed(
                "a list of assignments",
                format!("it did not end within {MAX_QUERY_PAGES} pages"),
            ));
        }
        let Some(next) = children
            .get("nextRecordsUrl")
            .and_then(Value::as_str)
            .filter(|n| n.starts_with("/services/data/"))
            .map(str::to_owned)
        else {
            return Err(ApiError::malformed(
                "a list of assignments",
                "it is incomplete and names no next page on this org",
            ));
        };
        let page: Value = client.get(&next, "a list of assignments").await?;
        let Some(more) = page.get("records").and_then(Value::as_array) else {
            return Err(ApiError::malformed("a list of assignments", "no records"));
        };
        match children.get_mut("records") {
            Some(Value::Array(records)) => records.extend(more.iter().cloned()),
            _ => {
                children.insert("records".to_owned(), Value::Array(more.clone()));
            }
        }
        let done = page.get("done").and_then(Value::as_bool).unwrap_or(true);
        children.insert("done".to_owned(), Value::Bool(done));
        let next = page.get("nextRecordsUrl").cloned().unwrap_or(Value::Null);
        children.insert("nextRecordsUrl".to_owned(), next);
    }
    Ok(())
}
