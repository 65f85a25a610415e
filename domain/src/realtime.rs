//! The WebSocket protocol's messages (`docs/realtime.md`), shared by the hub, the
//! browser client and test clients.

use crate::dto::{
    Category, Comment, CommentVisibility, Label, Notification, Org, Progress, Release,
    ReleaseStatus, Task, View, Visibility,
};
use crate::{ApiKeyId, OrgId, SessionId, TaskId, UserId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The part of an org a socket listens to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// Anyone, when the org's public page is on: public items as public DTOs.
    Public,
    /// Members.
    Tasks,
    /// Members with an admin permission, and site admins.
    Admin,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Public => "public",
            Channel::Tasks => "tasks",
            Channel::Admin => "admin",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who a server message is addressed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Scope {
    Individual,
    Channel,
    Public,
}

/// The envelope's `meta`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    /// Milliseconds since the epoch when the server sent the message.
    pub ts: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<OrgId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// On PING: the last measured round trip, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_latency: Option<u64>,
}

/// Error codes of ERROR messages.
pub mod codes {
    pub const FORBIDDEN: &str = "forbidden";
    pub const ALREADY_SUBSCRIBED: &str = "already_subscribed";
    pub const WAITING_ROOM: &str = "waiting_room";
    pub const SLOW_DOWN: &str = "slow_down";
    pub const RATE_LIMITED: &str = "rate_limited";
    pub const BAD_MESSAGE: &str = "bad_message";
    /// The server could not decide (its database did not answer): try again later. Not in
    /// the contract, which names no code for it; better than a false `forbidden`.
    pub const UNAVAILABLE: &str = "unavailable";
}

/// Who joined or left a room.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Presence {
    pub ws_client_id: String,
    /// The user id, or "ANONYMOUS".
    pub client_id: String,
    pub org_id: OrgId,
    pub channel: Channel,
}

/// The typed body of a server message: its `type` and `data`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    content = "data",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
pub enum ServerEvent {
    ConnectionStatus {
        authenticated: bool,
        ws_client_id: String,
    },
    Subscribed {
        org_id: OrgId,
        channel: Channel,
    },
    UserSubscribed(Presence),
    UserUnsubscribed(Presence),
    WaitingRoom {
        message: String,
    },
    Ping {},
    Error {
        message: String,
        code: String,
    },
    Disconnected {
        reason: String,
    },
    CreateTask(Task),
    UpdateTask(Task),
    DeleteTask {
        id: TaskId,
        number: i64,
    },
    CreateLabel(Label),
    UpdateLabel(Label),
    DeleteLabel(Label),
    UpdateCategories(Vec<Category>),
    /// A comment was written, edited, reacted to, or (`deleted`) removed.
    UpdateTaskComments {
        task_id: TaskId,
        number: i64,
        comment: Comment,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        deleted: bool,
    },
    UpdateTaskVote {
        task_id: TaskId,
        number: i64,
        vote_count: i64,
    },
    UpdateOrg(Org),
    /// Membership changed; admin rooms only.
    MemberActions {
        action: MemberAction,
        user_id: UserId,
    },
    /// Something for this user's inbox (their private room only).
    Notification {
        notification: Box<Notification>,
        unread_count: i64,
    },
    /// Notifications were read or archived elsewhere (their private room only).
    NotificationsRead {
        unread_count: i64,
    },
    /// A saved view was saved, changed or deleted: shared ones (and one that stopped being
    /// shared) in members' rooms, personal ones in their owner's private room. A member
    /// who gets a view neither shared nor theirs drops it.
    CreateView(View),
    UpdateView(View),
    DeleteView(View),
    /// A release was made, changed or deleted (public rooms: released ones, their public
    /// view; one that stops being released is deleted there).
    CreateRelease(Release),
    UpdateRelease(Release),
    DeleteRelease(Release),
}

/// What happened to a member of an org, for its admins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MemberAction {
    /// Accepted an invitation.
    Joined,
    /// Left on their own.
    Left,
    /// Removed by an admin.
    Removed,
    /// Put into or taken out of a team.
    TeamChanged,
}

