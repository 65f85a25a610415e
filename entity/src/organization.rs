use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organization")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    #[sea_orm(unique)]
    pub slug: String,
    pub short_id: String,
    pub description: String,
    pub public_page: bool,
    pub public_actions: bool,
    pub public_field_labels: bool,
    pub public_field_category: bool,
    pub public_field_priority: bool,
    /// A visitor's submission must name one of the org's visitor templates.
    pub visitors_must_use_template: bool,
    /// The sites (https origins, space separated) that may frame the org's public pages.
    pub framing: String,
    /// Members without a second factor see the org as visitors do, and are told why.
    pub members_must_use_two_factor: bool,
    /// The org's colour (`#rrggbb`) on its public page; empty keeps Sayr's.
    pub accent_color: String,
    /// The number the org's last task got; bumped inside the creating transaction.
    pub last_task_number: i64,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::member::Entity")]
    Member,
    #[sea_orm(has_many = "super::task::Entity")]
    Task,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::CreatedBy",
        to = "super::user::Column::Id",
        on_delete = "SetNull"
    )]
    Creator,
}

impl Related<super::member::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Member.def()
    }
}

impl Related<super::task::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Task.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
