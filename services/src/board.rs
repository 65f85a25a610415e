//! The board page's data in one call: the org and the actor's access to it are worked out
//! once, not once per list the page shows.

use super::access::{self, OrgAccess};
use super::org;
use super::task::{self, TaskQuery};
use super::{Actor, Result, Services, category, label, release, view};
use domain::dto::{Board, TaskStatus, UserRef};
use domain::filter::{Condition, Field, Filter, Op, Value};
use entity::{member, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// What the board shows: a filter, closed tasks or not, and words to find.
#[derive(Clone, Debug, Default)]
pub struct BoardQuery {
    pub filter: Filter,
    /// Show done and canceled tasks (also shown when the filter asks for their status).
    pub show_closed: bool,
    /// Words in titles and descriptions, or a task's number or key.
    pub text: Option<String>,
}

/// The org's board as the actor may see it: up to [`task::MAX_LIMIT`] matching tasks, how
/// many match in each status, the labels, categories and releases, and for members their
/// permissions, the member list and their saved views.
#[tracing::instrument(name = "board.load", skip(svc, actor))]
pub async fn load(svc: &Services, actor: &Actor, slug: &str, query: BoardQuery) -> Result<Board> {
    let access = access::load(svc, actor, slug).await?;
    let asked_closed = query.filter.conditions().iter().any(|c| {
        c.field == Field::Status
            && matches!(c.op, Op::Is | Op::AnyOf)
            && matches!(&c.value, Value::Set(v) if v.iter().any(|s| s == "done" || s == "canceled"))
    });
    let mut filter = query.filter.clone();
    if !query.show_closed && !asked_closed {
        let open = Condition::new(
            Field::Status,
            Op::NoneOf,
            serde_json::json!([TaskStatus::Done.as_str(), TaskStatus::Canceled.as_str()]),
        )
        .expect("a valid condition");
        filter = filter.and(Filter::Cond(open));
    }
    let me = actor.user_id();
    let counted = TaskQuery {
        filter: query.filter,
        q: query.text.clone(),
        me,
        ..Default::default()
    };
    let shown = TaskQuery {
        filter,
        q: query.text,
        me,
        limit: Some(task::MAX_LIMIT),
        ..Default::default()
    };
    let list = task::list_for(svc, &access, shown).await?;
    let counts = task::status_counts(svc, &access, &counted).await?;
    let (members, views) = if access.member {
        let views = match actor.user_id() {
            Some(_) => view::list_for(svc, &access, actor).await?,
            None => Vec::new(),
        };
        (member_refs(&svc.db, &access).await?, views)
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(Board {
        org: org::with_images(svc, list.org).await?,
        tasks: list.tasks,
        signed_in: actor.user_id().is_some(),
        viewer: actor.user_id(),
        permissions: access.member.then_some(access.permissions),
        labels: label::visible(&svc.db, &access).await?,
        categories: category::all(&svc.db, access.org.id).await?,
        members,
        counts,
        views,
        releases: release::list_for(svc, &access).await?,
    })
}

/// The org's members by name, oldest membership first.
async fn member_refs(db: &impl ConnectionTrait, access: &OrgAccess) -> Result<Vec<UserRef>> {
    let rows: Vec<(uuid::Uuid, String)> = member::Entity::find()
        .filter(member::Column::OrgId.eq(access.org.id))
        .inner_join(user::Entity)
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::Name)
        .order_by_asc(member::Column::CreatedAt)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| UserRef {
            id: id.into(),
            name,
        })
        .collect())
}
