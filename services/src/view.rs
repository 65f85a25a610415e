//! Saved views: a member's own, or shared with the org (`content.manageViews` to share,
//! change or delete a shared one). One shared view may be the org's default.

use super::access::{self, OrgAccess};
use super::{Actor, DomainError, Result, Services, error::Fields};
use chrono::Utc;
use domain::ViewId;
use domain::dto::{NewView, View, ViewPatch};
use domain::filter::Filter;
use domain::parse::ViewName;
use domain::realtime::{BusMessage, Change, DomainEvent, EventKind, UserEvent};
use entity::saved_view;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;

/// The most views one member keeps in one org (shared ones count for whoever made them).
pub const MAX_VIEWS: usize = 100;

fn to_dto(row: &saved_view::Model) -> View {
    View {
        id: row.id.into(),
        org_id: row.org_id.into(),
        owner_id: row.owner_id.into(),
        name: row.name.clone(),
        shared: row.shared,
        is_default: row.is_default,
        // Written by this module from a parsed tree; a row that no longer reads (a filter
        // field removed in a later version) shows every task rather than failing the list.
        filter: Filter::parse(&row.filter).unwrap_or_default(),
        group_by: row.group_by,
        sub_group_by: row.sub_group_by,
        sort: row.sort,
        layout: row.layout,
        show_closed: row.show_closed,
    }
}

fn may_share(access: &OrgAccess) -> Result<()> {
    if access.permissions.content.manage_views {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "you may not share views in this organization",
        ))
    }
}

fn owner(actor: &Actor) -> Result<Uuid> {
    actor
        .user_id()
        .map(|u| u.0)
        .ok_or(DomainError::Unauthenticated)
}

/// The views the actor sees in the org: the shared ones and their own; the default first,
/// then by name.
#[tracing::instrument(name = "view.list", skip(svc, actor))]
pub async fn list(svc: &Services, actor: &Actor, slug: &str) -> Result<Vec<View>> {
    let access = access::load_member(svc, actor, slug).await?;
    list_for(svc, &access, actor).await
}

pub(crate) async fn list_for(
    svc: &Services,
    access: &OrgAccess,
    actor: &Actor,
) -> Result<Vec<View>> {
    let mut mine = Condition::any().add(saved_view::Column::Shared.eq(true));
    if let Some(me) = actor.user_id() {
        mine = mine.add(saved_view::Column::OwnerId.eq(me.0));
    }
    let rows = saved_view::Entity::find()
        .filter(saved_view::Column::OrgId.eq(access.org.id))
        .filter(mine)
        .order_by_desc(saved_view::Column::IsDefault)
        .order_by_asc(saved_view::Column::Name)
        .order_by_asc(saved_view::Column::CreatedAt)
        .all(&svc.db)
        .await?;
    Ok(rows.iter().map(to_dto).collect())
}

/// One view the actor sees.
pub async fn get(svc: &Services, actor: &Actor, slug: &str, id: ViewId) -> Result<View> {
    let access = access::load_member(svc, actor, slug).await?;
    Ok(to_dto(&find(svc, &access, actor, id).await?))
}

async fn find(
    svc: &Services,
    access: &OrgAccess,
    actor: &Actor,
    id: ViewId,
) -> Result<saved_view::Model> {
    let row = saved_view::Entity::find_by_id(id.0)
        .filter(saved_view::Column::OrgId.eq(access.org.id))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    // Someone else's personal view is not revealed.
    let mine = actor.user_id().is_some_and(|u| u.0 == row.owner_id);
    if row.shared || mine {
        Ok(row)
    } else {
        Err(DomainError::NotFound)
    }
}

/// Saves a view.
#[tracing::instrument(name = "view.create", skip(svc, actor, input))]
pub async fn create(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    input: NewView,
    origin: Option<String>,
) -> Result<View> {
    let access = access::load_member(svc, actor, slug).await?;
    let me = owner(actor)?;
    let mut fields = Fields::default();
    let name = fields.check(ViewName::parse(&input.name));
    if input.is_default && !input.shared {
        fields.check::<()>(Err(domain::parse::FieldError::new(
            "isDefault",
            "only a shared view can be the default",
        )));
    }
    fields.finish()?;
    if input.shared {
        may_share(&access)?;
    }
    let count = saved_view::Entity::find()
        .filter(saved_view::Column::OrgId.eq(access.org.id))
        .filter(saved_view::Column::OwnerId.eq(me))
        .all(&svc.db)
        .await?
        .len();
    if count >= MAX_VIEWS {
        return Err(DomainError::conflict(format!(
            "you already keep {MAX_VIEWS} views here: delete one first"
        )));
    }
    let now = Utc::now();
    let txn = svc.db.begin().await?;
    if input.is_default {
        clear_default(&txn, access.org.id).await?;
    }
    let row = saved_view::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(access.org.id),
        owner_id: Set(me),
        shared: Set(input.shared),
        is_default: Set(input.is_default),
        name: Set(name.expect("checked").as_str().to_string()),
        filter: Set(input.filter.to_json().to_string()),
        group_by: Set(input.group_by.unwrap_or_default()),
        sub_group_by: Set(input.sub_group_by),
        sort: Set(input.sort.unwrap_or_default()),
        layout: Set(input.layout.unwrap_or_default()),
        show_closed: Set(input.show_closed),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    let view = to_dto(&row);
    announce(svc, &view, false, Change::Created, origin);
    Ok(view)
}

