//! The sObject schema (objects, typed fields, parent and child relationships) that the record
//! store, the SOQL engine and later describe calls all read, so adding an object is one place.

/// Field data types the sim knows (a subset of the describe `type` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// The record's own Id.
    Id,
    /// A lookup/master-detail Id (see [`FieldDef::reference_to`]).
    Reference,
    /// Free text.
    String,
    /// An e-mail address (text).
    Email,
    /// A picklist value (text).
    Picklist,
    /// `true`/`false`, never null.
    Boolean,
    /// Whole number.
    Int,
    /// Decimal number.
    Double,
    /// Date-time (epoch ms inside, REST format outside).
    DateTime,
}

impl FieldType {
    /// Text-like types compare case-insensitively in SOQL and accept `LIKE`.
    pub fn is_text(self) -> bool {
        matches!(self, Self::String | Self::Email | Self::Picklist)
    }

    /// Id-like types compare 15- and 18-char forms as equal.
    pub fn is_id(self) -> bool {
        matches!(self, Self::Id | Self::Reference)
    }
}

/// One field of an object.
#[derive(Debug, Clone)]
pub struct FieldDef {
    /// API name, canonical case (`ProfileId`).
    pub name: String,
    /// Data type.
    pub ty: FieldType,
    /// For references: the parent object (`Profile`).
    pub reference_to: Option<String>,
    /// For references: the relationship name used in dotted paths (`Profile`).
    pub relationship_name: Option<String>,
    /// Whether null is allowed (booleans never are).
    pub nillable: bool,
}

/// A child relationship (`SELECT (SELECT … FROM Contacts) FROM Account`).
#[derive(Debug, Clone)]
pub struct ChildRelationship {
    /// Relationship name used in subqueries (`Contacts`).
    pub name: String,
    /// The child object (`Contact`).
    pub child_object: String,
    /// The child's reference field pointing at the parent (`AccountId`).
    pub field: String,
}

/// One sObject type.
#[derive(Debug, Clone)]
pub struct ObjectDef {
    /// API name, canonical case.
    pub name: String,
    /// 3-char key prefix of its Ids.
    pub key_prefix: String,
    /// Fields in describe order.
    pub fields: Vec<FieldDef>,
    /// Child relationships, declared with [`ObjectDef::child`].
    pub child_relationships: Vec<ChildRelationship>,
}

impl ObjectDef {
    /// A new object with its `Id` field.
    pub fn new(name: &str, key_prefix: &str) -> Self {
        Self {
            name: name.to_owned(),
            key_prefix: key_prefix.to_owned(),
            fields: vec![FieldDef {
                name: "Id".into(),
                ty: FieldType::Id,
                reference_to: None,
                relationship_name: None,
                nillable: false,
            }],
            child_relationships: Vec::new(),
        }
    }

    /// Adds a plain field.
    pub fn field(mut self, name: &str, ty: FieldType) -> Self {
        self.fields.push(FieldDef {
            name: name.to_owned(),
            ty,
            reference_to: None,
            relationship_name: None,
            nillable: ty != FieldType::Boolean,
        });
        self
    }

    /// Adds a reference field `name` → `to`, navigable as `relationship`.
    pub fn reference(mut self, name: &str, to: &str, relationship: &str) -> Self {
        self.fields.push(FieldDef {
            name: name.to_owned(),
            ty: FieldType::Reference,
            reference_to: Some(to.to_owned()),
            relationship_name: Some(relationship.to_owned()),
            nillable: true,
        });
        self
    }

    /// Declares a child relationship `name` over `child_object.field`.
    pub fn child(mut self, name: &str, child_object: &str, field: &str) -> Self {
        self.child_relationships.push(ChildRelationship {
            name: name.to_owned(),
            child_object: child_object.to_owned(),
            field: field.to_owned(),
        });
        self
    }

    /// Field by API name, case-insensitively (SOQL field names are case-insensitive).
    pub fn find_field(&self, name: &str) -> Option<&FieldDef> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// Reference field by relationship name, case-insensitively.
    pub fn find_relationship(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| {
            f.relationship_name
                .as_deref()
                .is_some_and(|r| r.eq_ignore_ascii_case(name))
        })
    }

    /// Child relationship by name, case-insensitively.
    pub fn find_child(&self, name: &str) -> Option<&ChildRelationship> {
        self.child_relationships
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }
}

/// All objects of an org.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    objects: Vec<ObjectDef>,
}

impl Schema {
    /// A schema of the given objects.
    pub fn new(objects: Vec<ObjectDef>) -> Self {
        Self { objects }
    }

    /// Object by API name, case-insensitively.
    pub fn object(&self, name: &str) -> Option<&ObjectDef> {
        self.objects
            .iter()
            .find(|o| o.name.eq_ignore_ascii_case(name))
    }

    /// All objects.
    pub fn objects(&self) -> &[ObjectDef] {
        &self.objects
    }

    /// The standard objects simulated today. Field lists follow the brief and facts §C.7
    /// (UserLicense fields) and §A.3 (SFIR's first query reads Organization.IsSandbox,
    /// InstanceName, TrialExpirationDate).
    pub fn standard() -> Self {
        use FieldType as T;
        Self::new(vec![
            ObjectDef::new("Organization", crate::ids::prefix::ORGANIZATION)
                .field("Name", T::String)
                .field("IsSandbox", T::Boolean)
                .field("InstanceName", T::String)
                .field("OrganizationType", T::Picklist)
                .field("TrialExpirationDate", T::DateTime),
            ObjectDef::new("UserLicense", crate::ids::prefix::USER_LICENSE)
                .field("Name", T::String)
                .field("MasterLabel", T::String)
                .field("LicenseDefinitionKey", T::String)
                .field("Status", T::Picklist)
                .field("TotalLicenses", T::Int)
                .field("UsedLicenses", T::Int),
            ObjectDef::new("Profile", crate::ids::prefix::PROFILE)
                .field("Name", T::String)
                .reference("UserLicenseId", "UserLicense", "UserLicense"),
            ObjectDef::new("User", crate::ids::prefix::USER)
                .field("Username", T::String)
                .field("Name", T::String)
                .field("FirstName", T::String)
                .field("LastName", T::String)
                .field("Alias", T::String)
                .field("Email", T::Email)
                .field("IsActive", T::Boolean)
                .field("UserType", T::Picklist)
                .reference("ProfileId", "Profile", "Profile")
                .field("CreatedDate", T::DateTime)
                .field("LastLoginDate", T::DateTime),
        ])
    }
}
