//! The interface's messages as the administrators translate them on `/admin/translations` (issue 14
//! point 3, F7.3), without a rebuild or a restart.
//!
//! - **Where they live.** One row of `translations` per language and message, holding the
//!   message's Fluent text. They are merged over the built-in messages and the locales folder
//!   (`i18n::catalog`), so a row wins over both; clearing a text deletes its row and the text it
//!   replaced is back.
//! - **Checked before saving.** A text must parse as one Fluent message, use the same variables as
//!   English (`{ $count }`, never a misspelt `{ $cuont }`) and have the plural variants its language
//!   needs (`i18n::messages::validate`). A refused text is never stored.
//! - **In force at once, everywhere.** Each save bumps the one number of `translation_revision` in
//!   its transaction; the saving instance applies it at once, the others read the number every
//!   `POLL` and reload the rows when it changed.
//! - **A new language** is added by its code and its own name (the message `language-name`): it
//!   appears in the language switch and in negotiation, and falls back to English message by
//!   message until translated.
//! - `signons locales export` writes these rows into the files it hands out (`i18n::check::export`),
//!   so that a translation made here can be contributed back.
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set, TransactionTrait,
};
use serde::Serialize;
use unic_langid::LanguageIdentifier;

use super::audit;
use crate::domain::people::permission;
use crate::entity::{translation, translation_revision, user};
use crate::i18n::messages::{self, Invalid};
use crate::i18n::{self, SOURCE_LANGUAGE, catalog};

/// How often an instance looks for translations saved by another.
pub const POLL: Duration = Duration::from_secs(2);
/// Longest name of a language, in characters.
pub const LANGUAGE_NAME_MAX: usize = 60;

/// The administrators' translations in force on this instance, and the revision they are at.
#[derive(Clone)]
pub struct Live(Arc<RwLock<State>>, Arc<tokio::sync::Mutex<()>>);

struct State {
    /// -1 until read from the database.
    revision: i64,
    rows: Vec<translation::Model>,
}

impl Default for Live {
    fn default() -> Live {
        Live(
            Arc::new(RwLock::new(State {
                revision: -1,
                rows: Vec::new(),
            })),
            Arc::default(),
        )
    }
}

impl Live {
    pub fn revision(&self) -> i64 {
        self.0.read().map(|s| s.revision).unwrap_or(-1)
    }

    /// The rows in force.
    pub fn rows(&self) -> Vec<translation::Model> {
        self.0.read().map(|s| s.rows.clone()).unwrap_or_default()
    }

    /// Reads the revision and, when it changed, the rows, and puts them in force. `Ok(true)` when
    /// something changed.
    pub async fn refresh<C: ConnectionTrait>(&self, conn: &C) -> Result<bool, DbErr> {
        // One refresh at a time: the watch and a save never install older rows over newer ones.
        let _one = self.1.lock().await;
        let revision = translation_revision::Entity::find_by_id(1)
            .one(conn)
            .await?
            .map(|r| r.revision)
            .unwrap_or(0);
        if revision == self.revision() {
            return Ok(false);
        }
        let rows = translation::Entity::find()
            .order_by_asc(translation::Column::Id)
            .all(conn)
            .await?;
        let mut texts: BTreeMap<String, String> = BTreeMap::new();
        for row in &rows {
            texts
                .entry(row.lang.clone())
                .or_default()
                .push_str(&messages::entry(&row.message_id, &row.source));
        }
        let texts: Vec<(LanguageIdentifier, String)> = texts
            .into_iter()
            .filter_map(|(lang, text)| Some((lang.parse().ok()?, text)))
            .collect();
        for problem in catalog::set_site_translations(&texts) {
            tracing::warn!("saved translation skipped: {problem}");
        }
        if let Ok(mut state) = self.0.write() {
            state.revision = revision;
            state.rows = rows;
        }
        Ok(true)
    }

    /// The administrators' texts of `lang`: message id → text.
    fn texts(&self, lang: &str) -> BTreeMap<String, String> {
        self.rows()
            .into_iter()
            .filter(|r| r.lang == lang)
            .map(|r| (r.message_id, r.source))
            .collect()
    }
}

/// Applies translations saved by any instance, every `POLL`, until the application stops.
pub async fn watch(db: DatabaseConnection, live: Live, mut shutdown: rocket::Shutdown) {
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            _ = tokio::time::sleep(POLL) => {}
        }
        match live.refresh(&db).await {
            Ok(true) => tracing::info!(revision = live.revision(), "translations applied"),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "cannot read the translations"),
        }
    }
}

/// Why a save was refused.
#[derive(Debug)]
pub enum SaveError {
    /// Not an administrator.
    Forbidden,
    /// No such language on this site.
    UnknownLanguage,
    Invalid(Invalid),
    Database(DbErr),
}

impl From<DbErr> for SaveError {
    fn from(e: DbErr) -> SaveError {
        SaveError::Database(e)
    }
}