/// One text frame from the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerMessage {
    #[serde(flatten)]
    pub event: ServerEvent,
    pub scope: Scope,
    pub meta: Meta,
}

/// One text frame from a client. `orgId` stays a string: a malformed id is an unknown org,
/// which is answered like a forbidden one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
pub enum ClientMessage {
    Subscribe {
        org_id: String,
        channel: Channel,
    },
    Unsubscribe,
    Pong {
        #[serde(default)]
        ts: Option<i64>,
    },
}

/// Something that happened in an org, as the services publish it after commit. It carries
/// the full (internal) item; `for_channel` decides what each room may see of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainEvent {
    pub org_id: OrgId,
    /// The `x-ws-client-id` of the request that caused it: that socket is skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    pub kind: EventKind,
    /// The trace of the request that caused it (W3C `traceparent`), when traces are
    /// exported: each instance's dispatch continues it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traceparent: Option<String>,
}

/// The task an event is about, with what a room needs to know to filter it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRef {
    pub id: TaskId,
    pub number: i64,
    /// The task is public.
    pub public: bool,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "item", rename_all = "camelCase")]
pub enum EventKind {
    TaskCreated(Task),
    /// `was_public`: the task was public before this change (a task that turns private
    /// disappears from public rooms). `public_comments`: what public rooms see as its
    /// comment count (the task's own count includes internal comments).
    TaskUpdated {
        task: Task,
        was_public: bool,
        #[serde(default)]
        public_comments: i64,
    },
    TaskDeleted(Task),
    /// The org's name, description or settings changed.
    OrgUpdated(Org),
    LabelCreated(Label),
    LabelUpdated {
        before: Label,
        after: Label,
    },
    LabelDeleted(Label),
    /// The org's categories after a change.
    CategoriesChanged(Vec<Category>),
    /// A comment was written, edited, reacted to, turned public or internal, or
    /// (`deleted`) removed. `was_public`: the public saw it before this change (a comment
    /// turned internal leaves public rooms as deleted).
    CommentChanged {
        task: TaskRef,
        comment: Comment,
        #[serde(default)]
        deleted: bool,
        #[serde(default)]
        was_public: bool,
    },
    /// A task's vote count changed.
    VoteChanged {
        task: TaskRef,
        vote_count: i64,
    },
    /// Someone joined, left or was removed, or their teams changed.
    MemberChanged {
        action: MemberAction,
        user_id: UserId,
    },
    /// A shared view (or one that was shared) was saved, changed or deleted.
    ViewChanged {
        view: View,
        change: Change,
    },
    /// A release was created, changed or deleted; `was_public`: it was released before.
    ReleaseChanged {
        release: Release,
        was_public: bool,
        change: Change,
        /// Its progress counting public tasks only, for public rooms.
        #[serde(default)]
        public_progress: Progress,
    },
}

/// What happened to a view or release.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Change {
    Created,
    Updated,
    Deleted,
}

impl Change {
    /// The event that says it, for `item`.
    fn event<T>(
        self,
        item: T,
        created: fn(T) -> ServerEvent,
        updated: fn(T) -> ServerEvent,
        deleted: fn(T) -> ServerEvent,
    ) -> ServerEvent {
        match self {
            Change::Created => created(item),
            Change::Updated => updated(item),
            Change::Deleted => deleted(item),
        }
    }

    /// The event for `view`.
    pub fn view_event(self, view: View) -> ServerEvent {
        self.event(
            view,
            ServerEvent::CreateView,
            ServerEvent::UpdateView,
            ServerEvent::DeleteView,
        )
    }
}

