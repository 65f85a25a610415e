//! The first block of the product model: users and their sign-ins, organizations with their
//! members, teams, invites and blocks, and tasks with labels, categories, assignees,
//! comments, timeline, relations and votes.
//!
//! Tables are created in dependency order (SQLite cannot add a foreign key to an existing
//! table) and dropped in the reverse order.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum User {
    Table,
    Id,
    Email,
    Name,
    PasswordHash,
    Role,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    LastSeenAt,
    Ip,
    UserAgent,
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
    Name,
    Slug,
    ShortId,
    Description,
    PublicPage,
    PublicActions,
    PublicFieldLabels,
    PublicFieldCategory,
    PublicFieldPriority,
    LastTaskNumber,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Member {
    Table,
    Id,
    OrgId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Team {
    Table,
    Id,
    OrgId,
    Name,
    Permissions,
    IsSystem,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MemberTeam {
    Table,
    MemberId,
    TeamId,
}

#[derive(DeriveIden)]
enum Invite {
    Table,
    Id,
    OrgId,
    Email,
    Code,
    Status,
    InvitedBy,
    ExpiresAt,
    CreatedAt,
    AcceptedAt,
}

#[derive(DeriveIden)]
enum BlockedUser {
    Table,
    Id,
    OrgId,
    UserId,
    BlockedBy,
    Reason,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiKey {
    Table,
    Id,
    UserId,
    Name,
    Prefix,
    KeyHash,
    CreatedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
    UserId,
    Provider,
    ProviderAccountId,
    Email,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Label {
    Table,
    Id,
    OrgId,
    Name,
    Color,
    Visibility,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Category {
    Table,
    Id,
    OrgId,
    Name,
    Color,
    Icon,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Task {
    Table,
    Id,
    OrgId,
    Number,
    Title,
    Description,
    DescriptionHtml,
    Status,
    Priority,
    Visibility,
    CategoryId,
    ParentId,
    VoteCount,
    CommentCount,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum TaskLabel {
    Table,
    TaskId,
    LabelId,
}

#[derive(DeriveIden)]
enum TaskAssignee {
    Table,
    TaskId,
    UserId,
}

#[derive(DeriveIden)]
enum TaskComment {
    Table,
    Id,
    OrgId,
    TaskId,
    ParentId,
    AuthorId,
    Body,
    BodyHtml,
    Visibility,
    Source,
    CreatedAt,
    UpdatedAt,
    EditedAt,
}

#[derive(DeriveIden)]
enum TaskCommentEdit {
    Table,
    Id,
    CommentId,
    Body,
    EditedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TaskCommentReaction {
    Table,
    CommentId,
    UserId,
    Emoji,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TaskTimeline {
    Table,
    Id,
    OrgId,
    TaskId,
    ActorId,
    EventType,
    FromValue,
    ToValue,
    CommentId,
    Visibility,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TaskRelation {
    Table,
    Id,
    OrgId,
    SourceTaskId,
    TargetTaskId,
    Kind,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TaskVote {
    Table,
    Id,
    TaskId,
    UserId,
    Fingerprint,
    CreatedAt,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(Alias::new(*col));
    }
    stmt.to_owned()
}

fn unique(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    index(name, table, cols).unique().to_owned()
}

/// A table and the indexes made right after it.
struct Step {
    table: TableCreateStatement,
    indexes: Vec<IndexCreateStatement>,
}

/// Every table, parents before children; `down` walks this list backwards.
fn steps() -> Vec<Step> {
    vec![
        user(),
        session(),
        organization(),
        member(),
        team(),
        member_team(),
        invite(),
        blocked_user(),
        api_key(),
        account(),
        label(),
        category(),
        task(),
        task_label(),
        task_assignee(),
        task_comment(),
        task_comment_edit(),
        task_comment_reaction(),
        task_timeline(),
        task_relation(),
        task_vote(),
    ]
}

fn user() -> Step {
    Step {
        table: Table::create()
            .table(User::Table)
            .col(pk_uuid(User::Id))
            .col(string(User::Email).unique_key())
            .col(string(User::Name))
            .col(string_null(User::PasswordHash))
            .col(string(User::Role).default("user"))
            .col(timestamp_with_time_zone(User::CreatedAt))
            .col(timestamp_with_time_zone(User::UpdatedAt))
            .to_owned(),
        indexes: vec![],
    }
}

fn session() -> Step {
    Step {
        table: Table::create()
            .table(Session::Table)
            .col(pk_uuid(Session::Id))
            .col(uuid(Session::UserId))
            .col(string(Session::TokenHash).unique_key())
            .col(timestamp_with_time_zone(Session::CreatedAt))
            .col(timestamp_with_time_zone(Session::ExpiresAt))
            .col(timestamp_with_time_zone(Session::LastSeenAt))
            .col(string_null(Session::Ip))
            .col(string_null(Session::UserAgent))
            .foreign_key(&mut fk(
                "fk_session_user",
                (Session::Table, Session::UserId),
                (User::Table, User::Id),
                ForeignKeyAction::Cascade,
            ))
            .to_owned(),
        indexes: vec![index("idx_session_user", Session::Table, &["user_id"])],
    }
}

fn organization() -> Step {
    Step {
        table: Table::create()
            .table(Organization::Table)
            .col(pk_uuid(Organization::Id))
            .col(string(Organization::Name))
            .col(string(Organization::Slug).unique_key())
            .col(string(Organization::ShortId))
            .col(text(Organization::Description).default(""))
            .col(boolean(Organization::PublicPage).default(false))
            .col(boolean(Organization::PublicActions).default(false))
            .col(boolean(Organization::PublicFieldLabels).default(false))
            .col(boolean(Organization::PublicFieldCategory).default(false))
            .col(boolean(Organization::PublicFieldPriority).default(false))
            .col(big_integer(Organization::LastTaskNumber).default(0))
            .col(uuid_null(Organization::CreatedBy))
            .col(timestamp_with_time_zone(Organization::CreatedAt))
            .col(timestamp_with_time_zone(Organization::UpdatedAt))
            .foreign_key(&mut fk(
                "fk_organization_creator",
                (Organization::Table, Organization::CreatedBy),
                (User::Table, User::Id),
                ForeignKeyAction::SetNull,
            ))
            .to_owned(),
        indexes: vec![],
    }
}

fn member() -> Step {
    Step {
        table: Table::create()
            .table(Member::Table)
            .col(pk_uuid(Member::Id))
            .col(uuid(Member::OrgId))
            .col(uuid(Member::UserId))
            .col(timestamp_with_time_zone(Member::CreatedAt))
            .foreign_key(&mut fk(
                "fk_member_org",
                (Member::Table, Member::OrgId),
                (Organization::Table, Organization::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_member_user",
                (Member::Table, Member::UserId),
                (User::Table, User::Id),
                ForeignKeyAction::Cascade,
            ))
            .to_owned(),
        indexes: vec![
            unique("ux_member_org_user", Member::Table, &["org_id", "user_id"]),
            index("idx_member_user", Member::Table, &["user_id"]),
        ],
    }
}

fn team() -> Step {
    Step {
        table: Table::create()
            .table(Team::Table)
            .col(pk_uuid(Team::Id))
            .col(uuid(Team::OrgId))
            .col(string(Team::Name))
            // A permission set as JSON; missing keys read as false.
            .col(text(Team::Permissions))
            // The "Administrators" team made with each org.
            .col(boolean(Team::IsSystem).default(false))
            .col(timestamp_with_time_zone(Team::CreatedAt))
            .col(timestamp_with_time_zone(Team::UpdatedAt))
            .foreign_key(&mut fk(
                "fk_team_org",
                (Team::Table, Team::OrgId),
                (Organization::Table, Organization::Id),
                ForeignKeyAction::Cascade,
            ))
            .to_owned(),
        indexes: vec![unique("ux_team_org_name", Team::Table, &["org_id", "name"])],
    }
}

fn member_team() -> Step {
    Step {
        table: Table::create()
            .table(MemberTeam::Table)
            .col(uuid(MemberTeam::MemberId))
            .col(uuid(MemberTeam::TeamId))
            .primary_key(
                Index::create()
                    .col(MemberTeam::MemberId)
                    .col(MemberTeam::TeamId),
            )
            .foreign_key(&mut fk(
                "fk_member_team_member",
                (MemberTeam::Table, MemberTeam::MemberId),
                (Member::Table, Member::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_member_team_team",
                (MemberTeam::Table, MemberTeam::TeamId),
                (Team::Table, Team::Id),
                ForeignKeyAction::Cascade,
            ))
            .to_owned(),
        indexes: vec![index(
            "idx_member_team_team",
            MemberTeam::Table,
            &["team_id"],
        )],
    }
}

fn invite() -> Step {
    Step {
        table: Table::create()
            .table(Invite::Table)
            .col(pk_uuid(Invite::Id))
            .col(uuid(Invite::OrgId))
            .col(string(Invite::Email))
            .col(string(Invite::Code).unique_key())
            // pending, accepted, declined or expired.
            .col(string(Invite::Status))
            .col(uuid_null(Invite::InvitedBy))
            .col(timestamp_with_time_zone(Invite::ExpiresAt))
            .col(timestamp_with_time_zone(Invite::CreatedAt))
            .col(timestamp_with_time_zone_null(Invite::AcceptedAt))
            .foreign_key(&mut fk(
                "fk_invite_org",
                (Invite::Table, Invite::OrgId),
                (Organization::Table, Organization::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_invite_inviter",
                (Invite::Table, Invite::InvitedBy),
                (User::Table, User::Id),
                ForeignKeyAction::SetNull,
            ))
            .to_owned(),
        indexes: vec![
            index("idx_invite_org", Invite::Table, &["org_id"]),
            index("idx_invite_email", Invite::Table, &["email"]),
        ],
    }
}

fn blocked_user() -> Step {
    Step {
        table: Table::create()
            .table(BlockedUser::Table)
            .col(pk_uuid(BlockedUser::Id))
            .col(uuid(BlockedUser::OrgId))
            .col(uuid(BlockedUser::UserId))
            .col(uuid_null(BlockedUser::BlockedBy))
            .col(text(BlockedUser::Reason).default(""))
            .col(timestamp_with_time_zone(BlockedUser::CreatedAt))
            .foreign_key(&mut fk(
                "fk_blocked_user_org",
                (BlockedUser::Table, BlockedUser::OrgId),
                (Organization::Table, Organization::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_blocked_user_user",
                (BlockedUser::Table, BlockedUser::UserId),
                (User::Table, User::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_blocked_user_blocker",
                (BlockedUser::Table, BlockedUser::BlockedBy),
                (User::Table, User::Id),
                ForeignKeyAction::SetNull,
            ))
            .to_owned(),
        indexes: vec![unique(
            "ux_blocked_user_org_user",
            BlockedUser::Table,
            &["org_id", "user_id"],
        )],
    }
}

fn api_key() -> Step {
    Step {
        table: Table::create()
            .table(ApiKey::Table)
            .col(pk_uuid(ApiKey::Id))
            .col(uuid(ApiKey::UserId))
            .col(string(ApiKey::Name))
            .col(string(ApiKey::Prefix))
            .col(string(ApiKey::KeyHash).unique_key())
            .col(timestamp_with_time_zone(ApiKey::CreatedAt))
            .col(timestamp_with_time_zone_null(ApiKey::LastUsedAt))
            .foreign_key(&mut fk(
                "fk_api_key_user",
                (ApiKey::Table, ApiKey::UserId),
                (User::Table, User::Id),
                ForeignKeyAction::Cascade,
            ))
            .to_owned(),
        indexes: vec![index("idx_api_key_user", ApiKey::Table, &["user_id"])],
    }
}

fn account() -> Step {
    Step {
        table: Table::create()
            .table(Account::Table)
            .col(pk_uuid(Account::Id))
            .col(uuid(Account::UserId))
            .col(string(Account::Provider))
            .col(string(Account::ProviderAccountId))
            .col(string_null(Account::Email))
            .col(timestamp_with_time_zone(Account::CreatedAt))
            .foreign_key(&mut fk(
                "fk_account_user",
                (Account::Table, Account::UserId),
                (User::Table, User::Id),
                ForeignKeyAction::Cascade,
            ))
            .to_owned(),
        indexes: vec![
            unique(
                "ux_account_provider_account",
                Account::Table,
                &["provider", "provider_account_id"],
            ),
            index("idx_account_user", Account::Table, &["user_id"]),
        ],
    }
}

fn label() -> Step {
    Step {
        table: Table::create()
            .table(Label::Table)
            .col(pk_uuid(Label::Id))
            .col(uuid(Label::OrgId))
            .col(string(Label::Name))
            .col(string(Label::Color))
            // public or private.
            .col(string(Label::Visibility))
            .col(timestamp_with_time_zone(Label::CreatedAt))
            .col(timestamp_with_time_zone(Label::UpdatedAt))
            .foreign_key(&mut fk(
                "fk_label_org",
                (Label::Table, Label::OrgId),
                (Organization::Table, Organization::Id),
                ForeignKeyAction::Cascade,
            ))
            .to_owned(),
        indexes: vec![unique(
            "ux_label_org_name",
            Label::Table,
            &["org_id", "name"],
        )],
    }
}

fn category() -> Step {
    Step {
        table: Table::create()
            .table(Category::Table)
            .col(pk_uuid(Category::Id))
            .col(uuid(Category::OrgId))
            .col(string(Category::Name))
            .col(string(Category::Color))
            .col(string_null(Category::Icon))
            .col(timestamp_with_time_zone(Category::CreatedAt))
            .col(timestamp_with_time_zone(Category::UpdatedAt))
            .foreign_key(&mut fk(
                "fk_category_org",
                (Category::Table, Category::OrgId),
                (Organization::Table, Organization::Id),
                ForeignKeyAction::Cascade,
            ))
            .to_owned(),
        indexes: vec![unique(
            "ux_category_org_name",
            Category::Table,
            &["org_id", "name"],
        )],
    }
}

fn task() -> Step {
    Step {
        table: Table::create()
            .table(Task::Table)
            .col(pk_uuid(Task::Id))
            .col(uuid(Task::OrgId))
            .col(big_integer(Task::Number))
            .col(string(Task::Title))
            .col(text(Task::Description).default(""))
            .col(text(Task::DescriptionHtml).default(""))
            .col(string(Task::Status))
            .col(string(Task::Priority))
            .col(string(Task::Visibility))
            .col(uuid_null(Task::CategoryId))
            .col(uuid_null(Task::ParentId))
            .col(big_integer(Task::VoteCount).default(0))
            .col(big_integer(Task::CommentCount).default(0))
            .col(uuid_null(Task::CreatedBy))
            .col(timestamp_with_time_zone(Task::CreatedAt))
            .col(timestamp_with_time_zone(Task::UpdatedAt))
            .col(big_integer(Task::Version).default(1))
            .foreign_key(&mut fk(
                "fk_task_org",
                (Task::Table, Task::OrgId),
                (Organization::Table, Organization::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_task_category",
                (Task::Table, Task::CategoryId),
                (Category::Table, Category::Id),
                ForeignKeyAction::SetNull,
            ))
            .foreign_key(&mut fk(
                "fk_task_parent",
                (Task::Table, Task::ParentId),
                (Task::Table, Task::Id),
                ForeignKeyAction::SetNull,
            ))
            .foreign_key(&mut fk(
                "fk_task_creator",
                (Task::Table, Task::CreatedBy),
                (User::Table, User::Id),
                ForeignKeyAction::SetNull,
            ))
            .to_owned(),
        indexes: vec![
            unique("ux_task_org_number", Task::Table, &["org_id", "number"]),
            index("idx_task_org_status", Task::Table, &["org_id", "status"]),
            index(
                "idx_task_org_updated",
                Task::Table,
                &["org_id", "updated_at"],
            ),
            index("idx_task_parent", Task::Table, &["parent_id"]),
            // The list's filters and sorts.
            index(
                "idx_task_org_priority",
                Task::Table,
                &["org_id", "priority"],
            ),
            index(
                "idx_task_org_category",
                Task::Table,
                &["org_id", "category_id"],
            ),
            index(
                "idx_task_org_created",
                Task::Table,
                &["org_id", "created_at"],
            ),
            index("idx_task_org_votes", Task::Table, &["org_id", "vote_count"]),
        ],
    }
}

fn task_label() -> Step {
    Step {
        table: Table::create()
            .table(TaskLabel::Table)
            .col(uuid(TaskLabel::TaskId))
            .col(uuid(TaskLabel::LabelId))
            .primary_key(
                Index::create()
                    .col(TaskLabel::TaskId)
                    .col(TaskLabel::LabelId),
            )
            .foreign_key(&mut fk(
                "fk_task_label_task",
                (TaskLabel::Table, TaskLabel::TaskId),
                (Task::Table, Task::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_task_label_label",
                (TaskLabel::Table, TaskLabel::LabelId),
                (Label::Table, Label::Id),
                ForeignKeyAction::Cascade,
            ))
            .to_owned(),
        indexes: vec![index(
            "idx_task_label_label",
            TaskLabel::Table,
            &["label_id"],
        )],
    }
}

fn task_assignee() -> Step {
    Step {
        table: Table::create()
            .table(TaskAssignee::Table)
            .col(uuid(TaskAssignee::TaskId))
            .col(uuid(TaskAssignee::UserId))
            .primary_key(
                Index::create()
                    .col(TaskAssignee::TaskId)
                    .col(TaskAssignee::UserId),
            )
            .foreign_key(&mut fk(
                "fk_task_assignee_task",
                (TaskAssignee::Table, TaskAssignee::TaskId),
                (Task::Table, Task::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_task_assignee_user",
                (TaskAssignee::Table, TaskAssignee::UserId),
                (User::Table, User::Id),
                ForeignKeyAction::Cascade,
            ))
            .to_owned(),
        indexes: vec![index(
            "idx_task_assignee_user",
            TaskAssignee::Table,
            &["user_id"],
        )],
    }
}

fn task_comment() -> Step {
    Step {
        table: Table::create()
            .table(TaskComment::Table)
            .col(pk_uuid(TaskComment::Id))
            .col(uuid(TaskComment::OrgId))
            .col(uuid(TaskComment::TaskId))
            // Replies go one level deep; the domain keeps it so.
            .col(uuid_null(TaskComment::ParentId))
            .col(uuid_null(TaskComment::AuthorId))
            .col(text(TaskComment::Body))
            .col(text(TaskComment::BodyHtml))
            // public or internal.
            .col(string(TaskComment::Visibility))
            // sayr or github.
            .col(string(TaskComment::Source).default("sayr"))
            .col(timestamp_with_time_zone(TaskComment::CreatedAt))
            .col(timestamp_with_time_zone(TaskComment::UpdatedAt))
            .col(timestamp_with_time_zone_null(TaskComment::EditedAt))
            .foreign_key(&mut fk(
                "fk_task_comment_org",
                (TaskComment::Table, TaskComment::OrgId),
                (Organization::Table, Organization::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_task_comment_task",
                (TaskComment::Table, TaskComment::TaskId),
                (Task::Table, Task::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_task_comment_parent",
                (TaskComment::Table, TaskComment::ParentId),
                (TaskComment::Table, TaskComment::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_task_comment_author",
                (TaskComment::Table, TaskComment::AuthorId),
                (User::Table, User::Id),
                ForeignKeyAction::SetNull,
            ))
            .to_owned(),
        indexes: vec![
            index(
                "idx_task_comment_task_created",
                TaskComment::Table,
                &["task_id", "created_at"],
            ),
            index(
                "idx_task_comment_parent",
                TaskComment::Table,
                &["parent_id"],
            ),
        ],
    }
}

fn task_comment_edit() -> Step {
    Step {
        table: Table::create()
            .table(TaskCommentEdit::Table)
            .col(pk_uuid(TaskCommentEdit::Id))
            .col(uuid(TaskCommentEdit::CommentId))
            // The body as it was before this edit.
            .col(text(TaskCommentEdit::Body))
            .col(uuid_null(TaskCommentEdit::EditedBy))
            .col(timestamp_with_time_zone(TaskCommentEdit::CreatedAt))
            .foreign_key(&mut fk(
                "fk_task_comment_edit_comment",
                (TaskCommentEdit::Table, TaskCommentEdit::CommentId),
                (TaskComment::Table, TaskComment::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_task_comment_edit_editor",
                (TaskCommentEdit::Table, TaskCommentEdit::EditedBy),
                (User::Table, User::Id),
                ForeignKeyAction::SetNull,
            ))
            .to_owned(),
        indexes: vec![index(
            "idx_task_comment_edit_comment",
            TaskCommentEdit::Table,
            &["comment_id"],
        )],
    }
}

fn task_comment_reaction() -> Step {
    Step {
        table: Table::create()
            .table(TaskCommentReaction::Table)
            .col(uuid(TaskCommentReaction::CommentId))
            .col(uuid(TaskCommentReaction::UserId))
            .col(string(TaskCommentReaction::Emoji))
            .col(timestamp_with_time_zone(TaskCommentReaction::CreatedAt))
            .primary_key(
                Index::create()
                    .col(TaskCommentReaction::CommentId)
                    .col(TaskCommentReaction::UserId)
                    .col(TaskCommentReaction::Emoji),
            )
            .foreign_key(&mut fk(
                "fk_task_comment_reaction_comment",
                (TaskCommentReaction::Table, TaskCommentReaction::CommentId),
                (TaskComment::Table, TaskComment::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_task_comment_reaction_user",
                (TaskCommentReaction::Table, TaskCommentReaction::UserId),
                (User::Table, User::Id),
                ForeignKeyAction::Cascade,
            ))
            .to_owned(),
        indexes: vec![],
    }
}

fn task_timeline() -> Step {
    Step {
        table: Table::create()
            .table(TaskTimeline::Table)
            .col(pk_uuid(TaskTimeline::Id))
            .col(uuid(TaskTimeline::OrgId))
            .col(uuid(TaskTimeline::TaskId))
            .col(uuid_null(TaskTimeline::ActorId))
            .col(string(TaskTimeline::EventType))
            .col(text_null(TaskTimeline::FromValue))
            .col(text_null(TaskTimeline::ToValue))
            .col(uuid_null(TaskTimeline::CommentId))
            // public or internal.
            .col(string(TaskTimeline::Visibility))
            .col(timestamp_with_time_zone(TaskTimeline::CreatedAt))
            .foreign_key(&mut fk(
                "fk_task_timeline_org",
                (TaskTimeline::Table, TaskTimeline::OrgId),
                (Organization::Table, Organization::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_task_timeline_task",
                (TaskTimeline::Table, TaskTimeline::TaskId),
                (Task::Table, Task::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_task_timeline_actor",
                (TaskTimeline::Table, TaskTimeline::ActorId),
                (User::Table, User::Id),
                ForeignKeyAction::SetNull,
            ))
            .foreign_key(&mut fk(
                "fk_task_timeline_comment",
                (TaskTimeline::Table, TaskTimeline::CommentId),
                (TaskComment::Table, TaskComment::Id),
                ForeignKeyAction::Cascade,
            ))
            .to_owned(),
        indexes: vec![index(
            "idx_task_timeline_task_created",
            TaskTimeline::Table,
            &["task_id", "created_at"],
        )],
    }
}

fn task_relation() -> Step {
    Step {
        table: Table::create()
            .table(TaskRelation::Table)
            .col(pk_uuid(TaskRelation::Id))
            .col(uuid(TaskRelation::OrgId))
            .col(uuid(TaskRelation::SourceTaskId))
            .col(uuid(TaskRelation::TargetTaskId))
            // related, blocking or duplicate.
            .col(string(TaskRelation::Kind))
            .col(uuid_null(TaskRelation::CreatedBy))
            .col(timestamp_with_time_zone(TaskRelation::CreatedAt))
            .foreign_key(&mut fk(
                "fk_task_relation_org",
                (TaskRelation::Table, TaskRelation::OrgId),
                (Organization::Table, Organization::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_task_relation_source",
                (TaskRelation::Table, TaskRelation::SourceTaskId),
                (Task::Table, Task::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_task_relation_target",
                (TaskRelation::Table, TaskRelation::TargetTaskId),
                (Task::Table, Task::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_task_relation_creator",
                (TaskRelation::Table, TaskRelation::CreatedBy),
                (User::Table, User::Id),
                ForeignKeyAction::SetNull,
            ))
            .to_owned(),
        indexes: vec![
            unique(
                "ux_task_relation_source_target_kind",
                TaskRelation::Table,
                &["source_task_id", "target_task_id", "kind"],
            ),
            index(
                "idx_task_relation_target",
                TaskRelation::Table,
                &["target_task_id"],
            ),
        ],
    }
}

fn task_vote() -> Step {
    Step {
        table: Table::create()
            .table(TaskVote::Table)
            .col(pk_uuid(TaskVote::Id))
            .col(uuid(TaskVote::TaskId))
            // A signed-in voter, or none for an anonymous one known by `fingerprint`.
            .col(uuid_null(TaskVote::UserId))
            .col(string_null(TaskVote::Fingerprint))
            .col(timestamp_with_time_zone(TaskVote::CreatedAt))
            .foreign_key(&mut fk(
                "fk_task_vote_task",
                (TaskVote::Table, TaskVote::TaskId),
                (Task::Table, Task::Id),
                ForeignKeyAction::Cascade,
            ))
            .foreign_key(&mut fk(
                "fk_task_vote_user",
                (TaskVote::Table, TaskVote::UserId),
                (User::Table, User::Id),
                ForeignKeyAction::Cascade,
            ))
            .to_owned(),
        // NULLs are distinct in a unique index on both engines, so each index binds only
        // the votes that have its second column.
        indexes: vec![
            unique(
                "ux_task_vote_task_user",
                TaskVote::Table,
                &["task_id", "user_id"],
            ),
            unique(
                "ux_task_vote_task_fingerprint",
                TaskVote::Table,
                &["task_id", "fingerprint"],
            ),
        ],
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for step in steps() {
            manager.create_table(step.table).await?;
            for index in step.indexes {
                manager.create_index(index).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for step in steps().into_iter().rev() {
            let name = step
                .table
                .get_table_name()
                .expect("every step names its table")
                .clone();
            manager
                .drop_table(Table::drop().table(name).to_owned())
                .await?;
        }
        Ok(())
    }
}
