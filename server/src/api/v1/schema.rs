//! What the REST API sends back, typed so that the OpenAPI document describes exactly the
//! JSON on the wire: the `{"org": …}`-style wrappers, and the one error shape of
//! `crate::http::ApiError` with a reusable response per status.

use domain::SessionId;
use domain::dto::{Category, Comment, Invite, Label, Org, Task, TaskRelation, Team, User};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::openapi::{OpenApi, RefOr};
use utoipa::{IntoResponses, ToResponse, ToSchema};

/// `{org}`
#[derive(Serialize, ToSchema)]
pub struct OrgBody {
    pub org: Org,
}

/// `{team}`
#[derive(Serialize, ToSchema)]
pub struct TeamBody {
    pub team: Team,
}

/// `{invite}`
#[derive(Serialize, ToSchema)]
pub struct InviteBody {
    pub invite: Invite,
}

/// `{label}`
#[derive(Serialize, ToSchema)]
pub struct LabelBody {
    pub label: Label,
}

/// A release with its tasks and (members) its health updates: the release's fields, plus
/// `tasks` and `updates`.
#[derive(Serialize, ToSchema)]
pub struct ReleasePage {
    #[serde(flatten)]
    pub release: domain::dto::Release,
    pub tasks: Vec<Task>,
    pub updates: Vec<domain::dto::ReleaseUpdate>,
}

/// `{category}`
#[derive(Serialize, ToSchema)]
pub struct CategoryBody {
    pub category: Category,
}

/// `{task}`
#[derive(Serialize, ToSchema)]
pub struct TaskBody {
    pub task: Task,
}

/// `{comment}`
#[derive(Serialize, ToSchema)]
pub struct CommentBody {
    pub comment: Comment,
}

/// `{relation}`
#[derive(Serialize, ToSchema)]
pub struct RelationBody {
    pub relation: TaskRelation,
}

/// `{user}`
#[derive(Serialize, ToSchema)]
pub struct UserBody {
    pub user: User,
}

/// One page of a task list.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskPage {
    pub items: Vec<Task>,
    /// Pass back as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// The signed-in account and the orgs it is a member of.
#[derive(Serialize, ToSchema)]
pub struct MeBody {
    pub user: User,
    pub organizations: Vec<Org>,
}

/// The current account and the session the request came through.
#[derive(Serialize, ToSchema)]
pub struct SessionBody {
    pub user: User,
    pub session: SessionRef,
}

/// A session, by id.
#[derive(Serialize, ToSchema)]
pub struct SessionRef {
    /// Null when the request came with an API key rather than a session.
    pub id: Option<SessionId>,
}

/// A task's votes after a vote or its withdrawal.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VoteBody {
    pub vote_count: i64,
    /// Whether the caller's vote is now counted.
    pub voted: bool,
}

/// Every error: `{"error": {"code", "message", …}}` with the status of its code.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// A sentence for people; never internals.
    pub message: String,
    /// With `invalid_input`: a message per bad field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub fields: Option<BTreeMap<String, String>>,
    /// With `conflict` on a stale task `version`: the task as it is now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub current: Option<Box<Task>>,
}

/// The contract's error codes, one per status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400
    InvalidInput,
    /// 401
    Unauthenticated,
    /// 403
    Forbidden,
    /// 403: only an account whose e-mail address is proven may do this
    EmailUnverified,
    /// 403: the org requires its members to use a second factor, and the caller has none
    TwoFactorRequired,
    /// 404, also for what exists but the caller may not see
    NotFound,
    /// 409
    Conflict,
    /// 410
    Gone,
    /// 413
    TooLarge,
    /// 415
    UnsupportedMediaType,
    /// 429, with `Retry-After`
    RateLimited,
    /// 503: a dependency (the file store) did not answer; nothing was changed
    Unavailable,
    /// 500; the cause is logged under the response's `x-request-id`
    Internal,
}

/// `invalid_input`: the body or query could not be read, or fields are wrong (`fields`
/// names each).
#[derive(ToResponse)]
#[response(example = json!({"error": {"code": "invalid_input", "message": "invalid input",
    "fields": {"title": "is required"}}}))]
pub struct InvalidInput(pub ErrorBody);

/// `unauthenticated`: sign in first (or the API key or session is no longer valid).
#[derive(ToResponse)]
#[response(example = json!({"error": {"code": "unauthenticated", "message": "sign in first"}}))]
pub struct Unauthenticated(pub ErrorBody);

