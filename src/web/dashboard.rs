//! The dashboard (F6.1): every petition a member runs with its counts and what they may do to it —
//! publish or unpublish, duplicate, transfer, delete after a confirmation step — and their pending
//! invitations. Every action is a POST with a CSRF token that `domain::petitions::campaign` checks again.
use rocket::form::{Form, FromForm};
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{Route, State, get, post, routes};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::account::login_redirect;
use super::guards::verify_csrf;
use super::page::Page;
use super::session::{CurrentUser, require};
use crate::Site;
use crate::domain::people::account::FieldErrors;
use crate::domain::people::permission::Permission;
use crate::domain::petitions::campaign::{self, CampaignError, Destination, Edit, Saved};
use crate::domain::petitions::dashboard as board;
use crate::domain::petitions::picture::{self, ChangeError};
use crate::domain::petitions::translations::Languages;
use crate::domain::signing::signature::{FieldRule, SignatureFields};
use crate::error::{Error, Result};
use crate::i18n::Lang;

pub fn routes() -> Vec<Route> {
    routes![
        dashboard,
        dashboard_anonymous,
        edit_page,
        edit,
        add_permalink,
        canonical_permalink,
        remove_permalink,
        publish,
        unpublish,
        duplicate,
        transfer_page,
        transfer,
        delete_page,
        delete,
    ]
}

/// What the dashboard says after an action; anything else in `?done=` is ignored.
const NOTICES: [&str; 8] = [
    "saved",
    "accent-adjusted",
    "published",
    "unpublished",
    "duplicated",
    "transferred",
    "deleted",
    "organization-deleted",
];

fn campaign_error(e: CampaignError) -> Error {
    match e {
        CampaignError::Database(e) => Error::Database(e),
        CampaignError::NotFound => Error::NotFound,
        CampaignError::Invalid(_) => Error::Internal("unexpected petition error".into()),
        CampaignError::Hidden => Error::Refused("moderation-republish-refused"),
    }
}

fn done(notice: &str) -> Redirect {
    Redirect::to(format!("/dashboard?done={notice}"))
}

#[get("/dashboard?<done>")]
async fn dashboard(
    done: Option<&str>,
    user: CurrentUser,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    let board = board::for_user(db.inner(), &user.0).await?;
    let invitations = crate::domain::people::organization::pending_for(db.inner(), &user.0).await?;
    let notice = done
        .filter(|d| NOTICES.contains(d))
        .map(|d| format!("dashboard-done-{d}"));
    Ok(Page::new(
        "dashboard/index",
        json!({
            "dashboard": board,
            "invitations": invitations,
            "notice": notice,
            "account": {
                "username": user.0.username,
                "is_admin": user.0.is_admin,
                "may_moderate": crate::domain::people::permission::may_moderate(&user.0),
            },
        }),
    ))
}

#[get("/dashboard", rank = 2)]
fn dashboard_anonymous() -> Redirect {
    login_redirect("/dashboard")
}

#[derive(Debug, FromForm)]
struct ActionForm {
    csrf: Option<String>,
    destination: Option<String>,
}

#[get("/petitions/<id>/edit?<done>")]
async fn edit_page(
    id: i32,
    done: Option<&str>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Page> {
    let CurrentUser(user) = require(user)?;
    let petition = campaign::petition_for(db.inner(), &user, id, Permission::ModifyPetitions)
        .await
        .map_err(campaign_error)?;
    let sections = sections(db.inner(), id).await?;
    let values = Edit::of(&petition, site.settings.zone);
    Ok(editor(id, &values, json!({}), sections, done, None))
}

#[derive(Debug, FromForm)]
struct EditForm<'r> {
    csrf: Option<String>,
    /// `preview`: show the text rendered, save nothing.
    action: Option<String>,
    title: Option<String>,
    addressed_to: Option<String>,
    body_html: Option<String>,
    goal: Option<String>,
    deadline: Option<String>,
    paper_signatures: Option<String>,
    data_notice: Option<String>,
    reply_to: Option<String>,
    theme: Option<String>,
    accent: Option<String>,
    ask_phone: Option<String>,
    ask_postal_code: Option<String>,
    ask_city: Option<String>,
    ask_country: Option<String>,
    ask_organization: Option<String>,
    ask_comment: Option<String>,
    share: Vec<String>,
    social_text: Option<String>,
    social_image_url: Option<String>,
    show_signers: bool,
    /// The picture fields (`super::pictures::change`).
    picture: Option<rocket::data::Capped<rocket::fs::TempFile<'r>>>,
    picture_alt: Option<String>,
    picture_remove: Option<String>,
}

