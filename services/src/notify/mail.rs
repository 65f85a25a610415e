//! Notifications by mail. Each notification is written with its user's choice for its
//! type (`notification.mail`: `now`, `daily`, or none). `now` is batched: the first one
//! schedules a [`NotifyMail`] `notify_mail_delay` later (five minutes unless configured),
//! and everything pending by then goes in one mail. `daily`
//! waits for the [`NotifyDigest`], which runs hourly and mails whoever has had something
//! pending for a day. Before mailing, each notification is checked again against what its
//! user may see now.
//!
//! Every mail carries a `List-Unsubscribe` link (with `List-Unsubscribe-Post`, RFC 8058)
//! that turns mail off for the types it contains, and a visitor's mail about a task they
//! follow carries a link that stops following it: both work without signing in. The links
//! hold a token signed with an instance secret (`instance_setting` `mail_secret`).

use super::{to_dtos, visible};
use crate::jobs::{self, Enqueue, Job, JobError};
use crate::{Actor, DomainError, Result, Services, mail};
use chrono::{DateTime, Utc};
use domain::dto::{MailMode, Notification, NotificationKind, NotificationSetting};
use entity::{notification, notification_setting, user};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, RelationTrait, Set,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// The `instance_setting` key of the secret that signs mail links.
const MAIL_SECRET: &str = "mail_secret";
/// At most this many notifications go in one mail; the rest wait for the next.
const PER_MAIL: u64 = 50;
/// A digest goes out once something has waited this long.
const DIGEST_AFTER: chrono::Duration = chrono::Duration::hours(24);

/// Mails `user` what is pending for `now`. Run again, it finds nothing pending (each
/// notification leaves `mail` pending in the transaction that queues its mail).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NotifyMail {
    pub user: Uuid,
}

impl Job for NotifyMail {
    const KIND: &'static str = "notify_mail";
    const MAX_ATTEMPTS: i32 = 8;

    async fn run(self, svc: &Services) -> Result<(), JobError> {
        send_pending(svc, self.user, &[MailMode::Now], false).await?;
        Ok(())
    }
}

/// Hourly: mails each user whose oldest pending `daily` notification waited a day (the
/// digest, with everything pending), and anything pending for `now` that a window missed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NotifyDigest;

impl Job for NotifyDigest {
    const KIND: &'static str = "notify_digest";
    const MAX_ATTEMPTS: i32 = 3;

    async fn run(self, svc: &Services) -> Result<(), JobError> {
        digest(svc).await?;
        Ok(())
    }
}

async fn digest(svc: &Services) -> Result<()> {
    {
        let now = Utc::now();
        let due = |mode: MailMode, before: DateTime<Utc>| {
            notification::Entity::find()
                .select_only()
                .column(notification::Column::UserId)
                .distinct()
                .filter(notification::Column::Mail.eq(mode.as_str()))
                .filter(notification::Column::CreatedAt.lt(before))
                .into_tuple::<Uuid>()
                .all(&svc.db)
        };
        let late = chrono::Duration::from_std(svc.settings.notify_mail_delay * 2)
            .unwrap_or(chrono::Duration::minutes(10));
        for user in due(MailMode::Now, now - late).await? {
            send_pending(svc, user, &[MailMode::Now], false).await?;
        }
        for user in due(MailMode::Daily, now - DIGEST_AFTER).await? {
            send_pending(svc, user, &[MailMode::Daily, MailMode::Now], true).await?;
        }
        Ok(())
    }
}

/// Schedules the mail of `users`' new `now` notifications: the first one schedules the
/// user's mail for `notify_mail_delay` later, and what comes before it runs goes in the
/// same mail (its dedupe key holds while it is queued). One that arrives while that mail is
/// being sent waits for the next notification, or at most for the hourly sweep.
pub(super) async fn schedule(
    svc: &Services,
    db: &impl ConnectionTrait,
    users: impl IntoIterator<Item = Uuid>,
) -> Result<()> {
    let delay = chrono::Duration::from_std(svc.settings.notify_mail_delay)
        .unwrap_or(chrono::Duration::minutes(5));
    for user in users {
        let how = Enqueue {
            run_at: Some(Utc::now() + delay),
            dedupe_key: Some(format!("notify-mail:{user}")),
        };
        jobs::enqueue_in(db, &NotifyMail { user }, how).await?;
    }
    Ok(())
}

