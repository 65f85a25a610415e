//! One mapping from a domain error to the contract's status and code, for REST answers
//! and server functions alike.

use axum::http::StatusCode;
use services::DomainError;

/// The HTTP status that answers `e`.
pub fn status(e: &DomainError) -> StatusCode {
    match e {
        DomainError::NotFound => StatusCode::NOT_FOUND,
        DomainError::Unauthenticated => StatusCode::UNAUTHORIZED,
        DomainError::Forbidden(_)
        | DomainError::EmailUnverified
        | DomainError::TwoFactorRequired => StatusCode::FORBIDDEN,
        DomainError::Invalid(_) => StatusCode::BAD_REQUEST,
        DomainError::Conflict { .. } => StatusCode::CONFLICT,
        DomainError::Gone(_) => StatusCode::GONE,
        DomainError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        DomainError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        DomainError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The contract's error code for `e` (`{"error": {"code": …}}`).
pub fn code(e: &DomainError) -> &'static str {
    match e {
        DomainError::NotFound => "not_found",
        DomainError::Unauthenticated => "unauthenticated",
        DomainError::Forbidden(_) => "forbidden",
        DomainError::EmailUnverified => "email_unverified",
        DomainError::TwoFactorRequired => "two_factor_required",
        DomainError::Invalid(_) => "invalid_input",
        DomainError::Conflict { .. } => "conflict",
        DomainError::Gone(_) => "gone",
        DomainError::RateLimited { .. } => "rate_limited",
        DomainError::Unavailable(_) => "unavailable",
        DomainError::Internal(_) => "internal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_has_the_contracts_status_and_code() {
        let cases = [
            (DomainError::NotFound, 404, "not_found"),
            (DomainError::Unauthenticated, 401, "unauthenticated"),
            (DomainError::forbidden("no"), 403, "forbidden"),
            (DomainError::TwoFactorRequired, 403, "two_factor_required"),
            (DomainError::conflict("taken"), 409, "conflict"),
            (DomainError::Gone("over".into()), 410, "gone"),
            (
                DomainError::RateLimited {
                    retry_after_secs: 3,
                },
                429,
                "rate_limited",
            ),
            (DomainError::Unavailable("off".into()), 503, "unavailable"),
            (DomainError::Internal("boom".into()), 500, "internal"),
        ];
        for (e, want_status, want_code) in cases {
            assert_eq!(status(&e).as_u16(), want_status, "{e:?}");
            assert_eq!(code(&e), want_code, "{e:?}");
        }
    }
}
