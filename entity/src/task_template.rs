use domain::dto::TaskPriority;
use sea_orm::entity::prelude::*;

/// An org's named defaults for a new task.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task_template")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    /// The title a task made from it starts with (may be empty).
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub priority: Option<TaskPriority>,
    pub category_id: Option<Uuid>,
    /// Offered to visitors on the public suggest form.
    pub for_visitors: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::OrgId",
        to = "super::organization::Column::Id",
        on_delete = "Cascade"
    )]
    Organization,
    #[sea_orm(
        belongs_to = "super::category::Entity",
        from = "Column::CategoryId",
        to = "super::category::Column::Id",
        on_delete = "SetNull"
    )]
    Category,
    #[sea_orm(has_many = "super::task_template_label::Entity")]
    Label,
}

impl Related<super::task_template_label::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Label.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
