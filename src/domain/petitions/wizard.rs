//! The creation wizard (F4.1): title and owner → text → options → preview → save. The draft lives
//! in the database from the first step on, as an unpublished petition: a person who closes the
//! browser finds it on the dashboard and resumes at any step. Only unpublished petitions are
//! drafts; a published one is changed with the editor.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, Set,
};
use serde::Serialize;

use crate::domain::people::account::FieldErrors;
use crate::domain::people::permission::{self, Permission};
use crate::domain::petitions::petition::{Located, Owner};
use crate::entity::{permalink, petition, petition_template, user};

const MAX_TITLE: usize = 200;

#[derive(Debug, thiserror::Error)]
pub enum WizardError {
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    /// No such draft, or not for this person.
    #[error("not found")]
    NotFound,
    /// Field → Fluent key of the message shown next to it.
    #[error("invalid petition details")]
    Invalid(FieldErrors),
    /// Publishing needs a verified e-mail address (`permission::may_publish`).
    #[error("the address is not verified")]
    Unverified,
    /// Hidden by the moderators: only they can show it again.
    #[error("hidden by the moderators")]
    Hidden,
}

/// The steps after the first, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Title,
    Text,
    Options,
    Preview,
}

impl Step {
    pub fn parse(name: &str) -> Option<Step> {
        match name {
            "title" => Some(Step::Title),
            "text" => Some(Step::Text),
            "options" => Some(Step::Options),
            "preview" => Some(Step::Preview),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Step::Title => "title",
            Step::Text => "text",
            Step::Options => "options",
            Step::Preview => "preview",
        }
    }

    /// 1 to 4, for "step 2 of 4".
    pub fn number(self) -> u8 {
        match self {
            Step::Title => 1,
            Step::Text => 2,
            Step::Options => 3,
            Step::Preview => 4,
        }
    }

    pub fn previous(self) -> Step {
        match self {
            Step::Title | Step::Text => Step::Title,
            Step::Options => Step::Text,
            Step::Preview => Step::Options,
        }
    }

    pub fn next(self) -> Step {
        match self {
            Step::Title => Step::Text,
            Step::Text => Step::Options,
            Step::Options | Step::Preview => Step::Preview,
        }
    }
}

/// A template offered at the first step.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateChoice {
    /// The template's id, as the form sends it.
    pub id: String,
    pub name: String,
    pub is_default: bool,
}

/// Who a new petition may belong to: `personal` or `org:<slug>`, with that owner's templates.
#[derive(Debug, Clone, Serialize)]
pub struct OwnerChoice {
    pub value: String,
    pub name: String,
    pub templates: Vec<TemplateChoice>,
}

/// The owners `user` may create petitions for: themself (unless the instance has no personal
/// petitions) and each organization where they may create petitions.
pub async fn owner_choices<C: ConnectionTrait>(
    conn: &C,
    user: &user::Model,
    personal_petitions: bool,
) -> Result<Vec<OwnerChoice>, sea_orm::DbErr> {
    let mut owners = Vec::new();
    if personal_petitions {
        owners.push(("personal".to_string(), Owner::User(user.clone())));
    }
    for org in permission::organizations_where(conn, user.id, Permission::CreatePetitions).await? {
        owners.push((format!("org:{}", org.slug), Owner::Organization(org)));
    }
    let mut out = Vec::with_capacity(owners.len());
    for (value, owner) in owners {
        let templates = crate::domain::petitions::petition_template::of_owner(conn, &owner)
            .await?
            .into_iter()
            .map(|t| TemplateChoice {
                id: t.id.to_string(),
                name: t.name,
                is_default: t.is_default,
            })
            .collect();
        out.push(OwnerChoice {
            value,
            name: owner.name().to_string(),
            templates,
        });
    }
    Ok(out)
}

/// What the first step of a new petition asks, as typed.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Start {
    pub title: String,
    /// `personal` or `org:<slug>`.
    pub owner: String,
    /// A template id of that owner, or empty.
    pub template: String,
}

