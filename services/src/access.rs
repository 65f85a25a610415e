//! The floor every service stands on: what an actor is to one org (member or not, which
//! permissions), and the rule of who sees which task and comment, written once. Services
//! load an [`OrgAccess`] first and then ask it; nothing here imports another service.

use super::{Actor, DomainError, Result, Services, convert};
use domain::dto::{CommentVisibility, Org, Visibility};
use domain::permissions::PermissionSet;
use domain::realtime::Channel;
use domain::{OrgId, UserId};
use entity::{member, member_team, organization, passkey, task, task_comment, team, user_totp};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// What an actor is to one org. Built once per call, then asked.
#[derive(Clone, Debug)]
pub struct OrgAccess {
    pub org: organization::Model,
    /// Sees everything a member sees (members, the creator, site admins, the system).
    pub member: bool,
    pub permissions: PermissionSet,
    /// A member seen as a visitor because the org requires a second factor they have not
    /// turned on: what only members may do answers `TwoFactorRequired`.
    pub needs_second_factor: bool,
}

impl OrgAccess {
    pub fn id(&self) -> OrgId {
        self.org.id.into()
    }

    /// May look at the org at all: members always, others when the public page is on.
    pub fn can_view(&self) -> bool {
        self.member || self.org.public_page
    }

    /// The org as this actor may see it, without its images (`org::with_images` adds them).
    pub fn dto(&self) -> Org {
        let org = convert::org(&self.org);
        if self.member { org } else { org.public_view() }
    }

    /// The same org seen from outside: not a member, no permissions (the public portal
    /// shows members what visitors see).
    pub fn public_lens(&self) -> OrgAccess {
        OrgAccess {
            org: self.org.clone(),
            member: false,
            permissions: PermissionSet::default(),
            needs_second_factor: false,
        }
    }

    /// Who sees a task: members every task of the org, everyone else its public ones.
    pub fn sees_task(&self, task: &task::Model) -> bool {
        self.member || task.visibility == Visibility::Public
    }

    /// Who sees a comment: members every one, everyone else the public comments of the
    /// public tasks.
    pub fn sees_comment(&self, task: &task::Model, comment: &task_comment::Model) -> bool {
        self.sees_task(task) && (self.member || comment.visibility == CommentVisibility::Public)
    }

    /// [`sees_task`](Self::sees_task) as a query scope over `task`.
    pub(crate) fn task_scope<Q: QueryFilter>(&self, query: Q) -> Q {
        if self.member {
            query
        } else {
            query.filter(task::Column::Visibility.eq(Visibility::Public))
        }
    }

    /// The comment half of [`sees_comment`](Self::sees_comment) as a query scope over
    /// `task_comment` (the task's own visibility is the caller's to check).
    pub(crate) fn comment_scope<Q: QueryFilter>(&self, query: Q) -> Q {
        if self.member {
            query
        } else {
            query.filter(task_comment::Column::Visibility.eq(CommentVisibility::Public))
        }
    }
}

/// Works out what `actor` is to `org`.
pub(crate) async fn resolve(
    db: &impl ConnectionTrait,
    actor: &Actor,
    org: organization::Model,
) -> Result<OrgAccess> {
    let (member, permissions) = match actor {
        Actor::System => (true, PermissionSet::all()),
        Actor::Anonymous { .. } => (false, PermissionSet::default()),
        Actor::User(u) if u.site_admin => (true, PermissionSet::all()),
        Actor::User(u) if org.created_by == Some(u.id.0) => (true, PermissionSet::all()),
        Actor::User(u) => match membership(db, org.id, u.id).await? {
            Some(m) => (true, member_permissions(db, m.id, None).await?),
            None => (false, PermissionSet::default()),
        },
    };
    // Site admins keep their way in: they answer for the instance, not to the org.
    let held_back = match actor {
        Actor::User(u) if member && !u.site_admin && org.members_must_use_two_factor => {
            !has_second_factor(db, u.id).await?
        }
        _ => false,
    };
    if held_back {
        return Ok(OrgAccess {
            org,
            member: false,
            permissions: PermissionSet::default(),
            needs_second_factor: true,
        });
    }
    Ok(OrgAccess {
        org,
        member,
        permissions,
        needs_second_factor: false,
    })
}

