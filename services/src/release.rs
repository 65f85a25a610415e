//! Releases: members read them all, `content.manageReleases` makes and changes them, and
//! the public (when the org's public page is on) reads released ones with their public
//! tasks, the changelog. Tasks name at most one release (`task.release_id`).

use super::access::{self, OrgAccess};
use super::{Actor, DomainError, Result, Services, error::Fields, markdown, task};
use chrono::Utc;
use domain::dto::{
    NewRelease, NewReleaseUpdate, Progress, Release, ReleaseDetail, ReleasePatch, ReleaseStatus,
    ReleaseUpdate, TaskStatus, UserRef,
};
use domain::parse::{FieldError, Markdown, ReleaseName, ReleaseSlug};
use domain::realtime::{Change, DomainEvent, EventKind};
use entity::{member, release, release_update, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use std::collections::HashMap;
use uuid::Uuid;

/// The most tasks a release page lists.
pub const PAGE_TASKS: u64 = 500;
/// The longest health update, in characters.
const MAX_UPDATE: usize = 10_000;

fn may_manage(access: &OrgAccess) -> Result<()> {
    if access.permissions.content.manage_releases {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "you may not manage releases in this organization",
        ))
    }
}

fn slug_taken(e: sea_orm::DbErr) -> DomainError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            DomainError::conflict("a release with this slug exists")
        }
        _ => e.into(),
    }
}

/// Who sees a release: members all, others released ones.
fn sees(access: &OrgAccess, row: &release::Model) -> bool {
    access.member || row.status == ReleaseStatus::Released
}

#[derive(FromQueryResult)]
struct StatusCount {
    release_id: Uuid,
    status: TaskStatus,
    count: i64,
}

/// Progress of each release in `ids`, counting the tasks `access` sees.
async fn progress(
    db: &impl ConnectionTrait,
    access: &OrgAccess,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, Progress>> {
    use entity::task as t;
    let rows = access
        .task_scope(
            t::Entity::find()
                .select_only()
                .column(t::Column::ReleaseId)
                .column(t::Column::Status)
                .column_as(t::Column::Id.count(), "count")
                .filter(t::Column::OrgId.eq(access.org.id))
                .filter(t::Column::ReleaseId.is_in(ids))
                .group_by(t::Column::ReleaseId)
                .group_by(t::Column::Status),
        )
        .into_model::<StatusCount>()
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, Progress> = HashMap::new();
    for r in rows {
        let p = out.entry(r.release_id).or_default();
        p.total += r.count;
        match r.status {
            TaskStatus::Done => p.done += r.count,
            TaskStatus::Canceled => {
                p.done += r.count;
                p.canceled += r.count;
            }
            TaskStatus::InProgress => p.in_progress += r.count,
            _ => {}
        }
    }
    Ok(out)
}

async fn names(db: &impl ConnectionTrait, ids: Vec<Uuid>) -> Result<HashMap<Uuid, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

/// The latest health update of each release in `ids`.
async fn latest_updates(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, release_update::Model>> {
    let mut out = HashMap::new();
    for row in release_update::Entity::find()
        .filter(release_update::Column::ReleaseId.is_in(ids))
        .order_by_asc(release_update::Column::CreatedAt)
        .all(db)
        .await?
    {
        out.insert(row.release_id, row);
    }
    Ok(out)
}

fn update_dto(row: &release_update::Model, names: &HashMap<Uuid, String>) -> ReleaseUpdate {
    ReleaseUpdate {
        id: row.id,
        health: row.health,
        body: row.body.clone(),
        body_html: row.body_html.clone(),
        author: row.author_id.and_then(|id| {
            names.get(&id).map(|name| UserRef {
                id: id.into(),
                name: name.clone(),
            })
        }),
        created_at: row.created_at,
    }
}

/// Release DTOs for `rows`, as `access` may see them.
async fn to_dtos(
    db: &impl ConnectionTrait,
    access: &OrgAccess,
    rows: &[release::Model],
) -> Result<Vec<Release>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let progress = progress(db, access, ids.clone()).await?;
    let updates = if access.member {
        latest_updates(db, ids).await?
    } else {
        HashMap::new()
    };
    let people: Vec<Uuid> = rows
        .iter()
        .filter_map(|r| r.lead_id)
        .chain(updates.values().filter_map(|u| u.author_id))
        .collect();
    let names = names(db, people).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let dto = Release {
                id: r.id.into(),
                org_id: r.org_id.into(),
                slug: r.slug.clone(),
                name: r.name.clone(),
                status: r.status,
                target_date: r.target_date,
                released_at: r.released_at,
                lead: r.lead_id.and_then(|id| {
                    names.get(&id).map(|name| UserRef {
                        id: id.into(),
                        name: name.clone(),
                    })
                }),
                description: r.description.clone(),
                description_html: r.description_html.clone(),
                progress: progress.get(&r.id).copied().unwrap_or_default(),
                health: updates.get(&r.id).map(|u| update_dto(u, &names)),
                created_at: r.created_at,
                updated_at: r.updated_at,
            };
            if access.member {
                dto
            } else {
                dto.public_view()
            }
        })
        .collect())
}

