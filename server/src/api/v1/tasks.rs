use super::{Body, body};
use crate::http::{ApiError, ws_client_id};
use crate::state::AppState;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use domain::model::{NewTask, TaskPatch};
use domain::model::{TaskPriority, TaskStatus};
use domain::service::task::{self, TaskQuery};
use domain::service::{Actor, DomainError, timeline};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::str::FromStr;

/// Reads the list's query string; repeated keys (`status=todo&status=done`) add up.
fn parse_query(raw: Option<&str>) -> Result<TaskQuery, DomainError> {
    let mut q = TaskQuery::default();
    let mut bad = BTreeMap::new();
    fn one<T: FromStr>(field: &str, value: &str, bad: &mut BTreeMap<String, String>) -> Option<T> {
        value
            .parse()
            .map_err(|_| bad.insert(field.to_string(), format!("{value:?} is not valid")))
            .ok()
    }
    for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        let value = value.as_ref();
        match key.as_ref() {
            "status" => q
                .status
                .extend(one::<TaskStatus>("status", value, &mut bad)),
            "priority" => q
                .priority
                .extend(one::<TaskPriority>("priority", value, &mut bad)),
            "label" => q.label = one("label", value, &mut bad),
            "assignee" => q.assignee = one("assignee", value, &mut bad),
            "category" => q.category = one("category", value, &mut bad),
            "q" => q.q = Some(value.to_string()),
            "sort" => q.sort = one("sort", value, &mut bad).unwrap_or_default(),
            "limit" => match value.parse::<u64>() {
                Ok(n) if (1..=task::MAX_LIMIT).contains(&n) => q.limit = Some(n),
                _ => {
                    bad.insert("limit".into(), format!("must be 1 to {}", task::MAX_LIMIT));
                }
            },
            "cursor" => q.cursor = Some(value.to_string()),
            _ => {}
        }
    }
    if bad.is_empty() {
        Ok(q)
    } else {
        Err(DomainError::Invalid(bad))
    }
}

/// `GET /api/v1/orgs/{slug}/tasks`
pub async fn list(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let query = parse_query(raw.as_deref())?;
    let list = task::list(&state.services, &actor, &slug, query).await?;
    Ok(Json(
        json!({ "items": list.tasks, "nextCursor": list.next_cursor }),
    ))
}

/// `POST /api/v1/orgs/{slug}/tasks`
pub async fn create(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    input: Body<NewTask>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let created = task::create(
        &state.services,
        &actor,
        &slug,
        body(input)?,
        ws_client_id(&headers),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "task": created }))))
}

/// `GET /api/v1/orgs/{slug}/tasks/{number}`
pub async fn get(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, number)): Path<(String, i64)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "task": task::get(&state.services, &actor, &slug, number).await? }),
    ))
}

/// `PATCH /api/v1/orgs/{slug}/tasks/{number}`
pub async fn update(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, number)): Path<(String, i64)>,
    headers: HeaderMap,
    input: Body<TaskPatch>,
) -> Result<Json<Value>, ApiError> {
    let patch = body(input)?;
    let updated = task::update(
        &state.services,
        &actor,
        &slug,
        number,
        patch,
        ws_client_id(&headers),
    )
    .await?;
    Ok(Json(json!({ "task": updated })))
}

/// `DELETE /api/v1/orgs/{slug}/tasks/{number}`
pub async fn delete(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, number)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    task::delete(
        &state.services,
        &actor,
        &slug,
        number,
        ws_client_id(&headers),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/orgs/{slug}/tasks/{number}/timeline`
pub async fn timeline(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path((slug, number)): Path<(String, i64)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(
        timeline::list(&state.services, &actor, &slug, number).await?
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_statuses_add_up_and_bad_values_are_named() {
        let q = parse_query(Some(
            "status=todo&status=in-progress&q=login%20bug&limit=20",
        ))
        .unwrap();
        assert_eq!(q.status, [TaskStatus::Todo, TaskStatus::InProgress]);
        assert_eq!(q.q.as_deref(), Some("login bug"));
        assert_eq!(q.limit, Some(20));
        let Err(DomainError::Invalid(fields)) =
            parse_query(Some("status=doing&limit=500&sort=random"))
        else {
            panic!("bad values must be refused");
        };
        assert_eq!(
            fields.keys().collect::<Vec<_>>(),
            ["limit", "sort", "status"]
        );
    }
}
