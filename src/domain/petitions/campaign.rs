//! What the people running a petition do to it from the dashboard (F6.1, F4.5): publish or
//! unpublish, duplicate, transfer to another owner, delete. Each asks `permission` first; a refusal
//! and a petition that does not exist look the same, so outsiders learn nothing.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use crate::domain::people::permission::{self, Permission};
use crate::domain::petitions::petition::Owner;
use crate::domain::signing::signature::SignatureFields;
use crate::entity::{membership, organization, permalink, petition, user};

#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    /// No such petition, or not for this person.
    #[error("not found")]
    NotFound,
    /// What was typed cannot be saved; field → Fluent key of the message.
    #[error("invalid petition details")]
    Invalid(crate::domain::people::account::FieldErrors),
    /// Hidden by the moderators: only they can show it again.
    #[error("hidden by the moderators")]
    Hidden,
}

/// The petition `id` if `user` may do `needed` to it.
pub async fn petition_for<C: ConnectionTrait>(
    conn: &C,
    user: &user::Model,
    id: i32,
    needed: Permission,
) -> Result<petition::Model, CampaignError> {
    let petition = petition::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(CampaignError::NotFound)?;
    if permission::allows_on_petition(conn, user.id, &petition, needed).await? {
        Ok(petition)
    } else {
        Err(CampaignError::NotFound)
    }
}

pub async fn set_published(
    db: &DatabaseConnection,
    user: &user::Model,
    id: i32,
    published: bool,
) -> Result<petition::Model, CampaignError> {
    if published && !crate::domain::people::permission::may_publish(user) {
        // `web::verification` explains before this is reached; a refusal here reveals nothing.
        return Err(CampaignError::NotFound);
    }
    let txn = crate::db::begin_write(db).await?;
    let petition = petition_for(&txn, user, id, Permission::ModifyPetitions).await?;
    if published && petition.moderated {
        return Err(CampaignError::Hidden);
    }
    let mut active = petition.into_active_model();
    active.published = Set(published);
    active.updated_at = Set(crate::domain::now());
    let petition = active.update(&txn).await?;
    txn.commit().await?;
    Ok(petition)
}

