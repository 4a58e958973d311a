//! Petitions, their owners and their permalinks (F1.1), and what a page or the JSON shows of them.
use std::collections::HashMap;

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;
use time::OffsetDateTime;

use crate::domain::people::organization::address::Resolved;
use crate::domain::petitions::translations::{self, VersionLink};
use crate::domain::signing::signature::SignatureFields;
use crate::entity::{organization, permalink, petition, petition_translation, user};

/// Who a petition belongs to; their slug scopes its permalinks.
#[derive(Debug, Clone)]
pub enum Owner {
    Organization(organization::Model),
    User(user::Model),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerKind {
    Organization,
    User,
}

impl Owner {
    /// `/o/<organization>` or `/u/<username>`.
    pub fn path(&self) -> String {
        match self {
            Owner::Organization(o) => format!("/o/{}", o.slug),
            Owner::User(u) => format!("/u/{}", u.username),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Owner::Organization(o) => &o.name,
            Owner::User(u) => &u.display_name,
        }
    }

    /// The (organization_id, user_id) pair stored on petitions and permalinks.
    pub fn ids(&self) -> (Option<i32>, Option<i32>) {
        match self {
            Owner::Organization(o) => (Some(o.id), None),
            Owner::User(u) => (None, Some(u.id)),
        }
    }

    pub async fn find<C: ConnectionTrait>(
        conn: &C,
        kind: OwnerKind,
        slug: &str,
    ) -> Result<Option<Owner>, sea_orm::DbErr> {
        Ok(match kind {
            OwnerKind::Organization => {
                crate::domain::people::organization::find_by_slug(conn, slug)
                    .await?
                    .map(Owner::Organization)
            }
            OwnerKind::User => crate::domain::people::account::find_by_username(conn, slug)
                .await?
                .map(Owner::User),
        })
    }

    pub async fn of<C: ConnectionTrait>(
        conn: &C,
        p: &petition::Model,
    ) -> Result<Option<Owner>, sea_orm::DbErr> {
        Ok(match (p.organization_id, p.user_id) {
            (Some(id), _) => organization::Entity::find_by_id(id)
                .one(conn)
                .await?
                .map(Owner::Organization),
            (None, Some(id)) => user::Entity::find_by_id(id)
                .one(conn)
                .await?
                .map(Owner::User),
            (None, None) => None,
        })
    }
}

/// A petition with its owner, canonical slug and translations: everything needed to show it or
/// link to it, in any of its languages.
#[derive(Debug, Clone)]
pub struct Located {
    /// Its row; after `translations::version`, with the texts of the version shown.
    pub petition: petition::Model,
    pub owner: Owner,
    pub canonical_slug: String,
    /// Its translations (F4.8), in the order of their language codes.
    pub translations: Vec<petition_translation::Model>,
    /// The translation `petition` holds the texts of (`translations::version`); none for the main
    /// version.
    pub shown: Option<String>,
}

impl Located {
    /// The canonical path, e.g. `/o/friends-of-the-park/save-the-park`.
    pub fn path(&self) -> String {
        format!("{}/{}", self.owner.path(), self.canonical_slug)
    }

    /// Visible to the public: published, not hidden by a moderator (F1.3), and not the own
    /// petition of a blocked account (whose moderation state stays as it was, for the unblocking).
    pub fn is_public(&self) -> bool {
        self.petition.published && !self.petition.moderated && !self.owner_blocked()
    }

    /// Whether the petition belongs to an account an administrator blocked.
    pub fn owner_blocked(&self) -> bool {
        matches!(&self.owner, Owner::User(u) if u.blocked_at.is_some())
    }

    pub fn is_closed(&self) -> bool {
        self.petition
            .deadline
            .is_some_and(|d| d <= crate::domain::now())
    }

