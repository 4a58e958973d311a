//! A petition in several languages (F4.8). A petition has a main language (`petitions.language`)
//! and may have translations of its title, text, data-use notice and social preview
//! (`petition_translations`), one per interface language, written one at a time from the editor.
//!
//! - **Which version a reader sees** (`for_reader`): the one the address names (`?lang=<code>`),
//!   else the one in the request's language (the language switch, the account, `Accept-Language`),
//!   else the main one. A signer's mails carry the version of the language they signed in.
//! - **Addresses.** Each version has its own: the permalink for the main version, the permalink
//!   with `?lang=<code>` for a translation (`version_url`); pages name them all in `hreflang`
//!   alternates. Slugs stay those of the main title.
//! - **Writing** asks the editor's permission (`campaign::petition_for`), keeps the editor's limits
//!   and sanitizes the text with the one sanitizer (`html::sanitize`).
use std::collections::HashMap;

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use unic_langid::LanguageIdentifier;

use crate::domain::people::account::FieldErrors;
use crate::domain::people::permission::Permission;
use crate::domain::petitions::campaign::{self, CampaignError};
use crate::domain::petitions::petition::Located;
use crate::entity::{petition, petition_translation, user};
use crate::i18n::{self, Lang};

/// The language a petition's main version is written in.
pub fn main_language(p: &petition::Model) -> &str {
    p.language
        .as_deref()
        .filter(|l| !l.is_empty())
        .unwrap_or(i18n::SOURCE_LANGUAGE)
}

/// A version's address: `canonical` (the permalink) for the main version, with `?lang=<code>`
/// for a translation.
pub fn version_url(canonical: &str, translation: Option<&str>) -> String {
    match translation {
        Some(code) => format!("{canonical}?lang={code}"),
        None => canonical.to_string(),
    }
}

/// A language's own name, as the language switch shows it (`Français`); its code when the
/// interface does not have it.
pub fn language_name(code: &str) -> String {
    Lang::shipped(code).map_or_else(|| code.to_string(), |l| l.t("language-name"))
}

/// One version of a petition, as a page links to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionLink {
    pub code: String,
    /// The language's own name.
    pub name: String,
    /// Its canonical address, for `hreflang` alternates.
    pub url: String,
    /// Its address for a reader to follow: always with `?lang=`, so that the main version is one
    /// link away even for a reader whose own language has a translation.
    pub link: String,
    pub main: bool,
    /// The version the page shows.
    pub current: bool,
}

/// Every version of `located`, the main one first, then the translations in the order of their
/// codes; `canonical` is the absolute permalink.
pub fn links(located: &Located, canonical: &str) -> Vec<VersionLink> {
    let main = main_language(&located.petition);
    let translations = located
        .translations
        .iter()
        .map(|t| t.lang.as_str())
        .filter(|code| !same_code(code, main));
    std::iter::once(main)
        .chain(translations)
        .enumerate()
        .map(|(i, code)| {
            let is_main = i == 0;
            VersionLink {
                code: code.to_string(),
                name: language_name(code),
                url: version_url(canonical, (!is_main).then_some(code)),
                link: format!("{canonical}?lang={code}"),
                main: is_main,
                current: if is_main {
                    located.shown.is_none()
                } else {
                    located.shown.as_deref() == Some(code)
                },
            }
        })
        .collect()
}

fn parse(code: &str) -> Option<LanguageIdentifier> {
    code.parse().ok()
}

fn same_code(a: &str, b: &str) -> bool {
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a.eq_ignore_ascii_case(b),
    }
}

/// A version of a petition: its main one, or the translation into a language.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Version {
    Main,
    Translation(String),
}

/// The version of `located` in `code`: exactly that language or, when `loosely`, the first
/// version in the same language whatever its region (`fr-CA` for `fr`), the main one first.
fn find(located: &Located, code: &str, loosely: bool) -> Option<Version> {
    let main = main_language(&located.petition);
    if same_code(main, code) {
        return Some(Version::Main);
    }
    if let Some(t) = located
        .translations
        .iter()
        .find(|t| same_code(&t.lang, code))
    {
        return Some(Version::Translation(t.lang.clone()));
    }
    if !loosely {
        return None;
    }
    let wanted = parse(code)?.language;
    if parse(main).is_some_and(|m| m.language == wanted) {
        return Some(Version::Main);
    }
    located
        .translations
        .iter()
        .find(|t| parse(&t.lang).is_some_and(|l| l.language == wanted))
        .map(|t| Version::Translation(t.lang.clone()))
}

