use domain::dto::{Grouping, Layout, ViewSort};
use sea_orm::entity::prelude::*;

/// A saved view of the board: its owner's, or shared with the org.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "saved_view")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub owner_id: Uuid,
    pub shared: bool,
    /// At most one per org, and only a shared view.
    pub is_default: bool,
    pub name: String,
    /// The filter tree as JSON (`domain::filter`).
    #[sea_orm(column_type = "Text")]
    pub filter: String,
    pub group_by: Grouping,
    pub sub_group_by: Option<Grouping>,
    pub sort: ViewSort,
    pub layout: Layout,
    pub show_closed: bool,
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
        from = "Column::OwnerId",
        to = "super::user::Column::Id",
        on_delete = "Cascade"
    )]
    Owner,
}

impl ActiveModelBehavior for ActiveModel {}
