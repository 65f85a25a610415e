//! The `sayr` server: configuration, start-up, the HTTP router (pages, REST, server
//! functions), authentication at the edge, and the realtime hub.

pub mod api;
pub mod auth;
pub mod backup;
pub mod config;
pub mod db;
pub mod http;
pub mod metrics;
pub mod realtime;
pub mod redis;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;

pub use config::Config;
pub use startup::Application;