/// `forbidden`: signed in and allowed to see it, not to do this.
#[derive(ToResponse)]
#[response(example = json!({"error": {"code": "forbidden", "message": "members only"}}))]
pub struct Forbidden(pub ErrorBody);

/// `not_found`: it does not exist, or the caller may not know that it does.
#[derive(ToResponse)]
#[response(example = json!({"error": {"code": "not_found", "message": "not found"}}))]
pub struct NotFound(pub ErrorBody);

/// `conflict`: a unique name is taken, or a change was made against a stale version
/// (then `current` is the task as it is now).
#[derive(ToResponse)]
#[response(example = json!({"error": {"code": "conflict", "message": "this slug is taken"}}))]
pub struct Conflict(pub ErrorBody);

/// `gone`: a link that was valid once and is no more.
#[derive(ToResponse)]
#[response(example = json!({"error": {"code": "gone", "message": "this invitation has expired"}}))]
pub struct Gone(pub ErrorBody);

/// `too_large`: the request body is over 1 MiB.
#[derive(ToResponse)]
#[response(example = json!({"error": {"code": "too_large", "message": "the request body is too large"}}))]
pub struct TooLarge(pub ErrorBody);

/// `too_large`: the file is over its type's limit (images 10 MiB, other files 25 MiB by
/// default); nothing was stored.
#[derive(ToResponse)]
#[response(example = json!({"error": {"code": "too_large", "message": "images may be at most 10 MiB"}}))]
pub struct FileTooLarge(pub ErrorBody);

/// `unsupported_media_type`: the bytes are not of a type Sayr stores (decided from the
/// content, not the name).
#[derive(ToResponse)]
#[response(example = json!({"error": {"code": "unsupported_media_type",
    "message": "this type of file is not accepted (accepted: png, jpeg, gif, webp, pdf, text, zip)"}}))]
pub struct UnsupportedMediaType(pub ErrorBody);

/// `unavailable`: the file store did not answer; nothing was stored or recorded.
#[derive(ToResponse)]
#[response(example = json!({"error": {"code": "unavailable",
    "message": "file storage is unavailable; try again later"}}))]
pub struct Unavailable(pub ErrorBody);

