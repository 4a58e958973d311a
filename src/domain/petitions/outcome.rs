//! Ending a campaign (F9.3): those who may modify a petition mark it successful (it won) or closed
//! (it ends without saying more). Either way its closing date becomes that moment — signing stops,
//! the page says how it ended, and the anonymization delay counts from there — unless it had
//! already closed, whose date stays. Reopening clears both, until its signers have been anonymized.
//! The final word to the signers is an update (`outreach::updates`), written next.
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};

use super::campaign::{CampaignError, petition_for};
use crate::domain::people::permission;
use crate::entity::{petition, user};

/// How a campaign ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It won.
    Successful,
    /// It ended, without saying more.
    Closed,
}

impl Outcome {
    pub const ALL: [Outcome; 2] = [Outcome::Successful, Outcome::Closed];

    /// As stored and in forms.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Successful => "successful",
            Outcome::Closed => "closed",
        }
    }

    pub fn parse(name: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.name() == name)
    }

    /// The outcome `p` was ended with, if any.
    pub fn of(p: &petition::Model) -> Option<Outcome> {
        p.outcome.as_deref().and_then(Outcome::parse)
    }
}

/// Ends the campaign of petition `id` with `outcome`; `user` needs the right to modify it. Ending it
/// again only changes the outcome.
pub async fn end(
    db: &sea_orm::DatabaseConnection,
    user: &user::Model,
    id: i32,
    outcome: Outcome,
) -> Result<petition::Model, CampaignError> {
    let txn = crate::db::begin_write(db).await?;
    let petition = petition_for(&txn, user, id, permission::END_CAMPAIGN).await?;
    // A draft has no campaign to end yet; an anonymized one's ending is history.
    if !petition.published || petition.anonymized_at.is_some() {
        return Err(CampaignError::NotFound);
    }
    let now = crate::domain::now();
    let closes_at = match petition.deadline {
        Some(deadline) if deadline <= now => deadline,
        _ => now,
    };
    let mut active = petition.into_active_model();
    active.outcome = Set(Some(outcome.name().to_string()));
    active.deadline = Set(Some(closes_at));
    active.updated_at = Set(now);
    let petition = active.update(&txn).await?;
    txn.commit().await?;
    Ok(petition)
}

/// Opens petition `id` for signing again, with no closing date and no outcome. Refused once its
/// signers were anonymized, or are due to be (`default_days`: the instance's delay), so that the
/// anonymization job never erases the signers of a petition open again: a campaign whose signers'
/// data are gone does not start again.
/// Whether an ended petition may open again: not once its signers were anonymized, or are due to
/// be (`default_days` is the site's anonymization delay), so that the hourly job can never erase
/// the signers of a reopened petition.
pub fn may_reopen(petition: &petition::Model, default_days: u64) -> bool {
    let due = crate::domain::signing::anonymization::due(petition, default_days)
        .is_some_and(|at| at <= crate::domain::now());
    petition.anonymized_at.is_none() && !due
}

pub async fn reopen(
    db: &sea_orm::DatabaseConnection,
    user: &user::Model,
    id: i32,
    default_days: u64,
) -> Result<petition::Model, CampaignError> {
    let txn = crate::db::begin_write(db).await?;
    let petition = petition_for(&txn, user, id, permission::END_CAMPAIGN).await?;
    if !may_reopen(&petition, default_days) {
        return Err(CampaignError::Invalid(
            crate::domain::people::account::FieldErrors::from([(
                "form",
                "outcome-reopen-anonymized",
            )]),
        ));
    }
    let mut active = petition.into_active_model();
    active.outcome = Set(None);
    active.deadline = Set(None);
    active.updated_at = Set(crate::domain::now());
    let petition = active.update(&txn).await?;
    txn.commit().await?;
    Ok(petition)
}
