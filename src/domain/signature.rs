//! Signing a petition (F2): validation, the unconfirmed signature and its confirmation mail written
//! in one transaction, and the confirmation that makes the signature count.
use std::collections::BTreeMap;
use std::net::IpAddr;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter, QuerySelect, Set, SqlErr,
};
use serde::{Deserialize, Serialize};
use validator::ValidateEmail;

use super::petition::{self, Located};
use super::token;
use crate::Site;
use crate::entity::{petition as petition_entity, signature};
use crate::i18n::Lang;
use crate::mail::queue::{self, Outgoing};
use crate::templates::Templates;

/// Whether an optional signature field is asked, and whether it must be filled (F4.6).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldRule {
    #[default]
    Off,
    Optional,
    Required,
}

/// The optional fields a petition asks of its signers; stored as JSON on the petition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SignatureFields {
    pub phone: FieldRule,
    pub postal_code: FieldRule,
    pub city: FieldRule,
    pub country: FieldRule,
    pub organization: FieldRule,
    pub comment: FieldRule,
}

impl SignatureFields {
    pub fn of(p: &petition_entity::Model) -> SignatureFields {
        serde_json::from_str(&p.signature_fields).unwrap_or_default()
    }
}

/// What a signer typed. Every field is optional at this stage: `validate` says what is missing.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SignatureInput {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub organization: String,
    pub comment: String,
    pub newsletter: bool,
}

/// Field name → Fluent key of the message shown next to it.
pub type FieldErrors = BTreeMap<&'static str, &'static str>;

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("invalid signature")]
    Invalid(FieldErrors),
    #[error("the petition is closed")]
    Closed,
    #[error("the petition is not open to the public")]
    NotPublic,
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    #[error("mail template: {0}")]
    Template(String),
}

/// A validated signature: trimmed, the address lower-cased, unasked fields dropped.
#[derive(Debug, Clone)]
struct Clean {
    first_name: String,
    last_name: String,
    email: String,
    phone: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    country: Option<String>,
    organization: Option<String>,
    comment: Option<String>,
    newsletter: bool,
}

fn text_field(
    errors: &mut FieldErrors,
    name: &'static str,
    value: &str,
    rule: FieldRule,
    max: usize,
) -> Option<String> {
    let value = value.trim();
    if rule == FieldRule::Off {
        return None;
    }
    if value.chars().count() > max {
        errors.insert(name, "field-too-long");
        return None;
    }
    // U+FFFD is what a browser's invalid UTF-8 becomes once decoded: the text was lost on the way.
    if value
        .chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\r' && c != '\t') || c == '\u{FFFD}')
    {
        errors.insert(name, "field-invalid-characters");
        return None;
    }
    if value.is_empty() {
        if rule == FieldRule::Required {
            errors.insert(name, "field-required");
        }
        return None;
    }
    Some(value.to_string())
}

impl SignatureInput {
    fn validate(&self, fields: &SignatureFields) -> Result<Clean, FieldErrors> {
        let mut errors = FieldErrors::new();
        let first_name = text_field(
            &mut errors,
            "first_name",
            &self.first_name,
            FieldRule::Required,
            100,
        );
        let last_name = text_field(
            &mut errors,
            "last_name",
            &self.last_name,
            FieldRule::Required,
            100,
        );
        let email = self.email.trim().to_lowercase();
        if email.is_empty() {
            errors.insert("email", "field-required");
        } else if email.len() > 254 || !email.validate_email() {
            errors.insert("email", "field-email-invalid");
        }
        let phone = text_field(&mut errors, "phone", &self.phone, fields.phone, 40);
        let postal_code = text_field(
            &mut errors,
            "postal_code",
            &self.postal_code,
            fields.postal_code,
            20,
        );
        let city = text_field(&mut errors, "city", &self.city, fields.city, 100);
        let country = text_field(&mut errors, "country", &self.country, fields.country, 100);
        let organization = text_field(
            &mut errors,
            "organization",
            &self.organization,
            fields.organization,
            200,
        );
        let comment = text_field(&mut errors, "comment", &self.comment, fields.comment, 2000);
        match (errors.is_empty(), first_name, last_name) {
            (true, Some(first_name), Some(last_name)) => Ok(Clean {
                first_name,
                last_name,
                email,
                phone,
                postal_code,
                city,
                country,
                organization,
                comment,
                newsletter: self.newsletter,
            }),
            _ => Err(errors),
        }
    }
}

