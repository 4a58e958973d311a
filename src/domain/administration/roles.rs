//! Instance roles (F8.2): administrators and moderators. Giving or taking one is an
//! administrative decision written to the audit log (`administration::people::set_role`).
use sea_orm::{DatabaseConnection, DbErr};

use super::audit::Actor;
use super::people::{self, Account, PeopleError};
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
    match people::set_role(db, actor, Account::Username(username), role, true).await {
        Ok(user) => Ok(Some(user)),
        Err(PeopleError::NotFound) => Ok(None),
        Err(PeopleError::Database(e)) => Err(e),
        Err(e) => Err(DbErr::Custom(e.to_string())),
    }
}
