//! The audit log (F8.2, issue 11 point 7): every administrative decision — moderation, roles given
//! and deletions of organizations today; blocks and settings as they come — is one row, written in
//! the transaction of the decision itself and never changed or deleted: this module only inserts
//! and reads. A row names the actor and the target as they were then, so it outlives both.
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect,
    Set,
};
use serde::Serialize;

use crate::entity::{audit_entry, user};

/// What was decided. Each has a Fluent key, `audit-action-<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    HidePetition,
    RestorePetition,
    DeletePetition,
    DismissReports,
    GrantModerator,
    GrantAdministrator,
    DeleteOrganization,
    RevokeModerator,
    RevokeAdministrator,
    BlockAccount,
    UnblockAccount,
    DeleteAccount,
    CreateAccount,
    ChangeSettings,
    Translate,
    RevertTranslation,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::HidePetition => "hide-petition",
            Action::RestorePetition => "restore-petition",
            Action::DeletePetition => "delete-petition",
            Action::DismissReports => "dismiss-reports",
            Action::GrantModerator => "grant-moderator",
            Action::GrantAdministrator => "grant-administrator",
            Action::DeleteOrganization => "delete-organization",
            Action::RevokeModerator => "revoke-moderator",
            Action::RevokeAdministrator => "revoke-administrator",
            Action::BlockAccount => "block-account",
            Action::UnblockAccount => "unblock-account",
            Action::DeleteAccount => "delete-account",
            Action::CreateAccount => "create-account",
            Action::ChangeSettings => "change-settings",
            Action::Translate => "translate",
            Action::RevertTranslation => "revert-translation",
        }
    }
}

/// What a decision was about.
#[derive(Debug, Clone)]
pub struct Target {
    /// `petition`, `user`, `organization`, `settings`…
    pub kind: &'static str,
    pub id: Option<i32>,
    pub label: String,
}

impl Target {
    pub fn account(u: &crate::entity::user::Model) -> Target {
        Target {
            kind: "user",
            id: Some(u.id),
            label: u.username.clone(),
        }
    }

    pub fn petition(p: &crate::entity::petition::Model) -> Target {
        Target {
            kind: "petition",
            id: Some(p.id),
            label: p.title.clone(),
        }
    }

    pub fn organization(o: &crate::entity::organization::Model) -> Target {
        Target {
            kind: "organization",
            id: Some(o.id),
            label: o.name.clone(),
        }
    }
}

/// What went with a deleted organization, as its audit line keeps it: in the `reason` column, as
/// `petitions=2 signatures=40 templates=1 invitations=0 members=3` (no one gives a reason for
/// deleting their own organization), and shown in the reader's language by the log page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Went {
    pub petitions: u64,
    pub signatures: u64,
    pub templates: u64,
    pub invitations: u64,
    pub members: u64,
}

impl Went {
    pub fn to_line(self) -> String {
        format!(
            "petitions={} signatures={} templates={} invitations={} members={}",
            self.petitions, self.signatures, self.templates, self.invitations, self.members
        )
    }

    /// The counts of a line written by `to_line`; `None` for anything else.
    pub fn parse(line: &str) -> Option<Went> {
        let mut went = Went::default();
        for pair in line.split_whitespace() {
            let (name, value) = pair.split_once('=')?;
            let value = value.parse().ok()?;
            match name {
                "petitions" => went.petitions = value,
                "signatures" => went.signatures = value,
                "templates" => went.templates = value,
                "invitations" => went.invitations = value,
                "members" => went.members = value,
                _ => return None,
            }
        }
        Some(went)
    }
}

/// Who decided: an account, or the command line (run by whoever holds the server).
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Option<i32>,
    pub name: String,
}

impl Actor {
    pub fn command_line() -> Actor {
        Actor {
            id: None,
            name: "(command line)".into(),
        }
    }
}

impl From<&user::Model> for Actor {
    fn from(user: &user::Model) -> Actor {
        Actor {
            id: Some(user.id),
            name: user.username.clone(),
        }
    }
}

impl From<&Actor> for Actor {
    fn from(actor: &Actor) -> Actor {
        actor.clone()
    }
}

/// Writes one decision, in the caller's transaction.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    actor: impl Into<Actor>,
    action: Action,
    target: &Target,
    reason: &str,
) -> Result<(), DbErr> {
    let actor = actor.into();
    audit_entry::ActiveModel {
        at: Set(crate::domain::now()),
        actor_id: Set(actor.id),
        actor_name: Set(actor.name),
        action: Set(action.name().to_string()),
        target_kind: Set(target.kind.to_string()),
        target_id: Set(target.id),
        target_label: Set(target.label.clone()),
        reason: Set(reason.to_string()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// One line of the log as the log page shows it.
#[derive(Debug, Serialize)]
pub struct EntryView {
    /// `YYYY-MM-DD HH:MM` UTC.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: Option<i32>,
    pub target_label: String,
    pub reason: String,
    /// For a deleted organization, what went with it.
    pub went: Option<Went>,
}

/// One page of the log, newest first, and how many entries there are in all.
pub async fn page<C: ConnectionTrait>(
    conn: &C,
    offset: u64,
    limit: u64,
) -> Result<(Vec<EntryView>, u64), DbErr> {
    let total = audit_entry::Entity::find().count(conn).await?;
    let rows = audit_entry::Entity::find()
        .order_by_desc(audit_entry::Column::At)
        .order_by_desc(audit_entry::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    let entries = rows
        .into_iter()
        .map(|r| EntryView {
            went: (r.action == Action::DeleteOrganization.name())
                .then(|| Went::parse(&r.reason))
                .flatten(),
            at: r.at.format(&format).unwrap_or_default(),
            actor: r.actor_name,
            action: r.action,
            target_kind: r.target_kind,
            target_id: r.target_id,
            target_label: r.target_label,
            reason: r.reason,
        })
        .collect();
    Ok((entries, total))
}
