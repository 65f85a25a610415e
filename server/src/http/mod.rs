//! The HTTP edge: the router, errors in the contract's shape, the actor of each request.

pub(crate) mod actor;
pub mod docs;
mod error;
mod feed;
pub mod layers;
mod limits;
mod router;
pub mod security;
pub mod site;

pub use actor::{SessionToken as SessionTokenExt, resolve_actor};
pub use edge::ws_client_id;
pub use error::ApiError;
pub use limits::{client_address, limit};
pub use router::{metrics_router, router};
