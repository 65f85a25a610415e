use domain::dto::RelationKind;
use sea_orm::entity::prelude::*;

/// A link from one task to another of the same org.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task_relation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub source_task_id: Uuid,
    pub target_task_id: Uuid,
    /// "related", "blocking" or "duplicate"; unique with the two tasks.
    pub kind: RelationKind,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
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
        from = "Column::SourceTaskId",
        to = "super::task::Column::Id",
        on_delete = "Cascade"
    )]
    Source,
    #[sea_orm(
        belongs_to = "super::task::Entity",
        from = "Column::TargetTaskId",
        to = "super::task::Column::Id",
        on_delete = "Cascade"
    )]
    Target,
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

impl ActiveModelBehavior for ActiveModel {}
