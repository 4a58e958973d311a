//! Logged-in sessions, kept on the server: the browser's cookie holds a random token, the
//! `sessions` table its hash and its account. Logging out deletes that row, "log out everywhere"
//! and a password change delete all of the account's rows, and every instance sees it at once —
//! a copied cookie is worth nothing once its session is gone.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};

use crate::domain::token;
use crate::entity::{session, user};

/// How long a session lasts without logging in again.
pub const LIFETIME: time::Duration = time::Duration::days(30);

/// Opens a session for `user`; returns the token for its cookie.
pub async fn open<C: ConnectionTrait>(conn: &C, user: &user::Model) -> Result<String, DbErr> {
    let token = token::generate();
    let now = crate::domain::now();
    session::ActiveModel {
        user_id: Set(user.id),
        token_hash: Set(token::hash(&token)),
        created_at: Set(now),
        expires_at: Set(now + LIFETIME),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    // Expired sessions (of anyone) go at each login, so the table never keeps them long.
    session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lt(now))
        .exec(conn)
        .await?;
    Ok(token)
}

/// The account of a live session.
pub async fn account<C: ConnectionTrait>(
    conn: &C,
    token: &str,
) -> Result<Option<user::Model>, DbErr> {
    let Some(found) = session::Entity::find()
        .filter(session::Column::TokenHash.eq(token::hash(token)))
        .filter(session::Column::ExpiresAt.gt(crate::domain::now()))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    // A blocked account's sessions are deleted when it is blocked; a login racing the block
    // still opens nothing.
    Ok(user::Entity::find_by_id(found.user_id)
        .one(conn)
        .await?
        .filter(|u| u.blocked_at.is_none()))
}

/// Ends one session (logging out).
pub async fn close<C: ConnectionTrait>(conn: &C, token: &str) -> Result<(), DbErr> {
    session::Entity::delete_many()
        .filter(session::Column::TokenHash.eq(token::hash(token)))
        .exec(conn)
        .await?;
    Ok(())
}

/// Ends every session of an account (log out everywhere, a new password).
pub async fn close_all<C: ConnectionTrait>(conn: &C, user_id: i32) -> Result<(), DbErr> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(())
}
