//! From what happened to who is told: the [`Notify`] job. The request that caused it only
//! enqueues it (in its own transaction); the job works out the people, checks again that
//! each may still see what they are told about, writes one notification per person,
//! tells their sockets and queues their mail.

use super::{publish_unread, unread_counts};
use crate::jobs::{Job, JobError};
use crate::{Result, Services};
use chrono::Utc;
use domain::dto::{CommentVisibility, MailMode, NotificationKind, StatusChange, Visibility};
use entity::{
    member, notification, notification_setting, organization, task, task_comment, task_watch, user,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;
use uuid::Uuid;

/// Something that happened, as the job needs it. `id` (a UUIDv7 taken when it happened)
/// makes the notifications' ids: a job run twice writes each notification once.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notify {
    pub id: Uuid,
    pub org: Uuid,
    /// Who did it; never told.
    pub actor: Option<Uuid>,
    pub what: What,
}

/// What happened.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum What {
    /// Something about a task: any of these at once, from one change.
    Task {
        task: Uuid,
        /// The actor created it (they watch it).
        #[serde(default)]
        created: bool,
        /// Newly assigned.
        #[serde(default)]
        assigned: Vec<Uuid>,
        /// Newly mentioned (in the description, or in `comment`).
        #[serde(default)]
        mentioned: Vec<Uuid>,
        /// The comment this is about (its mentions), if any.
        #[serde(default)]
        comment: Option<Uuid>,
        /// `comment` is new: the task's watchers hear of it.
        #[serde(default)]
        commented: bool,
        #[serde(default)]
        status: Option<StatusChange>,
    },
}

impl Notify {
    pub(crate) fn new(org: Uuid, actor: Option<Uuid>, what: What) -> Self {
        Self {
            id: Uuid::now_v7(),
            org,
            actor,
            what,
        }
    }

    /// Whether there is anyone to tell at all (a comment or a status change always may).
    pub(crate) fn matters(&self) -> bool {
        match &self.what {
            What::Task {
                created,
                assigned,
                mentioned,
                commented,
                status,
                ..
            } => {
                *created
                    || !assigned.is_empty()
                    || !mentioned.is_empty()
                    || *commented
                    || status.is_some()
            }
        }
    }

    /// Who takes part in the task by this event, and so watches it (unless they unwatched
    /// it before): its new assignees, whom it mentions, and its actor when they created
    /// it or commented.
    pub(super) fn joined(&self) -> Option<(Uuid, Vec<Uuid>)> {
        let What::Task {
            task,
            created,
            assigned,
            mentioned,
            commented,
            ..
        } = &self.what;
        let mut joined: Vec<Uuid> = assigned.iter().chain(mentioned).copied().collect();
        if let Some(actor) = self.actor
            && (*created || *commented)
        {
            joined.push(actor);
        }
        (!joined.is_empty()).then_some((*task, joined))
    }

    /// The id of `user`'s notification of this event: this event's time (so ids still
    /// sort by time) with the user in the random half.
    fn notification_id(&self, user: Uuid) -> Uuid {
        let (high, low) = self.id.as_u64_pair();
        let (_, user_low) = user.as_u64_pair();
        let mixed =
            (low ^ user_low.rotate_left(17)) & 0x3fff_ffff_ffff_ffff | 0x8000_0000_0000_0000;
        Uuid::from_u64_pair(high, mixed)
    }
}

impl Job for Notify {
    const KIND: &'static str = "notify";
    const MAX_ATTEMPTS: i32 = 10;
    const RETRY_BASE: Duration = Duration::from_secs(5);

    /// Running it again writes nothing new (notification ids come from the event), adds
    /// no watch twice, and tells sockets the same counts again.
    async fn run(self, svc: &Services) -> Result<(), JobError> {
        deliver(svc, &self).await?;
        Ok(())
    }
}

/// One person to tell, and why.
struct Recipient {
    kind: NotificationKind,
}

