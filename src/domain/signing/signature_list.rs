//! The signatures of one petition as the people running it see them (F6.2, F6.3): a page of them,
//! searched and filtered, with exact counts; deleting a selection, the public count following in
//! the same transaction; re-sending the confirmation to unconfirmed signers; the CSV export, read
//! from the database in batches while it is sent.
use std::borrow::Cow;
use std::io;

use futures_util::Stream;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use time::OffsetDateTime;

use crate::Site;
use crate::domain::people::permission::{self, Permission};
use crate::domain::petitions::petition::{self, Located};
use crate::domain::signing::history::Changes;
use crate::domain::signing::signature::{self, FieldRule, SignError, SignatureFields};
use crate::entity::signature as entity;
use crate::i18n::Lang;
use crate::mail::queue::Priority;

/// Signatures per page of the signatures page.
pub const PAGE_SIZE: u64 = 50;
/// Rows per query of the CSV export: memory stays flat however many signatures a petition has.
pub const EXPORT_BATCH: u64 = 1000;
/// Confirmations composed, then written, per transaction of a re-send: the write lock is never
/// held while mails are rendered, nor for long.
const RESEND_BATCH: usize = 100;
/// Ids per statement of a deletion (well under every backend's limit of bound values).
const DELETE_CHUNK: usize = 500;
/// Longest search term taken into account.
const MAX_SEARCH: usize = 200;

/// The petition `petition_id`, if `user_id` may do `permission` to it; `domain::people::permission` decides.
pub async fn petition_for<C: ConnectionTrait>(
    conn: &C,
    user_id: i32,
    petition_id: i32,
    permission: Permission,
) -> Result<Option<Located>, sea_orm::DbErr> {
    let Some(located) = petition::find(conn, petition_id).await? else {
        return Ok(None);
    };
    let allowed =
        permission::allows_on_petition(conn, user_id, &located.petition, permission).await?;
    Ok(allowed.then_some(located))
}

/// What the viewer of the signatures page may do beyond viewing: the page offers only that.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Abilities {
    pub resend: bool,
    pub delete: bool,
    /// Modify the petition: switch its proof of work on or off.
    pub protect: bool,
}

pub async fn abilities<C: ConnectionTrait>(
    conn: &C,
    user_id: i32,
    located: &Located,
) -> Result<Abilities, sea_orm::DbErr> {
    let petition = &located.petition;
    Ok(Abilities {
        resend: permission::allows_on_petition(
            conn,
            user_id,
            petition,
            Permission::ModifySignatures,
        )
        .await?,
        delete: permission::allows_on_petition(
            conn,
            user_id,
            petition,
            Permission::DeleteSignatures,
        )
        .await?,
        protect: permission::allows_on_petition(
            conn,
            user_id,
            petition,
            Permission::ModifyPetitions,
        )
        .await?,
    })
}

/// Which signatures the page shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusFilter {
    #[default]
    All,
    Confirmed,
    Unconfirmed,
    /// Held back by a limit (`abuse`): not counted, not mailed until released.
    Held,
}

impl StatusFilter {
    /// `confirmed`, `unconfirmed`, `held`, anything else: all.
    pub fn parse(value: Option<&str>) -> StatusFilter {
        match value {
            Some("confirmed") => StatusFilter::Confirmed,
            Some("unconfirmed") => StatusFilter::Unconfirmed,
            Some("held") => StatusFilter::Held,
            _ => StatusFilter::All,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StatusFilter::All => "all",
            StatusFilter::Confirmed => "confirmed",
            StatusFilter::Unconfirmed => "unconfirmed",
            StatusFilter::Held => "held",
        }
    }

    fn condition(self) -> Condition {
        match self {
            StatusFilter::All => Condition::all(),
            StatusFilter::Confirmed => {
                Condition::all().add(entity::Column::ConfirmedAt.is_not_null())
            }
            StatusFilter::Unconfirmed => Condition::all()
                .add(entity::Column::ConfirmedAt.is_null())
                .add(entity::Column::HeldAt.is_null()),
            StatusFilter::Held => Condition::all().add(entity::Column::HeldAt.is_not_null()),
        }
    }
}