/// Records a signature and queues the mail that follows from it, in one transaction.
///
/// A new address, or one that signed without confirming, gets a confirmation link (a new token each
/// time: only the latest link works). An address that already confirmed gets a note saying so and
/// nothing changes. The caller answers the same way in every case (F2.4).
///
/// The web handler does the same through `signing_queue::SigningQueue`, which commits the signatures
/// that arrive together in one transaction; this function commits one on its own.
pub async fn sign(
    db: &DatabaseConnection,
    site: &Site,
    located: &Located,
    input: &SignatureInput,
    ip: Option<IpAddr>,
    lang: &Lang,
) -> Result<(), SignError> {
    let prepared = prepare(site, located, input, ip, lang)?;
    write_one(db, &prepared, &site.mail_domain(), &site.templates).await?;
    site.wake.notify();
    Ok(())
}

/// A signature checked and ready to be written: validated, its token drawn, its confirmation mail
/// composed beforehand (outside the write lock). The note for an address that had already confirmed
/// is composed only when that turns out to be the case, which is rare.
pub struct Prepared {
    petition_id: i32,
    clean: Clean,
    ip_hash: Option<String>,
    locale: String,
    confirmation: Confirmation,
    already_signed: AlreadySigned,
}

/// A new confirmation link and the mail that carries it. Storing `token_hash` on the signature
/// retires every earlier link: only the latest one works.
#[derive(Debug, Clone)]
pub struct Confirmation {
    pub token_hash: String,
    pub mail: Outgoing,
}

/// What the "you already signed" note needs.
struct AlreadySigned {
    lang: Lang,
    subject: String,
    context: serde_json::Value,
    reply_to: Option<String>,
}

impl Prepared {
    pub fn petition_id(&self) -> i32 {
        self.petition_id
    }
}

/// Everything about a signature that needs no database: the petition open to the public, the fields
/// valid, the token and the mails.
pub fn prepare(
    site: &Site,
    located: &Located,
    input: &SignatureInput,
    ip: Option<IpAddr>,
    lang: &Lang,
) -> Result<Prepared, SignError> {
    if !located.is_public() {
        return Err(SignError::NotPublic);
    }
    if located.is_closed() {
        return Err(SignError::Closed);
    }
    let clean = input
        .validate(&SignatureFields::of(&located.petition))
        .map_err(SignError::Invalid)?;
    let context = mail_context(site, located, &clean.first_name, &clean.last_name);
    let confirmation = confirmation(site, located, &clean.email, &context, lang)?;
    let already_signed = AlreadySigned {
        lang: lang.clone(),
        subject: lang.t_args(
            "mail-already-signed-subject",
            &[("title", located.petition.title.clone().into())],
        ),
        context,
        reply_to: located.petition.reply_to.clone(),
    };
    Ok(Prepared {
        petition_id: located.petition.id,
        ip_hash: ip.map(|ip| token::ip_hash(&site.keys.ip_hash, ip)),
        locale: lang.code(),
        clean,
        confirmation,
        already_signed,
    })
}

/// Writes one prepared signature in a transaction of its own. Two first signatures with the same
/// address racing on PostgreSQL: the loser meets the unique index and goes round again, this time
/// finding the winner's row.
pub async fn write_one(
    db: &DatabaseConnection,
    prepared: &Prepared,
    mail_domain: &str,
    templates: &Templates,
) -> Result<(), SignError> {
    for _ in 0..3 {
        match write_once(db, prepared, mail_domain, templates).await {
            Err(SignError::Database(e))
                if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) =>
            {
                continue;
            }
            other => return other,
        }
    }
    write_once(db, prepared, mail_domain, templates).await
}

async fn write_once(
    db: &DatabaseConnection,
    prepared: &Prepared,
    mail_domain: &str,
    templates: &Templates,
) -> Result<(), SignError> {
    let txn = crate::db::begin_write(db).await?;
    still_open(&txn, prepared.petition_id).await??;
    apply(&txn, prepared, mail_domain, templates).await?;
    txn.commit().await?;
    Ok(())
}

/// Whether the petition still takes signatures, read inside the writing transaction: the page a
/// signer came from may be a second old (`web::cache`), the answer must not be.
pub async fn still_open<C: ConnectionTrait>(
    conn: &C,
    petition_id: i32,
) -> Result<Result<(), SignError>, sea_orm::DbErr> {
    let found = petition_entity::Entity::find_by_id(petition_id)
        .select_only()
        .column(petition_entity::Column::Published)
        .column(petition_entity::Column::Moderated)
        .column(petition_entity::Column::Deadline)
        .into_tuple::<(bool, bool, Option<time::OffsetDateTime>)>()
        .one(conn)
        .await?;
    Ok(match found {
        Some((true, false, deadline)) if deadline.is_some_and(|d| d <= super::now()) => {
            Err(SignError::Closed)
        }
        Some((true, false, _)) => Ok(()),
        _ => Err(SignError::NotPublic),
    })
}