/// Mails `user` their notifications pending in `modes` that they may still see, and marks
/// them mailed; those they may no longer see are dropped from the mail queue.
async fn send_pending(
    svc: &Services,
    user_id: Uuid,
    modes: &[MailMode],
    digest: bool,
) -> Result<()> {
    let Some(person) = user::Entity::find_by_id(user_id).one(&svc.db).await? else {
        return Ok(());
    };
    let modes: Vec<&str> = modes.iter().map(|m| m.as_str()).collect();
    let pending = || {
        notification::Entity::find()
            .filter(notification::Column::UserId.eq(user_id))
            .filter(notification::Column::Mail.is_in(modes.clone()))
    };
    let rows = pending()
        .join(JoinType::LeftJoin, notification::Relation::Task.def())
        .filter(visible(&svc.db, user_id).await?)
        .order_by_asc(notification::Column::Id)
        .limit(PER_MAIL)
        .all(&svc.db)
        .await?;
    let banned = person.banned_until.is_some_and(|t| t > Utc::now());
    let txn = svc.begin().await?;
    // What they may no longer see, or anything at all for a banned account, is not mailed.
    let shown: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut dropped = pending().filter(notification::Column::Id.is_not_in(shown.clone()));
    if let Some(last) = shown.last() {
        dropped = dropped.filter(notification::Column::Id.lte(*last));
    }
    if banned || rows.is_empty() {
        dropped = pending();
    }
    notification::Entity::update_many()
        .col_expr(notification::Column::Mail, Option::<String>::None.into())
        .filter(
            notification::Column::Id.in_subquery(
                dropped
                    .select_only()
                    .column(notification::Column::Id)
                    .into_query(),
            ),
        )
        .exec(&txn)
        .await?;
    if banned || rows.is_empty() {
        txn.commit().await?;
        return Ok(());
    }
    // Taken only while still pending: two runs for the same user at once (the hourly
    // digest beside the user's own mail job) read the same rows, and only the one whose
    // update takes them all mails them.
    let count = shown.len() as u64;
    let taken = notification::Entity::update_many()
        .col_expr(notification::Column::Mail, Option::<String>::None.into())
        .filter(notification::Column::Id.is_in(shown))
        .filter(notification::Column::Mail.is_in(modes.clone()))
        .exec(&txn)
        .await?
        .rows_affected;
    if taken != count {
        txn.rollback().await?;
        return Ok(());
    }
    let items = to_dtos(&txn, &rows).await?;
    let mail = compose(svc, &txn, &person, &items, digest).await?;
    mail::queue(&txn, mail).await?;
    txn.commit().await?;
    svc.job_wake.notify_one();
    Ok(())
}

/// One line of a mail: who did what to which task.
fn line(n: &Notification) -> String {
    let who = n.actor.as_ref().map_or("Someone", |a| a.name.as_str());
    let task = n
        .task
        .as_ref()
        .map(|t| format!("{}: {}", t.key, t.title))
        .unwrap_or_default();
    match (n.kind, &n.status) {
        (NotificationKind::Invited, _) => format!("{who} invited you to {}", n.org.name),
        (NotificationKind::StatusChanged | NotificationKind::SubmissionUpdated, Some(s)) => {
            format!(
                "{who} moved {task} from {} to {}",
                s.from.label(),
                s.to.label()
            )
        }
        (NotificationKind::Assigned, _) => format!("{who} assigned you {task}"),
        (NotificationKind::Mentioned, _) => format!("{who} mentioned you in {task}"),
        (NotificationKind::Commented, _) => format!("{who} commented on {task}"),
        (_, None) => format!("{who} changed {task}"),
    }
}

