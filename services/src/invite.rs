//! Invitations: a member with `admin.manageMembers` invites an e-mail address; the account
//! with that address accepts with the code and becomes a member (in no team).

use super::access;
use super::{Actor, DomainError, Result, Services, convert};
use chrono::{Duration, Utc};
use domain::dto::{Invite, Org};
use domain::parse::Email;
use entity::{invite, member, organization, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

/// How long an invitation stays valid.
pub const LIFETIME: Duration = Duration::days(7);

fn dto(m: &invite::Model) -> Invite {
    Invite {
        id: m.id.into(),
        org_id: m.org_id.into(),
        code: m.code.clone(),
        email: m.email.clone(),
        status: m.status.clone(),
        expires_at: m.expires_at,
    }
}

fn new_code() -> String {
    let mut bytes = [0u8; 18];
    getrandom::getrandom(&mut bytes).expect("the OS random source is available");
    hex::encode(bytes)
}

/// Invites an e-mail address to the org.
#[tracing::instrument(name = "invite.create", skip(svc, actor, email))]
pub async fn create(svc: &Services, actor: &Actor, slug: &str, email: &str) -> Result<Invite> {
    let access = access::load_member(svc, actor, slug).await?;
    if !access.permissions.admin.manage_members {
        return Err(DomainError::forbidden(
            "you may not invite members to this organization",
        ));
    }
    let email = Email::parse(email)?;
    let now = Utc::now();
    let txn = svc.begin().await?;
    let row = invite::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(access.org.id),
        email: Set(email.as_str().to_string()),
        code: Set(new_code()),
        status: Set("pending".to_string()),
        invited_by: Set(actor.user_id().map(|u| u.0)),
        expires_at: Set(now + LIFETIME),
        created_at: Set(now),
        accepted_at: Set(None),
    }
    .insert(&txn)
    .await?;
    mail_invitation(svc, &txn, actor, &access.org, &row).await?;
    let told = super::notify::invited(&txn, &row, actor.user_id().map(|u| u.0)).await?;
    txn.commit().await?;
    if let Some(told) = told {
        super::notify::announce(svc, told).await?;
    }
    svc.job_wake.notify_one();
    Ok(dto(&row))
}

/// Mails the invitation with a link of its own (not the code, which the inviting admins
/// see): following it proves the address, so the invitee needs no second verification.
async fn mail_invitation(
    svc: &Services,
    db: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    org: &organization::Model,
    row: &invite::Model,
) -> Result<()> {
    use super::{mail, proof};
    let inviter = match actor.user_id() {
        Some(id) => user::Entity::find_by_id(id.0)
            .one(db)
            .await?
            .map(|u| u.name)
            .unwrap_or_else(|| "Someone".into()),
        None => "Someone".into(),
    };
    let token = proof::issue(
        db,
        proof::INVITE,
        proof::Holder::Invite(row.id),
        &row.email,
        row.expires_at - Utc::now(),
    )
    .await?;
    // The org's logo, as an absolute URL (mail clients have no base). Org logos are public.
    let logo = super::org::dtos(db, vec![convert::org(org)])
        .await?
        .remove(0)
        .logo_url
        .map(|url| match url.starts_with('/') {
            true => format!("{}{url}", svc.settings.public_url),
            false => url,
        });
    let mail = mail::compose(
        svc,
        mail::Template::Invitation,
        &row.email,
        minijinja::context! {
            email => row.email,
            inviter => inviter,
            org_name => org.name,
            org_logo => logo,
            link => format!("{}/invite?token={token}", svc.settings.public_url),
            expires => row.expires_at.format("%Y-%m-%d").to_string(),
        },
    )?;
    mail::queue(db, mail).await
}

/// The invitation a mailed link stands for, for the page that offers to accept it: its
/// org and address (the link's holder received the mail, so nothing is revealed). Gone
/// when used, expired or unknown.
pub async fn by_link(svc: &Services, token: &str) -> Result<(Invite, Org)> {
    let gone = || DomainError::Gone("this invitation link was already used or has expired".into());
    let link = super::proof::peek(&svc.db, token, super::proof::INVITE).await?;
    let row = invite::Entity::find_by_id(link.invite_id.ok_or_else(gone)?)
        .one(&svc.db)
        .await?
        .ok_or_else(gone)?;
    let org = organization::Entity::find_by_id(row.org_id)
        .one(&svc.db)
        .await?
        .ok_or_else(gone)?;
    Ok((dto(&row), convert::org(&org)))
}

/// Accepts an invitation through its mailed link: the signed-in account must have the
/// invited address, which the link proves (it becomes verified), then joins.
#[tracing::instrument(name = "invite.accept_link", skip(svc, actor, token))]
pub async fn accept_link(svc: &Services, actor: &Actor, token: &str) -> Result<Org> {
    use super::proof;
    let user_id = actor.user_id().ok_or(DomainError::Unauthenticated)?;
    let me = user::Entity::find_by_id(user_id.0)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::Unauthenticated)?;
    let link = proof::peek(&svc.db, token, proof::INVITE).await?;
    if link.email != me.email {
        return Err(DomainError::forbidden(format!(
            "this invitation was sent to {}: sign in with that address to accept it",
            link.email
        )));
    }
    let invite_row = invite::Entity::find_by_id(link.invite_id.unwrap_or_default())
        .one(&svc.db)
        .await?
        .ok_or_else(|| DomainError::Gone("this invitation no longer exists".into()))?;
    let txn = svc.begin().await?;
    proof::take(&txn, token, proof::INVITE).await?;
    if !me.email_verified {
        user::Entity::update_many()
            .col_expr(user::Column::EmailVerified, true.into())
            .filter(user::Column::Id.eq(me.id))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    accept(svc, actor, &invite_row.code).await
}

