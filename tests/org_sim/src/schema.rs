//! The sObject schema (objects, typed fields with their describe properties, parent and child
//! relationships) that the record store, the SOQL engine, validation and describe all read, so
//! adding an object is one place (`catalog/`).

/// Field data types the sim knows (the describe `type` values, salesforce.md §B.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// The record's own Id.
    Id,
    /// A lookup/master-detail Id (see [`FieldDef::reference_to`]).
    Reference,
    /// Free text.
    String,
    /// Long text.
    TextArea,
    /// An e-mail address (text).
    Email,
    /// A phone number (text).
    Phone,
    /// A URL (text).
    Url,
    /// A picklist value (text).
    Picklist,
    /// `true`/`false`, never null.
    Boolean,
    /// Whole number.
    Int,
    /// Decimal number.
    Double,
    /// Money.
    Currency,
    /// Percentage.
    Percent,
    /// `YYYY-MM-DD`, kept as text.
    Date,
    /// Date-time (epoch ms inside, REST format outside).
    DateTime,
    /// A compound address, read-only, built from its component fields (salesforce.md §C.3).
    Address,
    /// Classic encrypted text (salesforce.md §C.1 ViewEncryptedData).
    EncryptedString,
}

impl FieldType {
    /// Text-like types compare case-insensitively in SOQL and accept `LIKE`.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Self::String
                | Self::TextArea
                | Self::Email
                | Self::Phone
                | Self::Url
                | Self::Picklist
                | Self::Date
                | Self::EncryptedString
        )
    }

    /// Id-like types compare 15- and 18-char forms as equal.
    pub fn is_id(self) -> bool {
        matches!(self, Self::Id | Self::Reference)
    }

    /// Numeric types.
    pub fn is_number(self) -> bool {
        matches!(
            self,
            Self::Int | Self::Double | Self::Currency | Self::Percent
        )
    }

    /// The describe `type` string.
    pub fn describe_name(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::Reference => "reference",
            Self::String => "string",
            Self::TextArea => "textarea",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Url => "url",
            Self::Picklist => "picklist",
            Self::Boolean => "boolean",
            Self::Int => "int",
            Self::Double => "double",
            Self::Currency => "currency",
            Self::Percent => "percent",
            Self::Date => "date",
            Self::DateTime => "datetime",
            Self::Address => "address",
            Self::EncryptedString => "encryptedstring",
        }
    }

    /// The describe `soapType` (salesforce.md §B.6 example: `tns:ID` for Ids and references).
    pub fn soap_type(self) -> &'static str {
        match self {
            Self::Id | Self::Reference => "tns:ID",
            Self::Boolean => "xsd:boolean",
            Self::Int => "xsd:int",
            Self::Double | Self::Currency | Self::Percent => "xsd:double",
            Self::Date => "xsd:date",
            Self::DateTime => "xsd:dateTime",
            Self::Address => "urn:address",
            _ => "xsd:string",
        }
    }
}

