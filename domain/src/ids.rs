//! Typed ids: a task id can't be passed where an org id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "server", derive(utoipa::ToSchema), schema(value_type = String, format = Uuid))]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh random id.
            #[cfg(feature = "server")]
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }
    };
}

id_type!(/// An organization.
    OrgId);
id_type!(/// A task.
    TaskId);
id_type!(/// A release of an org.
    ReleaseId);
id_type!(/// A saved view of the board.
    ViewId);
id_type!(/// A task template of an org.
    TemplateId);
id_type!(/// A user account.
    UserId);
id_type!(/// A signed-in session.
    SessionId);
id_type!(/// A team of an org.
    TeamId);
id_type!(/// An invitation to an org.
    InviteId);
id_type!(/// A label of an org.
    LabelId);
id_type!(/// A category of an org.
    CategoryId);
id_type!(/// A comment on a task.
    CommentId);
id_type!(/// An API key.
    ApiKeyId);
id_type!(/// A notification (a UUIDv7: ids sort by time).
    NotificationId);
