use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "team")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub org_id: Uuid,
    pub name: String,
    /// A permission set as JSON; missing keys read as false.
    #[sea_orm(column_type = "Text")]
    pub permissions: String,
    /// The "Administrators" team made with each org.
    pub is_system: bool,
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
    #[sea_orm(has_many = "super::member_team::Entity")]
    MemberTeam,
}

impl Related<super::organization::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organization.def()
    }
}

impl Related<super::member_team::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MemberTeam.def()
    }
}

impl Related<super::member::Entity> for Entity {
    fn to() -> RelationDef {
        super::member_team::Relation::Member.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::member_team::Relation::Team.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