/// What the membership `member_id` may do: the union over its teams (the members'
/// defaults when in none), leaving out team `except` (one it is about to leave).
pub(crate) async fn member_permissions(
    db: &impl ConnectionTrait,
    member_id: Uuid,
    except: Option<Uuid>,
) -> Result<PermissionSet> {
    let teams = team::Entity::find()
        .inner_join(member_team::Entity)
        .filter(member_team::Column::MemberId.eq(member_id))
        .all(db)
        .await?;
    Ok(PermissionSet::effective(
        teams
            .iter()
            .filter(|t| Some(t.id) != except)
            .map(|t| stored_permissions(&t.permissions)),
    ))
}

/// Whether the user has a second factor: a confirmed TOTP secret or a passkey (a key on
/// a device, unlocked by the person: something they have, verified).
pub(crate) async fn has_second_factor(db: &impl ConnectionTrait, user: UserId) -> Result<bool> {
    Ok(has_totp(db, user).await? || has_passkey(db, user).await?)
}

/// Whether the user has turned TOTP on (a confirmed secret).
pub(crate) async fn has_totp(db: &impl ConnectionTrait, user: UserId) -> Result<bool> {
    Ok(user_totp::Entity::find_by_id(user.0)
        .filter(user_totp::Column::EnabledAt.is_not_null())
        .one(db)
        .await?
        .is_some())
}

/// Whether the user has registered a passkey.
pub(crate) async fn has_passkey(db: &impl ConnectionTrait, user: UserId) -> Result<bool> {
    Ok(passkey::Entity::find()
        .filter(passkey::Column::UserId.eq(user.0))
        .one(db)
        .await?
        .is_some())
}

/// The row of task `number` if the actor may see it.
pub(crate) async fn find_visible(
    db: &impl ConnectionTrait,
    access: &OrgAccess,
    number: i64,
) -> Result<task::Model> {
    let row = task::Entity::find()
        .filter(task::Column::OrgId.eq(access.org.id))
        .filter(task::Column::Number.eq(number))
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)?;
    if !access.sees_task(&row) {
        return Err(DomainError::NotFound);
    }
    Ok(row)
}

/// The membership row of `user` in `org`, if any.
pub(crate) async fn membership(
    db: &impl ConnectionTrait,
    org: Uuid,
    user: UserId,
) -> Result<Option<member::Model>> {
    Ok(member::Entity::find()
        .filter(member::Column::OrgId.eq(org))
        .filter(member::Column::UserId.eq(user.0))
        .one(db)
        .await?)
}

/// Like [`load`], for what only members may do: outsiders who can see the org get
/// Unauthenticated or Forbidden, the rest NotFound.
pub async fn load_member(svc: &Services, actor: &Actor, slug: &str) -> Result<OrgAccess> {
    let access = load(svc, actor, slug).await?;
    match actor {
        _ if access.member => Ok(access),
        _ if access.needs_second_factor => Err(DomainError::TwoFactorRequired),
        Actor::Anonymous { .. } => Err(DomainError::Unauthenticated),
        _ => Err(DomainError::forbidden("members only")),
    }
}

/// The org behind `slug` as `actor` sees it; NotFound when it does not exist or the actor
/// may not see it (existence is not revealed).
pub async fn load(svc: &Services, actor: &Actor, slug: &str) -> Result<OrgAccess> {
    let row = organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let access = resolve(&svc.db, actor, row).await?;
    if access.can_view() {
        Ok(access)
    } else if access.needs_second_factor {
        Err(DomainError::TwoFactorRequired)
    } else {
        Err(DomainError::NotFound)
    }
}