/// The order releases are listed in: in progress, planned (soonest target first), then
/// released (newest first), then archived.
fn rank(r: &release::Model) -> (u8, i64) {
    let day = |d: Option<chrono::NaiveDate>| {
        d.map_or(i64::MAX, |d| {
            d.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp()
        })
    };
    match r.status {
        ReleaseStatus::InProgress => (0, day(r.target_date)),
        ReleaseStatus::Planned => (1, day(r.target_date)),
        ReleaseStatus::Released => (2, -r.released_at.unwrap_or(r.updated_at).timestamp()),
        ReleaseStatus::Archived => (3, -r.updated_at.timestamp()),
    }
}

/// The org's releases as the actor may see them.
#[tracing::instrument(name = "release.list", skip(svc, actor))]
pub async fn list(svc: &Services, actor: &Actor, slug: &str) -> Result<Vec<Release>> {
    let access = access::load(svc, actor, slug).await?;
    list_for(svc, &access).await
}

pub(crate) async fn list_for(svc: &Services, access: &OrgAccess) -> Result<Vec<Release>> {
    let mut q = release::Entity::find().filter(release::Column::OrgId.eq(access.org.id));
    if !access.member {
        q = q.filter(release::Column::Status.eq(ReleaseStatus::Released));
    }
    let mut rows = q.all(&svc.db).await?;
    rows.sort_by_key(rank);
    to_dtos(&svc.db, access, &rows).await
}

async fn find(svc: &Services, access: &OrgAccess, slug: &str) -> Result<release::Model> {
    release::Entity::find()
        .filter(release::Column::OrgId.eq(access.org.id))
        .filter(release::Column::Slug.eq(slug))
        .one(&svc.db)
        .await?
        .filter(|r| sees(access, r))
        .ok_or(DomainError::NotFound)
}

/// A release as a task names it: id, slug, and whether visitors see it.
pub(crate) type ReleaseRef = (Uuid, String, bool);

fn to_ref(r: release::Model) -> ReleaseRef {
    let public = r.status == ReleaseStatus::Released;
    (r.id, r.slug, public)
}

/// The org's release `slug`, for a task naming it; a clear error when there is none.
pub(crate) async fn by_slug(
    db: &impl ConnectionTrait,
    org: Uuid,
    slug: &str,
) -> Result<ReleaseRef> {
    release::Entity::find()
        .filter(release::Column::OrgId.eq(org))
        .filter(release::Column::Slug.eq(slug))
        .one(db)
        .await?
        .map(to_ref)
        .ok_or_else(|| FieldError::new("release", format!("there is no release \"{slug}\"")).into())
}

/// The release a task is in now.
pub(crate) async fn by_id(
    db: &impl ConnectionTrait,
    id: Option<Uuid>,
) -> Result<Option<ReleaseRef>> {
    let Some(id) = id else { return Ok(None) };
    Ok(release::Entity::find_by_id(id).one(db).await?.map(to_ref))
}