impl Start {
    /// The first step's preselection: `owner` if it is a choice, else the first one, with its
    /// default template.
    pub fn preselect(choices: &[OwnerChoice], owner: Option<&str>) -> Start {
        let chosen = choices
            .iter()
            .find(|c| Some(c.value.as_str()) == owner)
            .or_else(|| choices.first());
        Start {
            title: String::new(),
            owner: chosen.map(|c| c.value.clone()).unwrap_or_default(),
            template: chosen
                .and_then(|c| c.templates.iter().find(|t| t.is_default))
                .map(|t| t.id.clone())
                .unwrap_or_default(),
        }
    }
}

/// A title as it is stored: plain text (`html::plain_text`), trimmed.
fn clean_title(typed: &str) -> String {
    crate::domain::petitions::html::plain_text(typed)
        .trim()
        .to_string()
}

fn check_title(errors: &mut FieldErrors, title: &str) {
    if title.is_empty() {
        errors.insert("title", "field-required");
    } else if title.chars().count() > MAX_TITLE {
        errors.insert("title", "field-too-long");
    }
}

async fn resolve_owner<C: ConnectionTrait>(
    conn: &C,
    user: &user::Model,
    value: &str,
    personal_petitions: bool,
) -> Result<Option<Owner>, sea_orm::DbErr> {
    if value == "personal" {
        return Ok(personal_petitions.then(|| Owner::User(user.clone())));
    }
    let Some(slug) = value.strip_prefix("org:") else {
        return Ok(None);
    };
    let Some(org) = crate::domain::people::organization::find_by_slug(conn, slug).await? else {
        return Ok(None);
    };
    Ok(
        if permission::allows(conn, user.id, org.id, Permission::CreatePetitions).await? {
            Some(Owner::Organization(org))
        } else {
            None
        },
    )
}

