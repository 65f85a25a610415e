use domain::dto::Visibility;
use sea_orm::entity::prelude::*;

/// An uploaded file: its bytes live in the object store under `object_key`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "file")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// None for avatars, which belong to a user rather than an org.
    pub org_id: Option<Uuid>,
    /// None once the uploader's account is gone.
    pub uploaded_by: Option<Uuid>,
    /// Where the bytes are: `orgs/<orgId>/<random>` or `users/<userId>/<random>`.
    #[sea_orm(unique)]
    pub object_key: String,
    pub name: String,
    /// Decided from the bytes.
    pub content_type: String,
    pub size: i64,
    /// "public" or "private".
    pub visibility: Visibility,
    /// What the file belongs to: "task", "comment", "org_logo", "org_banner" or "avatar";
    /// None while nothing refers to it yet (the sweep removes such files after a day).
    pub attached_kind: Option<String>,
    /// The id of what it belongs to (a task, comment, org or user id).
    pub attached_id: Option<Uuid>,
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
        belongs_to = "super::user::Entity",
        from = "Column::UploadedBy",
        to = "super::user::Column::Id",
        on_delete = "SetNull"
    )]
    Uploader,
}

impl Related<super::organization::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organization.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
