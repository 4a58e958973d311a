//! The accounts of an instance, as its administrators run them (issue 11, people): finding an
//! account, what it holds (organizations, petitions, roles), and the decisions about it — block,
//! unblock, give or take an instance role, delete. Each decision is written to the audit log in
//! its own transaction. Two rules hold whoever decides (the site or the command line): the
//! instance always keeps an administrator who can log in, and nobody blocks or deletes their own
//! account from here (deleting one's account is `/account`, with the password).
//!
//! Blocking sets `users.blocked_at` and ends the account's sessions; nothing else changes. Its own
//! petitions become a 404 for the public because the public lookup asks for the owner's state
//! (`petition::Located::is_public`, `petition::Browse`), not because they are hidden: a
//! moderator's decision on them is kept as it was, and unblocking brings them back as they were.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use super::audit::{self, Action, Actor, Target};
use super::roles::Role;
use crate::domain::people::account::{self, AccountError};
use crate::domain::people::organization::OrganizationName;
use crate::entity::{membership, organization, petition, user};

/// Why a decision about an account was refused.
#[derive(Debug, thiserror::Error)]
pub enum PeopleError {
    #[error("no such account")]
    NotFound,
    /// It would leave the instance without an administrator who can log in.
    #[error("the last administrator")]
    LastAdministrator,
    /// An administrator blocking or deleting their own account.
    #[error("one's own account")]
    OwnAccount,
    /// The account is the last administrator of organizations that have other members.
    #[error("organizations must be handed over first")]
    MustHandOver(Vec<OrganizationName>),
    /// The reason cannot be kept; field → Fluent key.
    #[error("invalid reason")]
    Invalid(crate::domain::people::account::FieldErrors),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// A reason given for a decision (optional): at most `moderation::REASON_MAX` characters, no
/// control characters.
fn checked_reason(reason: &str) -> Result<&str, PeopleError> {
    let reason = reason.trim();
    let mut errors = crate::domain::people::account::FieldErrors::new();
    if reason.chars().count() > super::moderation::REASON_MAX {
        errors.insert("reason", "moderation-reason-too-long");
    }
    crate::domain::text::check(&mut errors, &[("reason", reason)]);
    if errors.is_empty() {
        Ok(reason)
    } else {
        Err(PeopleError::Invalid(errors))
    }
}

impl From<AccountError> for PeopleError {
    fn from(e: AccountError) -> PeopleError {
        match e {
            AccountError::MustHandOver(orgs) => PeopleError::MustHandOver(orgs),
            AccountError::Database(e) => PeopleError::Database(e),
            other => PeopleError::Database(DbErr::Custom(other.to_string())),
        }
    }
}

/// Which account a decision is about: the site names it by id, the command line by username.
#[derive(Debug, Clone, Copy)]
pub enum Account<'a> {
    Id(i32),
    Username(&'a str),
}

async fn find<C: ConnectionTrait>(
    conn: &C,
    which: Account<'_>,
) -> Result<user::Model, PeopleError> {
    let found = match which {
        Account::Id(id) => user::Entity::find_by_id(id).one(conn).await?,
        Account::Username(name) => {
            account::find_by_username(conn, &name.trim().to_lowercase()).await?
        }
    };
    found.ok_or(PeopleError::NotFound)
}

/// Whether an administrator other than `except` can still log in.
async fn another_administrator<C: ConnectionTrait>(conn: &C, except: i32) -> Result<bool, DbErr> {
    Ok(user::Entity::find()
        .filter(user::Column::IsAdmin.eq(true))
        .filter(user::Column::BlockedAt.is_null())
        .filter(user::Column::Id.ne(except))
        .count(conn)
        .await?
        > 0)
}

/// Refuses what would leave no administrator able to log in, when `target` is one.
async fn keeps_an_administrator<C: ConnectionTrait>(
    conn: &C,
    target: &user::Model,
) -> Result<(), PeopleError> {
    if target.is_admin && !another_administrator(conn, target.id).await? {
        return Err(PeopleError::LastAdministrator);
    }
    Ok(())
}

/// An account as the lists show it.
#[derive(Debug, Serialize)]
pub struct AccountRow {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub is_admin: bool,
    pub is_moderator: bool,
    pub blocked: bool,
    /// `YYYY-MM-DD` UTC.
    pub created_at: String,
}

impl From<&user::Model> for AccountRow {
    fn from(u: &user::Model) -> AccountRow {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        AccountRow {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            email: u.email.clone(),
            is_admin: u.is_admin,
            is_moderator: u.is_moderator,
            blocked: u.blocked_at.is_some(),
            created_at: u.created_at.format(&format).unwrap_or_default(),
        }
    }
}

/// Longest search term taken into account.
const MAX_SEARCH: usize = 100;

/// Accounts whose username, display name or e-mail address contains `term`, blind to case and
/// accents as every search here (`petitions::search`: "zoe" finds "Zoé"; `%` and `_` taken
/// literally), by username, `limit` from `offset`; and how many match in all.
pub async fn search<C: ConnectionTrait>(
    conn: &C,
    term: &str,
    offset: u64,
    limit: u64,
) -> Result<(Vec<AccountRow>, u64), DbErr> {
    let mut query = user::Entity::find();
    if let Some(matches) = crate::domain::petitions::search::contains(
        (user::Entity, user::Column::SearchKey),
        term,
        MAX_SEARCH,
    ) {
        query = query.filter(matches);
    }
    let total = query.clone().count(conn).await?;
    let rows = query
        .order_by_asc(user::Column::Username)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((rows.iter().map(AccountRow::from).collect(), total))
}

/// An organization the account belongs to.
#[derive(Debug, Serialize)]
pub struct MembershipRow {
    pub slug: String,
    pub name: String,
    /// Whether the account may modify permissions there (the organization's administrators).
    pub administrator: bool,
}

/// One of the account's own petitions.
#[derive(Debug, Serialize)]
pub struct PetitionRow {
    pub id: i32,
    pub title: String,
    pub published: bool,
    pub hidden: bool,
}

/// What the account's page shows.
#[derive(Debug, Serialize)]
pub struct AccountDetails {
    pub account: AccountRow,
    pub organizations: Vec<MembershipRow>,
    pub petitions: Vec<PetitionRow>,
    /// Whether it is the last administrator who can log in (it can be neither demoted, nor
    /// blocked, nor deleted).
    pub last_administrator: bool,
}

pub async fn details<C: ConnectionTrait>(
    conn: &C,
    id: i32,
) -> Result<Option<AccountDetails>, DbErr> {
    let Some(found) = user::Entity::find_by_id(id).one(conn).await? else {
        return Ok(None);
    };
    let organizations = membership::Entity::find()
        .filter(membership::Column::UserId.eq(id))
        .find_also_related(organization::Entity)
        .order_by_asc(organization::Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|(m, o)| {
            o.map(|o| MembershipRow {
                slug: o.slug,
                name: o.name,
                administrator: m.can_modify_permissions,
            })
        })
        .collect();
    let petitions = petition::Entity::find()
        .filter(petition::Column::UserId.eq(id))
        .order_by_desc(petition::Column::CreatedAt)
        .order_by_desc(petition::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|p| PetitionRow {
            id: p.id,
            title: p.title,
            published: p.published,
            hidden: p.moderated,
        })
        .collect();
    let last_administrator = found.is_admin && !another_administrator(conn, found.id).await?;
    Ok(Some(AccountDetails {
        account: AccountRow::from(&found),
        organizations,
        petitions,
        last_administrator,
    }))
}

/// Blocks an account: it cannot log in, its sessions end now, its own petitions are a 404 for
/// the public. Blocking a blocked account changes nothing and records nothing.
pub async fn block(
    db: &DatabaseConnection,
    actor: &Actor,
    which: Account<'_>,
    reason: &str,
) -> Result<user::Model, PeopleError> {
    let reason = checked_reason(reason)?;
    let txn = crate::db::begin_write(db).await?;
    let target = find(&txn, which).await?;
    if actor.id == Some(target.id) {
        return Err(PeopleError::OwnAccount);
    }
    if target.blocked_at.is_some() {
        return Ok(target);
    }
    keeps_an_administrator(&txn, &target).await?;
    crate::domain::people::session::close_all(&txn, target.id).await?;
    let mut active = target.into_active_model();
    active.blocked_at = Set(Some(crate::domain::now()));
    let blocked = active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Action::BlockAccount,
        &Target::account(&blocked),
        reason,
    )
    .await?;
    txn.commit().await?;
    Ok(blocked)
}