/// What a save did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// The text is in force.
    Translated,
    /// The text was emptied: the one it replaced (built in, or from the locales folder) is back.
    Reverted,
    /// Emptied, and there was nothing of the administrators' to remove.
    Unchanged,
}

/// Saves `text` as message `id` in `lang`, or removes the administrators' text when `text` is
/// empty; in force on this instance on return.
pub async fn save(
    db: &DatabaseConnection,
    live: &Live,
    actor: &user::Model,
    lang: &str,
    id: &str,
    text: &str,
) -> Result<Saved, SaveError> {
    if !permission::may_change_settings(actor) {
        return Err(SaveError::Forbidden);
    }
    let lang = i18n::Lang::shipped(lang)
        .ok_or(SaveError::UnknownLanguage)?
        .code();
    let text = text.replace("\r\n", "\n");
    let text = text.trim_end();
    let saved = if text.trim().is_empty() {
        if !messages::built_in(SOURCE_LANGUAGE).contains_key(id) {
            return Err(SaveError::Invalid(Invalid::UnknownMessage));
        }
        if id == "language-name"
            && !messages::built_in(&lang).contains_key(id)
            && !folder_files(&lang)
                .iter()
                .any(|(_, text)| messages::texts_of(text).iter().any(|(m, _)| m == id))
        {
            // A language added here is known by its name: it keeps one.
            return Err(SaveError::Invalid(Invalid::Empty));
        }
        remove(db, actor, &lang, id).await?
    } else {
        messages::validate(&lang, id, text).map_err(SaveError::Invalid)?;
        write(db, actor, &lang, id, text).await?;
        Saved::Translated
    };
    live.refresh(db).await?;
    Ok(saved)
}

async fn write(
    db: &DatabaseConnection,
    actor: &user::Model,
    lang: &str,
    id: &str,
    text: &str,
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    // One statement, so that two saves of a new message at once (a double click) both succeed.
    translation::Entity::insert(translation::ActiveModel {
        lang: Set(lang.to_string()),
        message_id: Set(id.to_string()),
        source: Set(text.to_string()),
        updated_at: Set(crate::domain::now()),
        updated_by: Set(actor.username.clone()),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([translation::Column::Lang, translation::Column::MessageId])
            .update_columns([
                translation::Column::Source,
                translation::Column::UpdatedAt,
                translation::Column::UpdatedBy,
            ])
            .to_owned(),
    )
    .exec(&txn)
    .await?;
    bump(&txn).await?;
    audit::record(&txn, actor, audit::Action::Translate, &target(lang, id), "").await?;
    txn.commit().await
}

async fn remove(
    db: &DatabaseConnection,
    actor: &user::Model,
    lang: &str,
    id: &str,
) -> Result<Saved, DbErr> {
    let txn = db.begin().await?;
    let deleted = translation::Entity::delete_many()
        .filter(translation::Column::Lang.eq(lang))
        .filter(translation::Column::MessageId.eq(id))
        .exec(&txn)
        .await?
        .rows_affected;
    if deleted == 0 {
        return Ok(Saved::Unchanged);
    }
    bump(&txn).await?;
    audit::record(
        &txn,
        actor,
        audit::Action::RevertTranslation,
        &target(lang, id),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(Saved::Reverted)
}

fn target(lang: &str, id: &str) -> audit::Target {
    audit::Target {
        kind: "translation",
        id: None,
        label: format!("{lang} {id}"),
    }
}

async fn bump<C: ConnectionTrait>(conn: &C) -> Result<(), DbErr> {
    translation_revision::Entity::update_many()
        .col_expr(
            translation_revision::Column::Revision,
            Expr::col(translation_revision::Column::Revision).add(1),
        )
        .filter(translation_revision::Column::Id.eq(1))
        .exec(conn)
        .await?;
    Ok(())
}

/// Why a new language was refused, by field.
#[derive(Debug)]
pub enum AddError {
    Forbidden,
    /// (field, Fluent key of the explanation)
    Invalid(&'static str, &'static str),
    Database(DbErr),
}

/// Adds a language by its code (`de`, `pt-BR`) and its own name (`Deutsch`); returns the code as
/// the site writes it.
pub async fn add_language(
    db: &DatabaseConnection,
    live: &Live,
    actor: &user::Model,
    code: &str,
    name: &str,
) -> Result<String, AddError> {
    if !permission::may_change_settings(actor) {
        return Err(AddError::Forbidden);
    }
    let code = code.trim();
    let parsed: Option<LanguageIdentifier> = code.parse().ok();
    // 16: what accounts and signatures keep of a language (`users.locale`, `signatures.locale`).
    let Some(parsed) =
        parsed.filter(|l| !code.is_empty() && code.len() <= 16 && l.language.as_str() != "und")
    else {
        return Err(AddError::Invalid("code", "translations-code-invalid"));
    };
    let code = parsed.to_string();
    // `en` would be a second English, taking `en-GB` readers from the source language.
    if i18n::Lang::shipped(&code).is_some() || code == "en" {
        return Err(AddError::Invalid("code", "translations-code-exists"));
    }
    let name = name.trim();
    if name.is_empty() {
        return Err(AddError::Invalid("name", "translations-name-required"));
    }
    if name.chars().count() > LANGUAGE_NAME_MAX || name.contains(['{', '}', '\n']) {
        return Err(AddError::Invalid("name", "translations-name-invalid"));
    }
    if messages::validate(&code, "language-name", name).is_err() {
        return Err(AddError::Invalid("name", "translations-name-invalid"));
    }
    write(db, actor, &code, "language-name", name)
        .await
        .map_err(AddError::Database)?;
    live.refresh(db).await.map_err(AddError::Database)?;
    Ok(code)
}

/// One language as the translation page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageSummary {
    pub code: String,
    pub name: String,
    /// The share of English translated, e.g. `87.5`; none for English itself.
    pub percent: Option<String>,
    /// Messages the administrators wrote.
    pub site_messages: usize,
    /// Built into the binary (rather than from the folder or this page).
    pub built_in: bool,
}

/// Every language of the site, English first, with its completion.
pub fn overview(live: &Live) -> Vec<LanguageSummary> {
    let rows = live.rows();
    i18n::available()
        .into_iter()
        .map(|lang| {
            let code = lang.code();
            let percent = (code != SOURCE_LANGUAGE).then(|| completion(live, &code));
            LanguageSummary {
                name: lang.t("language-name"),
                percent,
                site_messages: rows.iter().filter(|r| r.lang == code).count(),
                built_in: !messages::built_in(&code).is_empty(),
                code,
            }
        })
        .collect()
}

/// The share of English that `lang` translates, with all its layers, e.g. `87.5`.
fn completion(live: &Live, lang: &str) -> String {
    let mut files: Vec<(String, String)> = crate::i18n::check::shipped_files()
        .remove(lang)
        .unwrap_or_default();
    files.extend(folder_files(lang));
    let site: String = live
        .texts(lang)
        .iter()
        .map(|(id, text)| messages::entry(id, text))
        .collect();
    files.push(("/admin/translations".into(), site));
    let report = crate::i18n::check::check_files(BTreeMap::from([(lang.to_string(), files)]));
    report.percent(lang).unwrap_or_else(|| "0".into())
}

fn folder_files(lang: &str) -> Vec<(String, String)> {
    catalog::folder_files()
        .into_iter()
        .filter(|(l, _)| *l == lang)
        .flat_map(|(_, files)| files)
        .collect()
}

/// Where the text in force of a message comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    BuiltIn,
    Folder,
    Site,
}

