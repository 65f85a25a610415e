use domain::dto::Visibility;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "label")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    /// Unique with `org_id`.
    pub name: String,
    pub color: String,
    /// "public" or "private".
    pub visibility: Visibility,
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
    #[sea_orm(has_many = "super::task_label::Entity")]
    TaskLabel,
}

impl Related<super::organization::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organization.def()
    }
}

impl Related<super::task_label::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TaskLabel.def()
    }
}

impl Related<super::task::Entity> for Entity {
    fn to() -> RelationDef {
        super::task_label::Relation::Task.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::task_label::Relation::Label.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
