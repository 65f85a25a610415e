use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    /// argon2id PHC string; none for accounts that only sign in through a provider.
    pub password_hash: Option<String>,
    /// "admin" or "user".
    pub role: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Banned while this lies in the future; 9999-12-31 for a ban without an end.
    pub banned_until: Option<DateTimeUtc>,
    /// Why, as the user is told when they try to sign in.
    pub ban_reason: Option<String>,
    /// The owner followed a link mailed to `email`.
    pub email_verified: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::session::Entity")]
    Session,
    #[sea_orm(has_many = "super::member::Entity")]
    Member,
}

/// The tasks a user is assigned to.
impl Related<super::task::Entity> for Entity {
    fn to() -> RelationDef {
        super::task_assignee::Relation::Task.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::task_assignee::Relation::User.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
