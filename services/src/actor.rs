use domain::{ApiKeyId, SessionId, UserId};

/// Who is asking. Every service function takes one and decides for itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// Not signed in; `fingerprint` is the salted hash used for anonymous votes.
    Anonymous { fingerprint: Option<String> },
    /// A signed-in user, through a session or an API key.
    User(UserActor),
    /// Sayr itself (jobs, the CLI): passes every check.
    System,
}

/// A signed-in user and how they came in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserActor {
    pub id: UserId,
    pub site_admin: bool,
    /// The session the request came through, if it came through one.
    pub session: Option<SessionId>,
    /// The API key the request came through, if it came through one.
    pub api_key: Option<ApiKeyId>,
}

impl Actor {
    pub fn anonymous() -> Self {
        Actor::Anonymous { fingerprint: None }
    }

    pub fn user_id(&self) -> Option<UserId> {
        match self {
            Actor::User(u) => Some(u.id),
            _ => None,
        }
    }

    /// Site admins and the system pass every permission check.
    pub fn is_superuser(&self) -> bool {
        matches!(
            self,
            Actor::System
                | Actor::User(UserActor {
                    site_admin: true,
                    ..
                })
        )
    }
}