/// `off`, `optional` or `required`; anything else asks nothing.
fn rule(typed: &Option<String>) -> FieldRule {
    match typed.as_deref() {
        Some("optional") => FieldRule::Optional,
        Some("required") => FieldRule::Required,
        _ => FieldRule::Off,
    }
}

/// What the editor shows besides the form: its permalinks section (each address, whether it is the
/// canonical one) and its languages section (`translations::Languages`).
struct Sections {
    permalinks: serde_json::Value,
    languages: Languages,
    /// Its picture, and the description the form shows (as typed when it came back).
    picture: Option<crate::domain::petitions::picture::PictureView>,
    picture_alt: String,
}

async fn sections(db: &DatabaseConnection, id: i32) -> Result<Sections> {
    let Some(located) = crate::domain::petitions::petition::find(db, id).await? else {
        return Err(Error::NotFound);
    };
    let owner = located.owner.path();
    let links: Vec<_> = campaign::permalinks(db, &located.petition)
        .await?
        .into_iter()
        .map(|l| json!({ "id": l.id, "path": format!("{owner}/{}", l.slug), "canonical": l.is_canonical }))
        .collect();
    Ok(Sections {
        permalinks: json!(links),
        languages: Languages::of(&located),
        picture: crate::domain::petitions::picture::PictureView::of(&located.petition),
        picture_alt: located.petition.picture_alt.clone().unwrap_or_default(),
    })
}

const EDITOR_NOTICES: [&str; 6] = [
    "permalink-added",
    "permalink-canonical",
    "permalink-removed",
    "translation-saved",
    "translation-deleted",
    "language-changed",
];

fn editor(
    id: i32,
    values: &Edit,
    errors: serde_json::Value,
    sections: Sections,
    notice: Option<&str>,
    preview: Option<String>,
) -> Page {
    Page::new(
        "dashboard/edit",
        json!({
            "id": id,
            "permalinks": sections.permalinks,
            // `languages` is the language switch's (`Page`).
            "petition_languages": sections.languages,
            "picture": sections.picture,
            "picture_alt": sections.picture_alt,
            "notice": notice.filter(|n| EDITOR_NOTICES.contains(n)).map(|n| format!("editor-done-{n}")),
            "notice_in_languages": notice.is_some_and(|n| n.starts_with("translation-") || n == "language-changed"),
            "values": values,
            "errors": errors,
            // The text as typed, rendered, when "Preview" was pressed (nothing saved).
            "preview": preview,
            "themes": crate::domain::petitions::theme::THEMES.iter().map(|t| t.name).collect::<Vec<_>>(),
            "asked": ["phone", "postal_code", "city", "country", "organization", "comment"],
            "share_links": crate::domain::petitions::share::SHARE_LINKS,
            "embed_height": super::embed::frame_height(&values.fields),
        }),
    )
}

