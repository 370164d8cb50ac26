//! describeGlobal `GET /sobjects/` (with `If-Modified-Since` → 304), the basic object info
//! `GET /sobjects/{Type}` and `GET /sobjects/{Type}/describe` in the shapes of salesforce.md §B.6.

use serde_json::{json, Map, Value as Json};

use super::api::{ApiOut, Call, Ctx};
use crate::dml::ApiErr;
use crate::schema::{FieldDef, FieldType, ObjectDef};
use crate::seed::SEED_EPOCH_MS;

/// `Last-Modified` of the schema: the seed clock (2023-03-01T09:00:00Z, a Wednesday).
const SCHEMA_LAST_MODIFIED: &str = "Wed, 01 Mar 2023 09:00:00 GMT";

/// Parses an HTTP-date (`Wed, 01 Mar 2023 09:00:00 GMT`) to epoch ms.
fn http_date(s: &str) -> Option<i64> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [_, day, mon, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = months.iter().position(|x| x.eq_ignore_ascii_case(mon))? + 1;
    crate::datetime::parse(&format!("{year}-{m:02}-{day:0>2}T{time}Z"))
}

/// 304 when the schema has not changed since `If-Modified-Since` (salesforce.md §B.6).
fn not_modified(call: &Call) -> Option<ApiOut> {
    let since = call.if_modified_since.as_deref().and_then(http_date)?;
    (since >= SEED_EPOCH_MS).then(|| ApiOut::empty(304))
}

fn with_last_modified(mut out: ApiOut) -> ApiOut {
    out.headers
        .push(("last-modified".into(), SCHEMA_LAST_MODIFIED.into()));
    out
}

fn urls(version: &str, o: &ObjectDef) -> Json {
    let base = format!("/services/data/v{version}/sobjects/{}", o.name);
    json!({
        "sobject": base,
        "describe": format!("{base}/describe"),
        "rowTemplate": format!("{base}/{{ID}}"),
    })
}

/// The describeGlobal entry of an object (salesforce.md §B.6 key list).
fn global_entry(version: &str, o: &ObjectDef) -> Map<String, Json> {
    let data = o.dml == crate::schema::DmlCategory::Data && !o.custom_setting;
    let v = json!({
        "activateable": false,
        "associateEntityType": null,
        "associateParentEntity": null,
        "createable": o.createable,
        "custom": o.custom,
        "customSetting": o.custom_setting,
        "deepCloneable": false,
        "deletable": o.deletable,
        "deprecatedAndHidden": false,
        "feedEnabled": data && !o.custom,
        "hasSubtypes": false,
        "isInterface": false,
        "isSubtype": false,
        "keyPrefix": o.key_prefix,
        "label": o.label,
        "labelPlural": o.label_plural,
        "layoutable": data,
        "mergeable": matches!(o.name.as_str(), "Account" | "Contact" | "Lead" | "Case"),
        "mruEnabled": data,
        "name": o.name,
        "queryable": true,
        "replicateable": true,
        "retrieveable": true,
        "searchable": data,
        "triggerable": data,
        "undeletable": o.deletable,
        "updateable": o.updateable,
        "urls": urls(version, o),
    });
    match v {
        Json::Object(m) => m,
        _ => Map::new(),
    }
}

/// `GET /sobjects/`.
pub fn global(ctx: &mut Ctx<'_>, call: &Call) -> ApiOut {
    if let Some(out) = not_modified(call) {
        return out;
    }
    let Some(o) = ctx.st.orgs.get(ctx.org) else {
        return ApiOut::errors(&[ApiErr::not_found()]);
    };
    let sobjects: Vec<Json> = o
        .store
        .schema()
        .objects()
        .iter()
        .map(|d| Json::Object(global_entry(&ctx.version, d)))
        .collect();
    with_last_modified(ApiOut::json(
        200,
        json!({ "encoding": "UTF-8", "maxBatchSize": 200, "sobjects": sobjects }),
    ))
}

fn find<'a>(ctx: &'a Ctx<'_>, t: &str) -> Option<&'a ObjectDef> {
    ctx.st.orgs.get(ctx.org)?.store.schema().object(t)
}

