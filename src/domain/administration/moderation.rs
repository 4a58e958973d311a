//! What the moderators decide about a petition (F8.2): hide it (404 for the public, its owner sees
//! why and cannot publish it again), restore it, delete it, or dismiss its reports. Each decision
//! asks `permission::may_moderate`, is written to the audit log in its own transaction, and — but
//! for dismissing — tells the owner by mail through the queue, in each recipient's language: the
//! owning person, or the members of the owning organization who may modify its petitions.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use super::audit::{self, Action, Target};
use super::reports;
use crate::Site;
use crate::domain::people::account::FieldErrors;
use crate::domain::people::permission::{self, Permission};
use crate::entity::{membership, petition, user};
use crate::i18n::Lang;
use crate::mail::queue::{self, Outgoing};

/// Longest reason given to an owner, in characters.
pub const REASON_MAX: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum ModerationError {
    #[error(transparent)]
    Database(#[from] DbErr),
    /// No such petition, or the person may not moderate.
    #[error("not found")]
    NotFound,
    /// The reason cannot be kept; field → Fluent key.
    #[error("invalid reason")]
    Invalid(FieldErrors),
    #[error("mail template: {0}")]
    Template(String),
}

/// The reason typed for the owner, or its mistake.
pub fn check_reason(typed: &str) -> Result<String, FieldErrors> {
    let reason = typed.trim().to_string();
    let mut errors = FieldErrors::new();
    if reason.is_empty() {
        errors.insert("reason", "moderation-reason-missing");
    } else if reason.chars().count() > REASON_MAX {
        errors.insert("reason", "moderation-reason-too-long");
    }
    crate::domain::text::check(&mut errors, &[("reason", &reason)]);
    if errors.is_empty() {
        Ok(reason)
    } else {
        Err(errors)
    }
}

/// The petition `id`, if `actor` may moderate.
pub async fn petition_for<C: ConnectionTrait>(
    conn: &C,
    actor: &user::Model,
    id: i32,
) -> Result<petition::Model, ModerationError> {
    if !permission::may_moderate(actor) {
        return Err(ModerationError::NotFound);
    }
    petition::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(ModerationError::NotFound)
}

/// Hides petition `id` from the public with `reason`, shown to its owner. Its open reports are
/// settled.
pub async fn hide(
    db: &DatabaseConnection,
    site: &Site,
    actor: &user::Model,
    id: i32,
    reason: &str,
) -> Result<petition::Model, ModerationError> {
    let reason = check_reason(reason).map_err(ModerationError::Invalid)?;
    let txn = crate::db::begin_write(db).await?;
    let found = petition_for(&txn, actor, id).await?;
    let mut active = found.into_active_model();
    active.moderated = Set(true);
    active.moderation_reason = Set(Some(reason.clone()));
    let hidden = active.update(&txn).await?;
    reports::close(&txn, id).await?;
    audit::record(
        &txn,
        actor,
        Action::HidePetition,
        &Target::petition(&hidden),
        &reason,
    )
    .await?;
    tell_owners(&txn, site, &hidden, "petition-hidden", Some(&reason)).await?;
    txn.commit().await?;
    site.wake.notify();
    Ok(hidden)
}

/// Shows petition `id` again as its owner left it (published or draft).
pub async fn restore(
    db: &DatabaseConnection,
    site: &Site,
    actor: &user::Model,
    id: i32,
) -> Result<petition::Model, ModerationError> {
    let txn = crate::db::begin_write(db).await?;
    let found = petition_for(&txn, actor, id).await?;
    let was_hidden = found.moderated;
    let mut active = found.into_active_model();
    active.moderated = Set(false);
    active.moderation_reason = Set(None);
    let restored = active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Action::RestorePetition,
        &Target::petition(&restored),
        "",
    )
    .await?;
    if was_hidden {
        tell_owners(&txn, site, &restored, "petition-restored", None).await?;
    }
    txn.commit().await?;
    site.wake.notify();
    Ok(restored)
}

/// Deletes petition `id` with its signatures and reports; `reason` (optional) goes to the owner.
pub async fn delete(
    db: &DatabaseConnection,
    site: &Site,
    actor: &user::Model,
    id: i32,
    reason: &str,
) -> Result<(), ModerationError> {
    let reason = reason.trim();
    let mut errors = FieldErrors::new();
    if reason.chars().count() > REASON_MAX {
        errors.insert("reason", "moderation-reason-too-long");
    }
    crate::domain::text::check(&mut errors, &[("reason", reason)]);
    if !errors.is_empty() {
        return Err(ModerationError::Invalid(errors));
    }
    let txn = crate::db::begin_write(db).await?;
    let found = petition_for(&txn, actor, id).await?;
    // Told before the row goes: the recipients are found through it.
    tell_owners(
        &txn,
        site,
        &found,
        "petition-deleted",
        (!reason.is_empty()).then_some(reason),
    )
    .await?;
    audit::record(
        &txn,
        actor,
        Action::DeletePetition,
        &Target::petition(&found),
        reason,
    )
    .await?;
    // The foreign keys cascade to permalinks, signatures, count shards and reports.
    petition::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    site.wake.notify();
    Ok(())
}