/// A new draft with the same text and settings, under the same owner, no signatures; needs the right
/// to create petitions there. `title` is the copy's title (the caller translates "Copy of …").
pub async fn duplicate(
    db: &DatabaseConnection,
    user: &user::Model,
    id: i32,
    title: &str,
) -> Result<petition::Model, CampaignError> {
    let txn = crate::db::begin_write(db).await?;
    let original = petition_for(&txn, user, id, Permission::CreatePetitions).await?;
    // A copy would be a way round the moderators' decision.
    if original.moderated {
        return Err(CampaignError::Hidden);
    }
    let owner = Owner::of(&txn, &original)
        .await?
        .ok_or(CampaignError::NotFound)?;
    let now = crate::domain::now();
    let copy = petition::ActiveModel {
        organization_id: Set(original.organization_id),
        user_id: Set(original.user_id),
        title: Set(title.trim().to_string()),
        body_html: Set(original.body_html.clone()),
        body_markdown: Set(original.body_markdown.clone()),
        goal: Set(original.goal),
        deadline: Set(original.deadline),
        addressed_to: Set(original.addressed_to.clone()),
        published: Set(false),
        moderated: Set(false),
        paper_signatures: Set(0),
        confirmed_count: Set(0),
        signature_fields: Set(original.signature_fields.clone()),
        share_links: Set(original.share_links.clone()),
        social_text: Set(original.social_text.clone()),
        social_image_url: Set(original.social_image_url.clone()),
        show_signers: Set(original.show_signers),
        // The files are named by their content: the copy shares them.
        picture_key: Set(original.picture_key.clone()),
        picture_alt: Set(original.picture_alt.clone()),
        picture_width: Set(original.picture_width),
        picture_height: Set(original.picture_height),
        data_notice: Set(original.data_notice.clone()),
        reply_to: Set(original.reply_to.clone()),
        theme: Set(original.theme.clone()),
        accent_color: Set(original.accent_color.clone()),
        // The copy is in the original's main language; its translations are not copied.
        language: Set(original.language.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    crate::domain::petitions::petition::add_canonical_permalink(&txn, &owner, &copy).await?;
    txn.commit().await?;
    Ok(copy)
}

/// Where a petition can be transferred.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Destination {
    /// The person's own petitions.
    Personal,
    Organization {
        slug: String,
        name: String,
    },
}

impl Destination {
    /// The form value: `personal` or `org:<slug>`.
    pub fn parse(value: &str) -> Option<Destination> {
        match value {
            "personal" => Some(Destination::Personal),
            _ => value
                .strip_prefix("org:")
                .filter(|slug| !slug.is_empty())
                .map(|slug| Destination::Organization {
                    slug: slug.to_string(),
                    name: String::new(),
                }),
        }
    }
}

/// The destinations `user` may move `petition` to: their own petitions (unless the instance
/// disables personal petitions) and every organization where they may create petitions, except
/// where it already is.
pub async fn destinations<C: ConnectionTrait>(
    conn: &C,
    user: &user::Model,
    petition: &petition::Model,
    personal_petitions: bool,
) -> Result<Vec<Destination>, sea_orm::DbErr> {
    let mut out = Vec::new();
    if personal_petitions && petition.user_id != Some(user.id) {
        out.push(Destination::Personal);
    }
    let orgs = organization::Entity::find()
        .inner_join(membership::Entity)
        .filter(membership::Column::UserId.eq(user.id))
        .filter(membership::Column::CanCreatePetitions.eq(true))
        .order_by_asc(organization::Column::Name)
        .all(conn)
        .await?;
    out.extend(
        orgs.into_iter()
            .filter(|o| petition.organization_id != Some(o.id))
            .map(|o| Destination::Organization {
                slug: o.slug,
                name: o.name,
            }),
    );
    Ok(out)
}

/// Moves a petition to another owner (F4.5): it needs the right to delete it where it is and to
/// create petitions where it goes. It arrives unpublished, under a fresh permalink in its new
/// owner's namespace (the old owner's links stop answering: they named the old owner).
pub async fn transfer(
    db: &DatabaseConnection,
    user: &user::Model,
    id: i32,
    to: &Destination,
    personal_petitions: bool,
) -> Result<petition::Model, CampaignError> {
    let txn = crate::db::begin_write(db).await?;
    let petition = petition_for(&txn, user, id, Permission::DeletePetitions).await?;
    let wanted = match to {
        Destination::Personal => Destination::Personal,
        Destination::Organization { slug, .. } => {
            let org = crate::domain::people::organization::find_by_slug(&txn, slug)
                .await?
                .ok_or(CampaignError::NotFound)?;
            Destination::Organization {
                slug: org.slug,
                name: org.name,
            }
        }
    };
    if !destinations(&txn, user, &petition, personal_petitions)
        .await?
        .contains(&wanted)
    {
        return Err(CampaignError::NotFound);
    }
    let owner = match &wanted {
        Destination::Personal => Owner::User(user.clone()),
        Destination::Organization { slug, .. } => Owner::Organization(
            crate::domain::people::organization::find_by_slug(&txn, slug)
                .await?
                .ok_or(CampaignError::NotFound)?,
        ),
    };
    // Its addresses under the former owner stay, and redirect to the new one (`petition::lookup`);
    // those it had under the new owner (a petition coming back) are made again from its title.
    let (new_org, new_user) = owner.ids();
    let mut theirs =
        permalink::Entity::delete_many().filter(permalink::Column::PetitionId.eq(petition.id));
    theirs = match (new_org, new_user) {
        (Some(org), _) => theirs.filter(permalink::Column::OrganizationId.eq(org)),
        (_, person) => theirs.filter(permalink::Column::UserId.eq(person)),
    };
    theirs.exec(&txn).await?;
    // The digest went to the former owner's addresses: the new owner chooses their own.
    crate::domain::outreach::digest::forget(&txn, petition.id).await?;
    let mut active = petition.into_active_model();
    match &owner {
        Owner::User(u) => {
            active.user_id = Set(Some(u.id));
            active.organization_id = Set(None);
        }
        Owner::Organization(o) => {
            active.user_id = Set(None);
            active.organization_id = Set(Some(o.id));
        }
    }
    active.published = Set(false);
    active.updated_at = Set(crate::domain::now());
    let petition = active.update(&txn).await?;
    crate::domain::petitions::petition::add_canonical_permalink(&txn, &owner, &petition).await?;
    txn.commit().await?;
    Ok(petition)
}

/// Deletes a petition with its permalinks, signatures and counts.
pub async fn delete(
    db: &DatabaseConnection,
    user: &user::Model,
    id: i32,
) -> Result<(), CampaignError> {
    let txn = crate::db::begin_write(db).await?;
    let petition = petition_for(&txn, user, id, Permission::DeletePetitions).await?;
    // The foreign keys cascade to permalinks, signatures and count shards.
    petition::Entity::delete_by_id(petition.id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// What the petition editor changes; each text field as typed, so a form with a mistake comes back
/// as it was.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Edit {
    pub title: String,
    /// Who it is addressed to; empty when not said.
    pub addressed_to: String,
    /// The text as typed, in Markdown (the form field keeps its older name, `body_html`).
    pub body_html: String,
    /// Empty, or a whole number above zero.
    pub goal: String,
    /// Empty, or `YYYY-MM-DD` (signing closes at the end of that day in the instance's zone).
    pub deadline: String,
    /// Signatures gathered on paper, added to the count (F2.8).
    pub paper_signatures: String,
    /// Shown under the form instead of the default notice on the use of signers' data.
    pub data_notice: String,
    /// Where replies to the confirmation mails go; empty for the site's address.
    pub reply_to: String,
    /// What signers are asked besides their name and address (F4.6).
    pub fields: SignatureFields,
    pub theme: String,
    /// Empty (the theme's own), or `#rrggbb`.
    pub accent: String,
    /// The share links shown, among `share::SHARE_LINKS`.
    pub share: Vec<String>,
    /// The social preview's text and image (an https URL or a path on this site).
    pub social_text: String,
    pub social_image_url: String,
    /// Whether the page shows its recent signers who agreed to it (`signing::public_signers`).
    pub show_signers: bool,
}

impl Edit {
    /// The petition's fields as the editor shows them; its closing day as it is in `zone`.
    pub fn of(p: &petition::Model, zone: crate::i18n::format::Zone) -> Edit {
        Edit {
            title: p.title.clone(),
            addressed_to: p.addressed_to.clone().unwrap_or_default(),
            body_html: crate::domain::petitions::html::source_of(
                p.body_markdown.as_deref(),
                &p.body_html,
            ),
            goal: p.goal.map(|g| g.to_string()).unwrap_or_default(),
            deadline: closing_day(p, zone),
            paper_signatures: p.paper_signatures.to_string(),
            data_notice: p.data_notice.clone(),
            reply_to: p.reply_to.clone().unwrap_or_default(),
            fields: SignatureFields::of(p),
            theme: p.theme.clone(),
            accent: p.accent_color.clone().unwrap_or_default(),
            share: crate::domain::petitions::share::chosen(&p.share_links)
                .into_iter()
                .map(str::to_string)
                .collect(),
            social_text: p.social_text.clone(),
            social_image_url: p.social_image_url.clone().unwrap_or_default(),
            show_signers: p.show_signers,
        }
    }
}

/// What saving did besides saving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    AsTyped,
    /// The accent colour would have made text unreadable: a readable one close to it was kept.
    AccentAdjusted,
}

// The editor's limits, which translations (`translations`) keep too.
const MAX_TITLE: usize = 200;
const MAX_BODY: usize = 100_000;
pub(crate) const MAX_NOTICE: usize = 2_000;
pub(crate) const MAX_SOCIAL_TEXT: usize = 300;

/// An image address a preview may name: `https://host/…` or a path on this site.
fn image_url_ok(typed: &str) -> bool {
    if typed.len() > 2_000 || typed.chars().any(char::is_whitespace) {
        return false;
    }
    if typed.starts_with('/') {
        return !typed.starts_with("//");
    }
    url::Url::parse(typed).is_ok_and(|u| u.scheme() == "https" && u.host_str().is_some())
}

/// A title as typed in the editor or a translation (already trimmed): there, and not too long.
pub(crate) fn check_title(errors: &mut crate::domain::people::account::FieldErrors, title: &str) {
    if title.is_empty() {
        errors.insert("title", "field-required");
    } else if title.chars().count() > MAX_TITLE {
        errors.insert("title", "field-too-long");
    }
}

/// The petition's text as typed in the editor or the wizard: not too long and, when `required`,
/// with words a reader sees (markup alone, such as an empty paragraph, is no text).
pub fn check_body(
    errors: &mut crate::domain::people::account::FieldErrors,
    body_html: &str,
    required: bool,
) {
    if body_html.len() > MAX_BODY {
        errors.insert("body_html", "field-too-long");
    } else if required
        && crate::domain::petitions::html::is_blank(&crate::domain::petitions::html::markdown(
            body_html,
        ))
    {
        errors.insert("body_html", "petition-text-required");
    }
}

/// Longest "addressed to" line, in characters.
pub const ADDRESSED_TO_MAX: usize = 200;

/// Who a petition is addressed to, as typed: empty (not said) or a line of at most
/// `ADDRESSED_TO_MAX` characters, spaces trimmed.
pub(crate) fn read_addressed_to(
    errors: &mut crate::domain::people::account::FieldErrors,
    typed: &str,
) -> Option<String> {
    let text = typed.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > ADDRESSED_TO_MAX {
        errors.insert("addressed_to", "addressed-to-too-long");
        return None;
    }
    crate::domain::text::check(errors, &[("addressed_to", typed)]);
    (!text.is_empty()).then_some(text)
}

/// A goal as typed in the editor or the wizard: empty, or a whole number above zero.
pub(crate) fn read_goal(
    errors: &mut crate::domain::people::account::FieldErrors,
    typed: &str,
) -> Option<i32> {
    match typed.trim() {
        "" => None,
        text => match text.parse::<i32>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                errors.insert("goal", "goal-invalid");
                None
            }
        },
    }
}