/// A release with its tasks (those the actor sees, up to [`PAGE_TASKS`], open first) and,
/// for members, its health updates.
#[tracing::instrument(name = "release.get", skip(svc, actor))]
pub async fn get(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    release: &str,
) -> Result<ReleaseDetail> {
    let access = access::load(svc, actor, slug).await?;
    get_for(svc, &access, release).await
}

pub(crate) async fn get_for(
    svc: &Services,
    access: &OrgAccess,
    release: &str,
) -> Result<ReleaseDetail> {
    use entity::task as t;
    let row = find(svc, access, release).await?;
    let rows = access
        .task_scope(
            t::Entity::find()
                .filter(t::Column::OrgId.eq(access.org.id))
                .filter(t::Column::ReleaseId.eq(row.id)),
        )
        .order_by_desc(t::Column::Number)
        .limit(PAGE_TASKS)
        .all(&svc.db)
        .await?;
    let tasks = task::to_dtos(&svc.db, access, &rows).await?;
    let updates = if access.member {
        let rows = release_update::Entity::find()
            .filter(release_update::Column::ReleaseId.eq(row.id))
            .order_by_desc(release_update::Column::CreatedAt)
            .all(&svc.db)
            .await?;
        let names = names(&svc.db, rows.iter().filter_map(|u| u.author_id).collect()).await?;
        rows.iter().map(|u| update_dto(u, &names)).collect()
    } else {
        Vec::new()
    };
    let release = to_dtos(&svc.db, access, &[row]).await?.remove(0);
    Ok(ReleaseDetail {
        release,
        tasks,
        updates,
    })
}