/// One message of a language as the translation page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct MessageRow {
    pub id: String,
    /// The built-in file it comes from (`main.ftl`).
    pub file: String,
    /// The English text in force.
    pub english: String,
    /// This language's text in force; none when the message falls back to English.
    pub current: Option<String>,
    pub origin: Option<Origin>,
}

/// The messages of `lang`, in the order of the English files; `missing_only` keeps those without
/// a text of their own, `search` those whose id or texts contain it (case-insensitive).
pub fn messages(live: &Live, lang: &str, missing_only: bool, search: &str) -> Vec<MessageRow> {
    let layer = |files: Vec<(String, String)>| -> BTreeMap<String, String> {
        files
            .iter()
            .flat_map(|(_, text)| messages::texts_of(text))
            .collect()
    };
    let english_folder = layer(folder_files(SOURCE_LANGUAGE));
    let english_site = live.texts(SOURCE_LANGUAGE);
    let own_built_in = messages::built_in(lang);
    let own_folder = layer(folder_files(lang));
    let own_site = live.texts(lang);
    let needle = search.trim().to_lowercase();
    messages::english_order()
        .iter()
        .filter_map(|(file, id)| {
            let built_in_english = messages::built_in(SOURCE_LANGUAGE).get(id)?;
            // English is translated from the built-in wording; others from the one in force.
            let english = if lang == SOURCE_LANGUAGE {
                built_in_english
            } else {
                english_site
                    .get(id)
                    .or_else(|| english_folder.get(id))
                    .unwrap_or(built_in_english)
            }
            .clone();
            let (current, origin) = if let Some(t) = own_site.get(id) {
                (Some(t.clone()), Some(Origin::Site))
            } else if let Some(t) = own_folder.get(id) {
                (Some(t.clone()), Some(Origin::Folder))
            } else if let Some(t) = own_built_in.get(id) {
                (Some(t.clone()), Some(Origin::BuiltIn))
            } else {
                (None, None)
            };
            if missing_only && current.is_some() {
                return None;
            }
            if !needle.is_empty()
                && !id.to_lowercase().contains(&needle)
                && !english.to_lowercase().contains(&needle)
                && !current
                    .as_deref()
                    .is_some_and(|c| c.to_lowercase().contains(&needle))
            {
                return None;
            }
            Some(MessageRow {
                id: id.clone(),
                file: file.clone(),
                english,
                current,
                origin,
            })
        })
        .collect()
}
