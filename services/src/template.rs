//! Task templates: an org's named defaults for a new task. Members see every one; visitors
//! of a public org see those marked for visitors. Admins (`admin.manageSettings`) keep them.
//! A task made from a template takes its fields where its input leaves them unset; a
//! visitor's task takes only the fields the org's public-field rules let visitors set.

use super::access::{self, OrgAccess};
use super::{Actor, DomainError, Result, Services, error::Fields};
use chrono::Utc;
use domain::dto::{NewTask, NewTemplate, Template, TemplatePatch, Visibility};
use domain::parse::{FieldError, Markdown, ReleaseName, TaskTitle};
use domain::{CategoryId, LabelId, TemplateId};
use entity::{category, label, task_template, task_template_label};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// The most templates one org keeps.
pub const MAX_TEMPLATES: usize = 100;

/// The rows with their labels, as `access` may see them: a visitor sees no private label.
async fn to_dtos(
    db: &impl ConnectionTrait,
    access: &OrgAccess,
    rows: &[task_template::Model],
) -> Result<Vec<Template>> {
    let links = task_template_label::Entity::find()
        .filter(task_template_label::Column::TemplateId.is_in(rows.iter().map(|r| r.id)))
        .find_also_related(label::Entity)
        .all(db)
        .await?;
    let mut labels: BTreeMap<Uuid, Vec<LabelId>> = BTreeMap::new();
    for (link, label) in links {
        let public = label.is_some_and(|l| l.visibility == Visibility::Public);
        if access.member || public {
            labels
                .entry(link.template_id)
                .or_default()
                .push(link.label_id.into());
        }
    }
    Ok(rows
        .iter()
        .map(|row| Template {
            id: row.id.into(),
            org_id: row.org_id.into(),
            name: row.name.clone(),
            title: row.title.clone(),
            description: row.description.clone(),
            priority: row.priority,
            category: row.category_id.map(Into::into),
            label_ids: labels.remove(&row.id).unwrap_or_default(),
            for_visitors: row.for_visitors,
        })
        .collect())
}

fn may_manage(access: &OrgAccess) -> Result<()> {
    if access.permissions.admin.manage_settings {
        Ok(())
    } else {
        Err(DomainError::forbidden(
            "you may not change this organization's templates",
        ))
    }
}

/// The templates the actor may use in the org, by name: members every one, visitors of a
/// public org those for visitors.
#[tracing::instrument(name = "template.list", skip(svc, actor))]
pub async fn list(svc: &Services, actor: &Actor, slug: &str) -> Result<Vec<Template>> {
    let access = access::load(svc, actor, slug).await?;
    visible(&svc.db, &access).await
}

/// The templates `access` may use, by name (the portal passes its public lens).
pub(crate) async fn visible(
    db: &impl ConnectionTrait,
    access: &OrgAccess,
) -> Result<Vec<Template>> {
    let mut query =
        task_template::Entity::find().filter(task_template::Column::OrgId.eq(access.org.id));
    if !access.member {
        query = query.filter(task_template::Column::ForVisitors.eq(true));
    }
    let rows = query
        .order_by_asc(task_template::Column::Name)
        .order_by_asc(task_template::Column::CreatedAt)
        .all(db)
        .await?;
    to_dtos(db, access, &rows).await
}

/// One template the actor may use.
pub async fn get(svc: &Services, actor: &Actor, slug: &str, id: TemplateId) -> Result<Template> {
    let access = access::load(svc, actor, slug).await?;
    let row = find(&svc.db, &access, id).await?;
    Ok(to_dtos(&svc.db, &access, &[row]).await?.remove(0))
}

/// The template `id` of the org if `access` may use it (visitors: one for visitors).
async fn find(
    db: &impl ConnectionTrait,
    access: &OrgAccess,
    id: TemplateId,
) -> Result<task_template::Model> {
    task_template::Entity::find_by_id(id.0)
        .filter(task_template::Column::OrgId.eq(access.org.id))
        .one(db)
        .await?
        .filter(|row| access.member || row.for_visitors)
        .ok_or(DomainError::NotFound)
}