/// May `actor` join the realtime room `channel` of the org `org_id`? An unknown or
/// malformed id is refused like a forbidden room.
pub async fn authorize_channel(
    svc: &Services,
    actor: &Actor,
    org_id: &str,
    channel: Channel,
) -> Result<OrgId> {
    let forbidden = || DomainError::forbidden("you may not join this room");
    let id: Uuid = org_id.parse().map_err(|_| forbidden())?;
    let row = organization::Entity::find_by_id(id)
        .one(&svc.db)
        .await?
        .ok_or_else(forbidden)?;
    let access = resolve(&svc.db, actor, row).await?;
    let allowed = match channel {
        Channel::Public => access.org.public_page,
        Channel::Tasks => access.member,
        Channel::Admin => actor.is_superuser() || (access.member && access.permissions.any_admin()),
    };
    if allowed {
        Ok(access.id())
    } else {
        Err(forbidden())
    }
}

/// Reads a stored permission set; a broken one grants nothing.
pub(crate) fn stored_permissions(json: &str) -> PermissionSet {
    serde_json::from_str(json).unwrap_or_else(|e| {
        tracing::error!(error = %e, "unreadable team permissions; treating as none");
        PermissionSet::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{self, on_each_database, person};
    use crate::{comment, org, task};
    use domain::dto::{NewComment, NewTask, OrgPatch, OrgSettings};

    /// An org `acme` with its public page on, a public and a private task, and on the public
    /// one a public and an internal comment; returns the org's creator.
    async fn acme(svc: &Services) -> Actor {
        let settings = OrgSettings {
            public_page: true,
            ..Default::default()
        };
        let owner = testing::acme(svc, settings).await;
        for (title, visibility) in [
            ("Public", Visibility::Public),
            ("Private", Visibility::Private),
        ] {
            let input = NewTask {
                title: title.into(),
                visibility: Some(visibility),
                ..Default::default()
            };
            task::create(svc, &owner, "acme", input, None)
                .await
                .unwrap();
        }
        for (body, visibility) in [
            ("shown", CommentVisibility::Public),
            ("internal", CommentVisibility::Internal),
        ] {
            let input = NewComment {
                body: body.into(),
                visibility: Some(visibility),
                parent_id: None,
            };
            comment::create(svc, &owner, "acme", 1, input, None)
                .await
                .unwrap();
        }
        owner
    }

    on_each_database!(
        outsiders_see_public_tasks_and_their_public_comments_only,
        |svc| {
            let owner = acme(&svc).await;
            let outsider = person(&svc, "visitor@example.test").await;
            for (who, sees_all) in [
                (&owner, true),
                (&outsider, false),
                (&Actor::anonymous(), false),
            ] {
                let list = task::list(&svc, who, "acme", Default::default())
                    .await
                    .unwrap();
                let mut titles: Vec<_> = list.tasks.iter().map(|t| t.title.as_str()).collect();
                titles.sort();
                let want = if sees_all {
                    vec!["Private", "Public"]
                } else {
                    vec!["Public"]
                };
                assert_eq!(titles, want, "{who:?}");
                let private = task::get(&svc, who, "acme", 2).await;
                assert_eq!(
                    private.is_ok(),
                    sees_all,
                    "{who:?} reading the private task"
                );
                if !sees_all {
                    assert!(
                        matches!(private, Err(DomainError::NotFound)),
                        "its existence is hidden"
                    );
                }
                let comments = comment::list(&svc, who, "acme", 1).await.unwrap();
                let bodies: Vec<_> = comments.iter().map(|c| c.body.as_str()).collect();
                let want = if sees_all {
                    vec!["shown", "internal"]
                } else {
                    vec!["shown"]
                };
                assert_eq!(bodies, want, "{who:?}");
            }
        }
    );

    on_each_database!(
        an_org_without_a_public_page_does_not_exist_for_outsiders,
        |svc| {
            let owner = acme(&svc).await;
            let patch = OrgPatch {
                settings: Some(OrgSettings::default()),
                ..Default::default()
            };
            org::update(&svc, &owner, "acme", patch).await.unwrap();
            let outsider = person(&svc, "visitor@example.test").await;
            assert!(matches!(
                load(&svc, &outsider, "acme").await,
                Err(DomainError::NotFound)
            ));
            assert!(matches!(
                task::get(&svc, &Actor::anonymous(), "acme", 1).await,
                Err(DomainError::NotFound)
            ));
            let access = load(&svc, &owner, "acme").await.unwrap();
            assert!(access.member && access.permissions == PermissionSet::all());
        }
    );
}