/// Writes the notifications of `event` and tells their people.
pub(crate) async fn deliver(svc: &Services, event: &Notify) -> Result<usize> {
    let Some(org) = organization::Entity::find_by_id(event.org)
        .one(&svc.db)
        .await?
    else {
        return Ok(0);
    };
    let (task_id, comment_id, status, mut people) = match &event.what {
        What::Task {
            task,
            assigned,
            mentioned,
            comment,
            commented,
            status,
            ..
        } => {
            let Some(row) = task::Entity::find_by_id(*task).one(&svc.db).await? else {
                return Ok(0);
            };
            let comment_row = match comment {
                Some(id) => match task_comment::Entity::find_by_id(*id).one(&svc.db).await? {
                    Some(c) => Some(c),
                    // Deleted before anyone was told: nothing to tell.
                    None => return Ok(0),
                },
                None => None,
            };
            let people = task_people(
                &svc.db,
                &org,
                &row,
                comment_row.as_ref(),
                *commented,
                assigned,
                mentioned,
                *status,
            )
            .await?;
            (Some(row.id), comment_row.map(|c| c.id), *status, people)
        }
    };
    if let Some(actor) = event.actor {
        people.remove(&actor);
    }
    // Banned people are told nothing.
    let now = Utc::now();
    let banned: HashSet<Uuid> = user::Entity::find()
        .filter(user::Column::Id.is_in(people.keys().copied()))
        .filter(user::Column::BannedUntil.gt(now))
        .all(&svc.db)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    people.retain(|id, _| !banned.contains(id));
    if people.is_empty() {
        return Ok(0);
    }

    let modes = mail_modes(&svc.db, people.keys().copied()).await?;
    let detail = status.map(|s| serde_json::to_string(&s).expect("a status change serializes"));
    let rows: Vec<notification::ActiveModel> = people
        .iter()
        .map(|(user, r)| {
            let mail = modes
                .get(&(*user, r.kind))
                .copied()
                .unwrap_or(r.kind.default_mail());
            notification::ActiveModel {
                id: Set(event.notification_id(*user)),
                user_id: Set(*user),
                org_id: Set(org.id),
                task_id: Set(task_id),
                comment_id: Set(comment_id),
                kind: Set(r.kind.as_str().to_string()),
                actor_id: Set(event.actor),
                detail: Set(detail.clone()),
                mail: Set((mail != MailMode::Off).then(|| mail.as_str().to_string())),
                created_at: Set(now),
                read_at: Set(None),
                archived_at: Set(None),
            }
        })
        .collect();
    let ids: Vec<Uuid> = rows
        .iter()
        .map(|r| match &r.id {
            sea_orm::ActiveValue::Set(id) => *id,
            _ => unreachable!("ids are set"),
        })
        .collect();
    let mailed_now: Vec<Uuid> = rows
        .iter()
        .filter(|r| matches!(&r.mail, sea_orm::ActiveValue::Set(Some(m)) if m == MailMode::Now.as_str()))
        .filter_map(|r| match &r.user_id {
            sea_orm::ActiveValue::Set(u) => Some(*u),
            _ => None,
        })
        .collect();
    let txn = svc.begin().await?;
    for chunk in rows.chunks(200) {
        // A second run of the job finds its notifications written already.
        notification::Entity::insert_many(chunk.to_vec())
            .on_conflict_do_nothing_on([notification::Column::Id])
            .exec(&txn)
            .await?;
    }
    super::mail::schedule(svc, &txn, mailed_now).await?;
    txn.commit().await?;
    svc.job_wake.notify_one();

    let written = notification::Entity::find()
        .filter(notification::Column::Id.is_in(ids))
        .all(&svc.db)
        .await?;
    let dtos = super::to_dtos(&svc.db, &written).await?;
    let counts = unread_counts(&svc.db, people.keys().copied()).await?;
    for (row, dto) in written.iter().zip(dtos) {
        publish_unread(
            svc,
            row.user_id,
            Some(dto),
            counts.get(&row.user_id).copied().unwrap_or(0),
        );
    }
    Ok(people.len())
}