/// One field of an object with its describe properties (salesforce.md §B.6).
#[derive(Debug, Clone)]
pub struct FieldDef {
    /// API name, canonical case (`ProfileId`).
    pub name: String,
    /// Label.
    pub label: String,
    /// Data type.
    pub ty: FieldType,
    /// For references: the parent object(s); more than one = polymorphic (`WhoId`).
    pub reference_to: Vec<String>,
    /// For references: the relationship name used in dotted paths (`Profile`).
    pub relationship_name: Option<String>,
    /// Whether null is allowed (booleans never are).
    pub nillable: bool,
    /// Settable on create.
    pub createable: bool,
    /// Settable on update.
    pub updateable: bool,
    /// Gets a value when omitted on create.
    pub defaulted_on_create: bool,
    /// Formula or roll-up summary (read-only, computed).
    pub calculated: bool,
    /// Formula text (describe `calculatedFormula`).
    pub formula: Option<String>,
    /// Auto-number (read-only, assigned on create), with its display format.
    pub auto_number: Option<String>,
    /// `__c` field.
    pub custom: bool,
    /// Classic encrypted text.
    pub encrypted: bool,
    /// Can carry FieldPermissions (salesforce.md §B.6, §C.3, §C.4).
    pub permissionable: bool,
    /// Max length of text (0 for non-text).
    pub length: u32,
    /// Picklist values.
    pub picklist: Vec<String>,
    /// Value outside `picklist` rejected (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST).
    pub restricted_picklist: bool,
    /// Default picklist value.
    pub default_value: Option<String>,
    /// For components of a compound field: the compound (`BillingAddress`).
    pub compound_field_name: Option<String>,
    /// The object's name field.
    pub name_field: bool,
    /// The API version (major) that brought the field; calls at earlier versions don't see it:
    /// describe leaves it out, writes and queries naming it answer INVALID_FIELD.
    pub since: Option<u32>,
    /// Master-detail: `relationshipOrder` 0, cascade delete.
    pub master_detail: bool,
    /// Unique.
    pub unique: bool,
    /// External Id.
    pub external_id: bool,
    /// System audit field (CreatedById, …): set by the platform, never by clients.
    pub system: bool,
}

impl FieldDef {
    /// A nillable, createable, updateable, permissionable field.
    pub fn new(name: &str, ty: FieldType) -> Self {
        let length = match ty {
            FieldType::String | FieldType::Picklist => 255,
            FieldType::TextArea => 32_000,
            FieldType::Email | FieldType::Url => 255,
            FieldType::Phone => 40,
            FieldType::EncryptedString => 175,
            FieldType::Id | FieldType::Reference => 18,
            _ => 0,
        };
        Self {
            name: name.to_owned(),
            label: label_of(name),
            ty,
            reference_to: Vec::new(),
            relationship_name: None,
            nillable: ty != FieldType::Boolean,
            createable: true,
            updateable: true,
            defaulted_on_create: ty == FieldType::Boolean,
            calculated: false,
            formula: None,
            auto_number: None,
            custom: name.ends_with("__c"),
            encrypted: ty == FieldType::EncryptedString,
            permissionable: ty != FieldType::Id,
            length,
            picklist: Vec::new(),
            restricted_picklist: false,
            default_value: None,
            compound_field_name: None,
            name_field: false,
            master_detail: false,
            unique: false,
            external_id: false,
            system: false,
            since: None,
        }
    }

    /// The field exists from API version `major`.0 on.
    pub fn since(mut self, major: u32) -> Self {
        self.since = Some(major);
        self
    }

    /// Whether a call at `version` (`52.0`) sees the field.
    pub fn visible_at(&self, version: &str) -> bool {
        self.since.is_none_or(|since| api_major(version) >= since)
    }

    /// Required on create: not nillable and not defaulted (salesforce.md §B.6: such fields are not
    /// permissionable).
    pub fn required(mut self) -> Self {
        self.nillable = false;
        self.defaulted_on_create = false;
        self.permissionable = false;
        self
    }

    /// Read-only (neither createable nor updateable).
    pub fn read_only(mut self) -> Self {
        self.createable = false;
        self.updateable = false;
        self
    }

    /// Create-only (salesforce.md §C.1: `PermissionSet.LicenseId`).
    pub fn create_only(mut self) -> Self {
        self.updateable = false;
        self
    }

    /// Label.
    pub fn label(mut self, label: &str) -> Self {
        self.label = label.to_owned();
        self
    }

    /// Text length.
    pub fn len(mut self, length: u32) -> Self {
        self.length = length;
        self
    }

    /// Picklist values; `restricted` rejects others.
    pub fn values(mut self, values: &[&str], restricted: bool) -> Self {
        self.picklist = values.iter().map(|v| (*v).to_owned()).collect();
        self.restricted_picklist = restricted;
        self
    }

    /// Default value on create.
    pub fn default(mut self, value: &str) -> Self {
        self.default_value = Some(value.to_owned());
        self.defaulted_on_create = true;
        self
    }