/// The translation a reader sees (none: the main version): the version `asked` names (the
/// address's `?lang=`) when there is one, else the one in `reader`'s language, else the main one.
pub fn chosen(located: &Located, asked: Option<&str>, reader: &Lang) -> Option<String> {
    let version = asked
        .and_then(|code| find(located, code, false))
        .or_else(|| find(located, &reader.code(), true))
        .unwrap_or(Version::Main);
    match version {
        Version::Main => None,
        Version::Translation(code) => Some(code),
    }
}

/// `located` showing its translation into `translation` (none, or one it does not have: its main
/// version). A translation's empty data-use notice leaves the main version's.
pub fn version(located: &Located, translation: Option<&str>) -> Located {
    let mut shown = located.clone();
    let Some(t) = translation.and_then(|code| {
        located
            .translations
            .iter()
            .find(|t| same_code(&t.lang, code))
    }) else {
        return shown;
    };
    shown.petition.title = t.title.clone();
    shown.petition.body_html = t.body_html.clone();
    if !t.data_notice.trim().is_empty() {
        shown.petition.data_notice = t.data_notice.clone();
    }
    shown.petition.social_text = t.social_text.clone();
    if t.addressed_to.is_some() {
        shown.petition.addressed_to = t.addressed_to.clone();
    }
    if t.picture_alt.is_some() {
        shown.petition.picture_alt = t.picture_alt.clone();
    }
    shown.shown = Some(t.lang.clone());
    shown
}

/// `located` in the version a reader sees (`chosen`).
pub fn for_reader(located: &Located, asked: Option<&str>, reader: &Lang) -> Located {
    version(located, chosen(located, asked, reader).as_deref())
}

/// The translations of a petition, in the order of their codes.
pub async fn of_petition<C: ConnectionTrait>(
    conn: &C,
    petition_id: i32,
) -> Result<Vec<petition_translation::Model>, sea_orm::DbErr> {
    petition_translation::Entity::find()
        .filter(petition_translation::Column::PetitionId.eq(petition_id))
        .order_by_asc(petition_translation::Column::Lang)
        .all(conn)
        .await
}

/// The translations of several petitions at once, by petition.
pub async fn of_petitions<C: ConnectionTrait>(
    conn: &C,
    ids: &[i32],
) -> Result<HashMap<i32, Vec<petition_translation::Model>>, sea_orm::DbErr> {
    let mut out: HashMap<i32, Vec<petition_translation::Model>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows = petition_translation::Entity::find()
        .filter(petition_translation::Column::PetitionId.is_in(ids.iter().copied()))
        .order_by_asc(petition_translation::Column::PetitionId)
        .order_by_asc(petition_translation::Column::Lang)
        .all(conn)
        .await?;
    for row in rows {
        out.entry(row.petition_id).or_default().push(row);
    }
    Ok(out)
}

/// Gives the petitions from before main languages the site's default language (`default`). Runs
/// at every start, after the migrations; only rows without a language change.
pub async fn settle_main_languages(
    db: &DatabaseConnection,
    default: &str,
) -> Result<u64, sea_orm::DbErr> {
    let default = Lang::shipped(default).map_or_else(|| default.to_string(), |l| l.code());
    let done = petition::Entity::update_many()
        .col_expr(
            petition::Column::Language,
            sea_orm::sea_query::Expr::value(default),
        )
        .filter(petition::Column::Language.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// A language as a choice in a list.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageChoice {
    pub code: String,
    pub name: String,
}

impl LanguageChoice {
    fn of(code: &str) -> LanguageChoice {
        LanguageChoice {
            code: code.to_string(),
            name: language_name(code),
        }
    }
}

/// A translation as the editor lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub code: String,
    pub name: String,
    pub title: String,
    /// Its page (relative), to see it.
    pub path: String,
}

/// What the editor's "Languages of this petition" section shows.
#[derive(Debug, Clone, Serialize)]
pub struct Languages {
    pub main: LanguageChoice,
    pub translations: Vec<Listed>,
    /// The interface's languages it has no version in yet.
    pub addable: Vec<LanguageChoice>,
    /// Every interface language, for the main language's list.
    pub choices: Vec<LanguageChoice>,
}

