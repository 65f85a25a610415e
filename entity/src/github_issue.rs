use sea_orm::entity::prelude::*;

/// The GitHub issue a task is synced with: one per task, one task per issue.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "github_issue")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub task_id: Uuid,
    pub org_id: Uuid,
    pub repository_id: Uuid,
    pub number: i64,
    pub url: String,
    /// "open" or "closed", as last seen.
    pub state: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::task::Entity",
        from = "Column::TaskId",
        to = "super::task::Column::Id",
        on_delete = "Cascade"
    )]
    Task,
    #[sea_orm(
        belongs_to = "super::github_repository::Entity",
        from = "Column::RepositoryId",
        to = "super::github_repository::Column::Id",
        on_delete = "Cascade"
    )]
    Repository,
}

impl Related<super::github_repository::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Repository.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
