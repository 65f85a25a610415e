//! The public portal: an org's public board as the public sees it, whoever is looking
//! (members see what visitors see: it is their preview), and who may block whom.

use super::access::{self, OrgAccess};
use super::moderation::is_blocked;
use super::org;
use super::task::{self, TaskQuery, TaskSort};
use super::{Actor, Result, Services, category, label};
use domain::CategoryId;
use domain::TaskId;
use domain::dto::{PortalPage, Viewer};
use entity::task_vote;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// What a visitor can ask of the public board.
#[derive(Clone, Debug, Default)]
pub struct PortalQuery {
    /// Votes ("Most popular"), Newest or Trending; other sorts are refused.
    pub sort: TaskSort,
    pub category: Option<CategoryId>,
    pub q: Option<String>,
    pub cursor: Option<String>,
}

/// What the actor is on the org's public pages, and may do there.
pub(crate) async fn viewer(
    db: &impl ConnectionTrait,
    actor: &Actor,
    access: &OrgAccess,
) -> Result<Viewer> {
    let public_actions = access.org.public_actions;
    Ok(match actor {
        Actor::Anonymous { .. } => Viewer {
            can_vote: public_actions,
            ..Viewer::default()
        },
        Actor::System => Viewer {
            signed_in: true,
            member: true,
            ..Viewer::default()
        },
        Actor::User(u) => {
            let blocked = !access.member && is_blocked(db, access.org.id, u.id).await?;
            let visitor_may = public_actions && !blocked;
            Viewer {
                signed_in: true,
                member: access.member,
                blocked,
                can_vote: access.member || !blocked,
                can_comment: access.member || visitor_may,
                can_submit: (access.member && access.permissions.tasks.create) || visitor_may,
            }
        }
    })
}

/// The tasks among `ids` the actor has voted for (by user, or by anonymous fingerprint).
pub(crate) async fn voted(
    db: &impl ConnectionTrait,
    actor: &Actor,
    ids: &[TaskId],
) -> Result<Vec<TaskId>> {
    let query =
        task_vote::Entity::find().filter(task_vote::Column::TaskId.is_in(ids.iter().map(|t| t.0)));
    let query = match actor {
        Actor::User(u) => query.filter(task_vote::Column::UserId.eq(u.id.0)),
        Actor::Anonymous {
            fingerprint: Some(f),
        } => query
            .filter(task_vote::Column::Fingerprint.eq(f.as_str()))
            .filter(task_vote::Column::UserId.is_null()),
        _ => return Ok(Vec::new()),
    };
    Ok(query
        .all(db)
        .await?
        .into_iter()
        .map(|v| v.task_id.into())
        .collect())
}

/// The org's public board: public tasks as public DTOs, its categories and public labels,
/// and what the viewer may do. Members get here even while the public page is off (a
/// preview); everyone else then gets NotFound.
#[tracing::instrument(name = "portal.page", skip(svc, actor))]
pub async fn page(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    query: PortalQuery,
) -> Result<PortalPage> {
    let access = access::load(svc, actor, slug).await?;
    if !matches!(
        query.sort,
        TaskSort::Votes | TaskSort::Newest | TaskSort::Trending
    ) {
        return Err(domain::parse::FieldError::new(
            "sort",
            "must be one of: votes, newest, trending",
        )
        .into());
    }
    let lens = access.public_lens();
    let list = task::list_for(
        svc,
        &lens,
        TaskQuery {
            sort: query.sort,
            category: query.category,
            q: query.q,
            cursor: query.cursor,
            ..TaskQuery::default()
        },
    )
    .await?;
    let ids: Vec<TaskId> = list.tasks.iter().map(|t| t.id).collect();
    let voted_ids = voted(&svc.db, actor, &ids).await?;
    let voted = list
        .tasks
        .iter()
        .filter(|t| voted_ids.contains(&t.id))
        .map(|t| t.number)
        .collect();
    Ok(PortalPage {
        org: org::with_images(svc, lens.dto()).await?,
        categories: category::all(&svc.db, access.org.id).await?,
        labels: label::visible(&svc.db, &lens).await?,
        templates: crate::template::visible(&svc.db, &lens).await?,
        voted,
        viewer: viewer(&svc.db, actor, &access).await?,
        preview: !access.org.public_page,
        tasks: list.tasks,
        next_cursor: list.next_cursor,
    })
}

/// What the viewer is and may do on one public task, and whether they voted for it.
pub async fn task_viewer(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    number: i64,
) -> Result<(Viewer, bool)> {
    let access = access::load(svc, actor, slug).await?;
    let row = task::find_visible(&svc.db, &access, number).await?;
    let voted = !voted(&svc.db, actor, &[row.id.into()]).await?.is_empty();
    Ok((viewer(&svc.db, actor, &access).await?, voted))
}