/// The first step: a new draft under the chosen owner with its title, and the chosen template's
/// settings copied in; written in `language`, its creator's (F4.8; the editor changes it).
pub async fn start(
    db: &DatabaseConnection,
    user: &user::Model,
    personal_petitions: bool,
    typed: &Start,
    language: &crate::i18n::Lang,
) -> Result<petition::Model, WizardError> {
    let mut errors = FieldErrors::new();
    let title = clean_title(&typed.title);
    check_title(&mut errors, &title);
    crate::domain::text::check(&mut errors, &[("title", &typed.title)]);
    let txn = crate::db::begin_write(db).await?;
    let owner = resolve_owner(&txn, user, &typed.owner, personal_petitions).await?;
    let template = match (&owner, typed.template.trim()) {
        (_, "") | (None, _) => None,
        (Some(owner), id) => {
            let found = match id.parse::<i32>() {
                Ok(id) => {
                    let (org, person) = owner.ids();
                    petition_template::Entity::find_by_id(id)
                        .one(&txn)
                        .await?
                        .filter(|t| t.organization_id == org && t.user_id == person)
                }
                Err(_) => None,
            };
            if found.is_none() {
                errors.insert("template", "wizard-template-invalid");
            }
            found
        }
    };
    let Some(owner) = owner else {
        errors.insert("owner", "wizard-owner-invalid");
        return Err(WizardError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(WizardError::Invalid(errors));
    }
    let (organization_id, user_id) = owner.ids();
    let now = crate::domain::now();
    let mut draft = petition::ActiveModel {
        organization_id: Set(organization_id),
        user_id: Set(user_id),
        title: Set(title),
        body_html: Set(String::new()),
        goal: Set(None),
        deadline: Set(None),
        published: Set(false),
        moderated: Set(false),
        paper_signatures: Set(0),
        confirmed_count: Set(0),
        signature_fields: Set("{}".into()),
        data_notice: Set(String::new()),
        reply_to: Set(None),
        theme: Set("default".into()),
        accent_color: Set(None),
        share_links: Set(crate::domain::petitions::share::every()),
        language: Set(Some(language.code())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    if let Some(t) = template {
        draft.body_html = Set(crate::domain::petitions::html::sanitize(&t.body_html));
        draft.body_markdown = Set(t.body_markdown);
        draft.goal = Set(t.goal);
        draft.signature_fields = Set(t.signature_fields);
        draft.data_notice = Set(t.data_notice);
        draft.reply_to = Set(t.reply_to);
        draft.theme = Set(t.theme);
        draft.accent_color = Set(t.accent_color);
    }
    let draft = draft.insert(&txn).await?;
    crate::domain::petitions::petition::add_canonical_permalink(&txn, &owner, &draft).await?;
    txn.commit().await?;
    Ok(draft)
}

/// The draft `id` if `user` may continue it: unpublished, and the right to modify it.
pub async fn draft_for<C: ConnectionTrait>(
    conn: &C,
    user: &user::Model,
    id: i32,
) -> Result<petition::Model, WizardError> {
    let draft = petition::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|p| !p.published)
        .ok_or(WizardError::NotFound)?;
    if permission::allows_on_petition(conn, user.id, &draft, Permission::ModifyPetitions).await? {
        Ok(draft)
    } else {
        Err(WizardError::NotFound)
    }
}

/// The draft with its owner and permalink, as the preview shows it.
pub async fn located_draft(
    db: &DatabaseConnection,
    user: &user::Model,
    id: i32,
) -> Result<Located, WizardError> {
    draft_for(db, user, id).await?;
    crate::domain::petitions::petition::find(db, id)
        .await?
        .ok_or(WizardError::NotFound)
}

/// A step's fields, as typed.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Typed {
    pub title: String,
    /// The text as typed, in Markdown (the form field keeps its older name, `body_html`).
    pub body_html: String,
    /// Who it is addressed to; empty when not said.
    pub addressed_to: String,
    /// Empty, or a whole number above zero.
    pub goal: String,
    /// Empty, or a day to come, `YYYY-MM-DD` (signing closes at the end of that day in the
    /// instance's time zone).
    pub deadline: String,
}

impl Typed {
    pub fn of(p: &petition::Model, zone: crate::i18n::format::Zone) -> Typed {
        Typed {
            title: p.title.clone(),
            body_html: crate::domain::petitions::html::source_of(
                p.body_markdown.as_deref(),
                &p.body_html,
            ),
            addressed_to: p.addressed_to.clone().unwrap_or_default(),
            goal: p.goal.map(|g| g.to_string()).unwrap_or_default(),
            deadline: crate::domain::petitions::campaign::closing_day(p, zone),
        }
    }
}

/// The options step's fields, read: goal, closing date, addressed to.
type Options = (Option<i32>, Option<time::OffsetDateTime>, Option<String>);

fn check_options(
    errors: &mut FieldErrors,
    typed: &Typed,
    zone: crate::i18n::format::Zone,
) -> Options {
    let goal = crate::domain::petitions::campaign::read_goal(errors, &typed.goal);
    // A draft is unpublished: the same rule as the editor's for one, no past closing date.
    let deadline =
        crate::domain::petitions::campaign::read_closing_date(errors, &typed.deadline, false, zone);
    let addressed_to =
        crate::domain::petitions::campaign::read_addressed_to(errors, &typed.addressed_to);
    crate::domain::text::check(
        errors,
        &[("goal", &typed.goal), ("deadline", &typed.deadline)],
    );
    (goal, deadline, addressed_to)
}

/// Saves the fields of `step` to the draft (the preview has none). A new title gets its
/// permalink when its slug would change, so the saved petition is reachable under its title.
/// Going `forward` asks for a text, as the editor does; going back keeps whatever was typed.
pub async fn save_step(
    db: &DatabaseConnection,
    user: &user::Model,
    id: i32,
    step: Step,
    typed: &Typed,
    forward: bool,
    zone: crate::i18n::format::Zone,
) -> Result<petition::Model, WizardError> {
    let mut errors = FieldErrors::new();
    let mut options = (None, None, None);
    let title = clean_title(&typed.title);
    match step {
        Step::Title => {
            check_title(&mut errors, &title);
            crate::domain::text::check(&mut errors, &[("title", &typed.title)]);
        }
        Step::Text => {
            crate::domain::petitions::campaign::check_body(&mut errors, &typed.body_html, forward);
            crate::domain::text::check(&mut errors, &[("body_html", &typed.body_html)]);
        }
        Step::Options => options = check_options(&mut errors, typed, zone),
        Step::Preview => {}
    }
    if !errors.is_empty() {
        // Asked first so that a stranger's draft stays a 404 even with a mistake in the form.
        draft_for(db, user, id).await?;
        return Err(WizardError::Invalid(errors));
    }
    let txn = crate::db::begin_write(db).await?;
    let draft = draft_for(&txn, user, id).await?;
    let retitled = step == Step::Title && draft.title != title;
    let mut active = draft.into_active_model();
    match step {
        Step::Title => active.title = Set(title),
        Step::Text => {
            active.body_html = Set(crate::domain::petitions::html::markdown(&typed.body_html));
            active.body_markdown = Set(Some(typed.body_html.clone()));
        }
        Step::Options => {
            active.goal = Set(options.0);
            active.deadline = Set(options.1);
            active.addressed_to = Set(options.2);
        }
        Step::Preview => {}
    }
    active.updated_at = Set(crate::domain::now());
    let draft = active.update(&txn).await?;
    if retitled {
        refresh_permalink(&txn, &draft).await?;
    }
    txn.commit().await?;
    Ok(draft)
}

/// A draft was never public under its slug: when its title changes, its old slugs go and the new
/// title gives the canonical one.
async fn refresh_permalink<C: ConnectionTrait>(
    conn: &C,
    draft: &petition::Model,
) -> Result<(), sea_orm::DbErr> {
    let Some(owner) = Owner::of(conn, draft).await? else {
        return Ok(());
    };
    let base = crate::domain::petitions::slug::slugify(&draft.title, "petition");
    let current = permalink::Entity::find()
        .filter(permalink::Column::PetitionId.eq(draft.id))
        .filter(permalink::Column::IsCanonical.eq(true))
        .one(conn)
        .await?;
    let fits = current.is_some_and(|l| {
        l.slug == base
            || l.slug
                .strip_prefix(&format!("{base}-"))
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    });
    if !fits {
        crate::domain::petitions::petition::add_canonical_permalink(conn, &owner, draft).await?;
    }
    Ok(())
}

/// The last step: the draft is checked once more and published or kept as a draft.
pub async fn finish(
    db: &DatabaseConnection,
    user: &user::Model,
    id: i32,
    publish: bool,
    zone: crate::i18n::format::Zone,
) -> Result<Located, WizardError> {
    if publish && !crate::domain::people::permission::may_publish(user) {
        draft_for(db, user, id).await?;
        return Err(WizardError::Unverified);
    }
    let txn = crate::db::begin_write(db).await?;
    let draft = draft_for(&txn, user, id).await?;
    if publish && draft.moderated {
        return Err(WizardError::Hidden);
    }
    let mut errors = FieldErrors::new();
    let typed = Typed::of(&draft, zone);
    check_title(&mut errors, typed.title.trim());
    crate::domain::petitions::campaign::check_body(&mut errors, &typed.body_html, true);
    check_options(&mut errors, &typed, zone);
    if !errors.is_empty() {
        return Err(WizardError::Invalid(errors));
    }
    let mut active = draft.into_active_model();
    active.published = Set(publish);
    active.updated_at = Set(crate::domain::now());
    active.update(&txn).await?;
    let located = crate::domain::petitions::petition::find(&txn, id)
        .await?
        .ok_or(WizardError::NotFound)?;
    txn.commit().await?;
    Ok(located)
}