    /// A formula field (calculated, read-only; FLS Read only, salesforce.md §C.3).
    pub fn formula(mut self, formula: &str) -> Self {
        self.calculated = true;
        self.formula = Some(formula.to_owned());
        self.createable = false;
        self.updateable = false;
        self
    }

    /// A roll-up summary field (calculated, read-only).
    pub fn rollup(mut self) -> Self {
        self.calculated = true;
        self.createable = false;
        self.updateable = false;
        self
    }

    /// An auto-number field with display format like `INV-{0000}` (salesforce.md §C.3).
    pub fn auto_number(mut self, format: &str) -> Self {
        self.auto_number = Some(format.to_owned());
        self.createable = false;
        self.updateable = false;
        self.nillable = false;
        self.defaulted_on_create = true;
        self.length = 30;
        self
    }

    /// The object's name field.
    pub fn name_field(mut self) -> Self {
        self.name_field = true;
        self
    }

    /// Component of compound field `compound` (salesforce.md §C.3).
    pub fn component_of(mut self, compound: &str) -> Self {
        self.compound_field_name = Some(compound.to_owned());
        self
    }

    /// Not permissionable.
    pub fn not_permissionable(mut self) -> Self {
        self.permissionable = false;
        self
    }

    /// Unique external Id.
    pub fn external_id(mut self) -> Self {
        self.unique = true;
        self.external_id = true;
        self
    }

    /// Whether the field must be given on create.
    pub fn is_required(&self) -> bool {
        !self.nillable && !self.defaulted_on_create && self.createable
    }
}

/// `UserLicenseId` → "User License ID", `Invoice_Line__c` → "Invoice Line".
pub fn label_of(name: &str) -> String {
    let base = name.strip_suffix("__c").unwrap_or(name);
    if base.contains('_') || name.ends_with("__c") {
        return base.replace('_', " ");
    }
    let base = match base.strip_suffix("Id") {
        Some(b) if !b.is_empty() => format!("{b} ID"),
        _ => base.to_owned(),
    };
    let mut out = String::new();
    let chars: Vec<char> = base.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let prev_lower = i > 0 && chars[i - 1].is_ascii_lowercase();
        if c.is_ascii_uppercase() && prev_lower {
            out.push(' ');
        }
        out.push(*c);
    }
    out
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
    /// Children are deleted with the parent.
    pub cascade_delete: bool,
}

/// Where an object sits in the mixed-DML rule (salesforce.md §B.3, §H.Q3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DmlCategory {
    /// Ordinary data.
    Data,
    /// A Setup object (PermissionSet, User, …): not mixable with other types in one call.
    Setup,
}

/// One sObject type.
#[derive(Debug, Clone)]
pub struct ObjectDef {
    /// API name, canonical case.
    pub name: String,
    /// Label.
    pub label: String,
    /// Plural label.
    pub label_plural: String,
    /// 3-char key prefix of its Ids.
    pub key_prefix: String,
    /// `__c` object.
    pub custom: bool,
    /// Custom setting (salesforce.md §C.2: no ObjectPermissions).
    pub custom_setting: bool,
    /// Supports create.
    pub createable: bool,
    /// Supports update.
    pub updateable: bool,
    /// Supports delete (User: never, brief).
    pub deletable: bool,
    /// Listed in `ObjectPermissions.SobjectType` (salesforce.md §H.Q3).
    pub object_permissionable: bool,
    /// Listed in `FieldPermissions.SobjectType` (salesforce.md §H.Q3: includes Task, Event, User).
    pub field_permissionable: bool,
    /// Mixed-DML category.
    pub dml: DmlCategory,
    /// Fields in describe order.
    pub fields: Vec<FieldDef>,
    /// Child relationships, declared with [`ObjectDef::child`].
    pub child_relationships: Vec<ChildRelationship>,
}

