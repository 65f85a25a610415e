//! One error type at the HTTP edge, answering with the contract's codes.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use services::DomainError;

/// An error response: `{"error": {"code", "message", …}}` with its status.
#[derive(Debug)]
pub enum ApiError {
    Domain(DomainError),
    /// The request body could not be read as the endpoint's JSON.
    BadRequest(String),
    TooLarge,
    RateLimited {
        retry_after_secs: u64,
    },
    /// An upload over its size limit (413 `too_large`, saying the limit).
    FileTooLarge(String),
    /// An upload of a type Sayr does not store (415).
    UnsupportedMediaType(String),
    /// A dependency (the file store) did not answer (503).
    Unavailable(String),
}

impl From<services::file::FileError> for ApiError {
    fn from(e: services::file::FileError) -> Self {
        use services::file::FileError;
        match e {
            FileError::Domain(e) => Self::Domain(e),
            FileError::TooLarge { .. } | FileError::QuotaExceeded { .. } => {
                Self::FileTooLarge(e.to_string())
            }
            FileError::Unsupported(m) => Self::UnsupportedMediaType(m),
            FileError::Unavailable => Self::Unavailable(e.to_string()),
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        Self::Domain(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, extra) = match self {
            ApiError::Domain(e) => {
                let (status, code) = (edge::status(&e), edge::code(&e));
                match e {
                    DomainError::Forbidden(m)
                    | DomainError::Gone(m)
                    | DomainError::Unavailable(m) => (status, code, m, None),
                    DomainError::Invalid(fields) => (
                        status,
                        code,
                        "invalid input".to_string(),
                        Some(("fields", json!(fields))),
                    ),
                    DomainError::Conflict { message, current } => (
                        status,
                        code,
                        message,
                        current.map(|task| ("current", json!(task))),
                    ),
                    DomainError::RateLimited { retry_after_secs } => {
                        return ApiError::RateLimited { retry_after_secs }.into_response();
                    }
                    DomainError::Internal(cause) => {
                        tracing::error!(%cause, "internal error");
                        (status, code, "internal error".to_string(), None)
                    }
                    DomainError::NotFound
                    | DomainError::Unauthenticated
                    | DomainError::EmailUnverified
                    | DomainError::TwoFactorRequired => (status, code, e.to_string(), None),
                }
            }
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, "invalid_input", m, None),
            ApiError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "the request body is too large".into(),
                None,
            ),
            ApiError::FileTooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large", m, None),
            ApiError::UnsupportedMediaType(m) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                m,
                None,
            ),
            ApiError::Unavailable(m) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", m, None),
            ApiError::RateLimited { retry_after_secs } => {
                let mut res = error_body(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    "slow down",
                    None,
                );
                res.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
                return res;
            }
        };
        error_body(status, code, &message, extra)
    }
}

fn error_body(
    status: StatusCode,
    code: &str,
    message: &str,
    extra: Option<(&str, serde_json::Value)>,
) -> Response {
    let mut error = json!({"code": code, "message": message});
    if let Some((key, value)) = extra {
        error[key] = value;
    }
    (status, Json(json!({ "error": error }))).into_response()
}

/// JSON bodies that fail to parse answer `invalid_input` in the contract's shape.
impl From<axum::extract::rejection::JsonRejection> for ApiError {
    fn from(r: axum::extract::rejection::JsonRejection) -> Self {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::BadRequest(r.body_text())
        }
    }
}
