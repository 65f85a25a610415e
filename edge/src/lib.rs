//! The HTTP edge's toolkit, shared by the REST handlers (`server`) and the server functions
//! (`app`), so that both speak HTTP the same way: cookies are read and built here and
//! nowhere else, a [`DomainError`](services::DomainError) maps to one status everywhere,
//! and [`Caller`] says who is asking (the actor, the socket that caused a change, the
//! client's address and agent). The services know nothing of HTTP.

pub mod address;
mod caller;
pub mod cookies;
mod status;

pub use address::{ClientIp, TrustedProxies, client_ip};
pub use caller::{Caller, Client, client_info, visitor, ws_client_id};
pub use cookies::CookiePolicy;
pub use status::{code, status};
