//! The permission model: grouped booleans held by teams; a member's permissions are the
//! union over their teams ("most permissive wins"), and `administrator` implies all.

use serde::{Deserialize, Serialize};

macro_rules! group {
    ($(#[$doc:meta])* $name:ident { $($field:ident: $what:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase", default)]
        #[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
        pub struct $name { $(pub $field: bool),+ }

        impl $name {
            /// Each permission's field name and what it allows (the guide's table).
            pub const DESCRIBED: &'static [(&'static str, &'static str)] =
                &[$((stringify!($field), $what)),+];

            fn union(self, other: Self) -> Self {
                Self { $($field: self.$field || other.$field),+ }
            }
            /// Whether every permission held here is held in `other` too.
            pub fn within(self, other: Self) -> bool {
                true $(&& (!self.$field || other.$field))+
            }
            fn all() -> Self {
                Self { $($field: true),+ }
            }
        }
    };
}

group!(/// Running the org.
AdminPermissions {
    administrator: "Everything below, in every group, whatever else the teams hold.",
    manage_members: "Invite people and remove members; block and unblock people on the public side.",
    manage_teams: "Create, change and delete teams and their members; nobody grants a permission they lack.",
    manage_settings: "The org's settings: name, public page, images, task templates, GitHub; delete anyone's upload.",
});
group!(/// Labels, categories, views, releases.
ContentPermissions {
    manage_labels: "Create, change and delete labels.",
    manage_categories: "Create, change and delete categories.",
    manage_views: "Share saved views with the whole org, and change or delete shared ones.",
    manage_releases: "Create, change, publish and delete releases.",
});
group!(/// Working on tasks.
TaskPermissions {
    create: "Create tasks (on the board, through the API, and from the public page as a member).",
    edit_any: "Edit any task and its relations; without it, only tasks one created or is assigned to.",
    delete_any: "Delete any task; without it, only tasks one created.",
    assign: "Change who a task is assigned to.",
    change_status: "Move tasks from one status to another.",
    change_priority: "Change a task's priority and its place in a column.",
});
group!(/// Keeping the public side civil.
ModerationPermissions {
    manage_comments: "Edit and delete anyone's comments; block and unblock people on the public side.",
    approve_submissions: "Reserved for reviewing visitors' submissions: no action checks it yet.",
    manage_votes: "Reserved for managing votes: no action checks it yet.",
});

/// A full set of permissions, as a team holds it and as the API reports it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PermissionSet {
    pub admin: AdminPermissions,
    pub content: ContentPermissions,
    pub tasks: TaskPermissions,
    pub moderation: ModerationPermissions,
}

impl PermissionSet {
    /// The groups as the API names them, with their permissions described.
    pub const DESCRIBED: &'static [(&'static str, &'static [(&'static str, &'static str)])] = &[
        ("admin", AdminPermissions::DESCRIBED),
        ("content", ContentPermissions::DESCRIBED),
        ("tasks", TaskPermissions::DESCRIBED),
        ("moderation", ModerationPermissions::DESCRIBED),
    ];

    /// Everything: administrators, org creators and site admins.
    pub fn all() -> Self {
        Self {
            admin: AdminPermissions::all(),
            content: ContentPermissions::all(),
            tasks: TaskPermissions::all(),
            moderation: ModerationPermissions::all(),
        }
    }

    /// What a member in no team may do.
    pub fn member_defaults() -> Self {
        Self {
            tasks: TaskPermissions {
                create: true,
                change_status: true,
                change_priority: true,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    /// May moderate the org's public side: block and unblock people, act on their comments
    /// (`admin.manageMembers` or `moderation.manageComments`).
    pub fn may_moderate(&self) -> bool {
        self.admin.manage_members || self.moderation.manage_comments
    }

    /// The union of two sets; `administrator` anywhere makes the result everything.
    pub fn union(self, other: Self) -> Self {
        let merged = Self {
            admin: self.admin.union(other.admin),
            content: self.content.union(other.content),
            tasks: self.tasks.union(other.tasks),
            moderation: self.moderation.union(other.moderation),
        };
        if merged.admin.administrator {
            Self::all()
        } else {
            merged
        }
    }

    /// A member's effective permissions from the sets of their teams.
    pub fn effective<I: IntoIterator<Item = PermissionSet>>(team_sets: I) -> Self {
        let mut teams = team_sets.into_iter().peekable();
        if teams.peek().is_none() {
            return Self::member_defaults();
        }
        teams.fold(Self::default(), Self::union)
    }

    /// Whether everything in `self` is also in `other`: nobody may grant what they lack.
    pub fn is_within(&self, other: &PermissionSet) -> bool {
        self.admin.within(other.admin)
            && self.content.within(other.content)
            && self.tasks.within(other.tasks)
            && self.moderation.within(other.moderation)
    }

    /// Whether any admin permission is held (the `admin` realtime room).
    pub fn any_admin(&self) -> bool {
        let a = self.admin;
        a.administrator || a.manage_members || a.manage_teams || a.manage_settings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_in_no_team_gets_the_defaults() {
        let p = PermissionSet::effective([]);
        assert!(p.tasks.create && p.tasks.change_status && p.tasks.change_priority);
        assert!(!p.tasks.assign && !p.tasks.edit_any && !p.admin.manage_settings);
    }

    #[test]
    fn most_permissive_wins_across_teams() {
        let mut a = PermissionSet::default();
        a.tasks.assign = true;
        let mut b = PermissionSet::default();
        b.content.manage_labels = true;
        let p = PermissionSet::effective([a, b]);
        assert!(p.tasks.assign && p.content.manage_labels);
        assert!(
            !p.tasks.create,
            "a member in teams gets only what the teams hold"
        );
    }

    #[test]
    fn administrator_implies_everything() {
        let mut a = PermissionSet::default();
        a.admin.administrator = true;
        assert_eq!(PermissionSet::effective([a]), PermissionSet::all());
    }

    #[test]
    fn a_set_is_within_another_only_when_it_grants_nothing_more() {
        let defaults = PermissionSet::member_defaults();
        assert!(defaults.is_within(&PermissionSet::all()));
        assert!(PermissionSet::default().is_within(&defaults));
        let mut more = defaults;
        more.tasks.assign = true;
        assert!(!more.is_within(&defaults));
        assert!(defaults.is_within(&more));
    }

    #[test]
    fn member_managers_and_comment_moderators_may_moderate_others_may_not() {
        let mut managers = PermissionSet::default();
        managers.admin.manage_members = true;
        let mut moderators = PermissionSet::default();
        moderators.moderation.manage_comments = true;
        assert!(managers.may_moderate() && moderators.may_moderate());
        assert!(PermissionSet::all().may_moderate());
        let mut others = PermissionSet::member_defaults();
        others.moderation.manage_votes = true;
        others.admin.manage_settings = true;
        assert!(!others.may_moderate());
    }

    #[test]
    fn missing_keys_read_as_false() {
        let p: PermissionSet = serde_json::from_str(r#"{"tasks":{"create":true}}"#).unwrap();
        assert!(p.tasks.create && !p.tasks.assign && !p.admin.administrator);
        let json = serde_json::to_value(PermissionSet::all()).unwrap();
        assert_eq!(json["admin"]["manageSettings"], true);
    }
}
