//! Users as the site admin manages them: search, site role, bans, sessions.

use super::{contains, require, words};
use crate::error::Fields;
use crate::{Actor, DomainError, Result, Services};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use domain::UserId;
use domain::dto::{ADMIN_PAGE_SIZE, AdminPage, AdminUser, Ban};
use domain::parse::FieldError;
use domain::realtime::AccessEvent;
use entity::{api_key, member, session, user, user_totp};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;
use uuid::Uuid;

/// What a ban without an end stores: later than anything else, so one comparison decides.
fn forever() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap()
}

/// The ban in force on this account at `now`, if any.
pub(crate) fn ban_of(row: &user::Model, now: DateTime<Utc>) -> Option<Ban> {
    let until = row.banned_until.filter(|until| *until > now)?;
    Some(Ban {
        reason: row.ban_reason.clone().unwrap_or_default(),
        until: (until < forever()).then_some(until),
    })
}

/// Forbidden, saying why and until when, when the account is banned.
pub(crate) fn refuse_banned(row: &user::Model) -> Result<()> {
    let Some(ban) = ban_of(row, Utc::now()) else {
        return Ok(());
    };
    let until = match ban.until {
        Some(until) => format!(" until {}", until.format("%Y-%m-%d %H:%M UTC")),
        None => String::new(),
    };
    let reason = if ban.reason.is_empty() {
        String::new()
    } else {
        format!(": {}", ban.reason)
    };
    Err(DomainError::forbidden(format!(
        "this account is banned{until}{reason}"
    )))
}

/// [`refuse_banned`] for an account known by id.
pub(crate) async fn refuse_if_banned(svc: &Services, id: UserId) -> Result<()> {
    match user::Entity::find_by_id(id.0).one(&svc.db).await? {
        Some(row) => refuse_banned(&row),
        None => Err(DomainError::Unauthenticated),
    }
}

/// A ban's end from a form: empty for none, a date (`2027-01-31`, from midnight UTC) or an
/// RFC 3339 time; it must lie in the future.
pub fn parse_ban_until(
    input: &str,
    now: DateTime<Utc>,
) -> std::result::Result<Option<DateTime<Utc>>, FieldError> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    let until = NaiveDate::parse_from_str(input, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .or_else(|| {
            DateTime::parse_from_rfc3339(input)
                .ok()
                .map(|t| t.with_timezone(&Utc))
        })
        .ok_or_else(|| FieldError::new("until", "must be a date like 2027-01-31"))?;
    if until <= now {
        return Err(FieldError::new("until", "must be in the future"));
    }
    if until.year() >= forever().year() {
        return Err(FieldError::new("until", "must be before the year 9999"));
    }
    Ok(Some(until))
}

fn parse_reason(input: &str) -> std::result::Result<String, FieldError> {
    let reason = input.trim();
    match reason.chars().count() {
        0 => Err(FieldError::new("reason", "must not be empty")),
        1..=500 => Ok(reason.to_string()),
        _ => Err(FieldError::new("reason", "must be at most 500 characters")),
    }
}

