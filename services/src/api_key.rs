//! API keys: `sayr_` and 48 random hex digits, shown once, stored as a SHA-256. A key acts
//! as its user everywhere a session does, except managing keys (a leaked key cannot mint
//! more).

use super::{Actor, DomainError, Result, Services, UserActor};
use chrono::{Duration, Utc};
use domain::ApiKeyId;
use domain::dto::{ApiKey, CreatedApiKey};
use domain::parse::LabelName;
use entity::{api_key, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Every key starts with this.
pub const PREFIX: &str = "sayr_";
/// How stale `last_used_at` may get before a request records a use (saves a write per request).
const RECORD_USE_AFTER: Duration = Duration::minutes(1);

fn hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

fn dto(m: api_key::Model) -> ApiKey {
    ApiKey {
        id: m.id.into(),
        name: m.name,
        prefix: m.prefix,
        created_at: m.created_at,
        last_used_at: m.last_used_at,
    }
}

/// Keys are managed from a signed-in session only.
fn owner(actor: &Actor) -> Result<Uuid> {
    match actor {
        Actor::User(UserActor {
            api_key: Some(_), ..
        }) => Err(DomainError::forbidden(
            "API keys are managed from a signed-in session",
        )),
        Actor::User(u) => Ok(u.id.0),
        _ => Err(DomainError::Unauthenticated),
    }
}

/// Creates a key and returns it, the only time it is shown.
#[tracing::instrument(name = "api_key.create", skip(svc, actor))]
pub async fn create(svc: &Services, actor: &Actor, name: &str) -> Result<CreatedApiKey> {
    let user = owner(actor)?;
    let name = LabelName::parse(name)?;
    let mut bytes = [0u8; 24];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| DomainError::Internal(format!("getrandom: {e}")))?;
    let key = format!("{PREFIX}{}", hex::encode(bytes));
    let row = api_key::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user),
        name: Set(name.as_str().to_string()),
        prefix: Set(key[..PREFIX.len() + 6].to_string()),
        key_hash: Set(hash(&key)),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
    }
    .insert(&svc.db)
    .await?;
    Ok(CreatedApiKey {
        id: row.id.into(),
        name: row.name,
        prefix: row.prefix,
        key,
    })
}

/// The actor's keys, newest first.
pub async fn list(svc: &Services, actor: &Actor) -> Result<Vec<ApiKey>> {
    let user = owner(actor)?;
    let rows = api_key::Entity::find()
        .filter(api_key::Column::UserId.eq(user))
        .order_by_desc(api_key::Column::CreatedAt)
        .all(&svc.db)
        .await?;
    Ok(rows.into_iter().map(dto).collect())
}

/// Deletes one of the actor's keys; it stops working at once.
pub async fn delete(svc: &Services, actor: &Actor, id: ApiKeyId) -> Result<()> {
    let user = owner(actor)?;
    let deleted = api_key::Entity::delete_many()
        .filter(api_key::Column::Id.eq(id.0))
        .filter(api_key::Column::UserId.eq(user))
        .exec(&svc.db)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(DomainError::NotFound);
    }
    svc.publish_access(domain::realtime::AccessEvent::ApiKeyDeleted { api_key: id });
    Ok(())
}

/// The user behind a key, or Unauthenticated for a key that does not exist or whose user
/// is banned.
pub async fn resolve(svc: &Services, key: &str) -> Result<Actor> {
    if !key.starts_with(PREFIX) {
        return Err(DomainError::Unauthenticated);
    }
    let (row, account) = api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(hash(key)))
        .find_also_related(user::Entity)
        .one(&svc.db)
        .await?
        .and_then(|(k, u)| Some((k, u?)))
        .ok_or(DomainError::Unauthenticated)?;
    let now = Utc::now();
    // Keys of a banned user are refused like unknown ones, and work again when it ends.
    if super::admin::ban_of(&account, now).is_some() {
        return Err(DomainError::Unauthenticated);
    }
    if row.last_used_at.is_none_or(|t| now - t > RECORD_USE_AFTER) {
        let mut active: api_key::ActiveModel = row.clone().into();
        active.last_used_at = Set(Some(now));
        active.update(&svc.db).await?;
    }
    Ok(Actor::User(UserActor {
        id: account.id.into(),
        site_admin: account.role == "admin",
        session: None,
        api_key: Some(row.id.into()),
    }))
}
