//! Signing a petition (F2): validation, the unconfirmed signature and its confirmation mail written
//! in one transaction, and the confirmation that makes the signature count.
use std::collections::BTreeMap;
use std::net::IpAddr;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelBehavior, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, Set, SqlErr,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use validator::ValidateEmail;

use super::history::Changes;
use super::tallies::{Known, Tallies, Wanted};
use crate::Site;
use crate::domain::abuse::proof_of_work::{self, Proof};
use crate::domain::abuse::signing_limits::SigningLimits;
use crate::domain::abuse::source::Source;
use crate::domain::abuse::{address, mail_cap};
use crate::domain::petitions::petition::{self, Located};
use crate::domain::token;
use crate::entity::{petition as petition_entity, signature};
use crate::i18n::Lang;
use crate::mail::queue::{self, Outgoing, Postmark};
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
    /// "Show my first name, city and comment on this page" (kept only where the petition shows its
    /// signers).
    pub shown_publicly: bool,
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
    shown_publicly: bool,
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
    /// `phone_country` reads numbers written the national way (`phone`).
    fn validate(
        &self,
        fields: &SignatureFields,
        phone_country: &str,
    ) -> Result<Clean, FieldErrors> {
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
        let email = self.email.trim().to_string();
        if email.is_empty() {
            errors.insert("email", "field-required");
        } else if email.len() > 254 || !email.validate_email() {
            errors.insert("email", "field-email-invalid");
        }
        let phone =
            text_field(&mut errors, "phone", &self.phone, fields.phone, 40).and_then(|typed| {
                match crate::domain::signing::phone::international(&typed, phone_country) {
                    Ok(number) => Some(number),
                    Err(message) => {
                        errors.insert("phone", message);
                        None
                    }
                }
            });
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
                shown_publicly: self.shown_publicly,
            }),
            _ => Err(errors),
        }
    }
}

/// Records a signature and queues the mail that follows from it, in one transaction.
///
/// A new address gets a confirmation link; an address that signed without confirming gets a new one
/// (only the latest link works) while what it first gave stays as it was until its owner confirms;
/// an address that already confirmed gets a note saying so and nothing changes. A signature over a
/// limit (`abuse`) is held instead: stored, not counted, no mail. The caller answers the same way
/// in every case (F2.4), so the sender learns nothing.
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
    let source = site.sources.source(db, ip).await?;
    let proof = if proof_of_work::asked(site, located) {
        Proof::Unsolved
    } else {
        Proof::NotAsked
    };
    let prepared = prepare(site, located, input, (source, proof), lang)?;
    write_one(db, &prepared, &Rules::of(site), &site.templates).await?;
    site.wake.notify();
    Ok(())
}

/// What decides how a signature is written: the limits per client address and what every queued
/// mail is stamped with (the caps per recipient among it).
#[derive(Debug, Clone)]
pub struct Rules {
    pub limits: SigningLimits,
    pub postmark: Postmark,
}

impl Rules {
    pub fn of(site: &Site) -> Rules {
        Rules {
            limits: SigningLimits::from_settings(&site.settings),
            postmark: site.postmark(),
        }
    }
}

/// A signature checked and ready to be written: validated, its canonical address and source known,
/// its confirmation mail composed beforehand (outside the write lock). The other mails (a new link
/// for an address that signed before, the note for one that confirmed) are composed only when that
/// turns out to be the case, which is rare.
pub struct Prepared {
    petition_id: i32,
    clean: Clean,
    email_key: String,
    source: Option<Source>,
    proof: Proof,
    locale: String,
    confirmation: Confirmation,
    letters: Letters,
}

/// A new confirmation link and the mail that carries it. Storing `token_hash` on the signature
/// retires every earlier link: only the latest one works.
#[derive(Debug, Clone)]
pub struct Confirmation {
    pub token_hash: String,
    pub mail: Outgoing,
}

