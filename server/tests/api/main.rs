//! Sayr's black-box tests, one binary: each module starts real `sayr` instances (helpers in
//! `common`) and talks HTTP and WebSocket to them, on SQLite and, when
//! `SAYR_TEST_DATABASE_URL` is set, on PostgreSQL. One binary links the server once instead
//! of once per file.

#[macro_use]
mod common;

mod abuse;
mod account_pages;
mod admin;
mod auth;
mod board_more;
mod comments;
mod docs;
mod edit_pages;
mod email;
mod external_login;
mod files;
mod files_app;
mod github;
mod hardening;
mod input_edges;
mod notifications;
mod openapi;
mod operations;
mod passkeys;
mod permissions;
mod planning;
mod portal;
mod realtime;
mod redis;
mod share;
mod shipping;
mod task_changes;
mod tasks;
mod teams;
mod templates;
mod two_factor;
mod web_pages;
mod workers;
