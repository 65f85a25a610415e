use domain::dto::ReleaseStatus;
use sea_orm::entity::prelude::*;

/// A release of an org; tasks name it in `task.release_id`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "release")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    /// Unique per org.
    pub slug: String,
    pub name: String,
    pub status: ReleaseStatus,
    pub target_date: Option<Date>,
    pub released_at: Option<DateTimeUtc>,
    pub lead_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// `description` rendered and sanitized.
    #[sea_orm(column_type = "Text")]
    pub description_html: String,
    pub created_by: Option<Uuid>,
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
        belongs_to = "super::user::Entity",
        from = "Column::LeadId",
        to = "super::user::Column::Id",
        on_delete = "SetNull"
    )]
    Lead,
    #[sea_orm(has_many = "super::release_update::Entity")]
    Update,
}

impl Related<super::release_update::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Update.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