/// The petition's closing day in `zone`, `YYYY-MM-DD`, as the wizard and the editor show it; empty
/// when it has none.
pub(crate) fn closing_day(p: &petition::Model, zone: crate::i18n::format::Zone) -> String {
    p.deadline
        .map(|d| zone.local(d).date().to_string())
        .unwrap_or_default()
}

/// A closing date as typed: empty, or `YYYY-MM-DD` with a four-digit year; signing closes at the
/// end of that day in the instance's time zone `zone`. The one rule of the wizard and the editor: a day already over may only
/// close a `published` petition (the editor's way to end signing); a draft gets a day to come.
pub(crate) fn read_closing_date(
    errors: &mut crate::domain::people::account::FieldErrors,
    typed: &str,
    published: bool,
    zone: crate::i18n::format::Zone,
) -> Option<time::OffsetDateTime> {
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    let text = typed.trim();
    if text.is_empty() {
        return None;
    }
    let four_digits = text
        .split('-')
        .next()
        .is_some_and(|y| y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()));
    match time::Date::parse(text, &date_format) {
        Ok(day) if four_digits && day.year() >= 1 => {
            let closes = zone.end_of_day(day);
            if closes <= crate::domain::now() && !published {
                errors.insert("deadline", "deadline-past");
                return None;
            }
            Some(closes)
        }
        _ => {
            errors.insert("deadline", "deadline-invalid");
            None
        }
    }
}