/// `GET /sobjects/{Type}`: basic info.
pub fn basic(ctx: &mut Ctx<'_>, t: &str) -> ApiOut {
    let Some(o) = find(ctx, t) else {
        return ApiOut::errors(&[ApiErr::not_found()]);
    };
    ApiOut::json(
        200,
        json!({ "objectDescribe": global_entry(&ctx.version, o), "recentItems": [] }),
    )
}

/// One field of a describe (salesforce.md §B.6 key list; CreatedById / Id examples).
pub fn field_json(o: &ObjectDef, f: &FieldDef) -> Json {
    let ty = f.ty;
    let text = ty.is_text() || ty == FieldType::Id || ty == FieldType::Reference;
    let long = ty == FieldType::TextArea && f.length > 255;
    let picklist: Vec<Json> = f
        .picklist
        .iter()
        .map(|v| {
            json!({
                "active": true,
                "defaultValue": f.default_value.as_deref() == Some(v.as_str()),
                "label": v,
                "validFor": null,
                "value": v,
            })
        })
        .collect();
    let (precision, scale, digits) = match ty {
        FieldType::Currency | FieldType::Double => (18, 2, 0),
        FieldType::Percent => (3, 0, 0),
        FieldType::Int => (0, 0, 9),
        _ => (0, 0, 0),
    };
    let mut first = json!({
        "aggregatable": !long && ty != FieldType::Address,
        "aiPredictionField": false,
        "autoNumber": f.auto_number.is_some(),
        "byteLength": if text { f.length * 3 } else { 0 },
        "calculated": f.calculated,
        "calculatedFormula": f.formula,
        "cascadeDelete": f.master_detail,
        "caseSensitive": false,
        "compoundFieldName": f.compound_field_name,
        "controllerName": null,
        "createable": f.createable,
        "custom": f.custom,
        "defaultValue": if ty == FieldType::Boolean { json!(false) } else { Json::Null },
        "defaultValueFormula": null,
        "defaultedOnCreate": f.defaulted_on_create,
        "dependentPicklist": false,
        "deprecatedAndHidden": false,
        "digits": digits,
        "displayLocationInDecimal": false,
        "encrypted": f.encrypted,
        "externalId": f.external_id,
        "extraTypeInfo": if ty == FieldType::TextArea { json!("plaintextarea") } else { Json::Null },
        "filterable": !long && ty != FieldType::Address,
        "filteredLookupInfo": null,
        "formulaTreatNullNumberAsZero": false,
        "groupable": !long && !ty.is_number() && ty != FieldType::DateTime && ty != FieldType::Address,
    });
    let second = json!({
        "highScaleNumber": false,
        "htmlFormatted": false,
        "idLookup": ty == FieldType::Id || f.external_id || (f.name_field && o.name == "User"),
        "inlineHelpText": null,
        "label": f.label,
        "length": f.length,
        "mask": if f.encrypted { json!("lastFour") } else { Json::Null },
        "maskType": if f.encrypted { json!("all") } else { Json::Null },
        "name": f.name,
        "nameField": f.name_field,
        "namePointing": f.reference_to.len() > 1,
        "nillable": f.nillable,
        "permissionable": f.permissionable,
        "picklistValues": picklist,
        "polymorphicForeignKey": f.reference_to.len() > 1,
        "precision": precision,
        "queryByDistance": false,
        "referenceTargetField": null,
        "referenceTo": f.reference_to,
        "relationshipName": f.relationship_name,
        "relationshipOrder": if f.master_detail { json!(0) } else { Json::Null },
        "restrictedDelete": false,
        "restrictedPicklist": f.restricted_picklist,
        "scale": scale,
        "searchPrefilterable": false,
        "soapType": ty.soap_type(),
        "sortable": !long && ty != FieldType::Address,
        "type": ty.describe_name(),
        "unique": f.unique,
        "updateable": f.updateable,
        "writeRequiresMasterRead": false,
    });
    if let (Json::Object(a), Json::Object(b)) = (&mut first, second) {
        a.extend(b);
    }
    first
}

