//! Recent signers on a petition's page (issue 13 point 1, F1.2). A petition shows them only when its
//! organizers chose to (`petitions.show_signers`), and only the signers who agreed when signing
//! (`signatures.shown_publicly`, a box left unticked by default): their first name, their city or
//! organization, and their comment. Never a last name, an address or anything else; nothing of a
//! signature not confirmed, held back, or anonymized.
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use time::OffsetDateTime;

use crate::entity::{petition, signature};

/// How many the page shows.
pub const SHOWN: u64 = 10;

/// What the page shows of one signer.
#[derive(Debug, Clone, Serialize)]
pub struct PublicSigner {
    pub first_name: String,
    /// Their city, else their organization, when asked and given.
    pub place: Option<String>,
    pub comment: Option<String>,
    /// When they confirmed, RFC 3339 UTC.
    pub at: String,
}

/// The latest signers of `petition` who agreed to be shown, the latest first; none when it does
/// not show its signers.
pub async fn recent<C: ConnectionTrait>(
    conn: &C,
    petition: &petition::Model,
) -> Result<Vec<PublicSigner>, DbErr> {
    if !petition.show_signers {
        return Ok(Vec::new());
    }
    type Row = (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<OffsetDateTime>,
    );
    let rows: Vec<Row> = signature::Entity::find()
        .select_only()
        .column(signature::Column::FirstName)
        .column(signature::Column::City)
        .column(signature::Column::Organization)
        .column(signature::Column::Comment)
        .column(signature::Column::ConfirmedAt)
        .filter(signature::Column::PetitionId.eq(petition.id))
        // As the partial index `idx_signatures_public` says it, so that it serves.
        .filter(Expr::cust("shown_publicly"))
        .filter(signature::Column::ConfirmedAt.is_not_null())
        .filter(signature::Column::HeldAt.is_null())
        .filter(signature::Column::FirstName.ne(""))
        .order_by_desc(signature::Column::ConfirmedAt)
        .limit(SHOWN)
        .into_tuple()
        .all(conn)
        .await?;
    let given = |v: Option<String>| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    Ok(rows
        .into_iter()
        .map(
            |(first_name, city, organization, comment, at)| PublicSigner {
                first_name,
                place: given(city).or_else(|| given(organization)),
                comment: given(comment),
                at: at.map(crate::domain::instant_text).unwrap_or_default(),
            },
        )
        .collect())
}
