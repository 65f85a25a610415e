use domain::dto::Task;
use domain::parse::FieldError;
use std::collections::BTreeMap;

/// Why a service call did not succeed. The HTTP edge maps each variant to one status.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// It does not exist, or the actor may not know that it does.
    #[error("not found")]
    NotFound,
    /// The actor must sign in first.
    #[error("sign in first")]
    Unauthenticated,
    /// Signed in, may see it, may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Only an account whose e-mail address is proven may do this.
    #[error(
        "confirm your e-mail address first: follow the link we mailed you, or send a new one from your account page"
    )]
    EmailUnverified,
    /// The org requires its members to use a second factor and this one has none.
    #[error("{}", domain::dto::TWO_FACTOR_REQUIRED)]
    TwoFactorRequired,
    /// Bad input, field by field.
    #[error("invalid input")]
    Invalid(BTreeMap<String, String>),
    /// A unique name is taken, or an update was made against a stale version.
    #[error("{message}")]
    Conflict {
        message: String,
        current: Option<Box<Task>>,
    },
    /// A link that was valid once and is no more (used invites, expired codes).
    #[error("{0}")]
    Gone(String),
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts; try again later")]
    RateLimited { retry_after_secs: u64 },
    /// Something this needs is not there: not set up on this instance, or a peer (GitHub)
    /// that did not answer. The message says which.
    #[error("{0}")]
    Unavailable(String),
    /// Anything else; the cause is logged, never shown.
    #[error("internal error")]
    Internal(String),
}

impl DomainError {
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict {
            message: message.into(),
            current: None,
        }
    }

    /// A human sentence for UIs that show one message.
    pub fn user_message(&self) -> String {
        match self {
            Self::Invalid(fields) => fields
                .iter()
                .map(|(field, message)| format!("{field} {message}"))
                .collect::<Vec<_>>()
                .join("; "),
            Self::Internal(_) => "Something went wrong on our side.".to_string(),
            Self::RateLimited { retry_after_secs } => match retry_after_secs {
                0..=90 => {
                    format!("Slow down: too many requests. Try again in {retry_after_secs} s.")
                }
                s => format!(
                    "Slow down: too many requests. Try again in {} min.",
                    s.div_ceil(60)
                ),
            },
            other => other.to_string(),
        }
    }
}

impl From<FieldError> for DomainError {
    fn from(e: FieldError) -> Self {
        Self::Invalid(BTreeMap::from([(e.field, e.message)]))
    }
}

impl From<sea_orm::DbErr> for DomainError {
    fn from(e: sea_orm::DbErr) -> Self {
        tracing::error!(error = %e, "database error");
        Self::Internal(e.to_string())
    }
}

impl<E: std::error::Error> From<sea_orm::TransactionError<E>> for DomainError
where
    DomainError: From<E>,
{
    fn from(e: sea_orm::TransactionError<E>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(inner) => inner.into(),
        }
    }
}

/// Collects field errors so that one response names every bad field.
#[derive(Default)]
pub(crate) struct Fields(BTreeMap<String, String>);

impl Fields {
    /// Keeps the value, or records why it was refused.
    pub fn check<T>(&mut self, parsed: Result<T, FieldError>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(e) => {
                self.0.insert(e.field, e.message);
                None
            }
        }
    }

    pub fn finish(self) -> Result<(), DomainError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid(self.0))
        }
    }
}
