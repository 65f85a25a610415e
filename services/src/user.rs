//! Accounts: creation, password checks, deletion.

use super::{Actor, DomainError, Result, Services, convert, error::Fields};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::Utc;
use domain::UserId;
use domain::dto::User;
use domain::parse::{Email, FieldError, PersonName};
use domain::realtime::{AccessEvent, DomainEvent, EventKind, MemberAction};
use entity::{api_key, member, organization, session, task, task_vote, user};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

/// What sign-up and the operator command take.
#[derive(Clone, Debug, Default)]
pub struct NewUser {
    pub email: String,
    pub password: String,
    pub name: String,
}

pub(crate) fn parse_password(input: &str) -> Result<String, FieldError> {
    match input.chars().count() {
        0..8 => Err(FieldError::new("password", "must be at least 8 characters")),
        8..=1024 => Ok(input.to_string()),
        _ => Err(FieldError::new(
            "password",
            "must be at most 1024 characters",
        )),
    }
}

/// Password hashes computed at once: each takes ~19 MiB and a core for a good fraction of
/// a second, so a flood of sign-ins must queue for a few rather than start hundreds.
fn hashing_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(cores.max(2))
    })
}

/// Hashes waiting for a slot; beyond [`MAX_WAITING_HASHES`] a request is refused (429)
/// instead of queueing for longer than anyone would wait.
static WAITING_HASHES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
const MAX_WAITING_HASHES: usize = 64;

/// Runs `work` (a password hash) on the blocking pool once a hashing slot is free. With
/// `priority` (a sign-in from a device the account signed in on before) it waits even when
/// the queue is full: a flood of guesses does not turn the owner away.
async fn with_hashing_slot<T: Send + 'static>(
    priority: bool,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    use std::sync::atomic::Ordering;
    let busy = || DomainError::RateLimited {
        retry_after_secs: 1,
    };
    let permit = match hashing_slots().try_acquire() {
        Ok(permit) => permit,
        Err(_) => {
            if WAITING_HASHES.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING_HASHES && !priority {
                WAITING_HASHES.fetch_sub(1, Ordering::SeqCst);
                tracing::warn!("password hashing is saturated; refusing");
                return Err(busy());
            }
            let permit = tokio::time::timeout(
                std::time::Duration::from_secs(10),
                hashing_slots().acquire(),
            )
            .await;
            WAITING_HASHES.fetch_sub(1, Ordering::SeqCst);
            match permit {
                Ok(Ok(permit)) => permit,
                _ => return Err(busy()),
            }
        }
    };
    let out = tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| DomainError::Internal(e.to_string()));
    drop(permit);
    out
}

/// argon2id, off the async threads and under a hashing slot: it is deliberately slow.
pub(crate) async fn hash_password(password: String) -> Result<String> {
    with_hashing_slot(false, move || {
        let mut bytes = [0u8; 16];
        getrandom::getrandom(&mut bytes)
            .map_err(|e| DomainError::Internal(format!("getrandom: {e}")))?;
        let salt = SaltString::encode_b64(&bytes)
            .map_err(|e| DomainError::Internal(format!("salt: {e}")))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| DomainError::Internal(format!("argon2: {e}")))
    })
    .await?
}

/// Whether `password` matches `hash` (argon2id, under a hashing slot); RateLimited when
/// hashing is saturated.
pub(crate) async fn verify_password(password: String, hash: String) -> Result<bool> {
    verify_password_with(false, password, hash).await
}