/// Orgs each of these users is a member of.
async fn org_counts(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> Result<HashMap<Uuid, u64>> {
    let counts: Vec<(Uuid, i64)> = member::Entity::find()
        .select_only()
        .column(member::Column::UserId)
        .column_as(member::Column::Id.count(), "count")
        .filter(member::Column::UserId.is_in(ids))
        .group_by(member::Column::UserId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(counts
        .into_iter()
        .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
        .collect())
}

fn dto(row: user::Model, org_count: u64, two_factor: bool) -> AdminUser {
    AdminUser {
        two_factor,
        ban: ban_of(&row, Utc::now()),
        id: row.id.into(),
        site_admin: row.role == "admin",
        name: row.name,
        email: row.email,
        created_at: row.created_at,
        org_count,
    }
}

async fn find(svc: &Services, id: UserId) -> Result<user::Model> {
    user::Entity::find_by_id(id.0)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)
}

async fn admin_user(svc: &Services, row: user::Model) -> Result<AdminUser> {
    let count = org_counts(&svc.db, vec![row.id])
        .await?
        .get(&row.id)
        .copied()
        .unwrap_or(0);
    let two_factor = crate::access::has_second_factor(&svc.db, row.id.into()).await?;
    Ok(dto(row, count, two_factor))
}

/// The users among `ids` with a second factor on.
async fn with_second_factor(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> Result<Vec<Uuid>> {
    Ok(user_totp::Entity::find()
        .select_only()
        .column(user_totp::Column::UserId)
        .filter(user_totp::Column::UserId.is_in(ids))
        .filter(user_totp::Column::EnabledAt.is_not_null())
        .into_tuple()
        .all(db)
        .await?)
}

/// Users whose name or e-mail contains `query` (all when empty), newest first.
#[tracing::instrument(name = "admin.users", skip(svc, actor))]
pub async fn users(
    svc: &Services,
    actor: &Actor,
    query: &str,
    page: u64,
) -> Result<AdminPage<AdminUser>> {
    require(actor)?;
    let mut select = user::Entity::find();
    if let Some(words) = words(query) {
        select = select
            .filter(contains(user::Column::Name, words).or(contains(user::Column::Email, words)));
    }
    let pages = select
        .order_by_desc(user::Column::CreatedAt)
        .order_by_asc(user::Column::Id)
        .paginate(&svc.db, ADMIN_PAGE_SIZE);
    let total = pages.num_items().await?;
    let rows = pages.fetch_page(page).await?;
    let mut counts = org_counts(&svc.db, rows.iter().map(|r| r.id).collect()).await?;
    let second = with_second_factor(&svc.db, rows.iter().map(|r| r.id).collect()).await?;
    Ok(AdminPage {
        rows: rows
            .into_iter()
            .map(|r| {
                let n = counts.remove(&r.id).unwrap_or(0);
                let on = second.contains(&r.id);
                dto(r, n, on)
            })
            .collect(),
        total,
        page,
        per_page: ADMIN_PAGE_SIZE,
    })
}

/// Sets a user's site role, `admin` or `user`. The last site admin stays one.
#[tracing::instrument(name = "admin.set_role", skip(svc, actor))]
pub async fn set_role(svc: &Services, actor: &Actor, id: UserId, role: &str) -> Result<AdminUser> {
    require(actor)?;
    let admin = match role {
        "admin" => true,
        "user" => false,
        _ => return Err(FieldError::new("role", "must be admin or user").into()),
    };
    let row = find(svc, id).await?;
    let demoted = !admin && row.role == "admin";
    if demoted {
        let admins = user::Entity::find()
            .filter(user::Column::Role.eq("admin"))
            .count(&svc.db)
            .await?;
        if admins <= 1 {
            return Err(DomainError::conflict(
                "the last site admin cannot be made a user: make someone else admin first",
            ));
        }
    }
    let mut active: user::ActiveModel = row.into();
    active.role = Set(if admin { "admin" } else { "user" }.to_string());
    active.updated_at = Set(Utc::now());
    let row = active.update(&svc.db).await?;
    if demoted {
        // A socket keeps the actor it connected as: one that came in as site admin would
        // still pass every room's check. It goes on anonymous (a reload brings it back).
        let (sessions, keys) = ways_in(svc, row.id).await?;
        drop_sockets(svc, &sessions, &keys);
    }
    tracing::info!(user = %id, admin, "site role changed");
    admin_user(svc, row).await
}

/// The ids of a user's sessions and API keys.
async fn ways_in(svc: &Services, user: Uuid) -> Result<(Vec<Uuid>, Vec<Uuid>)> {
    let sessions = session::Entity::find()
        .select_only()
        .column(session::Column::Id)
        .filter(session::Column::UserId.eq(user))
        .into_tuple()
        .all(&svc.db)
        .await?;
    let keys = api_key::Entity::find()
        .select_only()
        .column(api_key::Column::Id)
        .filter(api_key::Column::UserId.eq(user))
        .into_tuple()
        .all(&svc.db)
        .await?;
    Ok((sessions, keys))
}

/// Tells every instance that the sockets which came in through these sessions and keys
/// lost their access, as when a session is revoked: they go on anonymous.
fn drop_sockets(svc: &Services, sessions: &[Uuid], keys: &[Uuid]) {
    for id in sessions {
        svc.publish_access(AccessEvent::SessionEnded {
            session: (*id).into(),
        });
    }
    for id in keys {
        svc.publish_access(AccessEvent::ApiKeyDeleted {
            api_key: (*id).into(),
        });
    }
}

/// Ends every session of a user but `keep`; their open tabs and sockets lose access at
/// once.
pub(crate) async fn end_sessions(svc: &Services, user: Uuid, keep: Option<Uuid>) -> Result<u64> {
    let (mut ids, _) = ways_in(svc, user).await?;
    ids.retain(|id| Some(*id) != keep);
    if ids.is_empty() {
        return Ok(0);
    }
    session::Entity::delete_many()
        .filter(session::Column::Id.is_in(ids.clone()))
        .exec(&svc.db)
        .await?;
    drop_sockets(svc, &ids, &[]);
    Ok(ids.len() as u64)
}

/// Bans a user with a reason, until `until` (a date; empty for no end). Their sessions end,
/// their API keys stop working while the ban lasts, and signing in tells them the reason.
#[tracing::instrument(name = "admin.ban", skip(svc, actor, reason))]
pub async fn ban(
    svc: &Services,
    actor: &Actor,
    id: UserId,
    reason: &str,
    until: &str,
) -> Result<AdminUser> {
    require(actor)?;
    let mut fields = Fields::default();
    let reason = fields.check(parse_reason(reason));
    let until = fields.check(parse_ban_until(until, Utc::now()));
    fields.finish()?;
    let (reason, until) = (reason.unwrap(), until.unwrap());
    if actor.user_id() == Some(id) {
        return Err(DomainError::forbidden("you cannot ban yourself"));
    }
    let row = find(svc, id).await?;
    let mut active: user::ActiveModel = row.into();
    active.banned_until = Set(Some(until.unwrap_or_else(forever)));
    active.ban_reason = Set(Some(reason));
    active.updated_at = Set(Utc::now());
    let row = active.update(&svc.db).await?;
    end_sessions(svc, row.id, None).await?;
    // Keys stay (they work again when the ban ends); sockets that came in with one leave.
    let (_, keys) = ways_in(svc, row.id).await?;
    drop_sockets(svc, &[], &keys);
    tracing::info!(user = %id, until = ?until, "user banned");
    admin_user(svc, row).await
}

/// Lifts a user's ban.
#[tracing::instrument(name = "admin.unban", skip(svc, actor))]
pub async fn unban(svc: &Services, actor: &Actor, id: UserId) -> Result<AdminUser> {
    require(actor)?;
    let row = find(svc, id).await?;
    let mut active: user::ActiveModel = row.into();
    active.banned_until = Set(None);
    active.ban_reason = Set(None);
    active.updated_at = Set(Utc::now());
    let row = active.update(&svc.db).await?;
    tracing::info!(user = %id, "ban lifted");
    admin_user(svc, row).await
}

/// Turns a user's second factor off (they lost their phone and their backup codes, or
/// their passkeys): TOTP and every passkey go, and they sign in with the first factor
/// alone until they set up a new one. Logged with who did it.
#[tracing::instrument(name = "admin.reset_two_factor", skip(svc, actor))]
pub async fn reset_two_factor(svc: &Services, actor: &Actor, id: UserId) -> Result<AdminUser> {
    require(actor)?;
    let row = find(svc, id).await?;
    let txn = svc.begin().await?;
    crate::two_factor::remove(&txn, row.id).await?;
    crate::passkey::remove_all(&txn, row.id).await?;
    txn.commit().await?;
    let admin = actor
        .user_id()
        .map(|a| a.to_string())
        .unwrap_or_else(|| "system".into());
    tracing::info!(target: "sayr::admin", admin, user = %id, "second factor reset by a site admin");
    admin_user(svc, row).await
}

/// Ends every session of a user (signs them out everywhere). Returns how many ended.
#[tracing::instrument(name = "admin.revoke_sessions", skip(svc, actor))]
pub async fn revoke_sessions(svc: &Services, actor: &Actor, id: UserId) -> Result<u64> {
    require(actor)?;
    let row = find(svc, id).await?;
    end_sessions(svc, row.id, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ban_ends_on_a_date_in_the_future_or_never() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
        assert_eq!(parse_ban_until("  ", now), Ok(None));
        assert_eq!(
            parse_ban_until("2026-12-01", now),
            Ok(Some(Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()))
        );
        assert_eq!(
            parse_ban_until("2026-11-27T08:30:00+01:00", now),
            Ok(Some(Utc.with_ymd_and_hms(2026, 11, 27, 7, 30, 0).unwrap()))
        );
        assert!(parse_ban_until("2026-11-26", now).is_err());
        assert!(parse_ban_until("tomorrow", now).is_err());
        assert!(parse_ban_until("9999-12-31", now).is_err());
    }

    #[test]
    fn a_ban_without_an_end_is_shown_as_such_and_an_expired_one_not_at_all() {
        let now = Utc::now();
        let mut row = user::Model {
            id: Uuid::new_v4(),
            email: "a@example.test".into(),
            name: "A".into(),
            password_hash: None,
            role: "user".into(),
            created_at: now,
            updated_at: now,
            banned_until: Some(forever()),
            ban_reason: Some("spam".into()),
            email_verified: true,
        };
        assert_eq!(
            ban_of(&row, now),
            Some(Ban {
                reason: "spam".into(),
                until: None
            })
        );
        row.banned_until = Some(now - chrono::Duration::seconds(1));
        assert_eq!(ban_of(&row, now), None);
        assert!(refuse_banned(&row).is_ok());
    }

    #[test]
    fn reasons_are_required_and_bounded() {
        assert!(parse_reason("   ").is_err());
        assert_eq!(parse_reason(" spam "), Ok("spam".to_string()));
        assert!(parse_reason(&"x".repeat(501)).is_err());
    }
}
