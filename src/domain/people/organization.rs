//! Organizations and their members (F3.2): creation, invitations by username or e-mail, accepting
//! and declining, leaving and removing, per-member permissions. An organization's administrators
//! are the members who may modify permissions; the last one can neither leave, nor be removed, nor
//! lose that right while other members remain. Its name and address (`name`, `address`), what it
//! says of itself (`profile`) and its deletion (`deletion`) have modules of their own.
pub mod address;
pub mod deletion;
pub mod name;
pub mod profile;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use crate::Site;
use crate::domain::people::account::FieldErrors;
use crate::domain::people::permission::{self, Permission};
use crate::domain::token;
use crate::entity::{invitation, membership, organization, user};
use crate::i18n::Lang;
use crate::mail::queue::{self, Outgoing};

#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    #[error("invalid organization details")]
    Invalid(FieldErrors),
    #[error("not allowed")]
    Forbidden,
    /// Creating an organization needs a verified e-mail address (`permission::may_publish`).
    #[error("the address is not verified")]
    Unverified,
    #[error("the last administrator must stay while other members remain")]
    LastAdministrator,
    #[error("not found")]
    NotFound,
    #[error("mail template: {0}")]
    Template(String),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

pub async fn find_by_slug<C: ConnectionTrait>(
    conn: &C,
    slug: &str,
) -> Result<Option<organization::Model>, sea_orm::DbErr> {
    organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug))
        .one(conn)
        .await
}

/// Creates an organization whose creator holds every permission. The name is the caller's to check
/// (`name::check`); one without a letter or digit gets the address `organization…`.
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    name: &str,
    creator: &user::Model,
) -> Result<organization::Model, sea_orm::DbErr> {
    let base = self::name::base_slug(name).unwrap_or_else(|| "organization".to_string());
    let slug = address::choose(conn, &base, None).await?;
    let org = organization::ActiveModel {
        slug: Set(slug),
        name: Set(name.trim().to_string()),
        description: Set(String::new()),
        created_at: Set(crate::domain::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    add_member(conn, &org, creator, &Permission::ALL).await?;
    Ok(org)
}

/// Creates an organization for `creator` from the web: the name is checked (see `name`), and the
/// instance may reserve creation to its administrators.
pub async fn create_checked(
    db: &DatabaseConnection,
    creator: &user::Model,
    name: &str,
    admins_only: bool,
) -> Result<organization::Model, OrgError> {
    if !permission::may_create_organization(creator, admins_only) {
        return Err(OrgError::Forbidden);
    }
    if !permission::may_publish(creator) {
        return Err(OrgError::Unverified);
    }
    let name = name.trim();
    let txn = crate::db::begin_write(db).await?;
    let mut errors = FieldErrors::new();
    self::name::check(&txn, &mut errors, name, None).await?;
    if !errors.is_empty() {
        return Err(OrgError::Invalid(errors));
    }
    let org = create(&txn, name, creator)
        .await
        .map_err(name_taken_on_conflict)?;
    txn.commit().await?;
    Ok(org)
}

/// A unique index refused the write: another instance gave the same name (or the address it
/// makes) to an organization at the same moment, after this one's check.
fn name_taken_on_conflict(e: sea_orm::DbErr) -> OrgError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            OrgError::Invalid(FieldErrors::from([("name", "organization-name-taken")]))
        }
        _ => OrgError::Database(e),
    }
}

pub async fn add_member<C: ConnectionTrait>(
    conn: &C,
    org: &organization::Model,
    user: &user::Model,
    permissions: &[Permission],
) -> Result<membership::Model, sea_orm::DbErr> {
    let mut member = membership::ActiveModel {
        organization_id: Set(org.id),
        user_id: Set(user.id),
        created_at: Set(crate::domain::now()),
        ..Default::default()
    };
    for permission in Permission::ALL {
        permission.grant(&mut member, permissions.contains(&permission));
    }
    member.insert(conn).await
}

/// A member as the members page shows them.
#[derive(Debug, Serialize)]
pub struct Member {
    pub user_id: i32,
    pub username: String,
    pub permissions: Vec<(&'static str, bool)>,
}

pub async fn members<C: ConnectionTrait>(
    conn: &C,
    org: &organization::Model,
) -> Result<Vec<Member>, sea_orm::DbErr> {
    let rows = membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(org.id))
        .find_also_related(user::Entity)
        .order_by_asc(membership::Column::Id)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(m, u)| {
            let u = u?;
            Some(Member {
                user_id: u.id,
                username: u.username,
                permissions: Permission::ALL
                    .iter()
                    .map(|p| (p.name(), p.granted_by(&m)))
                    .collect(),
            })
        })
        .collect())
}