/// [`verify_password`], ahead of the queue's cap with `priority`.
pub(crate) async fn verify_password_with(
    priority: bool,
    password: String,
    hash: String,
) -> Result<bool> {
    with_hashing_slot(priority, move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
}

/// A hash of a password nobody has, checked when the e-mail is unknown so that a miss costs
/// the same time as a wrong password.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Creates an account. Anyone may sign up (the server decides whether sign-up is open);
/// only the system may make a site admin directly. The first account of an instance becomes
/// site admin.
#[tracing::instrument(name = "user.create", skip_all, fields(email = %input.email))]
pub async fn create(
    svc: &Services,
    actor: &Actor,
    input: NewUser,
    site_admin: bool,
) -> Result<User> {
    if site_admin && !actor.is_superuser() {
        return Err(DomainError::forbidden("only operators create site admins"));
    }
    let mut fields = Fields::default();
    let email = fields.check(Email::parse(&input.email));
    let name = fields.check(PersonName::parse(&input.name));
    let password = fields.check(parse_password(&input.password));
    fields.finish()?;
    let (email, name, password) = (email.unwrap(), name.unwrap(), password.unwrap());

    if user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&svc.db)
        .await?
        .is_some()
    {
        return Err(DomainError::conflict("an account with this e-mail exists"));
    }
    let password_hash = hash_password(password).await?;
    // An operator vouches for the address; anyone else proves it by the mailed link.
    let verified = matches!(actor, Actor::System);
    let now = Utc::now();
    let txn = svc.begin().await?;
    let first = claim_first_admin(&txn).await?;
    let row = user::ActiveModel {
        id: Set(UserId::new().0),
        email: Set(email.as_str().to_string()),
        name: Set(name.as_str().to_string()),
        password_hash: Set(Some(password_hash)),
        role: Set(if site_admin || first { "admin" } else { "user" }.to_string()),
        created_at: Set(now),
        updated_at: Set(now),
        banned_until: Set(None),
        ban_reason: Set(None),
        email_verified: Set(verified),
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            DomainError::conflict("an account with this e-mail exists")
        }
        _ => e.into(),
    })?;
    if !verified {
        super::proof::mail_verification(svc, &txn, &row, &row.email).await?;
    }
    txn.commit().await?;
    svc.job_wake.notify_one();
    Ok(convert::user(&row))
}

/// Whether the account being created in this transaction is the instance's first (and so
/// its site admin): the `first_admin` setting's primary key lets one insert win, however
/// many sign up at once. An instance with accounts from before has it set (migration 7).
pub(crate) async fn claim_first_admin(db: &impl ConnectionTrait) -> Result<bool> {
    use entity::instance_setting;
    use sea_orm::TryInsertResult;
    let inserted = instance_setting::Entity::insert(instance_setting::ActiveModel {
        key: Set("first_admin".to_string()),
        value: Set("true".to_string()),
        updated_at: Set(Utc::now()),
        updated_by: Set(None),
    })
    .on_conflict_do_nothing_on([instance_setting::Column::Key])
    .exec_without_returning(db)
    .await?;
    Ok(matches!(inserted, TryInsertResult::Inserted(n) if n > 0))
}

/// The account for this e-mail and password, or Unauthenticated for any mismatch.
#[tracing::instrument(name = "user.authenticate", skip_all)]
pub async fn authenticate(svc: &Services, email: &str, password: &str) -> Result<User> {
    authenticate_with(svc, email, password, false).await
}

/// [`authenticate`]; `known_device` puts the password check ahead of the hashing queue's
/// cap (see [`with_hashing_slot`]).
pub(crate) async fn authenticate_with(
    svc: &Services,
    email: &str,
    password: &str,
    known_device: bool,
) -> Result<User> {
    let found = match Email::parse(email) {
        Ok(email) => {
            user::Entity::find()
                .filter(user::Column::Email.eq(email.as_str()))
                .one(&svc.db)
                .await?
        }
        Err(_) => None,
    };
    let hash = match found.as_ref().and_then(|u| u.password_hash.clone()) {
        Some(hash) => hash,
        None => match DUMMY_HASH.get() {
            Some(hash) => hash.clone(),
            None => {
                let hash = hash_password("not a real password".to_string()).await?;
                DUMMY_HASH.get_or_init(|| hash).clone()
            }
        },
    };
    let ok = verify_password_with(known_device, password.to_string(), hash).await?;
    match found {
        Some(row) if ok => dto(&svc.db, &row).await,
        _ => Err(DomainError::Unauthenticated),
    }
}

/// The user with their avatar.
pub(crate) async fn dto(db: &impl ConnectionTrait, row: &user::Model) -> Result<User> {
    let mut user = convert::user(row);
    user.avatar_url = super::file::avatar_urls(db, &[row.id])
        .await?
        .remove(&row.id);
    user.two_factor = super::access::has_second_factor(db, row.id.into()).await?;
    Ok(user)
}

/// Whether the instance has any account yet.
pub async fn any_exists(svc: &Services) -> Result<bool> {
    Ok(user::Entity::find().count(&svc.db).await? > 0)
}

/// The account itself.
pub async fn me(svc: &Services, actor: &Actor) -> Result<User> {
    let id = actor.user_id().ok_or(DomainError::Unauthenticated)?;
    let row = user::Entity::find_by_id(id.0)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::Unauthenticated)?;
    dto(&svc.db, &row).await
}