/// The parsed text fields of a template.
fn parse_text(
    fields: &mut Fields,
    name: Option<&str>,
    title: Option<&str>,
    description: Option<&str>,
) -> (Option<String>, Option<String>, Option<String>) {
    let name = name
        .and_then(|n| fields.check(ReleaseName::parse(n)))
        .map(|n| n.as_str().to_string());
    // The title pattern may be empty (the task's own title then fills it).
    let title = title.and_then(|t| match t.trim() {
        "" => Some(String::new()),
        t => fields
            .check(TaskTitle::parse(t))
            .map(|t| t.as_str().to_string()),
    });
    let description = description
        .and_then(|d| fields.check(Markdown::parse("description", d)))
        .map(|d| d.as_str().to_string());
    (name, title, description)
}

/// Checks that every label is the org's.
async fn labels_in_org(
    db: &impl ConnectionTrait,
    org: Uuid,
    ids: &[LabelId],
) -> Result<BTreeSet<Uuid>> {
    let wanted: BTreeSet<Uuid> = ids.iter().map(|l| l.0).collect();
    let found = label::Entity::find()
        .filter(label::Column::OrgId.eq(org))
        .filter(label::Column::Id.is_in(wanted.iter().copied()))
        .all(db)
        .await?
        .len();
    if found != wanted.len() {
        return Err(
            FieldError::new("labelIds", "holds a label this organization does not have").into(),
        );
    }
    Ok(wanted)
}

async fn category_in_org(
    db: &impl ConnectionTrait,
    org: Uuid,
    id: Option<CategoryId>,
) -> Result<Option<Uuid>> {
    let Some(id) = id else { return Ok(None) };
    category::Entity::find_by_id(id.0)
        .filter(category::Column::OrgId.eq(org))
        .one(db)
        .await?
        .map(|c| Some(c.id))
        .ok_or_else(|| {
            FieldError::new("categoryId", "is not a category of this organization").into()
        })
}

