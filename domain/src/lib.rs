//! Sayr's vocabulary, shared by every layer and compiled for the browser too: typed ids,
//! the wire DTOs (`dto`: what REST, server functions and sockets carry; not a domain
//! model with behaviour), validated inputs (`parse`), the permission model, ranks and the
//! realtime protocol's messages. The rules that use them live in the `services` crate,
//! which only the server side links.

pub mod dto;
pub mod filter;
pub mod ids;
pub mod parse;
pub mod permissions;
pub mod rank;
pub mod realtime;

pub use ids::{
    ApiKeyId, CategoryId, CommentId, InviteId, LabelId, NotificationId, OrgId, ReleaseId,
    SessionId, TaskId, TeamId, TemplateId, UserId, ViewId,
};