#[post("/petitions/<id>/edit", data = "<form>")]
async fn edit(
    id: i32,
    form: Form<EditForm<'_>>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<rocket::Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let text = |field: &Option<String>| field.clone().unwrap_or_default();
    let typed = Edit {
        title: text(&form.title),
        addressed_to: text(&form.addressed_to),
        body_html: text(&form.body_html),
        goal: text(&form.goal),
        deadline: text(&form.deadline),
        paper_signatures: text(&form.paper_signatures),
        data_notice: text(&form.data_notice),
        reply_to: text(&form.reply_to),
        theme: text(&form.theme),
        accent: text(&form.accent),
        fields: SignatureFields {
            phone: rule(&form.ask_phone),
            postal_code: rule(&form.ask_postal_code),
            city: rule(&form.ask_city),
            country: rule(&form.ask_country),
            organization: rule(&form.ask_organization),
            comment: rule(&form.ask_comment),
        },
        share: form.share.clone(),
        social_text: text(&form.social_text),
        social_image_url: text(&form.social_image_url),
        show_signers: form.show_signers,
    };
    if form.action.as_deref() == Some("preview") {
        // Asked first: a stranger's petition stays a 404.
        campaign::petition_for(db.inner(), &user, id, Permission::ModifyPetitions)
            .await
            .map_err(campaign_error)?;
        let preview = crate::domain::petitions::html::markdown(&typed.body_html);
        let sections = sections(db.inner(), id).await?;
        return Ok(rocket::Either::Right(editor(
            id,
            &typed,
            json!({}),
            sections,
            None,
            Some(preview),
        )));
    }
    // The picture first: a mistake in the other fields then keeps it, and a mistake in the
    // picture keeps the other fields (saved below).
    let petition = campaign::petition_for(db.inner(), &user, id, Permission::ModifyPetitions)
        .await
        .map_err(campaign_error)?;
    let change = super::pictures::change(&form.picture, &form.picture_alt, &form.picture_remove);
    let mut picture_errors = match picture::change(db.inner(), &petition, change).await {
        Ok(()) => FieldErrors::new(),
        Err(ChangeError::Invalid(errors)) => errors,
        Err(ChangeError::Database(e)) => return Err(Error::Database(e)),
    };
    let came_back = |errors: FieldErrors, sections: Sections| {
        let mut sections = sections;
        sections.picture_alt = form.picture_alt.clone().unwrap_or_default();
        rocket::Either::Right(
            editor(id, &typed, json!(errors), sections, None, None)
                .status(Status::UnprocessableEntity),
        )
    };
    match campaign::edit(db.inner(), &user, id, &typed, site.settings.zone).await {
        Ok(_) if !picture_errors.is_empty() => {
            Ok(came_back(picture_errors, sections(db.inner(), id).await?))
        }
        Ok((_, Saved::AsTyped)) => Ok(rocket::Either::Left(done("saved"))),
        Ok((_, Saved::AccentAdjusted)) => Ok(rocket::Either::Left(done("accent-adjusted"))),
        Err(CampaignError::Invalid(mut errors)) => {
            errors.append(&mut picture_errors);
            Ok(came_back(errors, sections(db.inner(), id).await?))
        }
        Err(e) => Err(campaign_error(e)),
    }
}

#[derive(Debug, FromForm)]
struct PermalinkForm {
    csrf: Option<String>,
    slug: Option<String>,
    canonical: Option<bool>,
}

fn back_to_editor(id: i32, notice: &str) -> Redirect {
    Redirect::to(format!("/petitions/{id}/edit?done={notice}#permalinks"))
}

#[post("/petitions/<id>/permalinks", data = "<form>")]
async fn add_permalink(
    id: i32,
    form: Form<PermalinkForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<rocket::Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let typed = form.slug.clone().unwrap_or_default();
    match campaign::add_permalink(
        db.inner(),
        &user,
        id,
        &typed,
        form.canonical.unwrap_or(false),
    )
    .await
    {
        Ok(()) => Ok(rocket::Either::Left(back_to_editor(id, "permalink-added"))),
        Err(CampaignError::Invalid(errors)) => {
            let petition =
                campaign::petition_for(db.inner(), &user, id, Permission::ModifyPetitions)
                    .await
                    .map_err(campaign_error)?;
            let mut page = editor(
                id,
                &Edit::of(&petition, site.settings.zone),
                json!(errors),
                sections(db.inner(), id).await?,
                None,
                None,
            );
            page = page.status(Status::UnprocessableEntity);
            Ok(rocket::Either::Right(page))
        }
        Err(e) => Err(campaign_error(e)),
    }
}