/// One optional signature field (F4.6), as a column of the page and of the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionalField {
    Phone,
    PostalCode,
    City,
    Country,
    Organization,
    Comment,
}

impl OptionalField {
    pub const ALL: [OptionalField; 6] = [
        OptionalField::Phone,
        OptionalField::PostalCode,
        OptionalField::City,
        OptionalField::Country,
        OptionalField::Organization,
        OptionalField::Comment,
    ];

    /// The fields `fields` asks signers, in the order of the sign form.
    pub fn asked(fields: &SignatureFields) -> Vec<OptionalField> {
        Self::ALL
            .into_iter()
            .filter(|f| f.rule(fields) != FieldRule::Off)
            .collect()
    }

    fn rule(self, fields: &SignatureFields) -> FieldRule {
        match self {
            OptionalField::Phone => fields.phone,
            OptionalField::PostalCode => fields.postal_code,
            OptionalField::City => fields.city,
            OptionalField::Country => fields.country,
            OptionalField::Organization => fields.organization,
            OptionalField::Comment => fields.comment,
        }
    }

    /// The name of the sign form's field, e.g. `postal_code`.
    pub fn name(self) -> &'static str {
        match self {
            OptionalField::Phone => "phone",
            OptionalField::PostalCode => "postal_code",
            OptionalField::City => "city",
            OptionalField::Country => "country",
            OptionalField::Organization => "organization",
            OptionalField::Comment => "comment",
        }
    }

    /// The Fluent key of its label (the sign form's).
    pub fn label_key(self) -> &'static str {
        match self {
            OptionalField::Phone => "field-phone",
            OptionalField::PostalCode => "field-postal-code",
            OptionalField::City => "field-city",
            OptionalField::Country => "field-country",
            OptionalField::Organization => "field-organization",
            OptionalField::Comment => "field-comment",
        }
    }

    pub fn value(self, s: &entity::Model) -> Option<&str> {
        match self {
            OptionalField::Phone => s.phone.as_deref(),
            OptionalField::PostalCode => s.postal_code.as_deref(),
            OptionalField::City => s.city.as_deref(),
            OptionalField::Country => s.country.as_deref(),
            OptionalField::Organization => s.organization.as_deref(),
            OptionalField::Comment => s.comment.as_deref(),
        }
    }
}

/// What the page asks for.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub search: String,
    pub status: StatusFilter,
    /// From 1; beyond the last page, the last page.
    pub page: u64,
}

/// One signature as the page shows it.
#[derive(Debug, Serialize)]
pub struct SignatureRow {
    pub id: i32,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// The asked optional fields, in the order of `Listing::fields`.
    pub fields: Vec<Option<String>>,
    pub newsletter: bool,
    pub confirmed: bool,
    /// Held back by a limit, with the label of its source.
    pub held: bool,
    pub held_source: Option<String>,
    /// RFC 3339 (`domain::instant_text`), like `signed_at`.
    pub confirmed_at: Option<String>,
    pub signed_at: String,
}

/// A page of signatures and the exact counts of the petition.
#[derive(Debug, Serialize)]
pub struct Listing {
    pub rows: Vec<SignatureRow>,
    pub page: u64,
    pub pages: u64,
    /// Signatures matching the search and filter, on every page.
    pub matching: u64,
    pub confirmed: i64,
    pub unconfirmed: i64,
    pub held: i64,
    /// Fluent keys of the labels of the asked optional fields.
    pub field_labels: Vec<&'static str>,
}

#[derive(Debug, FromQueryResult)]
struct Tally {
    confirmed: i64,
    held: i64,
    total: i64,
}

/// The exact confirmed, unconfirmed and held signatures of a petition, counted from its rows.
pub async fn counts<C: ConnectionTrait>(
    conn: &C,
    petition_id: i32,
) -> Result<(i64, i64, i64), sea_orm::DbErr> {
    let tally = entity::Entity::find()
        .select_only()
        .column_as(
            Expr::cust(
                "CAST(COALESCE(SUM(CASE WHEN confirmed_at IS NULL THEN 0 ELSE 1 END), 0) AS BIGINT)",
            ),
            "confirmed",
        )
        .column_as(
            Expr::cust(
                "CAST(COALESCE(SUM(CASE WHEN held_at IS NULL THEN 0 ELSE 1 END), 0) AS BIGINT)",
            ),
            "held",
        )
        .column_as(entity::Column::Id.count(), "total")
        .filter(entity::Column::PetitionId.eq(petition_id))
        .into_model::<Tally>()
        .one(conn)
        .await?;
    Ok(tally.map_or((0, 0, 0), |t| {
        (t.confirmed, t.total - t.confirmed - t.held, t.held)
    }))
}

