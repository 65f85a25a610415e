use sea_orm::entity::prelude::*;

/// One thing a person is told about (`services::notify`): newest first by `id` (UUIDv7).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub org_id: Uuid,
    pub task_id: Option<Uuid>,
    pub comment_id: Option<Uuid>,
    /// `assigned`, `mentioned`, `commented`, `status_changed`, `invited`,
    /// `submission_updated`.
    pub kind: String,
    pub actor_id: Option<Uuid>,
    /// JSON text: what the type needs besides the task (a status change's from and to).
    pub detail: Option<String>,
    /// Pending delivery by mail: `now` or `daily`; null once mailed or when none is wanted.
    pub mail: Option<String>,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_delete = "Cascade"
    )]
    User,
    #[sea_orm(
        belongs_to = "super::task::Entity",
        from = "Column::TaskId",
        to = "super::task::Column::Id",
        on_delete = "Cascade"
    )]
    Task,
}

impl Related<super::task::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Task.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
