//! Listing tasks: filters, sorts and pages.

use super::MAX_LIMIT;
use crate::access::OrgAccess;
use crate::{DomainError, Result};
use chrono::Utc;
use domain::dto::{TaskPriority, TaskStatus, Visibility};
use domain::filter::Filter;
use domain::{CategoryId, LabelId, UserId};
use entity::{label, task, task_assignee, task_label};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Select,
};
use std::str::FromStr;

/// The order of a task list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TaskSort {
    /// Highest number first.
    #[default]
    Newest,
    /// Most recently changed first.
    Updated,
    /// Urgent first.
    Priority,
    /// Most votes first.
    Votes,
    /// (votes + comments) / (hours since creation + 2)^1.5, highest first.
    Trending,
}

impl FromStr for TaskSort {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "newest" => Self::Newest,
            "updated" => Self::Updated,
            "priority" => Self::Priority,
            "votes" => Self::Votes,
            "trending" => Self::Trending,
            _ => return Err("must be one of: newest, updated, priority, votes, trending".into()),
        })
    }
}

/// Filters and paging of a task list (the contract's query parameters).
#[derive(Clone, Debug, Default)]
pub struct TaskQuery {
    pub status: Vec<TaskStatus>,
    pub priority: Vec<TaskPriority>,
    pub label: Option<LabelId>,
    pub assignee: Option<UserId>,
    pub category: Option<CategoryId>,
    /// Words to find in titles and descriptions (also the task itself, given its number
    /// or key).
    pub q: Option<String>,
    /// A filter tree (`?filter=`), applied with the rest.
    pub filter: Filter,
    /// The reader, for `me` in the filter.
    pub me: Option<UserId>,
    pub sort: TaskSort,
    /// At most [`MAX_LIMIT`]; 50 when unset.
    pub limit: Option<u64>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// Trending is scored in Rust over at most this many of the newest matching tasks.
const TRENDING_WINDOW: u64 = 1000;

enum Cursor {
    /// Newest: tasks numbered below this.
    Below(i64),
    /// Other sorts: how many to skip.
    Skip(u64),
}

fn parse_cursor(sort: TaskSort, cursor: Option<&str>) -> Result<Option<Cursor>> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    let bad = || {
        DomainError::from(domain::parse::FieldError::new(
            "cursor",
            "is not a cursor from this list",
        ))
    };
    let (kind, value) = cursor.split_once(':').ok_or_else(bad)?;
    match (sort, kind) {
        (TaskSort::Newest, "n") => value
            .parse()
            .map(|n| Some(Cursor::Below(n)))
            .map_err(|_| bad()),
        // An offset this list could have handed out: the databases take at most i64.
        (s, "o") if s != TaskSort::Newest => value
            .parse::<u64>()
            .ok()
            .filter(|n| *n <= i64::MAX as u64)
            .map(|n| Some(Cursor::Skip(n)))
            .ok_or_else(bad),
        _ => Err(bad()),
    }
}

pub(super) fn escape_like(q: &str) -> String {
    let mut out = String::with_capacity(q.len() + 2);
    out.push('%');
    for c in q.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The task `words` name by number (`42`, `#42`) or key (`ABC-42`, any case).
fn task_number(words: &str, short_id: &str) -> Option<i64> {
    let n = words.strip_prefix('#').unwrap_or(words);
    let n = match n.split_once('-') {
        Some((key, n)) if key.eq_ignore_ascii_case(short_id) => n,
        _ => n,
    };
    n.parse().ok().filter(|n| *n > 0)
}

fn trending_score(row: &task::Model, now: chrono::DateTime<Utc>) -> f64 {
    let hours = std::cmp::max((now - row.created_at).num_seconds(), 0) as f64 / 3600.0;
    (row.vote_count + row.comment_count) as f64 / (hours + 2.0).powf(1.5)
}

/// Applies the filters; `None` when they can match nothing the actor may see.
async fn filtered(
    db: &impl ConnectionTrait,
    access: &OrgAccess,
    q: &TaskQuery,
) -> Result<Option<Select<task::Entity>>> {
    let mut select =
        access.task_scope(task::Entity::find().filter(task::Column::OrgId.eq(access.org.id)));
    if !q.status.is_empty() {
        select = select.filter(task::Column::Status.is_in(q.status.iter().copied()));
    }
    if !q.priority.is_empty() {
        select = select.filter(task::Column::Priority.is_in(q.priority.iter().copied()));
    }
    if let Some(label_id) = q.label {
        // Outsiders may filter by public labels only: a private one would reveal itself.
        if !access.member {
            let public = label::Entity::find_by_id(label_id.0)
                .filter(label::Column::Visibility.eq(Visibility::Public))
                .one(db)
                .await?
                .is_some();
            if !public {
                return Ok(None);
            }
        }
        select = select.filter(
            task::Column::Id.in_subquery(
                Query::select()
                    .column(task_label::Column::TaskId)
                    .from(task_label::Entity)
                    .and_where(task_label::Column::LabelId.eq(label_id.0))
                    .to_owned(),
            ),
        );
    }
    if let Some(user) = q.assignee {
        // Assignees are not shown to outsiders, so they cannot filter by them either.
        if !access.member {
            return Ok(None);
        }
        select = select.filter(
            task::Column::Id.in_subquery(
                Query::select()
                    .column(task_assignee::Column::TaskId)
                    .from(task_assignee::Entity)
                    .and_where(task_assignee::Column::UserId.eq(user.0))
                    .to_owned(),
            ),
        );
    }
    if let Some(category) = q.category {
        select = select.filter(task::Column::CategoryId.eq(category.0));
    }
    if let Some(words) = q.q.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        let pattern = escape_like(words);
        let like = |col: task::Column| {
            Expr::expr(Func::lower(Expr::col(col)))
                .like(LikeExpr::new(pattern.clone()).escape('\\'))
        };
        let mut found = like(task::Column::Title).or(like(task::Column::Description));
        if let Some(number) = task_number(words, &access.org.short_id) {
            found = found.or(task::Column::Number.eq(number));
        }
        select = select.filter(found);
    }
    if !q.filter.is_empty() {
        let reader = super::filter::Reader {
            access,
            me: q.me.map(|m| m.0),
            now: Utc::now(),
        };
        select = select.filter(super::filter::to_sql(&q.filter, reader)?);
    }
    Ok(Some(select))
}