/// Who hears of a change to a task, and why: one reason per person, the strongest
/// (assigned, mentioned, status, comment). Everyone is checked against what they may see
/// now: members see the org's tasks and internal comments; anyone else only hears that a
/// public task they follow changed status.
#[allow(clippy::too_many_arguments)]
async fn task_people(
    db: &impl ConnectionTrait,
    org: &organization::Model,
    task: &task::Model,
    comment: Option<&task_comment::Model>,
    commented: bool,
    assigned: &[Uuid],
    mentioned: &[Uuid],
    status: Option<StatusChange>,
) -> Result<BTreeMap<Uuid, Recipient>> {
    let mut people: BTreeMap<Uuid, NotificationKind> = BTreeMap::new();
    for id in assigned {
        people.entry(*id).or_insert(NotificationKind::Assigned);
    }
    for id in mentioned {
        people.entry(*id).or_insert(NotificationKind::Mentioned);
    }
    if status.is_some() || commented {
        let watchers = task_watch::Entity::find()
            .filter(task_watch::Column::TaskId.eq(task.id))
            .filter(task_watch::Column::Watching.eq(true))
            .all(db)
            .await?;
        let kind = if status.is_some() {
            NotificationKind::StatusChanged
        } else {
            NotificationKind::Commented
        };
        for w in watchers {
            people.entry(w.user_id).or_insert(kind);
        }
    }
    if people.is_empty() {
        return Ok(BTreeMap::new());
    }

    let members = members_of(db, org, people.keys().copied()).await?;
    let public_task = task.visibility == Visibility::Public;
    let public_comment = comment.is_none_or(|c| c.visibility == CommentVisibility::Public);
    Ok(people
        .into_iter()
        .filter_map(|(user, kind)| {
            let kind = if members.contains(&user) {
                kind
            } else {
                // Not (or no longer) a member: only a public task's status, as a follower.
                match kind {
                    NotificationKind::StatusChanged if public_task && public_comment => {
                        NotificationKind::SubmissionUpdated
                    }
                    _ => return None,
                }
            };
            Some((user, Recipient { kind }))
        })
        .collect())
}

/// Those of `users` who see all of `org`: its members, its creator and site admins.
pub(crate) async fn members_of(
    db: &impl ConnectionTrait,
    org: &organization::Model,
    users: impl IntoIterator<Item = Uuid>,
) -> Result<HashSet<Uuid>> {
    let users: Vec<Uuid> = users.into_iter().collect();
    let mut members: HashSet<Uuid> = member::Entity::find()
        .filter(member::Column::OrgId.eq(org.id))
        .filter(member::Column::UserId.is_in(users.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    members.extend(
        user::Entity::find()
            .filter(user::Column::Id.is_in(users.iter().copied()))
            .filter(user::Column::Role.eq("admin"))
            .all(db)
            .await?
            .into_iter()
            .map(|u| u.id),
    );
    members.extend(org.created_by.filter(|c| users.contains(c)));
    Ok(members)
}

/// Makes `users` watch `task` unless they have a say about it already (watching, or an
/// explicit unwatch).
pub(super) async fn watch_if_new(
    db: &impl ConnectionTrait,
    task: Uuid,
    users: &[Uuid],
) -> Result<()> {
    let mut seen = HashSet::new();
    let rows: Vec<task_watch::ActiveModel> = users
        .iter()
        .filter(|u| seen.insert(**u))
        .map(|u| task_watch::ActiveModel {
            task_id: Set(task),
            user_id: Set(*u),
            watching: Set(true),
            created_at: Set(Utc::now()),
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    task_watch::Entity::insert_many(rows)
        .on_conflict_do_nothing_on([task_watch::Column::TaskId, task_watch::Column::UserId])
        .exec(db)
        .await?;
    Ok(())
}

/// The mail modes `users` chose, by user and type (absent: the type's default).
pub(crate) async fn mail_modes(
    db: &impl ConnectionTrait,
    users: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<(Uuid, NotificationKind), MailMode>> {
    Ok(notification_setting::Entity::find()
        .filter(notification_setting::Column::UserId.is_in(users))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| Some(((s.user_id, s.kind.parse().ok()?), s.mode.parse().ok()?)))
        .collect())
}
