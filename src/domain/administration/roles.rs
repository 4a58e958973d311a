//! Instance roles (F8.2): administrators and moderators. Granting one is an administrative
//! decision written to the audit log. For now only the command line grants them
//! (`signons admin promote`); the accounts page of issue 11 will call the same function.
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, IntoActiveModel, Set};

use super::audit::{self, Action, Actor, Target};
use crate::entity::user;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Moderator,
    Administrator,
}

impl Role {
    pub fn parse(name: &str) -> Option<Role> {
        match name {
            "moderator" => Some(Role::Moderator),
            "admin" | "administrator" => Some(Role::Administrator),
            _ => None,
        }
    }
}

/// Gives `username` the `role`, on behalf of `actor`. `None` when there is no such account.
pub async fn promote(
    db: &DatabaseConnection,
    actor: &Actor,
    username: &str,
    role: Role,
) -> Result<Option<user::Model>, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let Some(found) = crate::domain::people::account::find_by_username(&txn, username).await?
    else {
        return Ok(None);
    };
    let mut active = found.into_active_model();
    let action = match role {
        Role::Moderator => {
            active.is_moderator = Set(true);
            Action::GrantModerator
        }
        Role::Administrator => {
            active.is_admin = Set(true);
            Action::GrantAdministrator
        }
    };
    let promoted = active.update(&txn).await?;
    let target = Target {
        kind: "user",
        id: Some(promoted.id),
        label: promoted.username.clone(),
    };
    audit::record(&txn, actor, action, &target, "").await?;
    txn.commit().await?;
    Ok(Some(promoted))
}
