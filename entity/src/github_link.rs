use sea_orm::entity::prelude::*;

/// A pull request or a commit that names a task.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "github_link")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub task_id: Uuid,
    pub repository_id: Uuid,
    /// "pull_request" or "commit".
    pub kind: String,
    /// The pull request's number, or the commit's sha.
    #[sea_orm(column_name = "ref")]
    pub reference: String,
    /// The pull request's title, or the commit message's first line.
    #[sea_orm(column_type = "Text")]
    pub title: String,
    pub url: String,
    /// A pull request: "open", "draft", "closed" or "merged"; a commit: "pushed".
    pub state: String,
    /// It said "fixes"/"closes"/"resolves" this task.
    pub closes: bool,
    /// A pull request's head commit, which its checks run on.
    pub head_sha: Option<String>,
    /// The checks' outcome on `head_sha`: "pending", "success", "failure" …
    pub checks: Option<String>,
    /// The GitHub login of its author.
    pub author: Option<String>,
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
