//! `GET /services/data/vNN.N/limits`: the org's limits with the daily API allowance in use
//! (salesforce.md §B.2); 403 API_DISABLED_FOR_ORG for a Salesforce Integration user (salesforce.md §H.Q3).

use serde_json::json;

use super::api::{ApiOut, Ctx};
use crate::seed::LICENSE_INTEGRATION;

/// The limits document.
pub fn handle(ctx: &mut Ctx<'_>) -> ApiOut {
    let Some(o) = ctx.st.orgs.get(ctx.org) else {
        return ApiOut::error(404, "NOT_FOUND", "The requested resource does not exist");
    };
    let s = &o.store;
    let license = s
        .get(&ctx.session.user_id)
        .and_then(|u| u.text("ProfileId"))
        .and_then(|p| s.get(p))
        .and_then(|p| p.text("UserLicenseId"))
        .and_then(|l| s.get(l))
        .and_then(|l| l.text("Name"));
    if license == Some(LICENSE_INTEGRATION) {
        // salesforce.md §H.Q3 [S]: /limits answers 403 API_DISABLED_FOR_ORG to integration users.
        return ApiOut::error(
            403,
            "API_DISABLED_FOR_ORG",
            "API is not enabled for this Organization or Partner",
        );
    }
    let max = ctx.config.api_allowance;
    let remaining = max.saturating_sub(o.api_usage);
    let full = |m: u64| json!({ "Max": m, "Remaining": m });
    ApiOut::json(
        200,
        json!({
            "ConcurrentAsyncGetReportInstances": full(200),
            "ConcurrentSyncReportRuns": full(20),
            "DailyApiRequests": { "Max": max, "Remaining": remaining },
            "DailyAsyncApexExecutions": full(250_000),
            "DailyBulkApiBatches": full(15_000),
            "DailyBulkV2QueryJobs": full(10_000),
            "DailyGenericStreamingApiEvents": full(10_000),
            "DataStorageMB": { "Max": 5120, "Remaining": 5087 },
            "FileStorageMB": { "Max": 5120, "Remaining": 5120 },
            "HourlyODataCallout": full(10_000),
            "SingleEmail": full(5000),
        }),
    )
}