impl DomainEvent {
    /// The message a room of `channel` gets for this event, or none when the room may not
    /// see it. The one place that decides visibility on the socket.
    pub fn for_channel(&self, channel: Channel) -> Option<(Scope, ServerEvent)> {
        let public = channel == Channel::Public;
        let scope = if public {
            Scope::Public
        } else {
            Scope::Channel
        };
        // Task events carry the members' comment count, which counts internal comments:
        // public rooms get the public count the event names.
        let task_view = |task: &Task, public_comments: i64| -> Option<Task> {
            match (public, task.visibility) {
                (false, _) => Some(task.clone()),
                (true, Visibility::Public) => Some(Task {
                    comment_count: public_comments,
                    ..task.public_view()
                }),
                (true, Visibility::Private) => None,
            }
        };
        let seen = |label: &Label| !public || label.visibility == Visibility::Public;
        let event = match &self.kind {
            // A new task has no comments yet.
            EventKind::TaskCreated(task) => ServerEvent::CreateTask(task_view(task, 0)?),
            EventKind::TaskUpdated {
                task,
                was_public,
                public_comments,
            } => match task_view(task, *public_comments) {
                Some(view) => ServerEvent::UpdateTask(view),
                None if public && *was_public => ServerEvent::DeleteTask {
                    id: task.id,
                    number: task.number,
                },
                None => return None,
            },
            EventKind::TaskDeleted(task) => {
                task_view(task, 0)?;
                ServerEvent::DeleteTask {
                    id: task.id,
                    number: task.number,
                }
            }
            EventKind::OrgUpdated(org) if public => ServerEvent::UpdateOrg(org.public_view()),
            EventKind::OrgUpdated(org) => ServerEvent::UpdateOrg(org.clone()),
            EventKind::LabelCreated(label) => {
                ServerEvent::CreateLabel(seen(label).then(|| label.clone())?)
            }
            EventKind::LabelUpdated { before, after } => match (seen(before), seen(after)) {
                (_, true) => ServerEvent::UpdateLabel(after.clone()),
                // Turned private: gone for the public, under the name they knew.
                (true, false) => ServerEvent::DeleteLabel(before.clone()),
                (false, false) => return None,
            },
            EventKind::LabelDeleted(label) => {
                ServerEvent::DeleteLabel(seen(label).then(|| label.clone())?)
            }
            EventKind::CategoriesChanged(categories) => {
                ServerEvent::UpdateCategories(categories.clone())
            }
            EventKind::CommentChanged {
                task,
                comment,
                deleted,
                was_public,
            } => {
                if public && !(task.public && comment.visibility == CommentVisibility::Public) {
                    if !*was_public {
                        return None;
                    }
                    // Turned internal: gone for the public, with nothing of what it says now.
                    return Some((
                        scope,
                        ServerEvent::UpdateTaskComments {
                            task_id: task.id,
                            number: task.number,
                            comment: Comment {
                                body: String::new(),
                                body_html: String::new(),
                                reactions: Vec::new(),
                                ..comment.clone()
                            },
                            deleted: true,
                        },
                    ));
                }
                ServerEvent::UpdateTaskComments {
                    task_id: task.id,
                    number: task.number,
                    // `reacted` is about whoever caused the event, not about the room.
                    comment: comment.without_reader(),
                    deleted: *deleted,
                }
            }
            EventKind::VoteChanged { task, vote_count } => {
                if public && !task.public {
                    return None;
                }
                ServerEvent::UpdateTaskVote {
                    task_id: task.id,
                    number: task.number,
                    vote_count: *vote_count,
                }
            }
            EventKind::MemberChanged { action, user_id } => {
                if channel != Channel::Admin {
                    return None;
                }
                ServerEvent::MemberActions {
                    action: *action,
                    user_id: *user_id,
                }
            }
            EventKind::ViewChanged { view, change } => {
                if channel != Channel::Tasks {
                    return None;
                }
                change.view_event(view.clone())
            }
            EventKind::ReleaseChanged {
                release,
                was_public,
                change,
                public_progress,
            } => {
                let (create, update, delete): (fn(Release) -> ServerEvent, _, _) = (
                    ServerEvent::CreateRelease,
                    ServerEvent::UpdateRelease,
                    ServerEvent::DeleteRelease,
                );
                if !public {
                    change.event(release.clone(), create, update, delete)
                } else {
                    let seen = Release {
                        progress: *public_progress,
                        ..release.public_view()
                    };
                    let is_public =
                        release.status == ReleaseStatus::Released && *change != Change::Deleted;
                    match (*was_public, is_public) {
                        (false, true) => create(seen),
                        (true, true) => update(seen),
                        (true, false) => delete(seen),
                        (false, false) => return None,
                    }
                }
            }
        };
        Some((scope, event))
    }
}

