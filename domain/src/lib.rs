//! Sayr's model. Always compiled (also to WASM): ids, enums, DTOs, validated inputs, the
//! permission model and the realtime protocol's message types. With the `server` feature it
//! also holds the services, the only code that reads or writes the database.

pub mod ids;
pub mod model;
pub mod parse;
pub mod permissions;
pub mod rank;
pub mod realtime;

#[cfg(feature = "server")]
pub mod service;

pub use ids::{
    ApiKeyId, CategoryId, CommentId, InviteId, LabelId, OrgId, SessionId, TaskId, TeamId, UserId,
};