    /// Confirmed online signatures plus paper ones (F2.8). `find`, `lookup` and `list_public` load
    /// `petition.confirmed_count` with the exact online count (the row's count plus its shards, see
    /// `counter`): a page view never counts signature rows.
    pub fn signature_count(&self) -> i64 {
        self.petition.confirmed_count + i64::from(self.petition.paper_signatures.max(0))
    }

    /// The language of the text it shows: its main language, or the translation's shown.
    pub fn language(&self) -> &str {
        self.shown
            .as_deref()
            .unwrap_or_else(|| translations::main_language(&self.petition))
    }

    pub fn view(&self, public_url: &str) -> PetitionView {
        let p = &self.petition;
        let count = self.signature_count();
        let path = self.path();
        let canonical = format!("{public_url}{path}");
        // Each version has its own address; the main one keeps the bare path.
        let url = translations::version_url(&canonical, self.shown.as_deref());
        let versions = translations::links(self, &canonical);
        let picture = crate::domain::petitions::picture::PictureView::of(p);
        let several = versions.len() > 1;
        // Only a petition in several languages says which version a form or a share link is for.
        let version_query = if several {
            format!("?lang={}", self.language())
        } else {
            String::new()
        };
        let share = crate::domain::petitions::share::chosen(&p.share_links);
        let mut share_links =
            crate::domain::petitions::share::direct_links(p.id, &share, &p.title, &url);
        for link in &mut share_links {
            if link.href.starts_with('/') {
                link.href.push_str(&version_query);
            }
        }
        PetitionView {
            id: p.id,
            title: p.title.clone(),
            body_html: p.body_html.clone(),
            url: url.clone(),
            json_url: format!("{public_url}/api/petitions/{}", p.id),
            sign_path: format!("/petitions/{}/sign{version_query}", p.id),
            language: self.language().to_string(),
            main_language: translations::main_language(p).to_string(),
            versions,
            path,
            signature_count: count,
            goal: p.goal,
            progress_percent: p
                .goal
                .filter(|g| *g > 0)
                .map(|g| (count * 100 / i64::from(g)).min(100)),
            deadline: p.deadline.and_then(|d| {
                d.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            }),
            deadline_date: p.deadline.map(|d| d.date().to_string()),
            published: p.published,
            closed: self.is_closed(),
            outcome: crate::domain::petitions::outcome::Outcome::of(p)
                .map(crate::domain::petitions::outcome::Outcome::name),
            owner_name: self.owner.name().to_string(),
            owner_path: self.owner.path(),
            owner_paragraphs: match &self.owner {
                Owner::Organization(o) => {
                    crate::domain::people::organization::profile::public(o).paragraphs
                }
                Owner::User(_) => Vec::new(),
            },
            addressed_to: p.addressed_to.clone(),
            data_notice: p.data_notice.clone(),
            fields: SignatureFields::of(p),
            stylesheet: stylesheet_path(&p.theme, p.accent_color.as_deref()),
            share,
            share_links,
            social_text: if p.social_text.trim().is_empty() {
                crate::domain::petitions::html::summary(&p.body_html, SOCIAL_TEXT_FROM_BODY)
            } else {
                p.social_text.clone()
            },
            // The image chosen for the preview, else the petition's picture.
            social_image: p
                .social_image_url
                .clone()
                .or_else(|| picture.as_ref().map(|picture| picture.src.clone()))
                .map(|image| {
                    if image.starts_with('/') {
                        format!("{public_url}{image}")
                    } else {
                        image
                    }
                }),
            social_image_alt: if p.social_image_url.is_none() {
                picture.as_ref().map(|picture| picture.alt.clone())
            } else {
                None
            },
            picture,
            show_signers: p.show_signers,
            created_at: p
                .created_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
        }
    }
}

impl Located {
    /// What mails about a signature see of the petition (`petition.title`, `.url`…): the little
    /// they name, cheap enough to build for every signature (a page's `view` is not).
    pub fn mail_view(&self, public_url: &str) -> MailView {
        let p = &self.petition;
        let path = self.path();
        let url = translations::version_url(&format!("{public_url}{path}"), self.shown.as_deref());
        MailView {
            id: p.id,
            title: p.title.clone(),
            url,
            path,
            language: self.language().to_string(),
            owner_name: self.owner.name().to_string(),
            goal: p.goal,
            deadline_date: p.deadline.map(|d| d.date().to_string()),
        }
    }
}

/// What the mail templates see of a petition (`Located::mail_view`).
#[derive(Debug, Clone, Serialize)]
pub struct MailView {
    pub id: i32,
    pub title: String,
    /// Absolute address of the version the mail is in.
    pub url: String,
    pub path: String,
    pub language: String,
    pub owner_name: String,
    pub goal: Option<i32>,
    pub deadline_date: Option<String>,
}

/// How much of the petition's text the social preview shows when no preview text was written.
const SOCIAL_TEXT_FROM_BODY: usize = 200;

/// What templates and the JSON document see of a petition.
#[derive(Debug, Clone, Serialize)]
pub struct PetitionView {
    pub id: i32,
    pub title: String,
    pub body_html: String,
    /// Absolute canonical URL of the version shown: the permalink for the main version, with
    /// `?lang=<code>` for a translation.
    pub url: String,
    pub path: String,
    pub json_url: String,
    /// Where its sign form posts (with the version shown, so a refused form comes back in it).
    pub sign_path: String,
    /// The language of the texts shown (F4.8): its main language, or a translation's.
    pub language: String,
    pub main_language: String,
    /// Every version, the main one first; a single one when it has no translation.
    pub versions: Vec<VersionLink>,
    pub signature_count: i64,
    pub goal: Option<i32>,
    pub progress_percent: Option<i64>,
    /// RFC 3339, UTC.
    pub deadline: Option<String>,
    pub deadline_date: Option<String>,
    pub published: bool,
    pub closed: bool,
    /// How its organizers ended it: `successful` or `closed` (`outcome`).
    pub outcome: Option<&'static str>,
    pub owner_name: String,
    pub owner_path: String,
    /// What an organization says of itself (its profile's description, in paragraphs of lines);
    /// empty for a person.
    pub owner_paragraphs: Vec<Vec<String>>,
    /// Who it is addressed to, when said.
    pub addressed_to: Option<String>,
    pub data_notice: String,
    pub fields: SignatureFields,
    /// The theme's stylesheet, `/theme/<name>/<rrggbb>.css`; none for the default look.
    pub stylesheet: Option<String>,
    /// The share links the page shows, among `share::SHARE_LINKS`.
    pub share: Vec<&'static str>,
    /// Those of them that lead straight on (e-mail, a network), with their addresses.
    pub share_links: Vec<crate::domain::petitions::share::DirectLink>,
    /// The social preview's text: the one written for it, else the start of the petition's text.
    pub social_text: String,
    /// The social preview's image, absolute: the one chosen for it, else the picture's widest file.
    pub social_image: Option<String>,
    /// What the social preview's image shows, when it is the picture.
    pub social_image_alt: Option<String>,
    /// Whether the page shows its recent signers who agreed to it (the sign form asks them).
    pub show_signers: bool,
    /// The picture heading the page (`picture`).
    pub picture: Option<crate::domain::petitions::picture::PictureView>,
    pub created_at: String,
}

fn stylesheet_path(theme: &str, accent: Option<&str>) -> Option<String> {
    let theme = crate::domain::petitions::theme::named(theme);
    let accent = accent.and_then(crate::domain::petitions::theme::Rgb::parse);
    if theme.name == crate::domain::petitions::theme::THEMES[0].name && accent.is_none() {
        return None;
    }
    let accent = accent.unwrap_or(theme.accent).hex();
    Some(format!(
        "/theme/{}/{}.css",
        theme.name,
        accent.trim_start_matches('#')
    ))
}

/// What a permalink request resolved to.
pub enum Lookup {
    /// The canonical permalink was asked for.
    Canonical(Located),
    /// An older permalink: answer with a permanent redirect to the canonical one.
    Moved(Located),
}

/// Resolves `/<kind>/<owner_slug>/<slug>`.
pub async fn lookup<C: ConnectionTrait>(
    conn: &C,
    kind: OwnerKind,
    owner_slug: &str,
    slug: &str,
) -> Result<Option<Lookup>, sea_orm::DbErr> {
    // An organization's address from before a rename leads to its petitions' current addresses.
    let (owner, owner_moved) = match kind {
        OwnerKind::Organization => {
            match crate::domain::people::organization::address::resolve(conn, owner_slug).await? {
                Some(Resolved::Current(org)) => (Owner::Organization(org), false),
                Some(Resolved::Moved(org)) => (Owner::Organization(org), true),
                None => return Ok(None),
            }
        }
        OwnerKind::User => match Owner::find(conn, kind, owner_slug).await? {
            Some(owner) => (owner, false),
            None => return Ok(None),
        },
    };
    let (org_id, user_id) = owner.ids();
    let mut query = permalink::Entity::find().filter(permalink::Column::Slug.eq(slug));
    query = match (org_id, user_id) {
        (Some(id), _) => query.filter(permalink::Column::OrganizationId.eq(id)),
        (_, Some(id)) => query.filter(permalink::Column::UserId.eq(id)),
        _ => return Ok(None),
    };
    let Some(link) = query.one(conn).await? else {
        return Ok(None);
    };
    let Some(mut petition) = petition::Entity::find_by_id(link.petition_id)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    petition.confirmed_count =
        crate::domain::signing::counter::confirmed(conn, petition.id).await?;
    // An address from before a transfer: the petition is now another owner's.
    let transferred =
        (link.organization_id, link.user_id) != (petition.organization_id, petition.user_id);
    let owner = if transferred {
        match Owner::of(conn, &petition).await? {
            Some(current) => current,
            None => return Ok(None),
        }
    } else {
        owner
    };
    if link.is_canonical && !owner_moved && !transferred {
        let translations = translations::of_petition(conn, petition.id).await?;
        return Ok(Some(Lookup::Canonical(Located {
            petition,
            owner,
            canonical_slug: link.slug,
            translations,
            shown: None,
        })));
    }
    let Some(canonical) = canonical_slug(conn, petition.id).await? else {
        return Ok(None);
    };
    Ok(Some(Lookup::Moved(Located {
        petition,
        owner,
        canonical_slug: canonical,
        translations: Vec::new(),
        shown: None,
    })))
}

async fn canonical_slug<C: ConnectionTrait>(
    conn: &C,
    petition_id: i32,
) -> Result<Option<String>, sea_orm::DbErr> {
    Ok(permalink::Entity::find()
        .filter(permalink::Column::PetitionId.eq(petition_id))
        .filter(permalink::Column::IsCanonical.eq(true))
        .one(conn)
        .await?
        .map(|l| l.slug))
}

pub async fn find<C: ConnectionTrait>(
    conn: &C,
    id: i32,
) -> Result<Option<Located>, sea_orm::DbErr> {
    let Some(mut petition) = petition::Entity::find_by_id(id).one(conn).await? else {
        return Ok(None);
    };
    petition.confirmed_count = crate::domain::signing::counter::confirmed(conn, id).await?;
    let (Some(owner), Some(canonical_slug)) = (
        Owner::of(conn, &petition).await?,
        canonical_slug(conn, id).await?,
    ) else {
        return Ok(None);
    };
    let translations = translations::of_petition(conn, id).await?;
    Ok(Some(Located {
        petition,
        owner,
        canonical_slug,
        translations,
        shown: None,
    }))
}

/// Published petitions, newest first.
pub async fn list_public<C: ConnectionTrait>(
    conn: &C,
    limit: u64,
) -> Result<Vec<Located>, sea_orm::DbErr> {
    browse(conn, &Browse::default(), 0, limit).await
}

/// Which published petitions a list shows (F1.4): all, one owner's, those whose title contains some
/// words.
#[derive(Debug, Clone, Default)]
pub struct Browse {
    pub organization_id: Option<i32>,
    pub user_id: Option<i32>,
    /// Matched case-insensitively (ASCII letters) against titles; `%` and `_` are taken literally.
    pub search: String,
}

const MAX_SEARCH: usize = 100;

impl Browse {
    fn condition(&self) -> sea_orm::Condition {
        let mut condition = sea_orm::Condition::all()
            .add(petition::Column::Published.eq(true))
            .add(petition::Column::Moderated.eq(false))
            .add(
                sea_orm::Condition::any()
                    .add(petition::Column::UserId.is_null())
                    .add(petition::Column::UserId.not_in_subquery(blocked_accounts())),
            );
        if let Some(id) = self.organization_id {
            condition = condition.add(petition::Column::OrganizationId.eq(id));
        }
        if let Some(id) = self.user_id {
            condition = condition.add(petition::Column::UserId.eq(id));
        }
        if let Some(matches) = crate::domain::petitions::search::contains(
            (petition::Entity, petition::Column::SearchKey),
            &self.search,
            MAX_SEARCH,
        ) {
            condition = condition.add(matches);
        }
        condition
    }
}

/// The ids of blocked accounts, whose own petitions no public list shows.
fn blocked_accounts() -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(user::Column::Id)
        .from(user::Entity)
        .and_where(user::Column::BlockedAt.is_not_null())
        .to_owned()
}