/// The pending invitations addressed to the actor; none until the actor's address is
/// proven (anyone may sign up with any address: the code is not theirs to see before).
pub async fn mine(svc: &Services, actor: &Actor) -> Result<Vec<(Invite, Org)>> {
    let me = super::user::me(svc, actor).await?;
    if !me.email_verified {
        return Ok(Vec::new());
    }
    let rows = invite::Entity::find()
        .filter(invite::Column::Email.eq(me.email))
        .filter(invite::Column::Status.eq("pending"))
        .filter(invite::Column::ExpiresAt.gt(Utc::now()))
        .find_also_related(organization::Entity)
        .order_by_desc(invite::Column::CreatedAt)
        .all(&svc.db)
        .await?;
    let (invites, orgs): (Vec<Invite>, Vec<Org>) = rows
        .into_iter()
        .filter_map(|(i, o)| Some((dto(&i), convert::org(&o?))))
        .unzip();
    let orgs = super::org::dtos(&svc.db, orgs).await?;
    Ok(invites.into_iter().zip(orgs).collect())
}

/// Declines an invitation addressed to the actor; it cannot be accepted afterwards.
pub async fn decline(svc: &Services, actor: &Actor, code: &str) -> Result<()> {
    let me = super::user::me(svc, actor).await?;
    let declined = invite::Entity::update_many()
        .col_expr(invite::Column::Status, "declined".into())
        .filter(invite::Column::Code.eq(code))
        .filter(invite::Column::Email.eq(me.email))
        .filter(invite::Column::Status.eq("pending"))
        .exec(&svc.db)
        .await?;
    if declined.rows_affected == 0 {
        return Err(DomainError::NotFound);
    }
    // Its notification has nothing more to offer.
    if let Some(row) = invite::Entity::find()
        .filter(invite::Column::Code.eq(code))
        .one(&svc.db)
        .await?
        && super::notify::invitation_settled(&svc.db, me.id.0, row.org_id).await?
    {
        super::notify::recount(svc, me.id.0).await?;
    }
    Ok(())
}

/// Accepts an invitation: only the account it was sent to; used or expired codes are Gone.
#[tracing::instrument(name = "invite.accept", skip(svc, actor, code))]
pub async fn accept(svc: &Services, actor: &Actor, code: &str) -> Result<Org> {
    let user_id = actor.user_id().ok_or(DomainError::Unauthenticated)?;
    let me = user::Entity::find_by_id(user_id.0)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::Unauthenticated)?;
    let row = invite::Entity::find()
        .filter(invite::Column::Code.eq(code))
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    // Someone else's invitation is not revealed to exist.
    if row.email != me.email {
        return Err(DomainError::NotFound);
    }
    // The address must be proven: anyone may sign up with any address.
    if !me.email_verified {
        return Err(DomainError::EmailUnverified);
    }
    if row.status != "pending" {
        return Err(DomainError::Gone("this invitation was already used".into()));
    }
    if row.expires_at <= Utc::now() {
        return Err(DomainError::Gone("this invitation has expired".into()));
    }
    let org_row = organization::Entity::find_by_id(row.org_id)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let txn = svc.begin().await?;
    // Claim the invitation first, so that two accepts cannot both pass.
    let claimed = invite::Entity::update_many()
        .col_expr(invite::Column::Status, "accepted".into())
        .col_expr(invite::Column::AcceptedAt, Some(Utc::now()).into())
        .filter(invite::Column::Id.eq(row.id))
        .filter(invite::Column::Status.eq("pending"))
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Err(DomainError::Gone("this invitation was already used".into()));
    }
    if access::membership(&txn, row.org_id, user_id)
        .await?
        .is_none()
    {
        member::ActiveModel {
            id: Set(Uuid::new_v4()),
            org_id: Set(row.org_id),
            user_id: Set(user_id.0),
            created_at: Set(Utc::now()),
        }
        .insert(&txn)
        .await?;
    }
    // Its notification has done its work (and would show again if they ever left).
    let settled = super::notify::invitation_settled(&txn, user_id.0, row.org_id).await?;
    txn.commit().await?;
    if settled {
        super::notify::recount(svc, user_id.0).await?;
    }
    svc.publish(domain::realtime::DomainEvent {
        traceparent: None,
        org_id: domain::OrgId(org_row.id),
        origin: None,
        kind: domain::realtime::EventKind::MemberChanged {
            action: domain::realtime::MemberAction::Joined,
            user_id,
        },
    });
    super::org::with_images(svc, convert::org(&org_row)).await
}
