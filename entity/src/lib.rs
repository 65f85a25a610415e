//! SeaORM entities: the database's shape and nothing else. Rules live in `domain`.

pub mod member;
pub mod organization;
pub mod prelude;
pub mod session;
pub mod task;
pub mod user;
