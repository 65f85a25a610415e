//! The site admin (`/admin`): users and their bans, orgs, this instance's sockets and the
//! settings that change at run time. Every function answers NotFound to anyone but a site
//! admin (or the system), so that the admin's existence is not revealed.

mod orgs;
mod users;

pub use orgs::{delete_org, inspect_org, orgs};
pub use users::{ban, parse_ban_until, reset_two_factor, revoke_sessions, set_role, unban, users};
pub(crate) use users::{ban_of, end_sessions, refuse_banned, refuse_if_banned};

use super::{Actor, DomainError, Result, Services, instance};
use chrono::Utc;
use domain::dto::{
    AdminOverview, ConnectionSnapshot, Connections, InstanceSettings, RoomConnections,
};
use entity::{organization, task, user};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, SimpleExpr};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::collections::HashMap;

/// What the realtime hub reports about its sockets; the server puts its hub here.
pub trait ConnectionStats: Send + Sync {
    fn snapshot(&self) -> ConnectionSnapshot;
}

/// No hub (the CLI, domain tests): no sockets.
pub struct NoConnections;

impl ConnectionStats for NoConnections {
    fn snapshot(&self) -> ConnectionSnapshot {
        ConnectionSnapshot::default()
    }
}

/// Whether the actor may use the site admin (for showing the way there, nothing more).
pub fn may_administer(actor: &Actor) -> bool {
    actor.is_superuser()
}

pub(crate) fn require(actor: &Actor) -> Result<()> {
    if actor.is_superuser() {
        Ok(())
    } else {
        Err(DomainError::NotFound)
    }
}

/// `lower(column) LIKE '%words%'`, with the words' own wildcards escaped.
fn contains(column: impl sea_orm::sea_query::IntoColumnRef, words: &str) -> SimpleExpr {
    let mut pattern = String::from("%");
    for c in words.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    Expr::expr(Func::lower(Expr::col(column))).like(LikeExpr::new(pattern).escape('\\'))
}

/// The search words, if any.
fn words(query: &str) -> Option<&str> {
    Some(query.trim()).filter(|q| !q.is_empty())
}

/// Counts on the front page.
#[tracing::instrument(name = "admin.overview", skip_all)]
pub async fn overview(svc: &Services, actor: &Actor) -> Result<AdminOverview> {
    require(actor)?;
    let db = &svc.db;
    Ok(AdminOverview {
        users: user::Entity::find().count(db).await?,
        site_admins: user::Entity::find()
            .filter(user::Column::Role.eq("admin"))
            .count(db)
            .await?,
        banned: user::Entity::find()
            .filter(user::Column::BannedUntil.gt(Utc::now()))
            .count(db)
            .await?,
        orgs: organization::Entity::find().count(db).await?,
        tasks: task::Entity::find().count(db).await?,
        open_sockets: svc.connections.snapshot().open_sockets,
        settings: settings(svc, actor).await?,
    })
}

/// This instance's sockets per org and room, busiest first.
pub async fn connections(svc: &Services, actor: &Actor) -> Result<Connections> {
    require(actor)?;
    let snapshot = svc.connections.snapshot();
    let ids: Vec<uuid::Uuid> = snapshot.rooms.iter().map(|r| r.org_id.0).collect();
    let names: HashMap<uuid::Uuid, (String, String)> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids))
        .all(&svc.db)
        .await?
        .into_iter()
        .map(|o| (o.id, (o.name, o.slug)))
        .collect();
    let in_rooms: u64 = snapshot.rooms.iter().map(|r| r.sockets).sum();
    let mut rooms: Vec<RoomConnections> = snapshot
        .rooms
        .into_iter()
        .map(|r| {
            let org = names.get(&r.org_id.0);
            RoomConnections {
                org_id: r.org_id,
                org_name: org.map(|(name, _)| name.clone()),
                org_slug: org.map(|(_, slug)| slug.clone()),
                channel: r.channel,
                sockets: r.sockets,
            }
        })
        .collect();
    rooms.sort_by(|a, b| {
        b.sockets
            .cmp(&a.sockets)
            .then_with(|| a.org_name.cmp(&b.org_name))
            .then_with(|| a.channel.as_str().cmp(b.channel.as_str()))
    });
    Ok(Connections {
        open_sockets: snapshot.open_sockets,
        waiting: snapshot.open_sockets.saturating_sub(in_rooms),
        rooms,
    })
}

/// The run-time settings as they are now.
pub async fn settings(svc: &Services, actor: &Actor) -> Result<InstanceSettings> {
    require(actor)?;
    Ok(InstanceSettings {
        signups_open: instance::signups_open(svc, &svc.db).await?,
    })
}

/// Opens or closes sign-up; every instance reads it on the next sign-up.
#[tracing::instrument(name = "admin.set_signups_open", skip(svc, actor))]
pub async fn set_signups_open(
    svc: &Services,
    actor: &Actor,
    open: bool,
) -> Result<InstanceSettings> {
    require(actor)?;
    instance::store(
        &svc.db,
        instance::SIGNUPS_OPEN,
        open.into(),
        actor.user_id(),
    )
    .await?;
    tracing::info!(open, "sign-up changed");
    settings(svc, actor).await
}