/// How the mails about one petition are written, in one language, with the petition's version in it.
struct Letters {
    lang: Lang,
    petition_id: i32,
    public_url: String,
    title: String,
    reply_to: Option<String>,
    site_name: String,
    petition: serde_json::Value,
}

/// The longest first name a mail greets with: a mail to an address that has confirmed nothing
/// carries nothing else the sender typed.
pub const GREETING_MAX_CHARS: usize = 32;

impl Letters {
    /// The petition is named as its version in `lang` has it, when it has one (F4.8), else as
    /// its main version.
    fn new(site: &Site, located: &Located, lang: &Lang) -> Letters {
        let located = &crate::domain::petitions::translations::for_reader(located, None, lang);
        let public_url = site.settings.public_url().to_string();
        Letters {
            lang: lang.clone(),
            petition_id: located.petition.id,
            petition: serde_json::to_value(located.mail_view(&public_url)).unwrap_or_default(),
            public_url,
            title: located.petition.title.clone(),
            reply_to: located.petition.reply_to.clone(),
            site_name: site.live.get().site_name.clone(),
        }
    }

    fn context(&self, first_name: &str) -> serde_json::Value {
        serde_json::json!({
            "site_name": self.site_name,
            "petition": self.petition,
            "first_name": first_name.chars().take(GREETING_MAX_CHARS).collect::<String>(),
        })
    }

    fn compose(
        &self,
        templates: &Templates,
        name: &str,
        subject_key: &str,
        to: &str,
        context: &serde_json::Value,
    ) -> Result<Outgoing, SignError> {
        let subject = self
            .lang
            .t_args(subject_key, &[("title", self.title.clone().into())]);
        let mut mail = Outgoing::compose(templates, name, &self.lang, subject, to, context)
            .map_err(|e| SignError::Template(crate::error::describe_chain(&e)))?;
        mail.reply_to = self.reply_to.clone();
        mail.petition_id = Some(self.petition_id);
        Ok(mail)
    }

    /// Draws a new confirmation token and composes the mail with its link.
    fn confirmation(
        &self,
        templates: &Templates,
        to: &str,
        first_name: &str,
    ) -> Result<Confirmation, SignError> {
        let token = token::generate();
        let mut context = self.context(first_name);
        context["confirm_url"] = format!("{}/confirm/{token}", self.public_url).into();
        context["withdraw_url"] = format!("{}/withdraw/{token}", self.public_url).into();
        let mail = self.compose(templates, "confirm", "mail-confirm-subject", to, &context)?;
        Ok(Confirmation {
            token_hash: token::hash(&token),
            mail,
        })
    }

    /// "You already signed", greeting with the name of the confirmed signature.
    fn already_signed(
        &self,
        templates: &Templates,
        to: &str,
        first_name: &str,
    ) -> Result<Outgoing, SignError> {
        let context = self.context(first_name);
        self.compose(
            templates,
            "already-signed",
            "mail-already-signed-subject",
            to,
            &context,
        )
    }
}

impl Prepared {
    pub fn petition_id(&self) -> i32 {
        self.petition_id
    }

    /// What the writing transaction locks on PostgreSQL (`mail_cap::lock`): the signer's canonical
    /// address and source, so that limits count alike across instances.
    pub fn lock_keys(&self) -> impl Iterator<Item = String> + '_ {
        std::iter::once(mail_cap::address_key(&self.clean.email))
            .chain(self.source.iter().map(|s| format!("ip:{}", s.hash)))
    }
}