/// Signatures whose full name or address contains the term, blind to case and accents
/// (`search::fold`); `%`, `_` and `\` in the term are literal.
fn search_condition(term: &str) -> Option<Condition> {
    crate::domain::petitions::search::contains(
        (entity::Entity, entity::Column::SearchKey),
        term,
        MAX_SEARCH,
    )
    .map(|matches| Condition::all().add(matches))
}

/// A page of the signatures of `located`, newest first, with the petition's exact counts.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    located: &Located,
    query: &ListQuery,
) -> Result<Listing, sea_orm::DbErr> {
    let petition_id = located.petition.id;
    let mut condition = Condition::all()
        .add(entity::Column::PetitionId.eq(petition_id))
        .add(query.status.condition());
    if let Some(search) = search_condition(&query.search) {
        condition = condition.add(search);
    }
    let matching = entity::Entity::find()
        .filter(condition.clone())
        .count(conn)
        .await?;
    let pages = matching.div_ceil(PAGE_SIZE).max(1);
    let page = query.page.clamp(1, pages);
    let fields = OptionalField::asked(&SignatureFields::of(&located.petition));
    // Ids grow with time: newest first, and a stable order for the pages.
    let rows = entity::Entity::find()
        .filter(condition)
        .order_by_desc(entity::Column::Id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .all(conn)
        .await?
        .into_iter()
        .map(|s| SignatureRow {
            fields: fields
                .iter()
                .map(|f| f.value(&s).map(str::to_string))
                .collect(),
            id: s.id,
            confirmed: s.confirmed_at.is_some(),
            held: s.held_at.is_some(),
            held_source: s.held_source,
            confirmed_at: s.confirmed_at.map(crate::domain::instant_text),
            signed_at: crate::domain::instant_text(s.created_at),
            newsletter: s.newsletter,
            first_name: s.first_name,
            last_name: s.last_name,
            email: s.email,
        })
        .collect();
    let (confirmed, unconfirmed, held) = counts(conn, petition_id).await?;
    Ok(Listing {
        rows,
        page,
        pages,
        matching,
        confirmed,
        unconfirmed,
        held,
        field_labels: fields.iter().map(|f| f.label_key()).collect(),
    })
}

/// Deletes the signatures of `petition_id` among `ids` (ids of other petitions' signatures are
/// ignored), and takes the confirmed ones off the public count and off the days they were confirmed
/// (`history`), in one transaction.
/// Returns how many were deleted.
pub async fn delete(
    db: &DatabaseConnection,
    petition_id: i32,
    ids: &[i32],
) -> Result<u64, sea_orm::DbErr> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(0);
    }
    let txn = crate::db::begin_write(db).await?;
    let mut deleted = 0u64;
    let mut confirmed = Changes::new();
    for chunk in ids.chunks(DELETE_CHUNK) {
        // RETURNING tells which rows were confirmed at the moment they were deleted, and when: a
        // confirmation committed just before is counted off (its day too), one just after finds no
        // row and counts nothing.
        let gone = entity::Entity::delete_many()
            .filter(entity::Column::PetitionId.eq(petition_id))
            .filter(entity::Column::Id.is_in(chunk.iter().copied()))
            .exec_with_returning(&txn)
            .await?;
        deleted += gone.len() as u64;
        for s in &gone {
            if let Some(at) = s.confirmed_at {
                confirmed.removed(petition_id, at);
            }
        }
    }
    confirmed.apply(&txn).await?;
    txn.commit().await?;
    Ok(deleted)
}

/// Whose confirmation to send again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    Ids(Vec<i32>),
    AllUnconfirmed,
}

