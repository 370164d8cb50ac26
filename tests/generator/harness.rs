//! The generator's steps on top of the shared browser (`tests/support`), for the generator's sim
//! tests and its bench: plan, start and continue an apply, and read back what the org holds.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub use crate::support::World;
use forcefield::generator::view::{ApplyStatus, ApplyView, PlanView};
use forcefield::model::PermissionSetSpec;
use forcefield::protocol::generator::{
    ApplyStarted, ContinueApply, FinishCleanUp, PlanPermissionSet, StartApply,
};

pub const ACME: &str = "https://acme.my.salesforce-setup.com/lightning/setup/SetupOneHome/home";
pub const UAT: &str =
    "https://acme--uat.sandbox.lightning.force.com/lightning/setup/SetupOneHome/home";

impl World {
    pub fn plan(
        &self,
        spec: &PermissionSetSpec,
        assignee: Option<&str>,
        composite: bool,
    ) -> PlanView {
        self.ask(PlanPermissionSet {
            org_url: ACME.into(),
            spec: spec.clone(),
            assignee_id: assignee.map(str::to_owned),
            target_permission_set_id: None,
            use_composite: composite,
        })
        .unwrap_or_else(|failed| panic!("no plan: {failed:?}"))
        .plan
    }

    pub fn start_apply(
        &self,
        spec: &PermissionSetSpec,
        assignee: Option<&str>,
        composite: bool,
    ) -> ApplyView {
        match self.ask(StartApply {
            org_url: ACME.into(),
            spec: spec.clone(),
            assignee_id: assignee.map(str::to_owned),
            target_permission_set_id: None,
            use_composite: composite,
            confirmed_production: true,
            fingerprint: None,
            apply_id: None,
        }) {
            Ok(ApplyStarted::Started(progress)) => progress.apply,
            other => panic!("not started: {other:?}"),
        }
    }

    pub fn continue_apply(&self, apply_id: &str) -> ApplyView {
        self.ask(ContinueApply {
            org_url: ACME.into(),
            apply_id: apply_id.into(),
        })
        .unwrap_or_else(|failed| panic!("no progress: {failed:?}"))
        .apply
    }

    /// "Finish clean-up" as the page does: then continues while the undo runs.
    pub fn finish_clean_up(&self, apply_id: &str) -> ApplyView {
        let progress = self
            .ask(FinishCleanUp {
                org_url: ACME.into(),
                apply_id: apply_id.into(),
            })
            .unwrap_or_else(|failed| panic!("no progress: {failed:?}"));
        self.run(progress.apply)
    }

    /// Continues until the apply is no longer running, as the generator page does.
    pub fn run(&self, mut apply: ApplyView) -> ApplyView {
        for _ in 0..1000 {
            if apply.status != ApplyStatus::Running {
                return apply;
            }
            apply = self.continue_apply(&apply.apply_id);
        }
        panic!("the apply never finished");
    }

    /// SOQL through the admin's API session, for checking what the org holds.
    pub fn query(&self, soql: &str) -> Vec<serde_json::Value> {
        let session =
            pollster::block_on(forcefield::salesforce::find_session(&self.jar, ACME)).unwrap();
        let client = forcefield::salesforce::Client::new(
            &self.transport,
            &session,
            forcefield::salesforce::ApiVersion::new(66),
        );
        pollster::block_on(client.query(soql)).unwrap()
    }

    pub fn user_id(&self, username: &str) -> String {
        self.query(&format!(
            "SELECT Id FROM User WHERE Username = '{username}'"
        ))[0]["Id"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// A small spec: Account with Edit and one field.
pub fn small_spec(name: &str) -> PermissionSetSpec {
    PermissionSetSpec {
        name: name.into(),
        label: format!("Integration – {name}"),
        description: String::new(),
        license: forcefield::model::LicenseChoice::None,
        objects: [(
            "Account".to_owned(),
            forcefield::model::ObjectAccess {
                edit: true,
                ..forcefield::model::ObjectAccess::default()
            },
        )]
        .into(),
        fields: [(
            "Account.Industry".to_owned(),
            forcefield::model::FieldAccess::ReadEdit,
        )]
        .into(),
        system_permissions: Default::default(),
        assignment_expiration: None,
    }
}
