use domain::dto::CommentVisibility;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task_comment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub task_id: Uuid,
    /// The comment this one replies to; replies go one level deep.
    pub parent_id: Option<Uuid>,
    pub author_id: Option<Uuid>,
    /// Markdown as written.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// `body` rendered and sanitized.
    #[sea_orm(column_type = "Text")]
    pub body_html: String,
    /// "public" or "internal".
    pub visibility: CommentVisibility,
    /// "sayr" or "github".
    pub source: String,
    /// The GitHub comment this one copies (source "github"), its author's login and address.
    pub github_id: Option<i64>,
    pub github_author: Option<String>,
    pub github_url: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub edited_at: Option<DateTimeUtc>,
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
        belongs_to = "super::task::Entity",
        from = "Column::TaskId",
        to = "super::task::Column::Id",
        on_delete = "Cascade"
    )]
    Task,
    #[sea_orm(
        belongs_to = "Entity",
        from = "Column::ParentId",
        to = "Column::Id",
        on_delete = "Cascade"
    )]
    Parent,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::AuthorId",
        to = "super::user::Column::Id",
        on_delete = "SetNull"
    )]
    Author,
    #[sea_orm(has_many = "super::task_comment_edit::Entity")]
    Edit,
    #[sea_orm(has_many = "super::task_comment_reaction::Entity")]
    Reaction,
}

impl Related<super::organization::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organization.def()
    }
}

impl Related<super::task::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Task.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Author.def()
    }
}

impl Related<super::task_comment_edit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Edit.def()
    }
}

impl Related<super::task_comment_reaction::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Reaction.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
