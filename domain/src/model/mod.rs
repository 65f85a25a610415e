//! DTOs shared by the REST API, the web app and the realtime protocol.

mod org;
mod task;
mod user;

pub use org::{NewOrg, Org, OrgSettings, PublicTaskFields};
pub use task::{NewTask, Task, TaskPriority, TaskStatus, Visibility};
pub use user::User;