/// What a member-only action answers besides its success: 401, 403, 404.
#[derive(IntoResponses)]
pub enum Refusals {
    #[response(status = 401)]
    Unauthenticated(#[ref_response] Unauthenticated),
    #[response(status = 403)]
    Forbidden(#[ref_response] Forbidden),
    #[response(status = 404)]
    NotFound(#[ref_response] NotFound),
}

/// What a write with a JSON body answers besides its success: 400, 401, 403, 404, 413.
#[derive(IntoResponses)]
pub enum WriteRefusals {
    #[response(status = 400)]
    InvalidInput(#[ref_response] InvalidInput),
    #[response(status = 401)]
    Unauthenticated(#[ref_response] Unauthenticated),
    #[response(status = 403)]
    Forbidden(#[ref_response] Forbidden),
    #[response(status = 404)]
    NotFound(#[ref_response] NotFound),
    #[response(status = 413)]
    TooLarge(#[ref_response] TooLarge),
}

/// What an upload answers besides its success: 400, 401, 403, 404, 413, 415, 503.
#[derive(IntoResponses)]
pub enum UploadRefusals {
    #[response(status = 400)]
    InvalidInput(#[ref_response] InvalidInput),
    #[response(status = 401)]
    Unauthenticated(#[ref_response] Unauthenticated),
    #[response(status = 403)]
    Forbidden(#[ref_response] Forbidden),
    #[response(status = 404)]
    NotFound(#[ref_response] NotFound),
    #[response(status = 413)]
    TooLarge(#[ref_response] FileTooLarge),
    #[response(status = 415)]
    UnsupportedMediaType(#[ref_response] UnsupportedMediaType),
    #[response(status = 503)]
    Unavailable(#[ref_response] Unavailable),
}

/// Says on every limited operation (see `http/limits.rs`) that it may answer 429, and on
/// its inline answers the `RateLimit-*` headers: every REST v1 operation, and every other
/// one that changes state.
pub fn add_rate_limits(openapi: &mut OpenApi) {
    use utoipa::openapi::header::HeaderBuilder;
    use utoipa::openapi::{Ref, Type};
    let header = |description: &str| {
        HeaderBuilder::new()
            .schema(utoipa::openapi::ObjectBuilder::new().schema_type(Type::Integer))
            .description(Some(description))
            .build()
    };
    let headers = [
        (
            "ratelimit-limit",
            "The budget: requests allowed in its period",
        ),
        ("ratelimit-remaining", "Requests left in the budget now"),
        ("ratelimit-reset", "Seconds until the budget is whole again"),
    ];
    for (path, item) in openapi.paths.paths.iter_mut() {
        let api = path.starts_with("/api/v1/");
        let operations = [
            (&mut item.get, false),
            (&mut item.head, false),
            (&mut item.post, true),
            (&mut item.put, true),
            (&mut item.patch, true),
            (&mut item.delete, true),
        ];
        for (operation, writes) in operations {
            let Some(operation) = operation.as_mut() else {
                continue;
            };
            if (!api && !writes) || path == super::github::WEBHOOK_PATH {
                continue;
            }
            let responses = &mut operation.responses.responses;
            for (status, response) in responses.iter_mut() {
                if let (true, RefOr::T(response)) = (status.starts_with('2'), response) {
                    for (name, description) in headers {
                        response
                            .headers
                            .entry(name.to_string())
                            .or_insert_with(|| header(description));
                    }
                }
            }
            responses
                .entry("429".to_string())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name("RateLimited")));
        }
    }
}

/// `rate_limited`: a budget is spent (see Limits); `Retry-After` says when to try again.
#[derive(ToResponse)]
#[response(
    headers(
        ("retry-after" = u64, description = "Seconds to wait before trying again"),
        ("ratelimit-limit" = u64, description = "The budget: requests allowed in its period"),
        ("ratelimit-remaining" = u64, description = "Requests left in the budget now (0)"),
        ("ratelimit-reset" = u64, description = "Seconds until the budget is whole again"),
    ),
    example = json!({"error": {"code": "rate_limited", "message": "Slow down: too many requests. Try again in 12 s."}})
)]
pub struct RateLimited(pub ErrorBody);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ApiError;
    use axum::response::IntoResponse;
    use services::DomainError;

    async fn sent(error: ApiError) -> ErrorBody {
        let res = error.into_response();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        serde_json::from_slice(&bytes).expect("the error is sent as ErrorBody")
    }

    #[tokio::test]
    async fn every_error_sent_reads_as_the_documented_error_body() {
        let fields = BTreeMap::from([("title".to_string(), "is required".to_string())]);
        let cases = [
            (
                ApiError::from(DomainError::Invalid(fields)),
                ErrorCode::InvalidInput,
            ),
            (
                ApiError::BadRequest("bad json".into()),
                ErrorCode::InvalidInput,
            ),
            (
                DomainError::Unauthenticated.into(),
                ErrorCode::Unauthenticated,
            ),
            (DomainError::forbidden("no").into(), ErrorCode::Forbidden),
            (DomainError::NotFound.into(), ErrorCode::NotFound),
            (DomainError::conflict("taken").into(), ErrorCode::Conflict),
            (DomainError::Gone("used".into()).into(), ErrorCode::Gone),
            (
                DomainError::TwoFactorRequired.into(),
                ErrorCode::TwoFactorRequired,
            ),
            (ApiError::TooLarge, ErrorCode::TooLarge),
            (
                ApiError::FileTooLarge("images may be at most 10 MiB".into()),
                ErrorCode::TooLarge,
            ),
            (
                ApiError::UnsupportedMediaType("no".into()),
                ErrorCode::UnsupportedMediaType,
            ),
            (ApiError::Unavailable("down".into()), ErrorCode::Unavailable),
            (
                ApiError::RateLimited {
                    retry_after_secs: 3,
                },
                ErrorCode::RateLimited,
            ),
            (
                DomainError::Internal("boom".into()).into(),
                ErrorCode::Internal,
            ),
        ];
        for (error, code) in cases {
            let body = sent(error).await;
            assert_eq!(body.error.code, code);
        }
    }

    #[tokio::test]
    async fn invalid_input_names_its_fields() {
        let fields = BTreeMap::from([("title".to_string(), "is required".to_string())]);
        let body = sent(DomainError::Invalid(fields.clone()).into()).await;
        assert_eq!(body.error.fields, Some(fields));
        assert!(body.error.current.is_none());
    }
}