async fn compose(
    svc: &Services,
    db: &impl ConnectionTrait,
    person: &user::Model,
    items: &[Notification],
    digest: bool,
) -> Result<mail::Mail> {
    let base = &svc.settings.public_url;
    let secret = crate::instance::secret(db, MAIL_SECRET).await?;
    let kinds: BTreeSet<NotificationKind> = items.iter().map(|n| n.kind).collect();
    let unsubscribe = format!(
        "{base}/unsubscribe?token={}",
        sign(
            &secret,
            &Scope::Kinds(person.id, kinds.into_iter().collect())
        )
    );
    let lines: Vec<_> = items
        .iter()
        .map(|n| {
            let link = match &n.task {
                Some(t) if n.kind == NotificationKind::SubmissionUpdated => {
                    format!("{base}/orgs/{}/portal/tasks/{}", n.org.slug, t.number)
                }
                Some(t) => format!("{base}/orgs/{}/tasks/{}", n.org.slug, t.number),
                None => format!("{base}/"),
            };
            let unfollow = (n.kind == NotificationKind::SubmissionUpdated)
                .then_some(n.task.as_ref())
                .flatten()
                .map(|t| {
                    let scope = Scope::Task(person.id, n.org.slug.clone(), t.number);
                    format!("{base}/unsubscribe?token={}", sign(&secret, &scope))
                });
            minijinja::context! { text => line(n), link => link, unfollow => unfollow }
        })
        .collect();
    let subject = match items {
        [one] => line(one),
        _ if digest => format!("Your daily summary: {} notifications", items.len()),
        _ => format!(
            "{} new notifications on {}",
            items.len(),
            svc.settings.instance_name
        ),
    };
    let heading = if items.len() == 1 {
        "You have a new notification:".to_string()
    } else {
        format!("You have {} new notifications:", items.len())
    };
    let mut mail = mail::compose(
        svc,
        mail::Template::Notifications,
        &person.email,
        minijinja::context! {
            subject => subject,
            heading => heading,
            items => lines,
            settings => format!("{base}/settings/notifications"),
            unsubscribe => unsubscribe,
        },
    )?;
    mail.unsubscribe = Some(unsubscribe);
    Ok(mail)
}

/// What an unsubscribe link stops.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Scope {
    /// Mail of these types to this user.
    Kinds(Uuid, Vec<NotificationKind>),
    /// This user following this task (org slug, number).
    Task(Uuid, String, i64),
}

impl Scope {
    fn encode(&self) -> String {
        match self {
            Scope::Kinds(user, kinds) => {
                let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
                format!("{user}~k~{}", kinds.join("."))
            }
            Scope::Task(user, slug, number) => format!("{user}~t~{slug}.{number}"),
        }
    }

    fn decode(text: &str) -> Option<Self> {
        let mut parts = text.splitn(3, '~');
        let user = Uuid::parse_str(parts.next()?).ok()?;
        match (parts.next()?, parts.next()?) {
            ("k", kinds) => {
                let kinds = kinds
                    .split('.')
                    .map(|k| k.parse().ok())
                    .collect::<Option<Vec<NotificationKind>>>()?;
                Some(Scope::Kinds(user, kinds))
            }
            ("t", task) => {
                let (slug, number) = task.rsplit_once('.')?;
                Some(Scope::Task(user, slug.to_string(), number.parse().ok()?))
            }
            _ => None,
        }
    }
}

/// What the unsubscribe links' signatures are bound to (a token for anything else fails).
const PURPOSE: &str = "sayr-unsubscribe";

fn sign(secret: &[u8], scope: &Scope) -> String {
    crate::instance::sign(secret, PURPOSE, &scope.encode())
}

fn verify(secret: &[u8], token: &str) -> Option<Scope> {
    Scope::decode(crate::instance::verify(secret, PURPOSE, token)?)
}

/// What an unsubscribe link stops, as its page says before the click.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unsubscribe {
    /// The address the mail went to.
    pub email: String,
    /// The types whose mail stops, or none for a task.
    pub kinds: Vec<NotificationKind>,
    /// The task no longer followed (`ABC-42: title`), if that is what it stops.
    pub task: Option<String>,
}

async fn resolve(svc: &Services, token: &str) -> Result<(Scope, user::Model)> {
    let invalid = || DomainError::Gone("this link is not valid (it may have been cut)".into());
    let scope =
        verify(&crate::instance::secret(&svc.db, MAIL_SECRET).await?, token).ok_or_else(invalid)?;
    let user_id = match &scope {
        Scope::Kinds(u, _) | Scope::Task(u, _, _) => *u,
    };
    let person = user::Entity::find_by_id(user_id)
        .one(&svc.db)
        .await?
        .ok_or_else(invalid)?;
    Ok((scope, person))
}

/// What the link `token` would stop (nothing changes).
pub async fn peek_unsubscribe(svc: &Services, token: &str) -> Result<Unsubscribe> {
    let (scope, person) = resolve(svc, token).await?;
    Ok(match scope {
        Scope::Kinds(_, kinds) => Unsubscribe {
            email: person.email,
            kinds,
            task: None,
        },
        Scope::Task(_, slug, number) => {
            let task = task_of(svc, &slug, number).await?;
            Unsubscribe {
                email: person.email,
                kinds: Vec::new(),
                task: Some(format!("{}: {}", task.1, task.0.title)),
            }
        }
    })
}