/// Someone lost access: sockets that relied on it leave private rooms at once, on every
/// instance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum AccessEvent {
    /// A session was revoked, ended or expired.
    SessionEnded { session: SessionId },
    /// An API key was deleted.
    ApiKeyDeleted { api_key: ApiKeyId },
    /// A member left or was removed from an org.
    MemberRemoved { org_id: OrgId, user: UserId },
    /// Who may see what in an org changed (team permissions or members, the public page):
    /// its sockets are authorized again for the rooms they are in.
    AccessChanged { org_id: OrgId },
}

/// A message for one user's sockets: their private room `user:<userId>`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserEvent {
    pub user: UserId,
    pub event: ServerEvent,
}

/// What travels on the bus.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "bus", content = "event", rename_all = "camelCase")]
pub enum BusMessage {
    Org(DomainEvent),
    Access(AccessEvent),
    User(UserEvent),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_messages_have_the_contract_envelope() {
        let msg = ServerMessage {
            event: ServerEvent::ConnectionStatus {
                authenticated: false,
                ws_client_id: "abc".into(),
            },
            scope: Scope::Individual,
            meta: Meta {
                ts: 5,
                ..Default::default()
            },
        };
        let json = serde_json::to_value(&msg).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "CONNECTION_STATUS", "scope": "INDIVIDUAL",
                "data": {"authenticated": false, "wsClientId": "abc"}, "meta": {"ts": 5}})
        );
        let back: ServerMessage = serde_json::from_value(json).unwrap();
        assert_eq!(back, msg);
        let ping = serde_json::to_value(ServerEvent::Ping {}).unwrap();
        assert_eq!(ping, serde_json::json!({"type": "PING", "data": {}}));
    }

    #[test]
    fn client_messages_parse_from_the_contract_shape() {
        let m: ClientMessage =
            serde_json::from_str(r#"{"type":"SUBSCRIBE","orgId":"x","channel":"tasks"}"#).unwrap();
        assert_eq!(
            m,
            ClientMessage::Subscribe {
                org_id: "x".into(),
                channel: Channel::Tasks
            }
        );
        let m: ClientMessage = serde_json::from_str(r#"{"type":"PONG"}"#).unwrap();
        assert_eq!(m, ClientMessage::Pong { ts: None });
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"HELLO"}"#).is_err());
        assert!(
            serde_json::from_str::<ClientMessage>(
                r#"{"type":"SUBSCRIBE","channel":"nope","orgId":"x"}"#
            )
            .is_err()
        );
    }

    fn task(visibility: crate::dto::Visibility) -> Task {
        Task {
            id: TaskId(uuid::Uuid::nil()),
            org_id: OrgId(uuid::Uuid::nil()),
            number: 7,
            key: "ABC-7".into(),
            title: "t".into(),
            description: String::new(),
            description_html: String::new(),
            status: Default::default(),
            priority: Default::default(),
            visibility,
            category: None,
            labels: vec![],
            assignees: vec![],
            parent_number: None,
            subtask_count: 0,
            vote_count: 0,
            comment_count: 0,
            created_by: Some(crate::UserId(uuid::Uuid::nil())),
            created_at: Default::default(),
            updated_at: Default::default(),
            version: 1,
            rank: String::new(),
            pull_requests: Vec::new(),
            release: None,
            release_public: false,
            parent_public: false,
        }
    }

    #[test]
    fn public_rooms_never_get_private_tasks() {
        use crate::dto::Visibility;
        let org_id = OrgId(uuid::Uuid::nil());
        let updated = |task| EventKind::TaskUpdated {
            task,
            was_public: false,
            public_comments: 0,
        };
        let kinds: [&dyn Fn(Task) -> EventKind; 3] =
            [&EventKind::TaskCreated, &updated, &EventKind::TaskDeleted];
        for kind in kinds {
            let private = DomainEvent {
                traceparent: None,
                org_id,
                origin: None,
                kind: kind(task(Visibility::Private)),
            };
            assert!(private.for_channel(Channel::Public).is_none());
            assert!(private.for_channel(Channel::Tasks).is_some());
        }
        let public = DomainEvent {
            traceparent: None,
            org_id,
            origin: None,
            kind: EventKind::TaskCreated(task(Visibility::Public)),
        };
        let (scope, event) = public.for_channel(Channel::Public).unwrap();
        assert_eq!(scope, Scope::Public);
        let ServerEvent::CreateTask(seen) = event else {
            panic!("wrong event")
        };
        assert_eq!(seen.created_by, None, "public DTOs carry no member ids");

        let hidden = DomainEvent {
            traceparent: None,
            org_id,
            origin: None,
            kind: EventKind::TaskUpdated {
                task: task(Visibility::Private),
                was_public: true,
                public_comments: 0,
            },
        };
        let (_, event) = hidden.for_channel(Channel::Public).unwrap();
        assert!(
            matches!(event, ServerEvent::DeleteTask { number: 7, .. }),
            "a task turned private leaves public rooms"
        );
    }

    #[test]
    fn public_rooms_never_learn_private_labels() {
        use crate::dto::Visibility;
        let label = |visibility| Label {
            id: crate::LabelId(uuid::Uuid::nil()),
            org_id: OrgId(uuid::Uuid::nil()),
            name: "secret-project".into(),
            color: "#000000".into(),
            visibility,
        };
        let org_id = OrgId(uuid::Uuid::nil());
        let ev = |kind| DomainEvent {
            traceparent: None,
            org_id,
            origin: None,
            kind,
        };
        assert!(
            ev(EventKind::LabelCreated(label(Visibility::Private)))
                .for_channel(Channel::Public)
                .is_none()
        );
        assert!(
            ev(EventKind::LabelDeleted(label(Visibility::Private)))
                .for_channel(Channel::Public)
                .is_none()
        );
        let hide = ev(EventKind::LabelUpdated {
            before: label(Visibility::Public),
            after: label(Visibility::Private),
        });
        assert!(matches!(
            hide.for_channel(Channel::Public).unwrap().1,
            ServerEvent::DeleteLabel(_)
        ));
        let renamed = ev(EventKind::LabelUpdated {
            before: label(Visibility::Private),
            after: label(Visibility::Private),
        });
        assert!(renamed.for_channel(Channel::Public).is_none());
        assert!(renamed.for_channel(Channel::Tasks).is_some());
    }

    fn comment(visibility: CommentVisibility) -> Comment {
        Comment {
            id: crate::CommentId(uuid::Uuid::nil()),
            task_number: 7,
            parent_id: None,
            author: None,
            team: true,
            body: "we will ship it friday".into(),
            body_html: String::new(),
            visibility,
            source: "sayr".into(),
            github_author: None,
            github_url: None,
            reactions: vec![crate::dto::Reaction {
                emoji: "👍".into(),
                count: 1,
                reacted: true,
            }],
            edited: false,
            created_at: Default::default(),
            updated_at: Default::default(),
        }
    }

    fn task_ref(public: bool) -> TaskRef {
        TaskRef {
            id: TaskId(uuid::Uuid::nil()),
            number: 7,
            public,
        }
    }

    fn event(kind: EventKind) -> DomainEvent {
        DomainEvent {
            traceparent: None,
            org_id: OrgId(uuid::Uuid::nil()),
            origin: None,
            kind,
        }
    }

    #[test]
    fn public_rooms_never_get_internal_comments_or_comments_on_private_tasks() {
        for deleted in [false, true] {
            for (public_task, visibility) in [
                (true, CommentVisibility::Internal),
                (false, CommentVisibility::Internal),
                (false, CommentVisibility::Public),
            ] {
                let ev = event(EventKind::CommentChanged {
                    task: task_ref(public_task),
                    comment: comment(visibility),
                    deleted,
                    was_public: false,
                });
                assert!(ev.for_channel(Channel::Public).is_none());
                assert!(ev.for_channel(Channel::Tasks).is_some());
                assert!(ev.for_channel(Channel::Admin).is_some());
            }
        }
        let ev = event(EventKind::CommentChanged {
            task: task_ref(true),
            comment: comment(CommentVisibility::Public),
            deleted: false,
            was_public: false,
        });
        let (scope, seen) = ev.for_channel(Channel::Public).unwrap();
        assert_eq!(scope, Scope::Public);
        let ServerEvent::UpdateTaskComments { comment, .. } = seen else {
            panic!("wrong event")
        };
        assert!(
            !comment.reactions[0].reacted,
            "`reacted` belongs to the reader, not to the room"
        );
    }

    #[test]
    fn a_comment_turned_internal_leaves_public_rooms_as_deleted_without_its_text() {
        let ev = event(EventKind::CommentChanged {
            task: task_ref(true),
            comment: comment(CommentVisibility::Internal),
            deleted: false,
            was_public: true,
        });
        let (scope, seen) = ev.for_channel(Channel::Public).unwrap();
        assert_eq!(scope, Scope::Public);
        let ServerEvent::UpdateTaskComments {
            comment, deleted, ..
        } = seen
        else {
            panic!("wrong event")
        };
        assert!(deleted, "visitors drop it");
        assert!(comment.body.is_empty() && comment.body_html.is_empty());
        // Members see it stay, now internal.
        let Some((
            _,
            ServerEvent::UpdateTaskComments {
                comment, deleted, ..
            },
        )) = ev.for_channel(Channel::Tasks)
        else {
            panic!("members get the change")
        };
        assert!(!deleted);
        assert_eq!(comment.body, "we will ship it friday");
    }

    #[test]
    fn public_rooms_never_get_votes_of_private_tasks() {
        let private = event(EventKind::VoteChanged {
            task: task_ref(false),
            vote_count: 3,
        });
        assert!(private.for_channel(Channel::Public).is_none());
        assert!(private.for_channel(Channel::Tasks).is_some());
        let public = event(EventKind::VoteChanged {
            task: task_ref(true),
            vote_count: 3,
        });
        let (_, seen) = public.for_channel(Channel::Public).unwrap();
        assert_eq!(
            serde_json::to_value(seen).unwrap(),
            serde_json::json!({"type": "UPDATE_TASK_VOTE",
                "data": {"taskId": uuid::Uuid::nil(), "number": 7, "voteCount": 3}})
        );
    }

    #[test]
    fn comment_events_have_the_contract_shape() {
        let ev = event(EventKind::CommentChanged {
            task: task_ref(true),
            comment: comment(CommentVisibility::Public),
            deleted: false,
            was_public: false,
        });
        let (_, seen) = ev.for_channel(Channel::Tasks).unwrap();
        let json = serde_json::to_value(&seen).unwrap();
        assert_eq!(json["type"], "UPDATE_TASK_COMMENTS");
        assert_eq!(json["data"]["taskId"], uuid::Uuid::nil().to_string());
        assert_eq!(json["data"]["number"], 7);
        assert_eq!(json["data"]["comment"]["taskNumber"], 7);
        assert!(json["data"].get("deleted").is_none());
        let back: ServerEvent = serde_json::from_value(json).unwrap();
        assert_eq!(back, seen);
        // Events cross instances as JSON (the Redis bus).
        let again: DomainEvent =
            serde_json::from_str(&serde_json::to_string(&ev).unwrap()).unwrap();
        assert_eq!(again, ev);
    }

    #[test]
    fn public_task_events_do_not_count_internal_comments() {
        let mut counted = task(Visibility::Public);
        counted.comment_count = 5;
        let ev = event(EventKind::TaskUpdated {
            task: counted,
            was_public: true,
            public_comments: 2,
        });
        let Some((_, ServerEvent::UpdateTask(seen))) = ev.for_channel(Channel::Public) else {
            panic!("a public task reaches the public room")
        };
        assert_eq!(seen.comment_count, 2, "the public count, not the members'");
        let Some((_, ServerEvent::UpdateTask(seen))) = ev.for_channel(Channel::Tasks) else {
            panic!()
        };
        assert_eq!(seen.comment_count, 5);
    }
}
