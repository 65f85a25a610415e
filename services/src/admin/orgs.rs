//! Orgs as the site admin sees them: a searchable list, one org inspected, deletion.

use super::{contains, require, words};
use crate::{Actor, Result, Services, access, convert, org};
use domain::dto::{ADMIN_PAGE_SIZE, AdminMember, AdminOrg, AdminPage, OrgInspection};
use domain::parse::FieldError;
use entity::{category, label, member, member_team, organization, task, team, user};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Rows per org of `entity` (members, tasks …), for the orgs in `ids`.
async fn per_org<E>(
    db: &impl ConnectionTrait,
    org_column: E::Column,
    id_column: E::Column,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, u64>>
where
    E: EntityTrait,
{
    let counts: Vec<(Uuid, i64)> = E::find()
        .select_only()
        .column(org_column)
        .column_as(id_column.count(), "count")
        .filter(org_column.is_in(ids.to_vec()))
        .group_by(org_column)
        .into_tuple()
        .all(db)
        .await?;
    Ok(counts
        .into_iter()
        .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// Orgs whose name or slug contains `query` (all when empty), newest first.
#[tracing::instrument(name = "admin.orgs", skip(svc, actor))]
pub async fn orgs(
    svc: &Services,
    actor: &Actor,
    query: &str,
    page: u64,
) -> Result<AdminPage<AdminOrg>> {
    require(actor)?;
    let mut select = organization::Entity::find();
    if let Some(words) = words(query) {
        select = select.filter(
            contains(organization::Column::Name, words)
                .or(contains(organization::Column::Slug, words)),
        );
    }
    let pages = select
        .order_by_desc(organization::Column::CreatedAt)
        .order_by_asc(organization::Column::Id)
        .paginate(&svc.db, ADMIN_PAGE_SIZE);
    let total = pages.num_items().await?;
    let rows = pages.fetch_page(page).await?;
    let ids: Vec<Uuid> = rows.iter().map(|o| o.id).collect();
    let members =
        per_org::<member::Entity>(&svc.db, member::Column::OrgId, member::Column::Id, &ids).await?;
    let tasks =
        per_org::<task::Entity>(&svc.db, task::Column::OrgId, task::Column::Id, &ids).await?;
    Ok(AdminPage {
        rows: rows
            .into_iter()
            .map(|o| AdminOrg {
                id: o.id.into(),
                members: members.get(&o.id).copied().unwrap_or(0),
                tasks: tasks.get(&o.id).copied().unwrap_or(0),
                name: o.name,
                slug: o.slug,
                short_id: o.short_id,
                created_at: o.created_at,
            })
            .collect(),
        total,
        page,
        per_page: ADMIN_PAGE_SIZE,
    })
}

/// One org: its settings, creator, members with their teams, teams and counts.
#[tracing::instrument(name = "admin.inspect_org", skip(svc, actor))]
pub async fn inspect_org(svc: &Services, actor: &Actor, slug: &str) -> Result<OrgInspection> {
    require(actor)?;
    let access = access::load(svc, actor, slug).await?;
    let db = &svc.db;
    let org_id = access.org.id;
    let creator = match access.org.created_by {
        Some(id) => user::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|u| (u.name, u.email)),
        None => None,
    };
    let teams = team::Entity::find()
        .filter(team::Column::OrgId.eq(org_id))
        .order_by_asc(team::Column::CreatedAt)
        .all(db)
        .await?;
    let team_names: HashMap<Uuid, String> = teams.iter().map(|t| (t.id, t.name.clone())).collect();
    let members = member::Entity::find()
        .filter(member::Column::OrgId.eq(org_id))
        .find_also_related(user::Entity)
        .order_by_asc(member::Column::CreatedAt)
        .all(db)
        .await?;
    let links = member_team::Entity::find()
        .filter(member_team::Column::MemberId.is_in(members.iter().map(|(m, _)| m.id)))
        .all(db)
        .await?;
    let mut teams_of: HashMap<Uuid, Vec<String>> = HashMap::new();
    let mut team_sizes: HashMap<Uuid, u64> = HashMap::new();
    for link in links {
        *team_sizes.entry(link.team_id).or_default() += 1;
        if let Some(name) = team_names.get(&link.team_id) {
            teams_of
                .entry(link.member_id)
                .or_default()
                .push(name.clone());
        }
    }
    Ok(OrgInspection {
        org: convert::org(&access.org),
        creator,
        members: members
            .into_iter()
            .filter_map(|(m, u)| {
                let u = u?;
                Some(AdminMember {
                    user_id: u.id.into(),
                    creator: access.org.created_by == Some(u.id),
                    teams: teams_of.remove(&m.id).unwrap_or_default(),
                    name: u.name,
                    email: u.email,
                    joined_at: m.created_at,
                })
            })
            .collect(),
        teams: teams
            .iter()
            .map(|t| {
                let size = team_sizes.get(&t.id).copied().unwrap_or(0);
                (t.name.clone(), size, t.is_system)
            })
            .collect(),
        tasks: task::Entity::find()
            .filter(task::Column::OrgId.eq(org_id))
            .count(db)
            .await?,
        labels: label::Entity::find()
            .filter(label::Column::OrgId.eq(org_id))
            .count(db)
            .await?,
        categories: category::Entity::find()
            .filter(category::Column::OrgId.eq(org_id))
            .count(db)
            .await?,
    })
}

/// Deletes an org and everything in it (what its creator may do, for any org). `confirm`
/// repeats the slug, so that a slip of the mouse deletes nothing.
#[tracing::instrument(name = "admin.delete_org", skip(svc, actor))]
pub async fn delete_org(svc: &Services, actor: &Actor, slug: &str, confirm: &str) -> Result<()> {
    require(actor)?;
    if confirm.trim() != slug {
        return Err(
            FieldError::new("confirm", "type the org's slug to confirm the deletion").into(),
        );
    }
    org::delete(svc, actor, slug).await?;
    tracing::info!(slug, "org deleted by a site admin");
    Ok(())
}