/// Writes a prepared signature and its mail in the caller's transaction: a new row, or the
/// unconfirmed row of the same address updated with the latest details and token, each with the
/// confirmation mail; or, for an address that already confirmed, only the note saying so.
pub async fn apply<C: ConnectionTrait>(
    conn: &C,
    prepared: &Prepared,
    mail_domain: &str,
    templates: &Templates,
) -> Result<(), SignError> {
    let clean = &prepared.clean;
    let existing = signature::Entity::find()
        .filter(signature::Column::PetitionId.eq(prepared.petition_id))
        .filter(signature::Column::Email.eq(&clean.email))
        .one(conn)
        .await?;
    let now = super::now();
    let mail = match existing {
        Some(confirmed) if confirmed.confirmed_at.is_some() => {
            let note = &prepared.already_signed;
            let mut mail = Outgoing::compose(
                templates,
                "already-signed",
                &note.lang,
                note.subject.clone(),
                &clean.email,
                &note.context,
            )
            .map_err(|e| SignError::Template(crate::error::describe_chain(&e)))?;
            mail.reply_to = note.reply_to.clone();
            mail
        }
        existing => {
            let mut row = match existing {
                Some(unconfirmed) => unconfirmed.into_active_model(),
                None => signature::ActiveModel {
                    petition_id: Set(prepared.petition_id),
                    email: Set(clean.email.clone()),
                    created_at: Set(now),
                    confirmed_at: Set(None),
                    ..Default::default()
                },
            };
            row.first_name = Set(clean.first_name.clone());
            row.last_name = Set(clean.last_name.clone());
            row.phone = Set(clean.phone.clone());
            row.postal_code = Set(clean.postal_code.clone());
            row.city = Set(clean.city.clone());
            row.country = Set(clean.country.clone());
            row.organization = Set(clean.organization.clone());
            row.comment = Set(clean.comment.clone());
            row.newsletter = Set(clean.newsletter);
            row.locale = Set(Some(prepared.locale.clone()));
            row.confirmation_token_hash = Set(prepared.confirmation.token_hash.clone());
            row.ip_hash = Set(prepared.ip_hash.clone());
            row.updated_at = Set(now);
            if row.id.is_unchanged() {
                row.update(conn).await?;
            } else {
                // The insert builder skips the entity's hooks; they keep the search key.
                let row = row.before_save(conn, true).await?;
                signature::Entity::insert(row)
                    .exec_without_returning(conn)
                    .await?;
            }
            prepared.confirmation.mail.clone()
        }
    };
    queue::enqueue(conn, mail, mail_domain).await?;
    Ok(())
}

fn mail_context(
    site: &Site,
    located: &Located,
    first_name: &str,
    last_name: &str,
) -> serde_json::Value {
    serde_json::json!({
        "site_name": site.settings.site_name,
        "petition": located.view(site.settings.public_url()),
        "first_name": first_name,
        "last_name": last_name,
    })
}

/// Draws a new confirmation token and composes the mail with its link, to `email`, in `lang`.
fn confirmation(
    site: &Site,
    located: &Located,
    email: &str,
    context: &serde_json::Value,
    lang: &Lang,
) -> Result<Confirmation, SignError> {
    let token = token::generate();
    let mut context = context.clone();
    context["confirm_url"] = format!("{}/confirm/{token}", site.settings.public_url()).into();
    context["withdraw_url"] = format!("{}/withdraw/{token}", site.settings.public_url()).into();
    let subject = lang.t_args(
        "mail-confirm-subject",
        &[("title", located.petition.title.clone().into())],
    );
    let mut mail = Outgoing::compose(&site.templates, "confirm", lang, subject, email, &context)
        .map_err(|e| SignError::Template(crate::error::describe_chain(&e)))?;
    mail.reply_to = located.petition.reply_to.clone();
    Ok(Confirmation {
        token_hash: token::hash(&token),
        mail,
    })
}

/// A new confirmation link for a signature already written (a re-send from the signatures page),
/// in the language the signer signed in, else the instance's. Composed outside any transaction;
/// `renew_confirmation` stores it.
pub fn confirmation_for(
    site: &Site,
    located: &Located,
    signature: &signature::Model,
) -> Result<Confirmation, SignError> {
    let lang = signature
        .locale
        .as_deref()
        .and_then(Lang::shipped)
        .or_else(|| Lang::shipped(&site.settings.default_language))
        .unwrap_or_else(Lang::source);
    let context = mail_context(site, located, &signature.first_name, &signature.last_name);
    confirmation(site, located, &signature.email, &context, &lang)
}