/// Everything about a signature that needs no database: the petition open to the public, the fields
/// valid, the canonical address, the token and the mail. `source` is where it came from
/// (`Site::sources`), `None` when the address is unknown.
pub fn prepare(
    site: &Site,
    located: &Located,
    input: &SignatureInput,
    (source, proof): (Option<Source>, Proof),
    lang: &Lang,
) -> Result<Prepared, SignError> {
    if !located.is_public() {
        return Err(SignError::NotPublic);
    }
    if located.is_closed() {
        return Err(SignError::Closed);
    }
    let mut clean = input
        .validate(
            &SignatureFields::of(&located.petition),
            &site.settings.phone_country,
        )
        .map_err(SignError::Invalid)?;
    clean.shown_publicly &= located.petition.show_signers;
    let letters = Letters::new(site, located, lang);
    let confirmation = letters.confirmation(&site.templates, &clean.email, &clean.first_name)?;
    Ok(Prepared {
        petition_id: located.petition.id,
        email_key: address::canonical(&clean.email),
        source,
        proof,
        locale: lang.code(),
        clean,
        confirmation,
        letters,
    })
}

/// Writes one prepared signature in a transaction of its own. Two first signatures with the same
/// address racing on PostgreSQL: the loser meets the unique index and goes round again, this time
/// finding the winner's row.
pub async fn write_one(
    db: &DatabaseConnection,
    prepared: &Prepared,
    rules: &Rules,
    templates: &Templates,
) -> Result<(), SignError> {
    for _ in 0..3 {
        match write_once(db, prepared, rules, templates).await {
            Err(SignError::Database(e))
                if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) =>
            {
                continue;
            }
            other => return other,
        }
    }
    write_once(db, prepared, rules, templates).await
}

async fn write_once(
    db: &DatabaseConnection,
    prepared: &Prepared,
    rules: &Rules,
    templates: &Templates,
) -> Result<(), SignError> {
    let txn = crate::db::begin_write(db).await?;
    let keys: Vec<String> = prepared.lock_keys().collect();
    mail_cap::lock_then(&txn, &keys, Some(crate::db::GENERIC_PLANS)).await?;
    let mut tallies =
        Tallies::load(&txn, &[wanted(prepared)], rules.limits, &rules.postmark).await?;
    if let Some(refusal) = tallies.refusal(prepared.petition_id) {
        return Err(refusal.into());
    }
    apply(&txn, prepared, rules, templates, &mut tallies).await?;
    tallies.finish(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Why a petition takes no signature now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Past its deadline.
    Closed,
    /// Not public, as `Located::is_public` says: unpublished, hidden by a moderator, the own
    /// petition of a blocked account, or gone.
    NotPublic,
}

impl From<Refusal> for SignError {
    fn from(refusal: Refusal) -> SignError {
        match refusal {
            Refusal::Closed => SignError::Closed,
            Refusal::NotPublic => SignError::NotPublic,
        }
    }
}

/// Whether a petition takes signatures: `public` (published, not hidden by a moderator, not the own
/// petition of a blocked account) and not past its `deadline`. Read inside the writing transaction
/// (`Tallies::load`): the page a signer came from may be a second old (`web::cache`), or from before
/// a change another instance made; the answer must not be.
pub fn refusal(public: bool, deadline: Option<OffsetDateTime>) -> Option<Refusal> {
    if !public {
        Some(Refusal::NotPublic)
    } else if deadline.is_some_and(|d| d <= crate::domain::now()) {
        Some(Refusal::Closed)
    } else {
        None
    }
}

/// What writing a signature did; the signer is answered the same in every case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// A confirmation link (new, or renewed for an unconfirmed signature) was queued.
    Mailed,
    /// The address had confirmed: the note saying so was queued, or capped.
    AlreadySigned,
    /// Held back by a limit, or the address has had its mails for the day: nothing sent.
    Held,
}

