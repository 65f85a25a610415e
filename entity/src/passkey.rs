use sea_orm::entity::prelude::*;

/// A user's passkey: a WebAuthn credential whose private key stays on their device.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "passkey")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// The credential id, base64url (no padding).
    #[sea_orm(unique)]
    pub credential_id: String,
    /// The COSE public key as the authenticator encoded it, base64url.
    #[sea_orm(column_type = "Text")]
    pub public_key: String,
    /// The COSE algorithm: -7 (ES256), -8 (EdDSA), -257 (RS256).
    pub algorithm: i32,
    /// The last signature counter seen; 0 for authenticators that keep none.
    pub sign_count: i64,
    /// The authenticator model's AAGUID, hex (zeros when attestation is `none`).
    pub aaguid: String,
    pub backup_eligible: bool,
    pub backed_up: bool,
    pub name: String,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
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
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