async fn set_labels(
    db: &impl ConnectionTrait,
    template: Uuid,
    labels: &BTreeSet<Uuid>,
) -> Result<()> {
    task_template_label::Entity::delete_many()
        .filter(task_template_label::Column::TemplateId.eq(template))
        .exec(db)
        .await?;
    for id in labels {
        task_template_label::ActiveModel {
            template_id: Set(template),
            label_id: Set(*id),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Makes a template.
#[tracing::instrument(name = "template.create", skip(svc, actor, input))]
pub async fn create(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    input: NewTemplate,
) -> Result<Template> {
    let access = access::load_member(svc, actor, slug).await?;
    may_manage(&access)?;
    let mut fields = Fields::default();
    let (name, title, description) = parse_text(
        &mut fields,
        Some(&input.name),
        Some(&input.title),
        Some(&input.description),
    );
    fields.finish()?;
    let org = access.org.id;
    let labels = labels_in_org(&svc.db, org, &input.label_ids).await?;
    let category = category_in_org(&svc.db, org, input.category_id).await?;
    let count = task_template::Entity::find()
        .filter(task_template::Column::OrgId.eq(org))
        .all(&svc.db)
        .await?
        .len();
    if count >= MAX_TEMPLATES {
        return Err(DomainError::conflict(format!(
            "this organization already keeps {MAX_TEMPLATES} templates: delete one first"
        )));
    }
    let now = Utc::now();
    let txn = svc.db.begin().await?;
    let row = task_template::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org),
        name: Set(name.expect("checked")),
        title: Set(title.expect("checked")),
        description: Set(description.expect("checked")),
        priority: Set(input.priority),
        category_id: Set(category),
        for_visitors: Set(input.for_visitors),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    set_labels(&txn, row.id, &labels).await?;
    txn.commit().await?;
    Ok(to_dtos(&svc.db, &access, &[row]).await?.remove(0))
}

/// Changes a template.
#[tracing::instrument(name = "template.update", skip(svc, actor, patch))]
pub async fn update(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    id: TemplateId,
    patch: TemplatePatch,
) -> Result<Template> {
    let access = access::load_member(svc, actor, slug).await?;
    may_manage(&access)?;
    let row = find(&svc.db, &access, id).await?;
    let mut fields = Fields::default();
    let (name, title, description) = parse_text(
        &mut fields,
        patch.name.as_deref(),
        patch.title.as_deref(),
        patch.description.as_deref(),
    );
    fields.finish()?;
    let org = access.org.id;
    let labels = match &patch.label_ids {
        Some(ids) => Some(labels_in_org(&svc.db, org, ids).await?),
        None => None,
    };
    let category = match patch.category_id {
        Some(c) => Some(category_in_org(&svc.db, org, c).await?),
        None => None,
    };
    let txn = svc.db.begin().await?;
    let mut active: task_template::ActiveModel = row.into();
    if let Some(name) = name {
        active.name = Set(name);
    }
    if let Some(title) = title {
        active.title = Set(title);
    }
    if let Some(description) = description {
        active.description = Set(description);
    }
    if let Some(priority) = patch.priority {
        active.priority = Set(priority);
    }
    if let Some(category) = category {
        active.category_id = Set(category);
    }
    if let Some(for_visitors) = patch.for_visitors {
        active.for_visitors = Set(for_visitors);
    }
    active.updated_at = Set(Utc::now());
    let row = active.update(&txn).await?;
    if let Some(labels) = &labels {
        set_labels(&txn, row.id, labels).await?;
    }
    txn.commit().await?;
    Ok(to_dtos(&svc.db, &access, &[row]).await?.remove(0))
}

/// Deletes a template; tasks made from it keep their fields.
#[tracing::instrument(name = "template.delete", skip(svc, actor))]
pub async fn delete(svc: &Services, actor: &Actor, slug: &str, id: TemplateId) -> Result<()> {
    let access = access::load_member(svc, actor, slug).await?;
    may_manage(&access)?;
    let row = find(&svc.db, &access, id).await?;
    task_template::Entity::delete_by_id(row.id)
        .exec(&svc.db)
        .await?;
    Ok(())
}

/// Fills what `input` leaves unset from the template it names, and holds a visitor to the
/// org's rules: only a template for visitors, one required when the org says so, and of its
/// priority, category and labels only those the public-field rules let visitors set (the
/// others are dropped: the template is the org's, but it may not smuggle in a field the
/// rules forbid). Returns whether the labels came from the template.
pub(crate) async fn apply(
    db: &impl ConnectionTrait,
    access: &OrgAccess,
    input: &mut NewTask,
) -> Result<bool> {
    let org = &access.org;
    let Some(id) = input.template_id else {
        if !access.member && org.visitors_must_use_template {
            return Err(FieldError::new(
                "templateId",
                "this organization asks visitors to start from one of its templates",
            )
            .into());
        }
        return Ok(false);
    };
    let row = find(db, access, id).await.map_err(|e| match e {
        DomainError::NotFound => {
            FieldError::new("templateId", "is not a template of this organization").into()
        }
        e => e,
    })?;
    let visitor = !access.member;
    if input.title.trim().is_empty() {
        input.title = row.title.clone();
    }
    if input
        .description
        .as_deref()
        .is_none_or(|d| d.trim().is_empty())
    {
        input.description = Some(row.description.clone());
    }
    if input.priority.is_none() && (!visitor || org.public_field_priority) {
        input.priority = row.priority;
    }
    if input.category_id.is_none() && (!visitor || org.public_field_category) {
        input.category_id = row.category_id.map(Into::into);
    }
    let no_labels = input.label_ids.as_ref().is_none_or(|l| l.is_empty());
    if no_labels && (!visitor || org.public_field_labels) {
        let labels: Vec<LabelId> = task_template_label::Entity::find()
            .filter(task_template_label::Column::TemplateId.eq(row.id))
            .all(db)
            .await?
            .into_iter()
            .map(|l| l.label_id.into())
            .collect();
        let from_template = !labels.is_empty();
        input.label_ids = Some(labels);
        return Ok(from_template);
    }
    Ok(false)
}

#[cfg(test)]
#[path = "template_tests.rs"]
mod tests;
