//! DTOs shared by the REST API, the web app and the realtime protocol.

mod invite;
mod org;
mod task;
mod team;
mod user;

pub use invite::Invite;
pub use org::{NewOrg, Org, OrgPatch, OrgSettings, PublicTaskFields};
pub use task::{NewTask, Task, TaskPriority, TaskStatus, Visibility};
pub use team::{Member, NewTeam, Team, TeamPatch};
pub use user::User;