async fn counts<C: ConnectionTrait>(conn: &C, org_id: i32) -> Result<(u64, u64), sea_orm::DbErr> {
    let members = membership::Entity::find().filter(membership::Column::OrganizationId.eq(org_id));
    let all = members.clone().count(conn).await?;
    let admins = members
        .filter(membership::Column::CanModifyPermissions.eq(true))
        .count(conn)
        .await?;
    Ok((all, admins))
}

/// What deleting an account means for its organizations.
#[derive(Debug, Default, Serialize)]
pub struct Departure {
    /// Organizations where the person is the last administrator while others remain: they must
    /// hand the right over first.
    pub must_hand_over: Vec<OrganizationName>,
    /// Organizations with no other member: they go with the account, their petitions too.
    pub deleted_with_account: Vec<OrganizationName>,
}

#[derive(Debug, Serialize)]
pub struct OrganizationName {
    pub slug: String,
    pub name: String,
}

pub async fn departure<C: ConnectionTrait>(
    conn: &C,
    user: &user::Model,
) -> Result<Departure, sea_orm::DbErr> {
    let mut out = Departure::default();
    let memberships = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user.id))
        .find_also_related(organization::Entity)
        .all(conn)
        .await?;
    for (m, org) in memberships {
        let Some(org) = org else { continue };
        let (all, admins) = counts(conn, org.id).await?;
        let name = OrganizationName {
            slug: org.slug,
            name: org.name,
        };
        if all <= 1 {
            out.deleted_with_account.push(name);
        } else if m.can_modify_permissions && admins <= 1 {
            out.must_hand_over.push(name);
        }
    }
    Ok(out)
}

/// Refuses to take the administrator right from the last administrator while other members
/// remain. `leaving`: the member goes (a sole member may leave); otherwise they stay without the
/// right, which a last administrator may never give up.
async fn keeps_an_administrator<C: ConnectionTrait>(
    conn: &C,
    member: &membership::Model,
    leaving: bool,
) -> Result<(), OrgError> {
    if !member.can_modify_permissions {
        return Ok(());
    }
    let (all, admins) = counts(conn, member.organization_id).await?;
    if admins <= 1 && (all > 1 || !leaving) {
        return Err(OrgError::LastAdministrator);
    }
    Ok(())
}