impl ObjectDef {
    /// A new object with its `Id` field; label from the name.
    pub fn new(name: &str, key_prefix: &str) -> Self {
        let label = label_of(name);
        Self {
            name: name.to_owned(),
            label_plural: plural(&label),
            label,
            key_prefix: key_prefix.to_owned(),
            custom: name.ends_with("__c"),
            custom_setting: false,
            createable: true,
            updateable: true,
            deletable: true,
            object_permissionable: false,
            field_permissionable: false,
            dml: DmlCategory::Data,
            fields: vec![FieldDef {
                nillable: false,
                createable: false,
                updateable: false,
                defaulted_on_create: true,
                permissionable: false,
                label: "Record ID".into(),
                ..FieldDef::new("Id", FieldType::Id)
            }],
            child_relationships: Vec::new(),
        }
    }

    /// Labels.
    pub fn labels(mut self, label: &str, plural: &str) -> Self {
        self.label = label.to_owned();
        self.label_plural = plural.to_owned();
        self
    }

    /// Read-only object (query only).
    pub fn query_only(mut self) -> Self {
        self.createable = false;
        self.updateable = false;
        self.deletable = false;
        self
    }

    /// Grantable through ObjectPermissions and FieldPermissions.
    pub fn permissionable(mut self) -> Self {
        self.object_permissionable = true;
        self.field_permissionable = true;
        self
    }

    /// A Setup object for the mixed-DML rule.
    pub fn setup(mut self) -> Self {
        self.dml = DmlCategory::Setup;
        self
    }

    /// Adds a plain field (old builder; describe properties take defaults).
    pub fn field(self, name: &str, ty: FieldType) -> Self {
        self.with(FieldDef::new(name, ty))
    }

    /// Adds a field.
    pub fn with(mut self, f: FieldDef) -> Self {
        self.fields.push(f);
        self
    }

    /// Adds a lookup `name` → `to`, navigable as `relationship`.
    pub fn reference(self, name: &str, to: &str, relationship: &str) -> Self {
        self.with(lookup(name, &[to], relationship))
    }

    /// Declares a child relationship `name` over `child_object.field`.
    pub fn child(mut self, name: &str, child_object: &str, field: &str) -> Self {
        self.child_relationships.push(ChildRelationship {
            name: name.to_owned(),
            child_object: child_object.to_owned(),
            field: field.to_owned(),
            cascade_delete: false,
        });
        self
    }

    /// Declares a cascade-deleting child relationship (master-detail, permission rows).
    pub fn cascade_child(mut self, name: &str, child_object: &str, field: &str) -> Self {
        self.child_relationships.push(ChildRelationship {
            name: name.to_owned(),
            child_object: child_object.to_owned(),
            field: field.to_owned(),
            cascade_delete: true,
        });
        self
    }

    /// Adds `OwnerId` (lookup to User, relationship `Owner`, defaulted to the caller).
    pub fn owner(self) -> Self {
        let mut f = lookup("OwnerId", &["User"], "Owner");
        f.nillable = false;
        f.defaulted_on_create = true;
        f.permissionable = false;
        self.with(f.label("Owner ID"))
    }

    /// Adds the system audit fields (salesforce.md §B.6: `CreatedById` is a non-nillable,
    /// non-permissionable, read-only reference to User).
    pub fn audit(self) -> Self {
        let sys = |f: FieldDef| FieldDef {
            nillable: false,
            createable: false,
            updateable: false,
            defaulted_on_create: true,
            permissionable: false,
            system: true,
            ..f
        };
        self.with(sys(FieldDef::new("IsDeleted", FieldType::Boolean)).label("Deleted"))
            .with(sys(lookup("CreatedById", &["User"], "CreatedBy")).label("Created By ID"))
            .with(sys(FieldDef::new("CreatedDate", FieldType::DateTime)).label("Created Date"))
            .with(
                sys(lookup("LastModifiedById", &["User"], "LastModifiedBy"))
                    .label("Last Modified By ID"),
            )
            .with(
                sys(FieldDef::new("LastModifiedDate", FieldType::DateTime))
                    .label("Last Modified Date"),
            )
            .with(
                sys(FieldDef::new("SystemModstamp", FieldType::DateTime)).label("System Modstamp"),
            )
    }