impl Languages {
    pub fn of(located: &Located) -> Languages {
        let main = main_language(&located.petition);
        let path = located.path();
        let translations: Vec<Listed> = located
            .translations
            .iter()
            .filter(|t| !same_code(&t.lang, main))
            .map(|t| Listed {
                code: t.lang.clone(),
                name: language_name(&t.lang),
                title: t.title.clone(),
                path: format!("{path}?lang={}", t.lang),
            })
            .collect();
        let available = i18n::available();
        let addable = available
            .iter()
            .map(Lang::code)
            .filter(|code| find(located, code, false).is_none())
            .map(|code| LanguageChoice::of(&code))
            .collect();
        let mut choices: Vec<LanguageChoice> = available
            .iter()
            .map(|l| LanguageChoice::of(&l.code()))
            .collect();
        if !choices.iter().any(|c| same_code(&c.code, main)) {
            choices.insert(0, LanguageChoice::of(main));
        }
        Languages {
            main: LanguageChoice::of(main),
            translations,
            addable,
            choices,
        }
    }
}

/// A translation's fields as typed, so that a form with a mistake comes back as it was.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Typed {
    pub title: String,
    /// The text as typed, in Markdown (the form field keeps its older name, `body_html`).
    pub body_html: String,
    pub data_notice: String,
    pub social_text: String,
    /// Empty: the main version's.
    pub addressed_to: String,
    /// Empty: the main version's.
    pub picture_alt: String,
}

impl Typed {
    pub fn of(t: &petition_translation::Model) -> Typed {
        Typed {
            title: t.title.clone(),
            body_html: crate::domain::petitions::html::source_of(
                t.body_markdown.as_deref(),
                &t.body_html,
            ),
            data_notice: t.data_notice.clone(),
            social_text: t.social_text.clone(),
            addressed_to: t.addressed_to.clone().unwrap_or_default(),
            picture_alt: t.picture_alt.clone().unwrap_or_default(),
        }
    }
}

/// The interface language `code` names, if `petition` may have a translation into it: one the
/// site offers, other than its main language.
fn translatable(petition: &petition::Model, code: &str) -> Option<Lang> {
    Lang::shipped(code).filter(|l| !same_code(&l.code(), main_language(petition)))
}

/// A translation to write or change: the petition, if `user` may edit it, the language (one of the
/// interface's, not the main one) and its translation so far.
pub struct Translating {
    pub petition: petition::Model,
    pub lang: Lang,
    pub existing: Option<petition_translation::Model>,
}

/// The translation of petition `id` into `code` for `user`'s form; not found for a petition they
/// may not edit, or a language it cannot be translated into.
pub async fn translating<C: ConnectionTrait>(
    conn: &C,
    user: &user::Model,
    id: i32,
    code: &str,
) -> Result<Translating, CampaignError> {
    let petition = campaign::petition_for(conn, user, id, Permission::ModifyPetitions).await?;
    let lang = translatable(&petition, code).ok_or(CampaignError::NotFound)?;
    let existing = petition_translation::Entity::find_by_id((id, lang.code()))
        .one(conn)
        .await?;
    Ok(Translating {
        petition,
        lang,
        existing,
    })
}

/// Checks a translation as typed against the editor's rules: a title, a text a reader sees, and
/// the editor's limits on each field.
fn check(typed: &Typed) -> FieldErrors {
    let mut errors = FieldErrors::new();
    campaign::check_title(&mut errors, typed.title.trim());
    campaign::check_body(&mut errors, &typed.body_html, true);
    if typed.data_notice.trim().chars().count() > campaign::MAX_NOTICE {
        errors.insert("data_notice", "field-too-long");
    }
    if typed.social_text.trim().chars().count() > campaign::MAX_SOCIAL_TEXT {
        errors.insert("social_text", "field-too-long");
    }
    campaign::read_addressed_to(&mut errors, &typed.addressed_to);
    if !typed.picture_alt.trim().is_empty()
        && let Err(key) = crate::domain::petitions::picture::read_alt(&typed.picture_alt)
    {
        errors.insert("picture_alt", key);
    }
    crate::domain::text::check(
        &mut errors,
        &[
            ("title", &typed.title),
            ("body_html", &typed.body_html),
            ("data_notice", &typed.data_notice),
            ("social_text", &typed.social_text),
            ("picture_alt", &typed.picture_alt),
        ],
    );
    errors
}