/// Writes a prepared signature and its mail in the caller's transaction (which holds the locks of
/// `Prepared::lock_keys` on PostgreSQL):
/// - a new address: a new row with the confirmation mail; held (no mail, not counted) when its
///   source is over a limit or the address has had its mails for the day;
/// - an address that signed without confirming: what it first gave stays (someone else typing the
///   same address cannot rewrite it); a new link is mailed, within the limits and caps; a held
///   signature stays held until the organizers release it;
/// - an address that confirmed: only the note saying so, greeting with the confirmed name.
pub async fn apply<C: ConnectionTrait>(
    conn: &C,
    prepared: &Prepared,
    rules: &Rules,
    templates: &Templates,
    tallies: &mut Tallies,
) -> Result<Written, SignError> {
    let clean = &prepared.clean;
    // A solution counts once, whatever instance sees it again: a replay is refused before anything
    // is written.
    if let Proof::Solved(fingerprint) = &prepared.proof
        && !proof_of_work::spend(conn, fingerprint).await?
    {
        return Err(SignError::Invalid(FieldErrors::from([(
            "form",
            "pow-replayed",
        )])));
    }
    let postmark = &rules.postmark;
    let petition_id = prepared.petition_id;
    let limits = match prepared.proof {
        Proof::Unsolved => rules.limits.stricter(),
        _ => rules.limits,
    };
    let source = prepared.source.as_ref();
    // Whether a mail for this signature must not go out: its source is over a limit, or its
    // address has had its mails for the day.
    let blocked = |tallies: &Tallies, to: &str| {
        source.is_some_and(|s| tallies.over(limits, s, petition_id))
            || !tallies.may_mail(postmark, to, Some(petition_id))
    };
    let now = super::super::now();
    match tallies.known(petition_id, &prepared.email_key).cloned() {
        Some(confirmed) if confirmed.confirmed => {
            if !tallies.may_mail(postmark, &confirmed.email, Some(petition_id)) {
                return Ok(Written::AlreadySigned);
            }
            let note = prepared.letters.already_signed(
                templates,
                &confirmed.email,
                &confirmed.first_name,
            )?;
            tallies.mailed(postmark, &confirmed.email, Some(petition_id));
            tallies.rows.mail(queue::queued_row(note, postmark));
            Ok(Written::AlreadySigned)
        }
        Some(held) if held.held => Ok(Written::Held),
        Some(unconfirmed) => {
            if blocked(tallies, &unconfirmed.email) {
                return Ok(Written::Held);
            }
            let confirmation = prepared.letters.confirmation(
                templates,
                &unconfirmed.email,
                &unconfirmed.first_name,
            )?;
            // What the first signer gave stays; only the link changes. Nothing when it was
            // confirmed or held meanwhile (earlier in this batch: its rows are written first).
            tallies.rows.flush(conn).await?;
            let renewed = signature::Entity::update_many()
                .col_expr(
                    signature::Column::ConfirmationTokenHash,
                    Expr::value(confirmation.token_hash),
                )
                .col_expr(signature::Column::UpdatedAt, Expr::value(now))
                .filter(signature::Column::PetitionId.eq(petition_id))
                .filter(signature::Column::EmailKey.eq(&prepared.email_key))
                .filter(signature::Column::ConfirmedAt.is_null())
                .filter(signature::Column::HeldAt.is_null())
                .exec(conn)
                .await?;
            if renewed.rows_affected != 1 {
                return Ok(Written::Held);
            }
            tallies.mailed(postmark, &unconfirmed.email, Some(petition_id));
            tallies
                .rows
                .mail(queue::queued_row(confirmation.mail, postmark));
            Ok(Written::Mailed)
        }
        None => {
            let held = blocked(tallies, &clean.email);
            let row = signature::ActiveModel {
                petition_id: Set(petition_id),
                email: Set(clean.email.clone()),
                email_key: Set(Some(prepared.email_key.clone())),
                first_name: Set(clean.first_name.clone()),
                last_name: Set(clean.last_name.clone()),
                phone: Set(clean.phone.clone()),
                postal_code: Set(clean.postal_code.clone()),
                city: Set(clean.city.clone()),
                country: Set(clean.country.clone()),
                organization: Set(clean.organization.clone()),
                comment: Set(clean.comment.clone()),
                newsletter: Set(clean.newsletter),
                shown_publicly: Set(clean.shown_publicly),
                locale: Set(Some(prepared.locale.clone())),
                confirmation_token_hash: Set(prepared.confirmation.token_hash.clone()),
                confirmed_at: Set(None),
                ip_hash: Set(source.map(|s| s.hash.clone())),
                held_at: Set(held.then_some(now)),
                held_source: Set(held.then(|| source.map(Source::label)).flatten()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            };
            // The insert builder skips the entity's hooks; they keep the search key.
            tallies.rows.signature(row.before_save(conn, true).await?);
            tallies.remember(
                petition_id,
                &prepared.email_key,
                Known {
                    confirmed: false,
                    held,
                    email: clean.email.clone(),
                    first_name: clean.first_name.clone(),
                },
            );
            if held {
                return Ok(Written::Held);
            }
            tallies.admit(source, petition_id);
            tallies.mailed(postmark, &clean.email, Some(petition_id));
            tallies.rows.mail(queue::queued_row(
                prepared.confirmation.mail.clone(),
                postmark,
            ));
            Ok(Written::Mailed)
        }
    }
}

/// What `Tallies::load` needs of a prepared signature.
pub fn wanted(prepared: &Prepared) -> Wanted<'_> {
    Wanted {
        petition_id: prepared.petition_id,
        email_key: &prepared.email_key,
        email: &prepared.clean.email,
        source: prepared.source.as_ref(),
    }
}

