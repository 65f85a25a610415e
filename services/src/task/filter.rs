//! A filter tree (`domain::filter`) as one SQL condition over `task`: set fields become
//! `IN` lists or `IN (subquery)` on the link tables, dates comparisons, text `LIKE`. What a
//! non-member may not see stays out of it: private labels and unreleased releases match as
//! if no task had them, and assignee and creator conditions are refused.

use super::query::escape_like;
use crate::access::OrgAccess;
use crate::{DomainError, Result};
use chrono::{DateTime, Utc};
use domain::dto::{ReleaseStatus, TaskPriority, Visibility};
use domain::filter::{Condition, Field, Filter, Op, Value};
use domain::parse::FieldError;
use entity::{label, release, task, task_assignee, task_label};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query, SelectStatement, SimpleExpr};
use sea_orm::{ColumnTrait, Condition as Sql};
use uuid::Uuid;

/// Who reads the list and when: what `me` and relative times mean.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reader<'a> {
    pub access: &'a OrgAccess,
    pub me: Option<Uuid>,
    pub now: DateTime<Utc>,
}

/// The filter as a condition on `task` rows.
pub(crate) fn to_sql(filter: &Filter, reader: Reader) -> Result<Sql> {
    Ok(match filter {
        Filter::And(items) => items.iter().try_fold(Sql::all(), |all, f| {
            Ok::<_, DomainError>(all.add(to_sql(f, reader)?))
        })?,
        Filter::Or(items) if items.is_empty() => Sql::all(),
        Filter::Or(items) => items.iter().try_fold(Sql::any(), |any, f| {
            Ok::<_, DomainError>(any.add(to_sql(f, reader)?))
        })?,
        Filter::Cond(c) => Sql::all().add(condition(c, reader)?),
    })
}

fn always(yes: bool) -> SimpleExpr {
    Expr::cust(if yes { "1 = 1" } else { "1 = 0" })
}

fn condition(c: &Condition, reader: Reader) -> Result<SimpleExpr> {
    let member = reader.access.member;
    if !member && matches!(c.field, Field::Assignee | Field::Creator) {
        return Err(FieldError::new(
            "filter",
            format!("only members may filter by {}", c.field.as_str()),
        )
        .into());
    }
    let positive = matches!(c.op, Op::Is | Op::AnyOf | Op::IsNotEmpty);
    let has = match &c.value {
        Value::Set(values) => {
            let values: Vec<String> = values
                .iter()
                .filter_map(|v| match v.as_str() {
                    "me" => reader.me.map(|m| m.to_string()),
                    v => Some(v.to_string()),
                })
                .collect();
            if values.is_empty() {
                always(false)
            } else {
                has_any(c.field, &values, reader)
            }
        }
        Value::None => has_some(c.field, reader),
        Value::When(when) => {
            let bound = when.resolve(reader.now);
            let column = match c.field {
                Field::CreatedAt => task::Column::CreatedAt,
                _ => task::Column::UpdatedAt,
            };
            return Ok(match c.op {
                Op::Before => column.lt(bound),
                _ => column.gt(bound),
            });
        }
        Value::Text(text) => {
            let pattern = escape_like(text);
            let like = |col: task::Column| {
                Expr::expr(Func::lower(Expr::col(col)))
                    .like(LikeExpr::new(pattern.clone()).escape('\\'))
            };
            return Ok(like(task::Column::Title).or(like(task::Column::Description)));
        }
    };
    Ok(if positive { has } else { has.not() })
}

fn uuids(values: &[String]) -> Vec<Uuid> {
    values.iter().filter_map(|v| v.parse().ok()).collect()
}

/// A nullable column holds one of `ids` (`NULL IN (..)` is not true, so `NOT` of this
/// needs the null case added: see [`nullable`]).
fn nullable(column: task::Column, ids: Vec<Uuid>) -> SimpleExpr {
    column.is_not_null().and(column.is_in(ids))
}

/// The task has any of `values` in `field`.
fn has_any(field: Field, values: &[String], reader: Reader) -> SimpleExpr {
    match field {
        Field::Status => task::Column::Status.is_in(values.iter().cloned()),
        Field::Priority => task::Column::Priority.is_in(values.iter().cloned()),
        Field::Category => nullable(task::Column::CategoryId, uuids(values)),
        Field::Creator => nullable(task::Column::CreatedBy, uuids(values)),
        Field::Label => task::Column::Id.in_subquery(labelled(reader, Some(uuids(values)))),
        Field::Assignee => task::Column::Id.in_subquery(
            Query::select()
                .column(task_assignee::Column::TaskId)
                .from(task_assignee::Entity)
                .and_where(task_assignee::Column::UserId.is_in(uuids(values)))
                .to_owned(),
        ),
        Field::Release => task::Column::ReleaseId
            .is_not_null()
            .and(task::Column::ReleaseId.in_subquery(releases(reader, Some(values)))),
        Field::CreatedAt | Field::UpdatedAt | Field::Text => always(false),
    }
}

/// The task has anything in `field` (a priority other than none).
fn has_some(field: Field, reader: Reader) -> SimpleExpr {
    match field {
        Field::Priority => task::Column::Priority.ne(TaskPriority::None),
        Field::Category => task::Column::CategoryId.is_not_null(),
        Field::Creator => task::Column::CreatedBy.is_not_null(),
        Field::Label => task::Column::Id.in_subquery(labelled(reader, None)),
        Field::Assignee => task::Column::Id.in_subquery(
            Query::select()
                .column(task_assignee::Column::TaskId)
                .from(task_assignee::Entity)
                .to_owned(),
        ),
        Field::Release => task::Column::ReleaseId
            .is_not_null()
            .and(task::Column::ReleaseId.in_subquery(releases(reader, None))),
        Field::Status | Field::CreatedAt | Field::UpdatedAt | Field::Text => always(true),
    }
}

/// Tasks carrying any of `ids` (any label when `None`) that the reader sees.
fn labelled(reader: Reader, ids: Option<Vec<Uuid>>) -> SelectStatement {
    let mut q = Query::select();
    q.column((task_label::Entity, task_label::Column::TaskId))
        .from(task_label::Entity);
    if let Some(ids) = ids {
        q.and_where(task_label::Column::LabelId.is_in(ids));
    }
    if !reader.access.member {
        q.inner_join(
            label::Entity,
            Expr::col((label::Entity, label::Column::Id))
                .equals((task_label::Entity, task_label::Column::LabelId)),
        )
        .and_where(label::Column::Visibility.eq(Visibility::Public));
    }
    q.to_owned()
}

/// The org's releases with any of `slugs` (all when `None`) that the reader sees.
fn releases(reader: Reader, slugs: Option<&[String]>) -> SelectStatement {
    let mut q = Query::select();
    q.column(release::Column::Id)
        .from(release::Entity)
        .and_where(release::Column::OrgId.eq(reader.access.org.id));
    if let Some(slugs) = slugs {
        q.and_where(release::Column::Slug.is_in(slugs.iter().cloned()));
    }
    if !reader.access.member {
        q.and_where(release::Column::Status.eq(ReleaseStatus::Released));
    }
    q.to_owned()
}

#[cfg(test)]
#[path = "filter_tests.rs"]
mod tests;