/// Gives a signature that is still unconfirmed a new confirmation link and queues the mail that
/// carries it, in the caller's transaction; the previous link stops working. Returns false, and
/// changes nothing, when the signature is confirmed (a confirmed signer never gets a confirmation
/// mail again) or gone.
pub async fn renew_confirmation<C: ConnectionTrait>(
    conn: &C,
    signature_id: i32,
    confirmation: Confirmation,
    mail_domain: &str,
) -> Result<bool, sea_orm::DbErr> {
    let renewed = signature::Entity::update_many()
        .col_expr(
            signature::Column::ConfirmationTokenHash,
            Expr::value(confirmation.token_hash),
        )
        .col_expr(signature::Column::UpdatedAt, Expr::value(super::now()))
        .filter(signature::Column::Id.eq(signature_id))
        .filter(signature::Column::ConfirmedAt.is_null())
        .exec(conn)
        .await?;
    if renewed.rows_affected != 1 {
        return Ok(false);
    }
    queue::enqueue(conn, confirmation.mail, mail_domain).await?;
    Ok(true)
}

/// A signature reached through its confirmation link.
pub struct Pending {
    pub signature: signature::Model,
    pub petition: Located,
}

/// Finds the signature a confirmation link belongs to, changing nothing (a mail scanner opening
/// the link must not confirm it).
pub async fn find_by_token(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<Pending>, sea_orm::DbErr> {
    let Some(signature) = signature::Entity::find()
        .filter(signature::Column::ConfirmationTokenHash.eq(token::hash(token)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(petition::find(db, signature.petition_id)
        .await?
        .map(|petition| Pending {
            signature,
            petition,
        }))
}

/// Confirms the signature of a confirmation link. Confirming again changes nothing. The petition's
/// count goes up in the same transaction, by exactly one, whatever runs concurrently: only the
/// UPDATE that flips `confirmed_at` from NULL adds one, to a shard of the count (`counter`), so
/// concurrent confirmations do not all wait on the petition's row.
pub async fn confirm(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<Pending>, sea_orm::DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let Some((petition_id, flipped)) = flip_confirmed(&txn, &token::hash(token)).await? else {
        return Ok(None);
    };
    if flipped {
        super::counter::add_confirmed(&txn, petition_id, 1).await?;
    }
    txn.commit().await?;
    find_by_token(db, token).await
}

/// Withdraws a signature (F2.5, F9.4), as found through its mailed link (`find_by_token`): the row,
/// and with it everything the signer gave, is deleted, and a confirmed signature leaves the count in
/// the same transaction. False when it was already gone (withdrawn twice at once).
pub async fn withdraw(
    db: &DatabaseConnection,
    found: &signature::Model,
) -> Result<bool, sea_orm::DbErr> {
    let txn = crate::db::begin_write(db).await?;
    // Each delete states whether the row is confirmed, so that a confirmation committed since it was
    // read cannot leave the count one too high.
    let unconfirmed = signature::Entity::delete_many()
        .filter(signature::Column::Id.eq(found.id))
        .filter(signature::Column::ConfirmedAt.is_null())
        .exec(&txn)
        .await?;
    if unconfirmed.rows_affected == 0 {
        let confirmed = signature::Entity::delete_many()
            .filter(signature::Column::Id.eq(found.id))
            .filter(signature::Column::ConfirmedAt.is_not_null())
            .exec(&txn)
            .await?;
        if confirmed.rows_affected == 0 {
            return Ok(false);
        }
        super::counter::add_confirmed(&txn, found.petition_id, -1).await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// Marks the signature whose token hashes to `token_hash` confirmed, in the caller's transaction.
/// Returns its petition and whether this call confirmed it (false: it already was); the caller adds
/// the confirmations to the count (`counter::add_confirmed`) in the same transaction.
pub async fn flip_confirmed<C: ConnectionTrait>(
    conn: &C,
    token_hash: &str,
) -> Result<Option<(i32, bool)>, sea_orm::DbErr> {
    let Some(found) = signature::Entity::find()
        .filter(signature::Column::ConfirmationTokenHash.eq(token_hash))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let flipped = signature::Entity::update_many()
        .col_expr(signature::Column::ConfirmedAt, Expr::value(super::now()))
        .filter(signature::Column::Id.eq(found.id))
        .filter(signature::Column::ConfirmedAt.is_null())
        .exec(conn)
        .await?;
    Ok(Some((found.petition_id, flipped.rows_affected == 1)))
}