#[post("/petitions/<id>/permalinks/<link>/canonical", data = "<form>")]
async fn canonical_permalink(
    id: i32,
    link: i32,
    form: Form<ActionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    campaign::set_canonical_permalink(db.inner(), &user, id, link)
        .await
        .map_err(campaign_error)?;
    Ok(back_to_editor(id, "permalink-canonical"))
}

#[post("/petitions/<id>/permalinks/<link>/delete", data = "<form>")]
async fn remove_permalink(
    id: i32,
    link: i32,
    form: Form<ActionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    campaign::remove_permalink(db.inner(), &user, id, link)
        .await
        .map_err(campaign_error)?;
    Ok(back_to_editor(id, "permalink-removed"))
}

#[post("/petitions/<id>/publish", data = "<form>")]
async fn publish(
    id: i32,
    form: Form<ActionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    campaign::set_published(db.inner(), &user, id, true)
        .await
        .map_err(campaign_error)?;
    Ok(done("published"))
}

#[post("/petitions/<id>/unpublish", data = "<form>")]
async fn unpublish(
    id: i32,
    form: Form<ActionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    campaign::set_published(db.inner(), &user, id, false)
        .await
        .map_err(campaign_error)?;
    Ok(done("unpublished"))
}

#[post("/petitions/<id>/duplicate", data = "<form>")]
async fn duplicate(
    id: i32,
    form: Form<ActionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
    lang: Lang,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let original = campaign::petition_for(db.inner(), &user, id, Permission::CreatePetitions)
        .await
        .map_err(campaign_error)?;
    let title = lang.t_args("petition-copy-title", &[("title", original.title.into())]);
    campaign::duplicate(db.inner(), &user, id, &title)
        .await
        .map_err(campaign_error)?;
    Ok(done("duplicated"))
}

#[get("/petitions/<id>/transfer")]
async fn transfer_page(
    id: i32,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Page> {
    let CurrentUser(user) = require(user)?;
    let petition = campaign::petition_for(db.inner(), &user, id, Permission::DeletePetitions)
        .await
        .map_err(campaign_error)?;
    let destinations = campaign::destinations(
        db.inner(),
        &user,
        &petition,
        site.live.get().personal_petitions,
    )
    .await?;
    Ok(Page::new(
        "dashboard/transfer",
        json!({ "petition": { "id": petition.id, "title": petition.title }, "destinations": destinations }),
    ))
}

#[post("/petitions/<id>/transfer", data = "<form>")]
async fn transfer(
    id: i32,
    form: Form<ActionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let destination = form
        .destination
        .as_deref()
        .and_then(Destination::parse)
        .ok_or(Error::NotFound)?;
    campaign::transfer(
        db.inner(),
        &user,
        id,
        &destination,
        site.live.get().personal_petitions,
    )
    .await
    .map_err(campaign_error)?;
    Ok(done("transferred"))
}

/// The confirmation step before a deletion: what will be lost, and one button.
#[get("/petitions/<id>/delete")]
async fn delete_page(
    id: i32,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    let CurrentUser(user) = require(user)?;
    let petition = campaign::petition_for(db.inner(), &user, id, Permission::DeletePetitions)
        .await
        .map_err(campaign_error)?;
    let signatures = crate::domain::signing::counter::confirmed(db.inner(), petition.id).await?;
    Ok(Page::new(
        "dashboard/delete",
        json!({ "petition": { "id": petition.id, "title": petition.title }, "signatures": signatures }),
    ))
}

#[post("/petitions/<id>/delete", data = "<form>")]
async fn delete(
    id: i32,
    form: Form<ActionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    campaign::delete(db.inner(), &user, id)
        .await
        .map_err(campaign_error)?;
    Ok(done("deleted"))
}