/// A new confirmation link for a signature already written (a re-send from the signatures page,
/// a released signature), in the language the signer signed in, else the instance's. Composed
/// outside any transaction; `renew_confirmation` stores it.
pub fn confirmation_for(
    site: &Site,
    located: &Located,
    signature: &signature::Model,
) -> Result<Confirmation, SignError> {
    let lang = signature
        .locale
        .as_deref()
        .and_then(Lang::shipped)
        .or_else(|| Lang::shipped(&site.live.get().default_language))
        .unwrap_or_else(Lang::source);
    Letters::new(site, located, &lang).confirmation(
        &site.templates,
        &signature.email,
        &signature.first_name,
    )
}

/// Gives a signature that is still unconfirmed (and not held) a new confirmation link and queues
/// the mail that carries it, in the caller's transaction; the previous link stops working. Returns
/// false, and changes nothing, when the signature is confirmed (a confirmed signer never gets a
/// confirmation mail again), held, gone, or its address has had its mails for the day.
pub async fn renew_confirmation<C: ConnectionTrait>(
    conn: &C,
    signature_id: i32,
    confirmation: Confirmation,
    postmark: &Postmark,
) -> Result<bool, sea_orm::DbErr> {
    let to = confirmation.mail.to.clone();
    if !mail_cap::allows(conn, postmark, &to, confirmation.mail.petition_id).await? {
        return Ok(false);
    }
    let renewed = signature::Entity::update_many()
        .col_expr(
            signature::Column::ConfirmationTokenHash,
            Expr::value(confirmation.token_hash),
        )
        .col_expr(
            signature::Column::UpdatedAt,
            Expr::value(crate::domain::now()),
        )
        .filter(signature::Column::Id.eq(signature_id))
        .filter(signature::Column::ConfirmedAt.is_null())
        .filter(signature::Column::HeldAt.is_null())
        .exec(conn)
        .await?;
    if renewed.rows_affected != 1 {
        return Ok(false);
    }
    mail_cap::record(conn, postmark, &to, confirmation.mail.petition_id).await?;
    queue::enqueue_checked(conn, confirmation.mail, postmark).await?;
    Ok(true)
}

/// A signature reached through its confirmation link.
pub struct Pending {
    pub signature: signature::Model,
    pub petition: Located,
}