/// How many published petitions `browse` would list over all pages.
pub async fn count_public<C: ConnectionTrait>(
    conn: &C,
    what: &Browse,
) -> Result<u64, sea_orm::DbErr> {
    use sea_orm::PaginatorTrait;
    petition::Entity::find()
        .filter(what.condition())
        .count(conn)
        .await
}

/// Published petitions, newest first, `limit` from `offset`, with their owners and exact counts.
pub async fn browse<C: ConnectionTrait>(
    conn: &C,
    what: &Browse,
    offset: u64,
    limit: u64,
) -> Result<Vec<Located>, sea_orm::DbErr> {
    let rows = petition::Entity::find()
        .filter(what.condition())
        .find_also_related(permalink::Entity)
        .filter(permalink::Column::IsCanonical.eq(true))
        .order_by_desc(petition::Column::CreatedAt)
        .order_by_desc(petition::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|(p, _)| p.id).collect();
    let counts = crate::domain::signing::counter::confirmed_many(conn, &ids).await?;
    let mut translated = translations::of_petitions(conn, &ids).await?;
    let org_ids: Vec<i32> = rows.iter().filter_map(|(p, _)| p.organization_id).collect();
    let user_ids: Vec<i32> = rows.iter().filter_map(|(p, _)| p.user_id).collect();
    let orgs: HashMap<i32, organization::Model> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(org_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let users: HashMap<i32, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|(mut petition, link)| {
            if let Some(count) = counts.get(&petition.id) {
                petition.confirmed_count = *count;
            }
            let owner = match (petition.organization_id, petition.user_id) {
                (Some(id), _) => Owner::Organization(orgs.get(&id)?.clone()),
                (None, Some(id)) => Owner::User(users.get(&id)?.clone()),
                (None, None) => return None,
            };
            Some(Located {
                translations: translated.remove(&petition.id).unwrap_or_default(),
                petition,
                owner,
                canonical_slug: link?.slug,
                shown: None,
            })
        })
        .collect())
}