/// Invites `who` (a username or an e-mail address) to `org`, mailing them a link.
pub async fn invite(
    db: &DatabaseConnection,
    site: &Site,
    actor: &user::Model,
    org: &organization::Model,
    who: &str,
    lang: &Lang,
) -> Result<(), OrgError> {
    if !permission::allows(db, actor.id, org.id, Permission::AddMembers).await? {
        return Err(OrgError::Forbidden);
    }
    let who = who.trim();
    if crate::domain::text::has_control(who) {
        return Err(OrgError::Invalid(FieldErrors::from([(
            "who",
            crate::domain::text::CONTROL_CHARACTERS,
        )])));
    }
    let (account, address) = if who.contains('@') {
        let address = who.to_lowercase();
        if !validator::ValidateEmail::validate_email(&address) {
            return Err(OrgError::Invalid(FieldErrors::from([(
                "who",
                "field-email-invalid",
            )])));
        }
        // An unverified address proves nothing: its invitation goes by the mailed link only.
        let verified = crate::domain::people::account::find_by_email(db, &address)
            .await?
            .filter(|u| u.email_verified);
        (verified, address)
    } else {
        match crate::domain::people::account::find_by_username(db, &who.to_lowercase()).await? {
            Some(u) => {
                let address = u.email.clone();
                (Some(u), address)
            }
            None => {
                return Err(OrgError::Invalid(FieldErrors::from([(
                    "who",
                    "invite-unknown-user",
                )])));
            }
        }
    };
    if let Some(u) = &account
        && permission::membership(db, u.id, org.id).await?.is_some()
    {
        return Err(OrgError::Invalid(FieldErrors::from([(
            "who",
            "invite-already-member",
        )])));
    }
    // One pending invitation per person: a second would only mail them twice.
    let pending = invitation::Entity::find()
        .filter(invitation::Column::OrganizationId.eq(org.id))
        .filter(match &account {
            Some(u) => invitation::Column::UserId.eq(u.id),
            None => invitation::Column::Email.eq(address.clone()),
        })
        .count(db)
        .await?;
    if pending > 0 {
        return Err(OrgError::Invalid(FieldErrors::from([(
            "who",
            "invite-already-invited",
        )])));
    }
    // Someone with an account reads it in their own language; an address, in the inviter's.
    let lang = &match &account {
        Some(u) => crate::domain::people::account::language_of(u, lang),
        None => lang.clone(),
    };
    let token = token::generate();
    let txn = crate::db::begin_write(db).await?;
    invitation::ActiveModel {
        organization_id: Set(org.id),
        user_id: Set(account.as_ref().map(|u| u.id)),
        email: Set(if account.is_some() {
            None
        } else {
            Some(address.clone())
        }),
        token_hash: Set(token::hash(&token)),
        invited_by: Set(Some(actor.id)),
        created_at: Set(crate::domain::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let context = serde_json::json!({
        "site_name": site.live.get().site_name,
        "organization": org.name,
        "inviter": actor.username,
        "has_account": account.is_some(),
        "invitation_url": format!("{}/invitations/{token}", site.settings.public_url()),
    });
    let subject = lang.t_args(
        "mail-invitation-subject",
        &[("organization", org.name.clone().into())],
    );
    let mail = Outgoing::compose(
        &site.templates,
        "invitation",
        lang,
        subject,
        &address,
        &context,
    )
    .map_err(|e| OrgError::Template(crate::error::describe_chain(&e)))?;
    queue::enqueue(&txn, mail, &site.postmark()).await?;
    txn.commit().await?;
    site.wake.notify();
    Ok(())
}

/// A pending invitation as the organization's members see it: to whom, from whom, since when.
#[derive(Debug, Serialize)]
pub struct SentInvitation {
    pub id: i32,
    /// The invitee's username, or the address it was mailed to.
    pub who: String,
    pub invited_by: Option<String>,
    /// When it was sent (`domain::instant_text`).
    pub sent_on: String,
}

/// The invitations of `org` that nobody has answered yet, oldest first. For members who may add
/// members (they see the invitees' addresses).
pub async fn sent_invitations(
    db: &DatabaseConnection,
    actor: &user::Model,
    org: &organization::Model,
) -> Result<Vec<SentInvitation>, OrgError> {
    if !permission::allows(db, actor.id, org.id, Permission::AddMembers).await? {
        return Err(OrgError::Forbidden);
    }
    let rows = invitation::Entity::find()
        .filter(invitation::Column::OrganizationId.eq(org.id))
        .order_by_asc(invitation::Column::Id)
        .all(db)
        .await?;
    let mut ids: Vec<i32> = rows
        .iter()
        .flat_map(|r| [r.user_id, r.invited_by])
        .flatten()
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let names: std::collections::HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.username))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| SentInvitation {
            id: r.id,
            who: r
                .user_id
                .and_then(|id| names.get(&id).cloned())
                .or(r.email)
                .unwrap_or_default(),
            invited_by: r.invited_by.and_then(|id| names.get(&id).cloned()),
            sent_on: crate::domain::instant_text(r.created_at),
        })
        .collect())
}

/// Withdraws an invitation of `org` before it is answered: its link stops working.
pub async fn cancel_invitation(
    db: &DatabaseConnection,
    actor: &user::Model,
    org: &organization::Model,
    invitation_id: i32,
) -> Result<(), OrgError> {
    if !permission::allows(db, actor.id, org.id, Permission::AddMembers).await? {
        return Err(OrgError::Forbidden);
    }
    let deleted = invitation::Entity::delete_many()
        .filter(invitation::Column::Id.eq(invitation_id))
        .filter(invitation::Column::OrganizationId.eq(org.id))
        .exec(db)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(OrgError::NotFound);
    }
    Ok(())
}

/// A pending invitation as the invitee sees it.
#[derive(Debug, Serialize)]
pub struct PendingInvitation {
    pub id: i32,
    pub organization: String,
}

/// Invitations addressed to this account. Those mailed to an address are answered through their
/// link only (`answer` with the token): whoever registers with an address does not get them.
pub async fn pending_for<C: ConnectionTrait>(
    conn: &C,
    user: &user::Model,
) -> Result<Vec<PendingInvitation>, sea_orm::DbErr> {
    let rows = invitation::Entity::find()
        .filter(invitation::Column::UserId.eq(user.id))
        .order_by_asc(invitation::Column::Id)
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(org) = organization::Entity::find_by_id(row.organization_id)
            .one(conn)
            .await?
        {
            out.push(PendingInvitation {
                id: row.id,
                organization: org.name,
            });
        }
    }
    Ok(out)
}