/// What a signature holds, as its signer is shown it before confirming: (Fluent key of the label,
/// value) for the name, the address and each optional field the petition asks that was filled.
pub fn details(pending: &Pending) -> Vec<(&'static str, String)> {
    use crate::domain::signing::signature_list::OptionalField;
    let s = &pending.signature;
    let mut details = vec![
        ("field-first-name", s.first_name.clone()),
        ("field-last-name", s.last_name.clone()),
        ("field-email", s.email.clone()),
    ];
    for field in OptionalField::asked(&SignatureFields::of(&pending.petition.petition)) {
        if let Some(value) = field.value(s) {
            details.push((field.label_key(), value.to_string()));
        }
    }
    details
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
/// count and the day's (`history`) go up in the same transaction, by exactly one, whatever runs
/// concurrently: only the UPDATE that flips `confirmed_at` from NULL adds one, to a shard of the
/// count (`counter`), so concurrent confirmations do not all wait on the petition's row.
pub async fn confirm(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<Pending>, sea_orm::DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let Some(flip) = flip_confirmed(&txn, &token::hash(token)).await? else {
        return Ok(None);
    };
    if let Some(at) = flip.confirmed_at {
        let mut changes = Changes::new();
        changes.confirmed(flip.petition_id, at);
        changes.apply(&txn).await?;
    }
    txn.commit().await?;
    find_by_token(db, token).await
}

/// Withdraws a signature (F2.5, F9.4), as found through its mailed link (`find_by_token`): the row,
/// and with it everything the signer gave, is deleted, with the mails about it not yet sent, and a
/// confirmed signature leaves the count, and the day it was confirmed (`history`), in the same
/// transaction. False when it was already gone (withdrawn twice at once).
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
        // RETURNING gives the moment it was confirmed: the day it is taken off (`history`).
        let confirmed = signature::Entity::delete_many()
            .filter(signature::Column::Id.eq(found.id))
            .filter(signature::Column::ConfirmedAt.is_not_null())
            .exec_with_returning(&txn)
            .await?;
        if confirmed.is_empty() {
            return Ok(false);
        }
        let mut changes = Changes::new();
        for gone in &confirmed {
            if let Some(at) = gone.confirmed_at {
                changes.removed(gone.petition_id, at);
            }
        }
        changes.apply(&txn).await?;
    }
    // The mails about this petition to this address go with it, sent or still waiting (a
    // confirmation link not yet sent): nothing of the signer stays behind.
    crate::entity::mail_queue::Entity::delete_many()
        .filter(crate::entity::mail_queue::Column::PetitionId.eq(found.petition_id))
        .filter(
            crate::entity::mail_queue::Column::RecipientKey.eq(address::canonical(&found.email)),
        )
        .exec(&txn)
        .await?;
    txn.commit().await?;
    // SQLite zeroes what it deletes (`secure_delete`), but the log of recent writes still holds
    // the pages as they were: fold it into the database and empty it. Busy readers only delay it
    // to the next checkpoint.
    if db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite
        && let Err(e) = db
            .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
    {
        tracing::warn!(error = %e, "cannot checkpoint the write-ahead log after a withdrawal");
    }
    Ok(true)
}

/// What `flip_confirmed` found and did.
#[derive(Debug, Clone, Copy)]
pub struct Flip {
    pub petition_id: i32,
    /// When this call confirmed the signature; `None` when it already was.
    pub confirmed_at: Option<OffsetDateTime>,
}

/// Marks the signature whose token hashes to `token_hash` confirmed, in the caller's transaction.
/// The caller counts the confirmations (`history::Changes`) in the same transaction.
pub async fn flip_confirmed<C: ConnectionTrait>(
    conn: &C,
    token_hash: &str,
) -> Result<Option<Flip>, sea_orm::DbErr> {
    let Some(found) = signature::Entity::find()
        .filter(signature::Column::ConfirmationTokenHash.eq(token_hash))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let now = crate::domain::now();
    let flipped = signature::Entity::update_many()
        .col_expr(signature::Column::ConfirmedAt, Expr::value(now))
        .filter(signature::Column::Id.eq(found.id))
        .filter(signature::Column::ConfirmedAt.is_null())
        .exec(conn)
        .await?;
    Ok(Some(Flip {
        petition_id: found.petition_id,
        confirmed_at: (flipped.rows_affected == 1).then_some(now),
    }))
}