/// Saves the editor's fields; the text is sanitized on the way in, like every petition text.
pub async fn edit(
    db: &DatabaseConnection,
    user: &user::Model,
    id: i32,
    edit: &Edit,
    zone: crate::i18n::format::Zone,
) -> Result<(petition::Model, Saved), CampaignError> {
    // Asked first: a stranger's petition stays a 404 whatever was typed, and the closing date's
    // rule depends on whether it is published.
    let published = petition_for(db, user, id, Permission::ModifyPetitions)
        .await?
        .published;
    let mut errors = crate::domain::people::account::FieldErrors::new();
    let title = edit.title.trim();
    check_title(&mut errors, title);
    check_body(&mut errors, &edit.body_html, true);
    let goal = read_goal(&mut errors, &edit.goal);
    let addressed_to = read_addressed_to(&mut errors, &edit.addressed_to);
    let deadline = read_closing_date(&mut errors, &edit.deadline, published, zone);
    let paper = match edit.paper_signatures.trim() {
        "" => 0,
        typed => typed
            .parse::<i32>()
            .ok()
            .filter(|n| *n >= 0)
            .unwrap_or_else(|| {
                errors.insert("paper_signatures", "paper-invalid");
                0
            }),
    };
    let data_notice = edit.data_notice.trim();
    if data_notice.chars().count() > MAX_NOTICE {
        errors.insert("data_notice", "field-too-long");
    }
    let reply_to = edit.reply_to.trim().to_lowercase();
    if !reply_to.is_empty()
        && (reply_to.len() > 254 || !validator::ValidateEmail::validate_email(&reply_to))
    {
        errors.insert("reply_to", "field-email-invalid");
    }
    let social_text = edit.social_text.trim();
    if social_text.chars().count() > MAX_SOCIAL_TEXT {
        errors.insert("social_text", "field-too-long");
    }
    let social_image = edit.social_image_url.trim();
    if !social_image.is_empty() && !image_url_ok(social_image) {
        errors.insert("social_image_url", "image-url-invalid");
    }
    let share = crate::domain::petitions::share::chosen(&edit.share.join(",")).join(",");
    let theme = crate::domain::petitions::theme::named(&edit.theme);
    let accent = match edit.accent.trim() {
        "" => None,
        typed => match crate::domain::petitions::theme::Rgb::parse(typed) {
            Some(rgb) => Some(crate::domain::petitions::theme::fit_accent(theme, rgb)),
            None => {
                errors.insert("accent", "accent-invalid");
                None
            }
        },
    };
    // Last, so that its message is the one shown for such a field.
    crate::domain::text::check(
        &mut errors,
        &[
            ("title", &edit.title),
            ("body_html", &edit.body_html),
            ("goal", &edit.goal),
            ("deadline", &edit.deadline),
            ("paper_signatures", &edit.paper_signatures),
            ("data_notice", &edit.data_notice),
            ("reply_to", &edit.reply_to),
            ("accent", &edit.accent),
            ("social_text", &edit.social_text),
            ("social_image_url", &edit.social_image_url),
        ],
    );
    if !errors.is_empty() {
        return Err(CampaignError::Invalid(errors));
    }
    let txn = crate::db::begin_write(db).await?;
    let petition = petition_for(&txn, user, id, Permission::ModifyPetitions).await?;
    let mut active = petition.into_active_model();
    active.title = Set(title.to_string());
    active.body_html = Set(crate::domain::petitions::html::markdown(&edit.body_html));
    active.body_markdown = Set(Some(edit.body_html.clone()));
    active.goal = Set(goal);
    active.addressed_to = Set(addressed_to);
    active.deadline = Set(deadline);
    active.paper_signatures = Set(paper);
    active.data_notice = Set(data_notice.to_string());
    active.reply_to = Set(Some(reply_to).filter(|r| !r.is_empty()));
    active.signature_fields =
        Set(serde_json::to_string(&edit.fields).unwrap_or_else(|_| "{}".into()));
    active.theme = Set(theme.name.to_string());
    active.accent_color = Set(accent.map(|(rgb, _)| rgb.hex()));
    active.share_links = Set(share);
    active.social_text = Set(social_text.to_string());
    active.social_image_url = Set(Some(social_image.to_string()).filter(|i| !i.is_empty()));
    active.show_signers = Set(edit.show_signers);
    active.updated_at = Set(crate::domain::now());
    let petition = active.update(&txn).await?;
    txn.commit().await?;
    let saved = if accent.is_some_and(|(_, adjusted)| adjusted) {
        Saved::AccentAdjusted
    } else {
        Saved::AsTyped
    };
    Ok((petition, saved))
}