/// What is needed to create a petition. The body is sanitized here, on write.
#[derive(Debug, Clone, Default)]
pub struct NewPetition {
    pub title: String,
    pub body_html: String,
    pub goal: Option<i32>,
    pub deadline: Option<OffsetDateTime>,
    pub published: bool,
    pub data_notice: String,
    /// The language it is written in (F4.8); none: `i18n::SOURCE_LANGUAGE` until the next start
    /// writes the site's default language in (`translations::settle_main_languages`).
    pub language: Option<String>,
}

/// Creates a petition and its canonical permalink, a slug of its title unique for its owner.
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    owner: &Owner,
    new: NewPetition,
) -> Result<Located, sea_orm::DbErr> {
    let (org_id, user_id) = owner.ids();
    let now = crate::domain::now();
    let petition = petition::ActiveModel {
        organization_id: Set(org_id),
        user_id: Set(user_id),
        title: Set(new.title.trim().to_string()),
        body_html: Set(crate::domain::petitions::html::sanitize(&new.body_html)),
        goal: Set(new.goal),
        deadline: Set(new.deadline),
        published: Set(new.published),
        moderated: Set(false),
        paper_signatures: Set(0),
        confirmed_count: Set(0),
        signature_fields: Set("{}".into()),
        data_notice: Set(new.data_notice),
        reply_to: Set(None),
        theme: Set("default".into()),
        accent_color: Set(None),
        share_links: Set(crate::domain::petitions::share::every()),
        language: Set(new.language),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let slug = add_canonical_permalink(conn, owner, &petition).await?;
    Ok(Located {
        petition,
        owner: owner.clone(),
        canonical_slug: slug,
        translations: Vec::new(),
        shown: None,
    })
}

/// Gives `petition` a new canonical permalink under `owner`: a slug of its title that no other
/// petition of that owner uses. Returns the slug.
pub async fn add_canonical_permalink<C: ConnectionTrait>(
    conn: &C,
    owner: &Owner,
    petition: &petition::Model,
) -> Result<String, sea_orm::DbErr> {
    let (org_id, user_id) = owner.ids();
    let base = crate::domain::petitions::slug::slugify(&petition.title, "petition");
    let slug = crate::domain::petitions::slug::unique(&base, |candidate| async move {
        let mut query = permalink::Entity::find().filter(permalink::Column::Slug.eq(candidate));
        query = match (org_id, user_id) {
            (Some(id), _) => query.filter(permalink::Column::OrganizationId.eq(id)),
            (_, id) => query.filter(permalink::Column::UserId.eq(id)),
        };
        Ok::<_, sea_orm::DbErr>(query.one(conn).await?.is_some())
    })
    .await?;
    permalink::Entity::update_many()
        .col_expr(
            permalink::Column::IsCanonical,
            sea_orm::sea_query::Expr::value(false),
        )
        .filter(permalink::Column::PetitionId.eq(petition.id))
        .exec(conn)
        .await?;
    permalink::ActiveModel {
        petition_id: Set(petition.id),
        organization_id: Set(org_id),
        user_id: Set(user_id),
        slug: Set(slug.clone()),
        is_canonical: Set(true),
        created_at: Set(crate::domain::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(slug)
}

/// Adds another permalink to a petition; `canonical` makes it the one others redirect to.
pub async fn add_permalink<C: ConnectionTrait>(
    conn: &C,
    located: &Located,
    slug: &str,
    canonical: bool,
) -> Result<(), sea_orm::DbErr> {
    let (org_id, user_id) = located.owner.ids();
    if canonical {
        permalink::Entity::update_many()
            .col_expr(
                permalink::Column::IsCanonical,
                sea_orm::sea_query::Expr::value(false),
            )
            .filter(permalink::Column::PetitionId.eq(located.petition.id))
            .exec(conn)
            .await?;
    }
    permalink::ActiveModel {
        petition_id: Set(located.petition.id),
        organization_id: Set(org_id),
        user_id: Set(user_id),
        slug: Set(crate::domain::petitions::slug::slugify(slug, "petition")),
        is_canonical: Set(canonical),
        created_at: Set(crate::domain::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}