/// `GET /sobjects/{Type}/describe` (salesforce.md §B.6: global keys + fields, childRelationships,
/// recordTypeInfos, …); `If-Modified-Since` → 304.
pub fn sobject(ctx: &mut Ctx<'_>, call: &Call, t: &str) -> ApiOut {
    let Some(o) = find(ctx, t) else {
        return ApiOut::errors(&[ApiErr::not_found()]);
    };
    if let Some(out) = not_modified(call) {
        return out;
    }
    let schema_objects = ctx
        .st
        .orgs
        .get(ctx.org)
        .map(|org| org.store.schema().objects().to_vec())
        .unwrap_or_default();
    let mut m = global_entry(&ctx.version, o);
    let fields: Vec<Json> = o
        .fields
        .iter()
        .filter(|f| f.visible_at(&ctx.version))
        .map(|f| field_json(o, f))
        .collect();
    // Child relationships: every reference in the schema pointing here (with a name when
    // declared), like real describes.
    let mut children = Vec::new();
    for child in &schema_objects {
        for f in child
            .fields
            .iter()
            .filter(|f| f.reference_to.contains(&o.name))
        {
            let declared = o
                .child_relationships
                .iter()
                .find(|c| c.child_object == child.name && c.field == f.name);
            children.push(json!({
                "cascadeDelete": declared.is_some_and(|c| c.cascade_delete) || f.master_detail,
                "childSObject": child.name,
                "deprecatedAndHidden": false,
                "field": f.name,
                "junctionIdListNames": [],
                "junctionReferenceTo": [],
                "relationshipName": declared.map(|c| c.name.clone()),
                "restrictedDelete": false,
            }));
        }
    }
    let base = format!("/services/data/v{}/sobjects/{}", ctx.version, o.name);
    m.insert("actionOverrides".into(), json!([]));
    m.insert("childRelationships".into(), Json::Array(children));
    m.insert(
        "compactLayoutable".into(),
        json!(o.dml == crate::schema::DmlCategory::Data),
    );
    m.insert("defaultImplementation".into(), Json::Null);
    m.insert("extendedBy".into(), Json::Null);
    m.insert("extendsInterfaces".into(), Json::Null);
    m.insert("fields".into(), Json::Array(fields));
    m.insert("implementedBy".into(), Json::Null);
    m.insert("implementsInterfaces".into(), Json::Null);
    m.insert("listviewable".into(), Json::Null);
    m.insert("lookupLayoutable".into(), Json::Null);
    m.insert("namedLayoutInfos".into(), json!([]));
    m.insert("networkScopeFieldName".into(), Json::Null);
    m.insert(
        "recordTypeInfos".into(),
        json!([{
            "active": true,
            "available": true,
            "defaultRecordTypeMapping": true,
            "developerName": "Master",
            "master": true,
            "name": "Master",
            "recordTypeId": "012000000000000AAA",
            "urls": { "layout": format!("{base}/describe/layouts/012000000000000AAA") },
        }]),
    );
    m.insert(
        "searchLayoutable".into(),
        json!(o.dml == crate::schema::DmlCategory::Data),
    );
    m.insert("sobjectDescribeOption".into(), json!("FULL"));
    m.insert(
        "supportedScopes".into(),
        json!([{ "label": "All records", "name": "everything" }]),
    );
    if let Some(Json::Object(u)) = m.get_mut("urls") {
        for (k, v) in [
            ("compactLayouts", format!("{base}/describe/compactLayouts")),
            (
                "approvalLayouts",
                format!("{base}/describe/approvalLayouts"),
            ),
            ("listviews", format!("{base}/listviews")),
            ("quickActions", format!("{base}/quickActions")),
            ("layouts", format!("{base}/describe/layouts")),
        ] {
            u.insert(k.into(), Json::String(v));
        }
    }
    with_last_modified(ApiOut::json(200, Json::Object(m)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates() {
        assert_eq!(http_date(SCHEMA_LAST_MODIFIED), Some(SEED_EPOCH_MS));
        assert_eq!(http_date("Thu, 1 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(http_date("yesterday"), None);
    }
}