/// Changes the signed-in user's display name (what members and visitors see beside their
/// comments and tasks).
#[tracing::instrument(name = "user.rename", skip(svc, actor, name))]
pub async fn rename(svc: &Services, actor: &Actor, name: &str) -> Result<User> {
    let id = actor.user_id().ok_or(DomainError::Unauthenticated)?;
    let name = PersonName::parse(name)?;
    let row = user::Entity::find_by_id(id.0)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::Unauthenticated)?;
    let mut active: user::ActiveModel = row.into();
    active.name = Set(name.as_str().to_string());
    active.updated_at = Set(Utc::now());
    dto(&svc.db, &active.update(&svc.db).await?).await
}

/// Sets a user's site role: operators (the CLI) and site admins only.
pub async fn set_site_admin(
    svc: &Services,
    actor: &Actor,
    email: &str,
    admin: bool,
) -> Result<User> {
    if !actor.is_superuser() {
        return Err(DomainError::NotFound);
    }
    let email = Email::parse(email)?;
    let row = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let mut active: user::ActiveModel = row.into();
    active.role = Set(if admin { "admin" } else { "user" }.to_string());
    active.updated_at = Set(Utc::now());
    dto(&svc.db, &active.update(&svc.db).await?).await
}

/// The account with this e-mail address, for the operator (`sayr user delete`).
pub async fn find_by_email(svc: &Services, actor: &Actor, email: &str) -> Result<User> {
    if !actor.is_superuser() {
        return Err(DomainError::NotFound);
    }
    let email = Email::parse(email)?;
    let row = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    dto(&svc.db, &row).await
}

