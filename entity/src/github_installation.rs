use sea_orm::entity::prelude::*;

/// An installation of the GitHub App, claimed by one org through the install flow.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "github_installation")]
pub struct Model {
    /// GitHub's installation id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub org_id: Uuid,
    /// The GitHub user or organization it is installed on.
    pub account_login: String,
    /// "User" or "Organization".
    pub account_type: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub suspended_at: Option<DateTimeUtc>,
    /// Uninstalled on GitHub: kept so the org sees what happened, its repositories unlinked.
    pub deleted_at: Option<DateTimeUtc>,
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
    #[sea_orm(has_many = "super::github_repository::Entity")]
    Repository,
}

impl Related<super::github_repository::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Repository.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