/// The releases page: the org, its releases as the actor sees them, and what the actor may
/// do.
#[tracing::instrument(name = "release.overview", skip(svc, actor))]
pub async fn overview(
    svc: &Services,
    actor: &Actor,
    slug: &str,
) -> Result<domain::dto::ReleasesOverview> {
    let access = access::load(svc, actor, slug).await?;
    let members = if access.member {
        member::Entity::find()
            .filter(member::Column::OrgId.eq(access.org.id))
            .find_also_related(user::Entity)
            .all(&svc.db)
            .await?
            .into_iter()
            .filter_map(|(_, u)| u)
            .map(|u| UserRef {
                id: u.id.into(),
                name: u.name,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(domain::dto::ReleasesOverview {
        org: crate::org::with_images(svc, access.dto()).await?,
        releases: list_for(svc, &access).await?,
        member: access.member,
        manage: access.member && access.permissions.content.manage_releases,
        members,
    })
}

/// The public changelog: the org as visitors see it and its released releases, newest
/// first, each with its public tasks. What members see is not here even when a member
/// asks (a feed is public by nature); NotFound when the org's public page is off.
#[tracing::instrument(name = "release.changelog", skip(svc))]
pub async fn changelog(
    svc: &Services,
    slug: &str,
    limit: usize,
) -> Result<(domain::dto::Org, Vec<ReleaseDetail>)> {
    let access = access::load(svc, &Actor::anonymous(), slug).await?;
    let access = access.public_lens();
    let releases = list_for(svc, &access).await?;
    let mut out = Vec::new();
    for r in releases.into_iter().take(limit) {
        out.push(get_for(svc, &access, &r.slug).await?);
    }
    Ok((access.dto(), out))
}

/// The lead must be a member of the org.
async fn lead_in_org(db: &impl ConnectionTrait, org: Uuid, lead: Option<Uuid>) -> Result<()> {
    let Some(lead) = lead else { return Ok(()) };
    let found = member::Entity::find()
        .filter(member::Column::OrgId.eq(org))
        .filter(member::Column::UserId.eq(lead))
        .one(db)
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(FieldError::new("leadId", "is not a member of this organization").into()),
    }
}

/// `release-` and 8 random hex digits: the slug of a release whose name gives none.
fn made_up_slug() -> ReleaseSlug {
    let id = Uuid::new_v4().simple().to_string();
    ReleaseSlug::parse(&format!("release-{}", &id[..8])).expect("a valid release slug")
}

/// Makes a release.
#[tracing::instrument(name = "release.create", skip(svc, actor, input))]
pub async fn create(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    input: NewRelease,
    origin: Option<String>,
) -> Result<Release> {
    let access = access::load_member(svc, actor, slug).await?;
    may_manage(&access)?;
    let mut fields = Fields::default();
    let name = fields.check(ReleaseName::parse(&input.name));
    let release_slug = match input.slug.as_deref() {
        Some(s) => fields.check(ReleaseSlug::parse(s)),
        // A name with no Latin letter or digit in it (`🚀`, `Версия`) gets a made-up one.
        None => Some(ReleaseSlug::from_name(&input.name).unwrap_or_else(made_up_slug)),
    };
    let description = fields.check(Markdown::parse(
        "description",
        input.description.as_deref().unwrap_or(""),
    ));
    fields.finish()?;
    let lead = input.lead_id.map(|l| l.0);
    lead_in_org(&svc.db, access.org.id, lead).await?;
    let description = description.expect("checked");
    let html = markdown::render_in_org(
        &svc.db,
        &svc.settings.images(),
        &access.org,
        description.as_str(),
    )
    .await?;
    let status = input.status.unwrap_or_default();
    let now = Utc::now();
    let row = release::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(access.org.id),
        slug: Set(release_slug.expect("checked").as_str().to_string()),
        name: Set(name.expect("checked").as_str().to_string()),
        status: Set(status),
        target_date: Set(input.target_date),
        released_at: Set((status == ReleaseStatus::Released).then_some(now)),
        lead_id: Set(lead),
        description: Set(description.as_str().to_string()),
        description_html: Set(html),
        created_by: Set(actor.user_id().map(|u| u.0)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&svc.db)
    .await
    .map_err(slug_taken)?;
    let created = announce(svc, &access, &row, false, Change::Created, origin).await?;
    Ok(created)
}

/// Changes a release. Marking it released records when; moving it back to planned or in
/// progress forgets that.
#[tracing::instrument(name = "release.update", skip(svc, actor, patch))]
pub async fn update(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    release: &str,
    patch: ReleasePatch,
    origin: Option<String>,
) -> Result<Release> {
    let access = access::load_member(svc, actor, slug).await?;
    may_manage(&access)?;
    let row = find(svc, &access, release).await?;
    let mut fields = Fields::default();
    let name = fields.check(patch.name.as_deref().map(ReleaseName::parse).transpose());
    let new_slug = fields.check(patch.slug.as_deref().map(ReleaseSlug::parse).transpose());
    let description = fields.check(
        patch
            .description
            .as_deref()
            .map(|d| Markdown::parse("description", d))
            .transpose(),
    );
    fields.finish()?;
    if let Some(Some(lead)) = patch.lead_id {
        lead_in_org(&svc.db, access.org.id, Some(lead.0)).await?;
    }
    let was_public = row.status == ReleaseStatus::Released;
    let mut active: release::ActiveModel = row.clone().into();
    if let Some(Some(name)) = name {
        active.name = Set(name.as_str().to_string());
    }
    if let Some(Some(s)) = new_slug {
        active.slug = Set(s.as_str().to_string());
    }
    if let Some(Some(d)) = description {
        let html =
            markdown::render_in_org(&svc.db, &svc.settings.images(), &access.org, d.as_str())
                .await?;
        active.description = Set(d.as_str().to_string());
        active.description_html = Set(html);
    }
    if let Some(date) = patch.target_date {
        active.target_date = Set(date);
    }
    if let Some(lead) = patch.lead_id {
        active.lead_id = Set(lead.map(|l| l.0));
    }
    let now = Utc::now();
    if let Some(status) = patch.status {
        active.status = Set(status);
        match status {
            ReleaseStatus::Released if row.released_at.is_none() => {
                active.released_at = Set(Some(now))
            }
            ReleaseStatus::Planned | ReleaseStatus::InProgress => active.released_at = Set(None),
            _ => {}
        }
    }
    active.updated_at = Set(now);
    let row = active.update(&svc.db).await.map_err(slug_taken)?;
    let changed = announce(svc, &access, &row, was_public, Change::Updated, origin).await?;
    Ok(changed)
}

/// Deletes a release; its tasks stay, in no release.
#[tracing::instrument(name = "release.delete", skip(svc, actor))]
pub async fn delete(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    release: &str,
    origin: Option<String>,
) -> Result<()> {
    let access = access::load_member(svc, actor, slug).await?;
    may_manage(&access)?;
    let row = find(svc, &access, release).await?;
    let gone = to_dtos(&svc.db, &access, std::slice::from_ref(&row))
        .await?
        .remove(0);
    let txn = svc.db.begin().await?;
    entity::task::Entity::update_many()
        .col_expr(entity::task::Column::ReleaseId, Expr::value(None::<Uuid>))
        .filter(entity::task::Column::OrgId.eq(access.org.id))
        .filter(entity::task::Column::ReleaseId.eq(row.id))
        .exec(&txn)
        .await?;
    release::Entity::delete_by_id(row.id).exec(&txn).await?;
    txn.commit().await?;
    let was_public = row.status == ReleaseStatus::Released;
    svc.publish(DomainEvent {
        traceparent: None,
        org_id: access.id(),
        origin,
        kind: EventKind::ReleaseChanged {
            release: gone,
            was_public,
            change: Change::Deleted,
            public_progress: Progress::default(),
        },
    });
    Ok(())
}

/// Posts a health update.
#[tracing::instrument(name = "release.post_update", skip(svc, actor, input))]
pub async fn post_update(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    release: &str,
    input: NewReleaseUpdate,
    origin: Option<String>,
) -> Result<ReleaseUpdate> {
    let access = access::load_member(svc, actor, slug).await?;
    may_manage(&access)?;
    let row = find(svc, &access, release).await?;
    let body = input.body.trim();
    if body.chars().count() > MAX_UPDATE {
        return Err(
            FieldError::new("body", format!("must be at most {MAX_UPDATE} characters")).into(),
        );
    }
    let html = markdown::render_in_org(&svc.db, &svc.settings.images(), &access.org, body).await?;
    let saved = release_update::ActiveModel {
        id: Set(Uuid::new_v4()),
        release_id: Set(row.id),
        health: Set(input.health),
        body: Set(body.to_string()),
        body_html: Set(html),
        author_id: Set(actor.user_id().map(|u| u.0)),
        created_at: Set(Utc::now()),
    }
    .insert(&svc.db)
    .await?;
    let names = names(&svc.db, saved.author_id.into_iter().collect()).await?;
    let was_public = row.status == ReleaseStatus::Released;
    announce(svc, &access, &row, was_public, Change::Updated, origin).await?;
    Ok(update_dto(&saved, &names))
}

/// Tells the org's rooms how the release is now (public rooms count public tasks) and
/// gives the members' view back.
async fn announce(
    svc: &Services,
    access: &OrgAccess,
    row: &release::Model,
    was_public: bool,
    change: Change,
    origin: Option<String>,
) -> Result<Release> {
    let release = to_dtos(&svc.db, access, std::slice::from_ref(row))
        .await?
        .remove(0);
    let public_progress = progress(&svc.db, &access.public_lens(), vec![row.id])
        .await?
        .remove(&row.id)
        .unwrap_or_default();
    svc.publish(DomainEvent {
        traceparent: None,
        org_id: access.id(),
        origin,
        kind: EventKind::ReleaseChanged {
            release: release.clone(),
            was_public,
            change,
            public_progress,
        },
    });
    Ok(release)
}

#[cfg(test)]
#[path = "release_tests.rs"]
mod tests;