/// "All unconfirmed" leaves out the signers whose link went out less than this long ago (when they
/// signed, or by an earlier re-send): a second press, or two members pressing it, never mails
/// everyone twice.
pub const RESEND_ALL_COOLDOWN: time::Duration = time::Duration::hours(1);

/// What a re-send did: mails queued, and unconfirmed signers left out by the cooldown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Resent {
    pub queued: u64,
    pub skipped: u64,
}

/// Sends the confirmation again to the unconfirmed signers of `located` in `selection`; confirmed
/// signers and other petitions' signatures are skipped, and so, for "all unconfirmed", are those
/// mailed within `RESEND_ALL_COOLDOWN`. Each gets a new link (the previous one stops working) and
/// its mail is queued in the transaction that stores the link, at bulk priority so that people
/// signing at that moment are served first.
pub async fn resend_confirmation(
    db: &DatabaseConnection,
    site: &Site,
    located: &Located,
    selection: &Selection,
) -> Result<Resent, SignError> {
    let petition_id = located.petition.id;
    let cutoff = crate::domain::now() - RESEND_ALL_COOLDOWN;
    let unconfirmed = || {
        entity::Entity::find()
            .filter(entity::Column::PetitionId.eq(petition_id))
            .filter(entity::Column::ConfirmedAt.is_null())
            .filter(entity::Column::HeldAt.is_null())
            .order_by_asc(entity::Column::Id)
    };
    let mut queued = 0;
    let mut skipped = 0;
    match selection {
        Selection::Ids(ids) => {
            let mut ids = ids.clone();
            ids.sort_unstable();
            ids.dedup();
            for chunk in ids.chunks(RESEND_BATCH) {
                let batch = unconfirmed()
                    .filter(entity::Column::Id.is_in(chunk.iter().copied()))
                    .all(db)
                    .await?;
                queued += resend_batch(db, site, located, &batch).await?;
            }
        }
        Selection::AllUnconfirmed => {
            skipped = unconfirmed()
                .filter(entity::Column::UpdatedAt.gte(cutoff))
                .count(db)
                .await?;
            let mut after = 0;
            loop {
                let batch = unconfirmed()
                    .filter(entity::Column::UpdatedAt.lt(cutoff))
                    .filter(entity::Column::Id.gt(after))
                    .limit(RESEND_BATCH as u64)
                    .all(db)
                    .await?;
                let Some(last) = batch.last() else { break };
                after = last.id;
                queued += resend_batch(db, site, located, &batch).await?;
            }
        }
    }
    if queued > 0 {
        site.wake.notify();
    }
    Ok(Resent { queued, skipped })
}

async fn resend_batch(
    db: &DatabaseConnection,
    site: &Site,
    located: &Located,
    batch: &[entity::Model],
) -> Result<u64, SignError> {
    if batch.is_empty() {
        return Ok(0);
    }
    let mut confirmations = Vec::with_capacity(batch.len());
    for s in batch {
        let mut confirmation = signature::confirmation_for(site, located, s)?;
        confirmation.mail.priority = Priority::Bulk;
        confirmations.push((s.id, confirmation));
    }
    let postmark = site.postmark();
    let txn = crate::db::begin_write(db).await?;
    let keys: Vec<String> = batch
        .iter()
        .map(|s| crate::domain::abuse::mail_cap::address_key(&s.email))
        .collect();
    crate::domain::abuse::mail_cap::lock(&txn, &keys).await?;
    let mut queued = 0;
    for (id, confirmation) in confirmations {
        // Re-checked in the write: whoever confirmed since the read gets nothing, and an address
        // that has had its mails for the day gets no more.
        if signature::renew_confirmation(&txn, id, confirmation, &postmark).await? {
            queued += 1;
        }
    }
    txn.commit().await?;
    Ok(queued)
}

/// The CSV export of one petition's signatures (F6.3), in the reader's language.
pub struct Export {
    petition_id: i32,
    confirmed_only: bool,
    fields: Vec<OptionalField>,
    lang: Lang,
}

const ISO_8601: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