/// Unblocks an account: it may log in again and its petitions are as they were.
pub async fn unblock(
    db: &DatabaseConnection,
    actor: &Actor,
    which: Account<'_>,
    reason: &str,
) -> Result<user::Model, PeopleError> {
    let reason = checked_reason(reason)?;
    let txn = crate::db::begin_write(db).await?;
    let target = find(&txn, which).await?;
    if target.blocked_at.is_none() {
        return Ok(target);
    }
    let mut active = target.into_active_model();
    active.blocked_at = Set(None);
    let unblocked = active.update(&txn).await?;
    let target = Target::account(&unblocked);
    audit::record(&txn, actor, Action::UnblockAccount, &target, reason).await?;
    txn.commit().await?;
    Ok(unblocked)
}

/// Gives (`on`) or takes an instance role. Taking the administrator role from the last
/// administrator who can log in is refused. A change that changes nothing records nothing.
pub async fn set_role(
    db: &DatabaseConnection,
    actor: &Actor,
    which: Account<'_>,
    role: Role,
    on: bool,
) -> Result<user::Model, PeopleError> {
    let txn = crate::db::begin_write(db).await?;
    let target = find(&txn, which).await?;
    let held = match role {
        Role::Moderator => target.is_moderator,
        Role::Administrator => target.is_admin,
    };
    if held == on {
        return Ok(target);
    }
    if role == Role::Administrator && !on {
        keeps_an_administrator(&txn, &target).await?;
    }
    let mut active = target.into_active_model();
    let action = match (role, on) {
        (Role::Moderator, true) => Action::GrantModerator,
        (Role::Moderator, false) => Action::RevokeModerator,
        (Role::Administrator, true) => Action::GrantAdministrator,
        (Role::Administrator, false) => Action::RevokeAdministrator,
    };
    match role {
        Role::Moderator => active.is_moderator = Set(on),
        Role::Administrator => active.is_admin = Set(on),
    }
    let changed = active.update(&txn).await?;
    audit::record(&txn, actor, action, &Target::account(&changed), "").await?;
    txn.commit().await?;
    Ok(changed)
}