async fn clear_default(db: &impl sea_orm::ConnectionTrait, org: Uuid) -> Result<()> {
    saved_view::Entity::update_many()
        .col_expr(
            saved_view::Column::IsDefault,
            sea_orm::sea_query::Expr::value(false),
        )
        .filter(saved_view::Column::OrgId.eq(org))
        .filter(saved_view::Column::IsDefault.eq(true))
        .exec(db)
        .await?;
    Ok(())
}

/// May the actor change or delete this view: their own personal one, or any shared one with
/// `manageViews`.
fn may_change(access: &OrgAccess, actor: &Actor, row: &saved_view::Model) -> Result<()> {
    let mine = actor.user_id().is_some_and(|u| u.0 == row.owner_id);
    match (row.shared, mine) {
        (false, true) => Ok(()),
        (true, _) => may_share(access).map_err(|_| {
            DomainError::forbidden("you may not change shared views in this organization")
        }),
        (false, false) => Err(DomainError::NotFound),
    }
}

/// Changes a view.
#[tracing::instrument(name = "view.update", skip(svc, actor, patch))]
pub async fn update(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    id: ViewId,
    patch: ViewPatch,
    origin: Option<String>,
) -> Result<View> {
    let access = access::load_member(svc, actor, slug).await?;
    let row = find(svc, &access, actor, id).await?;
    may_change(&access, actor, &row)?;
    let mut fields = Fields::default();
    let name = fields.check(patch.name.as_deref().map(ViewName::parse).transpose());
    let shared = patch.shared.unwrap_or(row.shared);
    let is_default = patch.is_default.unwrap_or(row.is_default && shared);
    if is_default && !shared {
        fields.check::<()>(Err(domain::parse::FieldError::new(
            "isDefault",
            "only a shared view can be the default",
        )));
    }
    fields.finish()?;
    if shared {
        may_share(&access)?;
    }
    let was_shared = row.shared;
    let txn = svc.db.begin().await?;
    if is_default && !row.is_default {
        clear_default(&txn, access.org.id).await?;
    }
    let mut active: saved_view::ActiveModel = row.into();
    if let Some(Some(name)) = name {
        active.name = Set(name.as_str().to_string());
    }
    if let Some(filter) = patch.filter {
        active.filter = Set(filter.to_json().to_string());
    }
    if let Some(g) = patch.group_by {
        active.group_by = Set(g);
    }
    if let Some(g) = patch.sub_group_by {
        active.sub_group_by = Set(g);
    }
    if let Some(s) = patch.sort {
        active.sort = Set(s);
    }
    if let Some(l) = patch.layout {
        active.layout = Set(l);
    }
    if let Some(c) = patch.show_closed {
        active.show_closed = Set(c);
    }
    active.shared = Set(shared);
    active.is_default = Set(is_default);
    active.updated_at = Set(Utc::now());
    let row = active.update(&txn).await?;
    txn.commit().await?;
    let view = to_dto(&row);
    announce(svc, &view, was_shared, Change::Updated, origin);
    Ok(view)
}

/// Deletes a view.
#[tracing::instrument(name = "view.delete", skip(svc, actor))]
pub async fn delete(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    id: ViewId,
    origin: Option<String>,
) -> Result<()> {
    let access = access::load_member(svc, actor, slug).await?;
    let row = find(svc, &access, actor, id).await?;
    may_change(&access, actor, &row)?;
    saved_view::Entity::delete_by_id(row.id)
        .exec(&svc.db)
        .await?;
    announce(svc, &to_dto(&row), row.shared, Change::Deleted, origin);
    Ok(())
}

/// Shared views (and those that were) go to the org's members; personal ones to their
/// owner's own room, so that their other windows follow.
fn announce(svc: &Services, view: &View, was_shared: bool, change: Change, origin: Option<String>) {
    if view.shared || was_shared {
        svc.publish(DomainEvent {
            traceparent: None,
            org_id: view.org_id,
            origin,
            kind: EventKind::ViewChanged {
                view: view.clone(),
                change,
            },
        });
    } else {
        svc.bus.publish(BusMessage::User(UserEvent {
            user: view.owner_id,
            event: change.view_event(view.clone()),
        }));
    }
}

#[cfg(test)]
#[path = "view_tests.rs"]
mod tests;