/// The permalinks of a petition the member may modify, the canonical one first: those under its
/// owner (the ones it had under a former owner only redirect, and are not the new owner's to
/// change).
pub async fn permalinks<C: ConnectionTrait>(
    conn: &C,
    petition: &petition::Model,
) -> Result<Vec<permalink::Model>, sea_orm::DbErr> {
    let mine = match (petition.organization_id, petition.user_id) {
        (Some(org), _) => permalink::Column::OrganizationId.eq(org),
        (None, person) => permalink::Column::UserId.eq(person),
    };
    permalink::Entity::find()
        .filter(permalink::Column::PetitionId.eq(petition.id))
        .filter(mine)
        .order_by_desc(permalink::Column::IsCanonical)
        .order_by_asc(permalink::Column::Id)
        .all(conn)
        .await
}

/// Adds a permalink (a slug of what was typed) under the petition's owner; `canonical` makes it the
/// address the others redirect to. Refused when another petition of that owner uses it.
pub async fn add_permalink(
    db: &DatabaseConnection,
    user: &user::Model,
    id: i32,
    typed: &str,
    canonical: bool,
) -> Result<(), CampaignError> {
    let slug = crate::domain::petitions::slug::slugify(typed.trim(), "");
    if slug.is_empty() {
        return Err(CampaignError::Invalid(
            [("slug", "field-required")].into_iter().collect(),
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    let petition = petition_for(&txn, user, id, Permission::ModifyPetitions).await?;
    let mut taken = permalink::Entity::find().filter(permalink::Column::Slug.eq(slug.as_str()));
    taken = match (petition.organization_id, petition.user_id) {
        (Some(org), _) => taken.filter(permalink::Column::OrganizationId.eq(org)),
        (None, owner) => taken.filter(permalink::Column::UserId.eq(owner)),
    };
    if let Some(existing) = taken.one(&txn).await? {
        if existing.petition_id != petition.id {
            return Err(CampaignError::Invalid(
                [("slug", "slug-taken")].into_iter().collect(),
            ));
        }
        // Already one of this petition's: at most make it canonical.
        if canonical {
            make_canonical(&txn, petition.id, existing.id).await?;
        }
        txn.commit().await?;
        return Ok(());
    }
    let created = permalink::ActiveModel {
        petition_id: Set(petition.id),
        organization_id: Set(petition.organization_id),
        user_id: Set(petition.user_id),
        slug: Set(slug),
        is_canonical: Set(false),
        created_at: Set(crate::domain::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if canonical {
        make_canonical(&txn, petition.id, created.id).await?;
    }
    txn.commit().await?;
    Ok(())
}

async fn make_canonical<C: ConnectionTrait>(
    conn: &C,
    petition_id: i32,
    link_id: i32,
) -> Result<(), sea_orm::DbErr> {
    use sea_orm::sea_query::Expr;
    // Two statements: the partial unique index allows one canonical link per petition at a time.
    permalink::Entity::update_many()
        .col_expr(permalink::Column::IsCanonical, Expr::value(false))
        .filter(permalink::Column::PetitionId.eq(petition_id))
        .exec(conn)
        .await?;
    permalink::Entity::update_many()
        .col_expr(permalink::Column::IsCanonical, Expr::value(true))
        .filter(permalink::Column::PetitionId.eq(petition_id))
        .filter(permalink::Column::Id.eq(link_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Makes one of the petition's permalinks the canonical one; the others redirect to it.
pub async fn set_canonical_permalink(
    db: &DatabaseConnection,
    user: &user::Model,
    id: i32,
    link_id: i32,
) -> Result<(), CampaignError> {
    let txn = crate::db::begin_write(db).await?;
    let petition = petition_for(&txn, user, id, Permission::ModifyPetitions).await?;
    if !permalinks(&txn, &petition)
        .await?
        .iter()
        .any(|l| l.id == link_id)
    {
        return Err(CampaignError::NotFound);
    }
    make_canonical(&txn, petition.id, link_id).await?;
    txn.commit().await?;
    Ok(())
}

/// Removes a permalink that is not the canonical one (that one always stays).
pub async fn remove_permalink(
    db: &DatabaseConnection,
    user: &user::Model,
    id: i32,
    link_id: i32,
) -> Result<(), CampaignError> {
    let txn = crate::db::begin_write(db).await?;
    let petition = petition_for(&txn, user, id, Permission::ModifyPetitions).await?;
    if !permalinks(&txn, &petition)
        .await?
        .iter()
        .any(|l| l.id == link_id)
    {
        return Err(CampaignError::NotFound);
    }
    let removed = permalink::Entity::delete_many()
        .filter(permalink::Column::PetitionId.eq(petition.id))
        .filter(permalink::Column::Id.eq(link_id))
        .filter(permalink::Column::IsCanonical.eq(false))
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(CampaignError::NotFound);
    }
    txn.commit().await?;
    Ok(())
}