/// Dismisses the open reports of petition `id`, leaving it as it is.
pub async fn dismiss(
    db: &DatabaseConnection,
    actor: &user::Model,
    id: i32,
) -> Result<u64, ModerationError> {
    let txn = crate::db::begin_write(db).await?;
    let found = petition_for(&txn, actor, id).await?;
    let closed = reports::close(&txn, id).await?;
    audit::record(
        &txn,
        actor,
        Action::DismissReports,
        &Target::petition(&found),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(closed)
}

/// A hidden petition as the moderation page lists it.
#[derive(Debug, Serialize)]
pub struct HiddenPetition {
    pub petition_id: i32,
    pub title: String,
    pub path: String,
    pub reason: String,
}

/// Every hidden petition, the most recently changed first.
pub async fn hidden<C: ConnectionTrait>(conn: &C) -> Result<Vec<HiddenPetition>, DbErr> {
    let rows = petition::Entity::find()
        .filter(petition::Column::Moderated.eq(true))
        .order_by_desc(petition::Column::UpdatedAt)
        .all(conn)
        .await?;
    let mut list = Vec::with_capacity(rows.len());
    for p in rows {
        let Some(located) = crate::domain::petitions::petition::find(conn, p.id).await? else {
            continue;
        };
        list.push(HiddenPetition {
            petition_id: p.id,
            title: p.title,
            path: located.path(),
            reason: p.moderation_reason.unwrap_or_default(),
        });
    }
    Ok(list)
}

/// Who is told of a decision about `p`: its owner, or the members of its organization who may
/// modify its petitions.
async fn owners<C: ConnectionTrait>(
    conn: &C,
    p: &petition::Model,
) -> Result<Vec<user::Model>, DbErr> {
    match (p.organization_id, p.user_id) {
        (Some(org), _) => {
            let ids: Vec<i32> = membership::Entity::find()
                .filter(membership::Column::OrganizationId.eq(org))
                .all(conn)
                .await?
                .into_iter()
                .filter(|m| Permission::ModifyPetitions.granted_by(m))
                .map(|m| m.user_id)
                .collect();
            user::Entity::find()
                .filter(user::Column::Id.is_in(ids))
                .all(conn)
                .await
        }
        (None, Some(id)) => Ok(user::Entity::find_by_id(id)
            .one(conn)
            .await?
            .into_iter()
            .collect()),
        (None, None) => Ok(Vec::new()),
    }
}

/// Queues the mail `mail/<name>` to each owner of `p`, in their language.
async fn tell_owners<C: ConnectionTrait>(
    conn: &C,
    site: &Site,
    p: &petition::Model,
    name: &str,
    reason: Option<&str>,
) -> Result<(), ModerationError> {
    // A deleted petition has no address left to link to.
    let url = match crate::domain::petitions::petition::find(conn, p.id).await? {
        Some(located) if name != "petition-deleted" => {
            format!("{}{}", site.settings.public_url(), located.path())
        }
        _ => String::new(),
    };
    for owner in owners(conn, p).await? {
        let site_language =
            Lang::shipped(&site.live.get().default_language).unwrap_or_else(Lang::source);
        let lang = crate::domain::people::account::language_of(&owner, &site_language);
        let context = serde_json::json!({
            "site_name": site.live.get().site_name,
            "title": p.title,
            "reason": reason,
            "url": url,
            "dashboard_url": format!("{}/dashboard", site.settings.public_url()),
        });
        let subject = lang.t_args(
            &format!("mail-{name}-subject"),
            &[("title", p.title.clone().into())],
        );
        let mail = Outgoing::compose(
            &site.templates,
            name,
            &lang,
            subject,
            &owner.email,
            &context,
        )
        .map_err(|e| ModerationError::Template(crate::error::describe_chain(&e)))?;
        queue::enqueue(conn, mail, &site.postmark()).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hiding_needs_a_reason_the_owner_can_read() {
        assert_eq!(check_reason("  Spam. "), Ok("Spam.".to_string()));
        let missing = check_reason("   ").expect_err("empty");
        assert_eq!(missing.get("reason"), Some(&"moderation-reason-missing"));
        let long = check_reason(&"a".repeat(REASON_MAX + 1)).expect_err("long");
        assert_eq!(long.get("reason"), Some(&"moderation-reason-too-long"));
        assert!(check_reason("a\u{1b}[31m").is_err());
    }
}
