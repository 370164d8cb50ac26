//! `GET /services/oauth2/userinfo`: the OpenID Connect UserInfo document of the session's user
//! (help.salesforce.com "remoteaccess_using_userinfo_endpoint"; shape per the brief).

use hyper::StatusCode;
use serde_json::json;

use crate::http::{self, Resp};
use crate::rest::versions::identity_base;
use crate::state::{Session, Shared};

/// The UserInfo document.
pub fn handle(shared: &Shared, org: usize, session: &Session) -> Resp {
    let st = shared.lock();
    let Some(o) = st.orgs.get(org) else {
        return http::invalid_session();
    };
    let Some(u) = o.store.get(&session.user_id) else {
        return http::invalid_session();
    };
    let text = |f: &str| u.text(f).unwrap_or_default().to_owned();
    let base = format!("https://{}", o.host(crate::org::HostKind::MyDomain));
    let org18 = &o.org_id18;
    let uid = &u.id;
    let body = json!({
        "sub": format!("{}/id/{org18}/{uid}", identity_base(o.is_sandbox)),
        "user_id": uid,
        "organization_id": org18,
        "preferred_username": text("Username"),
        "nickname": text("Alias"),
        "name": text("Name"),
        "email": text("Email"),
        "email_verified": true,
        "given_name": text("FirstName"),
        "family_name": text("LastName"),
        "zoneinfo": "America/Los_Angeles",
        "photos": {
            "picture": format!("{base}/profilephoto/005/F"),
            "thumbnail": format!("{base}/profilephoto/005/T"),
        },
        "profile": format!("{base}/{uid}"),
        "picture": format!("{base}/profilephoto/005/F"),
        "address": {},
        "urls": {
            "enterprise": format!("{base}/services/Soap/c/{{version}}/{org18}"),
            "metadata": format!("{base}/services/Soap/m/{{version}}/{org18}"),
            "partner": format!("{base}/services/Soap/u/{{version}}/{org18}"),
            "rest": format!("{base}/services/data/v{{version}}/"),
            "sobjects": format!("{base}/services/data/v{{version}}/sobjects/"),
            "search": format!("{base}/services/data/v{{version}}/search/"),
            "query": format!("{base}/services/data/v{{version}}/query/"),
            "recent": format!("{base}/services/data/v{{version}}/recent/"),
            "tooling_soap": format!("{base}/services/Soap/T/{{version}}/{org18}"),
            "tooling_rest": format!("{base}/services/data/v{{version}}/tooling/"),
            "profile": format!("{base}/{uid}"),
            "feeds": format!("{base}/services/data/v{{version}}/chatter/feeds"),
            "groups": format!("{base}/services/data/v{{version}}/chatter/groups"),
            "users": format!("{base}/services/data/v{{version}}/chatter/users"),
            "feed_items": format!("{base}/services/data/v{{version}}/chatter/feed-items"),
            "feed_elements": format!("{base}/services/data/v{{version}}/chatter/feed-elements"),
            "custom_domain": base,
        },
        "active": u.flag("IsActive"),
        "user_type": "STANDARD",
        "language": "en_US",
        "locale": "en_US",
        "utcOffset": -28_800_000,
        "updated_at": u.get("CreatedDate").to_json(),
        "is_app_installed": true,
        "is_lightning_login_user": false,
    });
    http::json(StatusCode::OK, &body)
}