/// Deletes an account: the user themself, or the system (the CLI). Refused while the user
/// created an org that still exists. Their avatar and the uploads nothing links go with
/// them (files in task descriptions and comments stay there); their sessions and API keys
/// stop working at once, and their sockets are told as for a revoked session.
#[tracing::instrument(name = "user.delete", skip(svc, actor))]
pub async fn delete(svc: &Services, actor: &Actor, id: UserId) -> Result<()> {
    match actor {
        Actor::System => {}
        Actor::User(me) if me.id == id && me.api_key.is_some() => {
            return Err(DomainError::forbidden(
                "an account is deleted from a signed-in session, not with an API key",
            ));
        }
        Actor::User(me) if me.id == id => {}
        Actor::User(_) => {
            return Err(DomainError::forbidden(
                "you may delete only your own account",
            ));
        }
        Actor::Anonymous { .. } => return Err(DomainError::Unauthenticated),
    }
    user::Entity::find_by_id(id.0)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let created = organization::Entity::find()
        .filter(organization::Column::CreatedBy.eq(id.0))
        .order_by_asc(organization::Column::Name)
        .all(&svc.db)
        .await?;
    if !created.is_empty() {
        let names: Vec<String> = created
            .iter()
            .map(|o| format!("{} ({})", o.name, o.slug))
            .collect();
        return Err(DomainError::conflict(format!(
            "this account created {}, which still exist{}: delete {} first",
            names.join(", "),
            if names.len() == 1 { "s" } else { "" },
            if names.len() == 1 { "it" } else { "them" },
        )));
    }

    let txn = svc.begin().await?;
    let sessions: Vec<Uuid> = session::Entity::find()
        .select_only()
        .column(session::Column::Id)
        .filter(session::Column::UserId.eq(id.0))
        .into_tuple()
        .all(&txn)
        .await?;
    let keys: Vec<Uuid> = api_key::Entity::find()
        .select_only()
        .column(api_key::Column::Id)
        .filter(api_key::Column::UserId.eq(id.0))
        .into_tuple()
        .all(&txn)
        .await?;
    let orgs: Vec<Uuid> = member::Entity::find()
        .select_only()
        .column(member::Column::OrgId)
        .filter(member::Column::UserId.eq(id.0))
        .into_tuple()
        .all(&txn)
        .await?;
    // Their votes go with them (foreign key): the counts must follow.
    let voted = Query::select()
        .column(task_vote::Column::TaskId)
        .from(task_vote::Entity)
        .and_where(Expr::col(task_vote::Column::UserId).eq(id.0))
        .to_owned();
    let voted_orgs: Vec<Uuid> = task::Entity::find()
        .select_only()
        .column(task::Column::OrgId)
        .distinct()
        .filter(Expr::col(task::Column::Id).in_subquery(voted.clone()))
        .into_tuple()
        .all(&txn)
        .await?;
    task::Entity::update_many()
        .col_expr(
            task::Column::VoteCount,
            Expr::col(task::Column::VoteCount).sub(1),
        )
        .filter(Expr::col(task::Column::Id).in_subquery(voted))
        .exec(&txn)
        .await?;
    let objects = super::file::take_for_user(&txn, id.0).await?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(id.0))
        .exec(&txn)
        .await?;
    api_key::Entity::delete_many()
        .filter(api_key::Column::UserId.eq(id.0))
        .exec(&txn)
        .await?;
    member::Entity::delete_many()
        .filter(member::Column::UserId.eq(id.0))
        .exec(&txn)
        .await?;
    // Linked accounts, assignments, reactions and votes go by their foreign keys; what
    // they wrote stays, without an author.
    user::Entity::delete_by_id(id.0).exec(&txn).await?;
    txn.commit().await?;

    for session in sessions {
        svc.publish_access(AccessEvent::SessionEnded {
            session: session.into(),
        });
    }
    for key in keys {
        svc.publish_access(AccessEvent::ApiKeyDeleted {
            api_key: key.into(),
        });
    }
    for org in &orgs {
        svc.publish_access(AccessEvent::MemberRemoved {
            org_id: (*org).into(),
            user: id,
        });
        svc.publish(DomainEvent {
            traceparent: None,
            org_id: (*org).into(),
            origin: None,
            kind: EventKind::MemberChanged {
                action: MemberAction::Left,
                user_id: id,
            },
        });
    }
    for org in voted_orgs {
        svc.list_cache.invalidate(org);
    }
    super::file::remove_user_objects(svc, id.0, objects).await;
    tracing::info!(user = %id, "account deleted");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::on_each_database;

    on_each_database!(a_user_renames_only_themself_and_needs_a_name, |svc| {
        let me = crate::testing::person(&svc, "ada@example.test").await;
        let err = rename(&svc, &me, "   ").await.unwrap_err();
        assert!(
            matches!(&err, DomainError::Invalid(f) if f.contains_key("name")),
            "{err:?}"
        );
        assert_eq!(rename(&svc, &me, "Ada L.").await.unwrap().name, "Ada L.");
        assert_eq!(me_name(&svc, &me).await, "Ada L.");
        let err = rename(&svc, &Actor::anonymous(), "Nobody")
            .await
            .unwrap_err();
        assert!(matches!(err, DomainError::Unauthenticated), "{err:?}");
    });

    async fn me_name(svc: &Services, actor: &Actor) -> String {
        me(svc, actor).await.unwrap().name
    }

    on_each_database!(
        of_many_first_sign_ups_at_once_exactly_one_becomes_site_admin,
        |svc| {
            let sign_ups = (0..8).map(|i| {
                let svc = svc.clone();
                tokio::spawn(async move {
                    let input = NewUser {
                        email: format!("early{i}@example.test"),
                        password: "correct horse battery".into(),
                        name: format!("Early {i}"),
                    };
                    // SQLite may refuse a writer while another holds the lock: that one retries.
                    loop {
                        match create(&svc, &Actor::anonymous(), input.clone(), false).await {
                            Err(DomainError::Internal(e)) if e.contains("locked") => {
                                tokio::time::sleep(std::time::Duration::from_millis(10)).await
                            }
                            other => break other,
                        }
                    }
                })
            });
            let mut admins = 0;
            for s in sign_ups {
                let user = s.await.unwrap().unwrap();
                assert!(!user.email_verified, "a sign-up proves nothing yet");
                admins += usize::from(user.site_admin);
            }
            assert_eq!(admins, 1);
            let later = create(
                &svc,
                &Actor::anonymous(),
                NewUser {
                    email: "late@example.test".into(),
                    password: "correct horse battery".into(),
                    name: "Late".into(),
                },
                false,
            )
            .await
            .unwrap();
            assert!(!later.site_admin);
            let by_operator = create(
                &svc,
                &Actor::System,
                NewUser {
                    email: "ops@example.test".into(),
                    password: "correct horse battery".into(),
                    name: "Ops".into(),
                },
                false,
            )
            .await
            .unwrap();
            assert!(
                by_operator.email_verified,
                "an operator vouches for the address"
            );
            assert!(
                svc.mailer.sent().is_empty(),
                "nothing is sent before the worker runs"
            );
        }
    );
}