fn iso(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(ISO_8601)
        .unwrap_or_default()
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first)
/// gets a leading `'`, which makes it plain text.
pub fn inert(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

impl Export {
    pub fn new(located: &Located, confirmed_only: bool, lang: Lang) -> Export {
        Export {
            petition_id: located.petition.id,
            confirmed_only,
            fields: OptionalField::asked(&SignatureFields::of(&located.petition)),
            lang,
        }
    }

    /// `<slug>-signatures.csv`; slugs are ASCII letters, digits and dashes.
    pub fn filename(located: &Located) -> String {
        format!("{}-signatures.csv", located.canonical_slug)
    }

    /// The header in the reader's language. Its cells, like yes and no, are wordings an
    /// administrator may change on `/admin/translations`: made inert like any cell.
    fn header(&self) -> Vec<String> {
        let t = |key: &str| inert(&self.lang.t(key)).into_owned();
        let mut header = vec![
            t("field-first-name"),
            t("field-last-name"),
            t("field-email"),
        ];
        header.extend(self.fields.iter().map(|f| t(f.label_key())));
        header.extend([
            t("signatures-col-newsletter"),
            t("signatures-col-confirmed"),
            t("signatures-col-signed-at"),
            t("signatures-col-confirmed-at"),
        ]);
        header
    }

    fn write_rows(&self, rows: &[entity::Model], yes: &str, no: &str) -> io::Result<Vec<u8>> {
        let mut out = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 128));
        for s in rows {
            let yes_no = |on: bool| if on { yes } else { no };
            let mut record: Vec<Cow<'_, str>> =
                vec![inert(&s.first_name), inert(&s.last_name), inert(&s.email)];
            record.extend(
                self.fields
                    .iter()
                    .map(|f| inert(f.value(s).unwrap_or_default())),
            );
            record.extend([
                Cow::Borrowed(yes_no(s.newsletter)),
                Cow::Borrowed(yes_no(s.confirmed_at.is_some())),
                Cow::Owned(iso(s.created_at)),
                Cow::Owned(s.confirmed_at.map(iso).unwrap_or_default()),
            ]);
            out.write_record(record.iter().map(|c| c.as_bytes()))?;
        }
        out.into_inner().map_err(|e| e.into_error())
    }

    /// The file as a stream of chunks: a byte-order mark and the header row first (so spreadsheets
    /// read UTF-8), then the signatures in the order they came, `EXPORT_BATCH` rows per query.
    /// Nothing but the current batch is held in memory; an error ends the stream.
    pub fn stream(
        self,
        db: DatabaseConnection,
    ) -> impl Stream<Item = io::Result<Vec<u8>>> + Send + 'static {
        enum Next {
            Header,
            After(i32),
            Done,
        }
        futures_util::stream::unfold((self, db, Next::Header), |(export, db, next)| async move {
            match next {
                Next::Done => None,
                Next::Header => {
                    let mut out = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
                    let chunk = out
                        .write_record(export.header())
                        .map_err(io::Error::from)
                        .and_then(|()| out.into_inner().map_err(|e| e.into_error()));
                    Some((chunk, (export, db, Next::After(0))))
                }
                Next::After(after) => match export.batch(&db, after).await {
                    Ok(rows) if rows.is_empty() => None,
                    Ok(rows) => {
                        let (yes, no) = (
                            inert(&export.lang.t("signatures-yes")).into_owned(),
                            inert(&export.lang.t("signatures-no")).into_owned(),
                        );
                        let next = match rows.last() {
                            Some(last) if rows.len() as u64 == EXPORT_BATCH => Next::After(last.id),
                            _ => Next::Done,
                        };
                        let chunk = export.write_rows(&rows, &yes, &no);
                        Some((chunk, (export, db, next)))
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "cannot read signatures for the export");
                        Some((Err(io::Error::other(e)), (export, db, Next::Done)))
                    }
                },
            }
        })
    }

    async fn batch(
        &self,
        db: &DatabaseConnection,
        after: i32,
    ) -> Result<Vec<entity::Model>, sea_orm::DbErr> {
        let mut query = entity::Entity::find()
            .filter(entity::Column::PetitionId.eq(self.petition_id))
            .filter(entity::Column::Id.gt(after));
        if self.confirmed_only {
            query = query.filter(entity::Column::ConfirmedAt.is_not_null());
        }
        query
            .order_by_asc(entity::Column::Id)
            .limit(EXPORT_BATCH)
            .all(db)
            .await
    }
}
