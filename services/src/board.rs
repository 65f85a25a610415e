//! The board page's data in one call: the org and the actor's access to it are worked out
//! once, not once per list the page shows.

use super::access::{self, OrgAccess};
use super::org;
use super::task::{self, TaskQuery};
use super::{Actor, Result, Services, category, label};
use domain::dto::{Board, UserRef};
use entity::{member, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// The org's board as the actor may see it: up to [`task::MAX_LIMIT`] tasks, the labels and
/// categories, and for members their permissions and the member list.
#[tracing::instrument(skip(svc, actor))]
pub async fn load(svc: &Services, actor: &Actor, slug: &str) -> Result<Board> {
    let access = access::load(svc, actor, slug).await?;
    let query = TaskQuery {
        limit: Some(task::MAX_LIMIT),
        ..Default::default()
    };
    let list = task::list_for(svc, &access, query).await?;
    let members = if access.member {
        member_refs(&svc.db, &access).await?
    } else {
        Vec::new()
    };
    Ok(Board {
        org: org::with_images(svc, list.org).await?,
        tasks: list.tasks,
        signed_in: actor.user_id().is_some(),
        permissions: access.member.then_some(access.permissions),
        labels: label::visible(&svc.db, &access).await?,
        categories: category::all(&svc.db, access.org.id).await?,
        members,
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