    /// Adds only `SystemModstamp`: the objects whose reference lists no other audit field
    /// (salesforce.md §I.6: FieldPermissions, PermissionSetAssignment have no CreatedById /
    /// CreatedDate), so nothing can prove who created one of their records.
    pub fn modstamp(self) -> Self {
        let f = FieldDef {
            nillable: false,
            createable: false,
            updateable: false,
            defaulted_on_create: true,
            permissionable: false,
            system: true,
            ..FieldDef::new("SystemModstamp", FieldType::DateTime)
        };
        self.with(f.label("System Modstamp"))
    }

    /// Whether field-level security Edit can be granted on `field`, one of this object's fields
    /// (salesforce.md §C.3, §C.4): not formula, roll-up or auto-number, not a system field, and
    /// createable or updateable. A compound address takes FLS on the compound itself (salesforce.md
    /// §C.3, §I.1), which describes as read only: it is editable when one of its components is.
    /// The one rule the data API's FieldPermissions checks and every permission page follow.
    pub fn fls_editable(&self, field: &FieldDef) -> bool {
        let writable = |f: &FieldDef| f.createable || f.updateable;
        let mut components = self
            .fields
            .iter()
            .filter(|c| c.compound_field_name.as_deref() == Some(field.name.as_str()))
            .peekable();
        let writable_parts = if components.peek().is_some() {
            components.any(writable)
        } else {
            writable(field)
        };
        !field.calculated && field.auto_number.is_none() && !field.system && writable_parts
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

    /// The master-detail field, if this is a detail object.
    pub fn master_field(&self) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.master_detail)
    }

    /// The name field, if any.
    pub fn name_field(&self) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name_field)
    }
}

/// A lookup field to `to` (several targets = polymorphic).
pub fn lookup(name: &str, to: &[&str], relationship: &str) -> FieldDef {
    FieldDef {
        reference_to: to.iter().map(|t| (*t).to_owned()).collect(),
        relationship_name: Some(relationship.to_owned()),
        ..FieldDef::new(name, FieldType::Reference)
    }
}

/// A master-detail field to `master` (salesforce.md §C.2, §C.3: required on the child, not
/// permissionable, not reparentable here).
pub fn master_detail(name: &str, master: &str, relationship: &str) -> FieldDef {
    let mut f = lookup(name, &[master], relationship);
    f.master_detail = true;
    f.updateable = false;
    f.required()
}

fn plural(label: &str) -> String {
    if let Some(stem) = label.strip_suffix('y') {
        format!("{stem}ies")
    } else if label.ends_with('s') || label.ends_with("ch") {
        format!("{label}es")
    } else {
        format!("{label}s")
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

    /// Object by 3-char key prefix.
    pub fn object_by_prefix(&self, prefix: &str) -> Option<&ObjectDef> {
        self.objects.iter().find(|o| o.key_prefix == prefix)
    }

    /// All objects.
    pub fn objects(&self) -> &[ObjectDef] {
        &self.objects
    }

    /// The objects of every seeded org (see `catalog`).
    pub fn standard() -> Self {
        crate::catalog::schema()
    }
}

/// The major number of an API version (`62.0` → 62); unreadable counts as the newest.
pub fn api_major(version: &str) -> u32 {
    version
        .split('.')
        .next()
        .and_then(|major| major.parse().ok())
        .unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_from_names() {
        assert_eq!(label_of("UserLicenseId"), "User License ID");
        assert_eq!(label_of("Invoice_Line__c"), "Invoice Line");
        assert_eq!(label_of("IsActive"), "Is Active");
        assert_eq!(label_of("Id"), "Id");
        assert_eq!(plural("Opportunity"), "Opportunities");
    }
}