#[derive(sea_orm::FromQueryResult)]
struct StatusCount {
    status: TaskStatus,
    count: i64,
}

/// How many tasks the query matches in each status (beyond any page).
pub(super) async fn status_counts(
    db: &impl ConnectionTrait,
    access: &OrgAccess,
    q: &TaskQuery,
) -> Result<Vec<(TaskStatus, i64)>> {
    let Some(select) = filtered(db, access, q).await? else {
        return Ok(Vec::new());
    };
    let rows = select
        .select_only()
        .column(task::Column::Status)
        .column_as(task::Column::Id.count(), "count")
        .group_by(task::Column::Status)
        .into_model::<StatusCount>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.status, r.count)).collect())
}

/// Runs a list query: one page of rows and the cursor of the next.
pub(super) async fn run(
    db: &impl ConnectionTrait,
    access: &OrgAccess,
    q: &TaskQuery,
) -> Result<(Vec<task::Model>, Option<String>)> {
    let limit = q.limit.unwrap_or(50).clamp(1, MAX_LIMIT);
    let cursor = parse_cursor(q.sort, q.cursor.as_deref())?;
    let Some(select) = filtered(db, access, q).await? else {
        return Ok((Vec::new(), None));
    };
    let skip = match cursor {
        Some(Cursor::Skip(n)) => n,
        _ => 0,
    };
    let mut rows = match q.sort {
        TaskSort::Newest => {
            let select = match cursor {
                Some(Cursor::Below(n)) => select.filter(task::Column::Number.lt(n)),
                _ => select,
            };
            select
                .order_by_desc(task::Column::Number)
                .limit(limit + 1)
                .all(db)
                .await?
        }
        TaskSort::Trending => {
            let mut rows = select
                .order_by_desc(task::Column::Number)
                .limit(TRENDING_WINDOW)
                .all(db)
                .await?;
            let now = Utc::now();
            rows.sort_by(|a, b| {
                trending_score(b, now)
                    .total_cmp(&trending_score(a, now))
                    .then(b.number.cmp(&a.number))
            });
            rows.into_iter()
                .skip(skip as usize)
                .take(limit as usize + 1)
                .collect()
        }
        sort => {
            let select = match sort {
                TaskSort::Updated => select.order_by_desc(task::Column::UpdatedAt),
                TaskSort::Votes => select.order_by_desc(task::Column::VoteCount),
                _ => select.order_by(
                    Expr::cust(
                        "CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 \
                         WHEN 'low' THEN 3 ELSE 4 END",
                    ),
                    Order::Asc,
                ),
            };
            select
                .order_by_desc(task::Column::Number)
                .offset(skip)
                .limit(limit + 1)
                .all(db)
                .await?
        }
    };
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    let next = match (more, rows.last()) {
        (true, Some(last)) if q.sort == TaskSort::Newest => Some(format!("n:{}", last.number)),
        (true, Some(_)) => Some(format!("o:{}", skip + limit)),
        _ => None,
    };
    Ok((rows, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_cannot_inject_wildcards() {
        assert_eq!(escape_like("50%_off\\"), "%50\\%\\_off\\\\%");
        assert_eq!(escape_like("Login"), "%login%");
    }

    #[test]
    fn words_name_a_task_by_number_or_key() {
        assert_eq!(task_number("42", "ABC"), Some(42));
        assert_eq!(task_number("#42", "ABC"), Some(42));
        assert_eq!(task_number("abc-42", "ABC"), Some(42));
        assert_eq!(task_number("XYZ-42", "ABC"), None);
        assert_eq!(task_number("login", "ABC"), None);
        assert_eq!(task_number("-3", "ABC"), None);
    }

    #[test]
    fn cursors_belong_to_their_sort() {
        assert!(matches!(
            parse_cursor(TaskSort::Newest, Some("n:40")),
            Ok(Some(Cursor::Below(40)))
        ));
        assert!(matches!(
            parse_cursor(TaskSort::Votes, Some("o:50")),
            Ok(Some(Cursor::Skip(50)))
        ));
        assert!(parse_cursor(TaskSort::Newest, Some("o:50")).is_err());
        assert!(
            parse_cursor(TaskSort::Votes, Some("o:9223372036854775808")).is_err(),
            "beyond i64: a bad cursor, not a database error"
        );
        assert!(parse_cursor(TaskSort::Votes, Some("n:5")).is_err());
        assert!(parse_cursor(TaskSort::Newest, Some("garbage")).is_err());
    }
}
