//! The HTTP edge: the router, errors in the contract's shape, the actor of each request.

pub(crate) mod actor;
mod error;
mod feed;
mod router;
pub mod security;

pub use actor::{SessionToken as SessionTokenExt, resolve_actor};
pub use edge::{client_info, ws_client_id};
pub use error::ApiError;
pub use router::{metrics_router, router};
