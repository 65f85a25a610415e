use sea_orm::entity::prelude::*;

/// A job in the queue (see `services::jobs`). Deleted once it succeeds.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    /// JSON text.
    pub payload: String,
    /// `queued`, `running` or `dead`.
    pub status: String,
    /// Attempts started so far (a claim counts one).
    pub attempts: i32,
    pub max_attempts: i32,
    /// Not before this time.
    pub run_at: DateTimeUtc,
    /// The worker holding the lease while running.
    pub locked_by: Option<String>,
    pub lease_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    #[sea_orm(unique)]
    pub dedupe_key: Option<String>,
    /// The trace of the request that enqueued it (`00-<trace>-<span>-<flags>`), when traced.
    pub traceparent: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