/// The invitation behind a mailed link.
pub async fn invitation_by_token<C: ConnectionTrait>(
    conn: &C,
    token: &str,
) -> Result<Option<(invitation::Model, organization::Model)>, sea_orm::DbErr> {
    let Some(found) = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(token::hash(token)))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let org = organization::Entity::find_by_id(found.organization_id)
        .one(conn)
        .await?;
    Ok(org.map(|o| (found, o)))
}

/// Whether `user` may answer `invitation`: it is addressed to their account, or they hold its mailed
/// token (an invitation mailed to an address is taken through its link only).
fn addressed_to(invitation: &invitation::Model, user: &user::Model, token: Option<&str>) -> bool {
    invitation.user_id == Some(user.id)
        || token.is_some_and(|t| token::hash(t) == invitation.token_hash)
}

/// Accepts (`join`) or declines an invitation. Joining gives the new member's default permissions.
pub async fn answer(
    db: &DatabaseConnection,
    user: &user::Model,
    invitation_id: i32,
    token: Option<&str>,
    join: bool,
) -> Result<organization::Model, OrgError> {
    let txn = crate::db::begin_write(db).await?;
    let Some(found) = invitation::Entity::find_by_id(invitation_id)
        .one(&txn)
        .await?
    else {
        return Err(OrgError::NotFound);
    };
    if !addressed_to(&found, user, token) {
        return Err(OrgError::NotFound);
    }
    let org = organization::Entity::find_by_id(found.organization_id)
        .one(&txn)
        .await?
        .ok_or(OrgError::NotFound)?;
    if join
        && permission::membership(&txn, user.id, org.id)
            .await?
            .is_none()
    {
        add_member(&txn, &org, user, &Permission::NEW_MEMBER).await?;
    }
    invitation::Entity::delete_by_id(found.id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(org)
}

/// `user` leaves `org`.
pub async fn leave(
    db: &DatabaseConnection,
    user: &user::Model,
    org: &organization::Model,
) -> Result<(), OrgError> {
    let txn = crate::db::begin_write(db).await?;
    let member = permission::membership(&txn, user.id, org.id)
        .await?
        .ok_or(OrgError::NotFound)?;
    keeps_an_administrator(&txn, &member, true).await?;
    membership::Entity::delete_by_id(member.id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// `actor` removes the member `user_id` from `org`.
pub async fn remove(
    db: &DatabaseConnection,
    actor: &user::Model,
    org: &organization::Model,
    user_id: i32,
) -> Result<(), OrgError> {
    let txn = crate::db::begin_write(db).await?;
    if !permission::allows(&txn, actor.id, org.id, Permission::RemoveMembers).await? {
        return Err(OrgError::Forbidden);
    }
    let member = permission::membership(&txn, user_id, org.id)
        .await?
        .ok_or(OrgError::NotFound)?;
    keeps_an_administrator(&txn, &member, true).await?;
    membership::Entity::delete_by_id(member.id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// `actor` sets the permissions of the member `user_id` to exactly `granted`.
pub async fn set_permissions(
    db: &DatabaseConnection,
    actor: &user::Model,
    org: &organization::Model,
    user_id: i32,
    granted: &[Permission],
) -> Result<(), OrgError> {
    let txn = crate::db::begin_write(db).await?;
    if !permission::allows(&txn, actor.id, org.id, Permission::ModifyPermissions).await? {
        return Err(OrgError::Forbidden);
    }
    let member = permission::membership(&txn, user_id, org.id)
        .await?
        .ok_or(OrgError::NotFound)?;
    if !granted.contains(&Permission::ModifyPermissions) {
        keeps_an_administrator(&txn, &member, false).await?;
    }
    let mut active = member.into_active_model();
    for permission in Permission::ALL {
        permission.grant(&mut active, granted.contains(&permission));
    }
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// The organization's published petitions, newest first (its public profile, F1.4).
pub async fn public_petitions<C: ConnectionTrait>(
    conn: &C,
    org: &organization::Model,
) -> Result<Vec<crate::domain::petitions::petition::Located>, sea_orm::DbErr> {
    let what = crate::domain::petitions::petition::Browse {
        organization_id: Some(org.id),
        ..Default::default()
    };
    crate::domain::petitions::petition::browse(conn, &what, 0, 1_000).await
}
