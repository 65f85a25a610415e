use sea_orm::entity::prelude::*;

/// A repository an org linked from one of its installations.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "github_repository")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub installation_id: i64,
    /// GitHub's repository id, which deliveries are routed by; unique.
    pub repo_id: i64,
    /// `owner/name`, as last seen.
    pub full_name: String,
    pub private: bool,
    pub default_branch: String,
    /// Tasks of this category go to this repository (none: the org's default repository).
    pub category_id: Option<Uuid>,
    /// Tasks created in Sayr for this repository open an issue there.
    pub create_issues: bool,
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
        belongs_to = "super::github_installation::Entity",
        from = "Column::InstallationId",
        to = "super::github_installation::Column::Id",
        on_delete = "Cascade"
    )]
    Installation,
}

impl Related<super::github_installation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Installation.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
