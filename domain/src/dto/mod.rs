//! The wire DTOs: what the REST API, the web app's server functions and the realtime
//! protocol carry. Plain data (serde), no database and no rules; the services build them.

mod admin;
mod api_key;
mod board;
mod comment;
pub mod file;
mod github;
mod invite;
mod label;
mod notification;
mod org;
pub(crate) mod patch;
mod portal;
mod release;
mod task;
mod team;
mod template;
mod timeline;
mod user;
mod view;

pub use admin::{
    ADMIN_PAGE_SIZE, AdminJob, AdminJobs, AdminMember, AdminOrg, AdminOverview, AdminPage,
    AdminUser, Ban, ConnectionSnapshot, Connections, InstanceSettings, KindStats, OrgInspection,
    OutboxMail, RoomConnections, RoomSockets,
};
pub use api_key::{ApiKey, CreatedApiKey};
pub use board::Board;
pub use comment::{
    Comment, CommentEdit, CommentPatch, CommentVisibility, NewComment, NewReaction, NewRelation,
    REACTIONS, Reaction, TaskRelation,
};
pub use file::{FileInfo, FileType, ImageUrl};
pub use github::{
    GithubCommit, GithubInstallation, GithubIssueRef, GithubPullRequest, GithubReachable,
    GithubRepository, GithubRepositoryPatch, GithubStatus, NewGithubRepository, TaskGithub,
};
pub use invite::Invite;
pub use label::{Category, CategoryPatch, Label, LabelPatch, NewCategory, NewLabel};
pub use notification::{
    MailMode, MyTask, MyTaskRole, Notification, NotificationKind, NotificationList,
    NotificationPatch, NotificationSetting, NotificationTask, OrgRef, StatusChange,
};
pub use org::{NewOrg, Org, OrgPatch, OrgSettings, PublicTaskFields};
pub use portal::{BlockedUser, PortalPage, Viewer};
pub use release::{
    Health, NewRelease, NewReleaseUpdate, Progress, Release, ReleaseDetail, ReleasePatch,
    ReleaseStatus, ReleaseUpdate, ReleasesOverview,
};
pub use task::{
    BulkChange, BulkResult, NewTask, RelationKind, Task, TaskPatch, TaskPosition, TaskPriority,
    TaskPullRequest, TaskStatus, UserRef, Visibility,
};
pub use team::{Member, NewTeam, Team, TeamPatch};
pub use template::{NewTemplate, Template, TemplatePatch};
pub use timeline::TimelineEntry;
pub use user::{
    BackupCodes, LinkedAccount, Passkey, SessionInfo, TWO_FACTOR_REQUIRED, TotpSetup,
    TwoFactorStatus, User,
};
pub use view::{Grouping, Layout, NewView, View, ViewPatch, ViewSort};
