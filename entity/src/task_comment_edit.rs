use sea_orm::entity::prelude::*;

/// One step of a comment's edit history.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task_comment_edit")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub comment_id: Uuid,
    /// The body as it was before this edit.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub edited_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::task_comment::Entity",
        from = "Column::CommentId",
        to = "super::task_comment::Column::Id",
        on_delete = "Cascade"
    )]
    Comment,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::EditedBy",
        to = "super::user::Column::Id",
        on_delete = "SetNull"
    )]
    Editor,
}

impl Related<super::task_comment::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Comment.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Editor.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