/// Writes (or rewrites) the translation of petition `id` into `code`; the text is sanitized on
/// the way in, like every petition text.
pub async fn save(
    db: &DatabaseConnection,
    user: &user::Model,
    id: i32,
    code: &str,
    typed: &Typed,
) -> Result<(), CampaignError> {
    // Asked first: a stranger's petition stays a 404 whatever was typed.
    translating(db, user, id, code).await?;
    let errors = check(typed);
    if !errors.is_empty() {
        return Err(CampaignError::Invalid(errors));
    }
    let txn = crate::db::begin_write(db).await?;
    let Translating { lang, .. } = translating(&txn, user, id, code).await?;
    let now = crate::domain::now();
    let row = petition_translation::ActiveModel {
        petition_id: Set(id),
        lang: Set(lang.code()),
        title: Set(typed.title.trim().to_string()),
        body_html: Set(crate::domain::petitions::html::markdown(&typed.body_html)),
        body_markdown: Set(Some(typed.body_html.clone())),
        data_notice: Set(typed.data_notice.trim().to_string()),
        social_text: Set(typed.social_text.trim().to_string()),
        addressed_to: Set(campaign::read_addressed_to(
            &mut FieldErrors::new(),
            &typed.addressed_to,
        )),
        picture_alt: Set(crate::domain::petitions::picture::read_alt(&typed.picture_alt).ok()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    petition_translation::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                petition_translation::Column::PetitionId,
                petition_translation::Column::Lang,
            ])
            .update_columns([
                petition_translation::Column::Title,
                petition_translation::Column::BodyHtml,
                petition_translation::Column::BodyMarkdown,
                petition_translation::Column::DataNotice,
                petition_translation::Column::SocialText,
                petition_translation::Column::AddressedTo,
                petition_translation::Column::PictureAlt,
                petition_translation::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes the translation of petition `id` into `code`: its readers see the main version again.
pub async fn remove(
    db: &DatabaseConnection,
    user: &user::Model,
    id: i32,
    code: &str,
) -> Result<(), CampaignError> {
    let txn = crate::db::begin_write(db).await?;
    let Translating { lang, .. } = translating(&txn, user, id, code).await?;
    let removed = petition_translation::Entity::delete_by_id((id, lang.code()))
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(CampaignError::NotFound);
    }
    txn.commit().await?;
    Ok(())
}

/// Says which language the main version is written in. When the petition has a translation into
/// that language, the two swap: that translation becomes the main version, and the former main
/// version a translation into its language. The slugs stay.
pub async fn set_main_language(
    db: &DatabaseConnection,
    user: &user::Model,
    id: i32,
    code: &str,
) -> Result<(), CampaignError> {
    // Asked first: a stranger's petition stays a 404 whatever was chosen.
    campaign::petition_for(db, user, id, Permission::ModifyPetitions).await?;
    let Some(lang) = Lang::shipped(code) else {
        return Err(CampaignError::Invalid(
            [("language", "petition-language-invalid")]
                .into_iter()
                .collect(),
        ));
    };
    let txn = crate::db::begin_write(db).await?;
    let petition = campaign::petition_for(&txn, user, id, Permission::ModifyPetitions).await?;
    let former = main_language(&petition).to_string();
    if same_code(&former, &lang.code()) {
        return Ok(());
    }
    let translation = petition_translation::Entity::find_by_id((id, lang.code()))
        .one(&txn)
        .await?;
    let now = crate::domain::now();
    let mut active = petition.clone().into_active_model();
    active.language = Set(Some(lang.code()));
    active.updated_at = Set(now);
    if let Some(t) = translation {
        petition_translation::Entity::delete_by_id((id, t.lang.clone()))
            .exec(&txn)
            .await?;
        petition_translation::ActiveModel {
            petition_id: Set(id),
            lang: Set(former),
            title: Set(petition.title.clone()),
            body_html: Set(petition.body_html.clone()),
            body_markdown: Set(petition.body_markdown.clone()),
            data_notice: Set(petition.data_notice.clone()),
            social_text: Set(petition.social_text.clone()),
            addressed_to: Set(petition.addressed_to.clone()),
            picture_alt: Set(petition.picture_alt.clone()),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        active.title = Set(t.title);
        active.body_html = Set(t.body_html);
        active.body_markdown = Set(t.body_markdown);
        if !t.data_notice.trim().is_empty() {
            active.data_notice = Set(t.data_notice);
        }
        active.social_text = Set(t.social_text);
        if t.addressed_to.is_some() {
            active.addressed_to = Set(t.addressed_to);
        }
        if t.picture_alt.is_some() && petition.picture_key.is_some() {
            active.picture_alt = Set(t.picture_alt);
        }
    }
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}