/// What deleting an account takes with it, for the confirmation page: the same rules as a
/// member deleting their own account (`account::remove`).
#[derive(Debug, Serialize)]
pub struct Deletion {
    pub account: AccountRow,
    pub petitions: u64,
    pub must_hand_over: Vec<OrganizationName>,
    pub deleted_with_account: Vec<OrganizationName>,
    pub last_administrator: bool,
}

pub async fn deletion<C: ConnectionTrait>(conn: &C, id: i32) -> Result<Option<Deletion>, DbErr> {
    let Some(found) = user::Entity::find_by_id(id).one(conn).await? else {
        return Ok(None);
    };
    let departure = crate::domain::people::organization::departure(conn, &found).await?;
    let petitions = petition::Entity::find()
        .filter(petition::Column::UserId.eq(id))
        .count(conn)
        .await?;
    let last_administrator = found.is_admin && !another_administrator(conn, found.id).await?;
    Ok(Some(Deletion {
        account: AccountRow::from(&found),
        petitions,
        must_hand_over: departure.must_hand_over,
        deleted_with_account: departure.deleted_with_account,
        last_administrator,
    }))
}

/// Deletes an account by the rules of leaving (`account::remove`): its own petitions and the
/// organizations it alone belongs to go with it; refused while it is the last administrator of an
/// organization with other members, or of the instance.
pub async fn delete(
    db: &DatabaseConnection,
    actor: &Actor,
    which: Account<'_>,
    reason: &str,
) -> Result<(), PeopleError> {
    let reason = checked_reason(reason)?;
    let txn = crate::db::begin_write(db).await?;
    let target = find(&txn, which).await?;
    if actor.id == Some(target.id) {
        return Err(PeopleError::OwnAccount);
    }
    keeps_an_administrator(&txn, &target).await?;
    account::remove(&txn, &target).await?;
    audit::record(
        &txn,
        actor,
        Action::DeleteAccount,
        &Target::account(&target),
        reason,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Creates an account from the command line, its address counted as verified, with an instance
/// role or none; written to the audit log. (The first account of an instance is its
/// administrator whatever the role asked.)
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    username: &str,
    email: &str,
    password: &str,
    role: Option<Role>,
) -> Result<user::Model, AccountError> {
    let txn = crate::db::begin_write(db).await?;
    let created = account::create(&txn, username, email, password).await?;
    let mut active = created.into_active_model();
    match role {
        Some(Role::Administrator) => active.is_admin = Set(true),
        Some(Role::Moderator) => active.is_moderator = Set(true),
        None => {}
    }
    let created = active.update(&txn).await?;
    let target = Target::account(&created);
    audit::record(&txn, actor, Action::CreateAccount, &target, "").await?;
    if created.is_admin {
        audit::record(&txn, actor, Action::GrantAdministrator, &target, "").await?;
    }
    if created.is_moderator {
        audit::record(&txn, actor, Action::GrantModerator, &target, "").await?;
    }
    txn.commit().await?;
    Ok(created)
}