async fn task_of(svc: &Services, slug: &str, number: i64) -> Result<(entity::task::Model, String)> {
    let org = entity::organization::Entity::find()
        .filter(entity::organization::Column::Slug.eq(slug))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let task = entity::task::Entity::find()
        .filter(entity::task::Column::OrgId.eq(org.id))
        .filter(entity::task::Column::Number.eq(number))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let key = format!("{}-{}", org.short_id, task.number);
    Ok((task, key))
}

/// Follows an unsubscribe link: mail of its types off, or the task unfollowed. Without
/// signing in: the link is the proof. Following it twice changes nothing more.
pub async fn unsubscribe(svc: &Services, token: &str) -> Result<Unsubscribe> {
    let what = peek_unsubscribe(svc, token).await?;
    let (scope, person) = resolve(svc, token).await?;
    match scope {
        Scope::Kinds(_, kinds) => {
            let choices = kinds
                .into_iter()
                .map(|kind| NotificationSetting {
                    kind,
                    mail: MailMode::Off,
                })
                .collect();
            store_settings(svc, person.id, choices).await?;
        }
        Scope::Task(_, slug, number) => {
            let (task, _) = task_of(svc, &slug, number).await?;
            super::set_watch(&svc.db, task.id, person.id, false).await?;
        }
    }
    Ok(what)
}

/// How the signed-in user gets each type by mail.
pub async fn settings(svc: &Services, actor: &Actor) -> Result<Vec<NotificationSetting>> {
    let me = super::signed_in(actor)?;
    let chosen = super::fanout::mail_modes(&svc.db, [me]).await?;
    Ok(NotificationKind::MAILED
        .iter()
        .map(|kind| NotificationSetting {
            kind: *kind,
            mail: chosen
                .get(&(me, *kind))
                .copied()
                .unwrap_or(kind.default_mail()),
        })
        .collect())
}

/// Changes how the signed-in user gets the types named; the rest stay as they are.
pub async fn set_settings(
    svc: &Services,
    actor: &Actor,
    choices: Vec<NotificationSetting>,
) -> Result<Vec<NotificationSetting>> {
    let me = super::signed_in(actor)?;
    if let Some(bad) = choices
        .iter()
        .find(|c| !NotificationKind::MAILED.contains(&c.kind))
    {
        return Err(domain::parse::FieldError::new(
            "type",
            format!("{} is always mailed by itself and has no setting", bad.kind),
        )
        .into());
    }
    store_settings(svc, me, choices).await?;
    settings(svc, actor).await
}

async fn store_settings(
    svc: &Services,
    user: Uuid,
    choices: Vec<NotificationSetting>,
) -> Result<()> {
    if choices.is_empty() {
        return Ok(());
    }
    let txn = svc.begin().await?;
    for c in choices {
        notification_setting::Entity::insert(notification_setting::ActiveModel {
            user_id: Set(user),
            kind: Set(c.kind.as_str().to_string()),
            mode: Set(c.mail.as_str().to_string()),
        })
        .on_conflict(
            OnConflict::columns([
                notification_setting::Column::UserId,
                notification_setting::Column::Kind,
            ])
            .update_column(notification_setting::Column::Mode)
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        // Mail already pending for that type follows the new choice.
        notification::Entity::update_many()
            .col_expr(
                notification::Column::Mail,
                (c.mail != MailMode::Off)
                    .then(|| c.mail.as_str().to_string())
                    .into(),
            )
            .filter(notification::Column::UserId.eq(user))
            .filter(notification::Column::Kind.eq(c.kind.as_str()))
            .filter(notification::Column::Mail.is_not_null())
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_signed_and_a_changed_one_is_refused() {
        let user = Uuid::new_v4();
        let scope = Scope::Kinds(
            user,
            vec![NotificationKind::Commented, NotificationKind::Mentioned],
        );
        let token = sign(b"secret", &scope);
        assert_eq!(verify(b"secret", &token), Some(scope));
        assert_eq!(verify(b"other", &token), None, "another instance's secret");
        let forged = token.replace("commented", "assigned");
        assert_eq!(verify(b"secret", &forged), None);
        let task = Scope::Task(user, "acme".into(), 42);
        assert_eq!(verify(b"secret", &sign(b"secret", &task)), Some(task));
        assert_eq!(verify(b"secret", "nonsense"), None);
        let short = &token[..token.len() - 2];
        assert_eq!(verify(b"secret", short), None, "a cut tag");
    }
}
