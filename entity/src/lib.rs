//! SeaORM entities: the database's shape and nothing else. Rules live in `domain`.

pub mod account;
pub mod api_key;
pub mod blocked_user;
pub mod category;
pub mod file;
pub mod instance_setting;
pub mod invite;
pub mod job;
pub mod job_schedule;
pub mod label;
pub mod member;
pub mod member_team;
pub mod organization;
pub mod prelude;
pub mod session;
pub mod task;
pub mod task_assignee;
pub mod task_comment;
pub mod task_comment_edit;
pub mod task_comment_reaction;
pub mod task_label;
pub mod task_relation;
pub mod task_timeline;
pub mod task_vote;
pub mod team;
pub mod user;
