use domain::dto::{TaskPriority, TaskStatus, Visibility};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    /// Per org, from `organization.last_task_number`; unique with `org_id`.
    pub number: i64,
    pub title: String,
    pub description: String,
    /// `description` rendered and sanitized.
    #[sea_orm(column_type = "Text")]
    pub description_html: String,
    pub status: TaskStatus,
    pub priority: TaskPriority,
    pub visibility: Visibility,
    pub category_id: Option<Uuid>,
    pub parent_id: Option<Uuid>,
    pub vote_count: i64,
    pub comment_count: i64,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Optimistic concurrency: bumped on every update.
    pub version: i64,
    /// The board's order, compared byte by byte (`domain::rank`).
    pub rank: String,
    /// The release the task belongs to (`release`; no foreign key, see m0010).
    pub release_id: Option<Uuid>,
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
    #[sea_orm(
        belongs_to = "Entity",
        from = "Column::ParentId",
        to = "Column::Id",
        on_delete = "SetNull"
    )]
    Parent,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::CreatedBy",
        to = "super::user::Column::Id",
        on_delete = "SetNull"
    )]
    Creator,
}

impl Related<super::organization::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organization.def()
    }
}

impl Related<super::category::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Category.def()
    }
}

impl Related<super::label::Entity> for Entity {
    fn to() -> RelationDef {
        super::task_label::Relation::Label.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::task_label::Relation::Task.def().rev())
    }
}

/// A task's assignees.
impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        super::task_assignee::Relation::User.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::task_assignee::Relation::Task.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
