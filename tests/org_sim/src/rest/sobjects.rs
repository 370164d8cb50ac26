//! sObject CRUD: `POST /sobjects/{Type}` → 201 `{"id","success":true,"errors":[]}` (salesforce.md
//! §B.2), `GET|PATCH|DELETE /sobjects/{Type}/{id}`; User can be created, updated and
//! deactivated but never deleted (brief; 405).

use serde_json::{json, Map, Value as Json};

use super::api::{method_not_allowed, ApiOut, Call, Ctx};
use crate::dml::{self, ApiErr};

/// The body as a JSON object, or a JSON_PARSER_ERROR.
pub fn body_object(call: &Call) -> Result<Map<String, Json>, ApiOut> {
    match &call.body {
        Some(Json::Object(m)) => Ok(m.clone()),
        _ => Err(ApiOut::error(
            400,
            "JSON_PARSER_ERROR",
            "The request body must be a JSON object",
        )),
    }
}

fn object_name(ctx: &Ctx<'_>, t: &str) -> Option<String> {
    ctx.st
        .orgs
        .get(ctx.org)?
        .store
        .schema()
        .object(t)
        .map(|o| o.name.clone())
}

/// Creates one record.
pub fn create(ctx: &mut Ctx<'_>, call: &Call, t: &str) -> ApiOut {
    let Some(object) = object_name(ctx, t) else {
        return ApiOut::errors(&[ApiErr::not_found()]);
    };
    let body = match body_object(call) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let Some(mut d) = ctx.dml() else {
        return ApiOut::errors(&[ApiErr::not_found()]);
    };
    match dml::create(&mut d, &object, &body) {
        Ok(id) => {
            let mut out = ApiOut::json(201, json!({ "id": id, "success": true, "errors": [] }));
            out.headers.push((
                "location".into(),
                format!("/services/data/v{}/sobjects/{object}/{id}", ctx.version),
            ));
            out
        }
        Err(errors) => ApiOut::errors(&errors),
    }
}

/// GET, PATCH or DELETE one record.
pub fn record(ctx: &mut Ctx<'_>, call: &Call, t: &str, id: &str) -> ApiOut {
    let Some(object) = object_name(ctx, t) else {
        return ApiOut::errors(&[ApiErr::not_found()]);
    };
    let deletable = ctx
        .st
        .orgs
        .get(ctx.org)
        .and_then(|o| o.store.schema().object(&object).map(|d| d.deletable))
        .unwrap_or(false);
    let version = ctx.version.clone();
    let Some(mut d) = ctx.dml() else {
        return ApiOut::errors(&[ApiErr::not_found()]);
    };
    match call.method.as_str() {
        "GET" => match dml::get(&d, &object, id) {
            Ok(rec) => {
                let only: Option<Vec<String>> = call
                    .param("fields")
                    .map(|f| f.split(',').map(|s| s.trim().to_owned()).collect());
                ApiOut::json(200, dml::render(&d, &rec, &version, only.as_deref()))
            }
            Err(e) => ApiOut::errors(&[e]),
        },
        "PATCH" => {
            let body = match body_object(call) {
                Ok(b) => b,
                Err(e) => return e,
            };
            match dml::update(&mut d, Some(&object), id, &body) {
                Ok(()) => ApiOut::empty(204),
                Err(errors) => ApiOut::errors(&errors),
            }
        }
        _ if !deletable => method_not_allowed("DELETE", "GET,HEAD,PATCH"),
        _ => match dml::delete(&mut d, Some(&object), id) {
            Ok(()) => ApiOut::empty(204),
            Err(errors) => ApiOut::errors(&errors),
        },
    }
}
