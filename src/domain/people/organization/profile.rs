//! What an organization says of itself on its public page — its name, a description in plain text
//! and a website — and changing it, which its administrators do. A new name moves the organization
//! to the address it gives; the old address keeps leading there (`address`).
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, IntoActiveModel, Set};
use serde::Serialize;

use super::{OrgError, address, name};
use crate::domain::people::account::FieldErrors;
use crate::domain::people::permission::{self, OrganizationAction};
use crate::entity::{organization, user};

pub const MAX_DESCRIPTION: usize = 5_000;
pub const MAX_WEBSITE: usize = 300;

/// The settings form as typed, so that a form with a mistake comes back as it was.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ProfileEdit {
    pub name: String,
    pub description: String,
    pub website: String,
}

impl ProfileEdit {
    pub fn of(org: &organization::Model) -> ProfileEdit {
        ProfileEdit {
            name: org.name.clone(),
            description: org.description.clone(),
            website: org.website.clone().unwrap_or_default(),
        }
    }
}

/// What an administrator of the organization may do on its settings page besides editing it.
#[derive(Debug, Clone, Copy)]
pub struct SettingsAccess {
    pub may_delete: bool,
}

/// Whether `actor` may edit `org` (else `Forbidden`), and what else they may do there.
pub async fn settings_access<C: ConnectionTrait>(
    conn: &C,
    actor: &user::Model,
    org: &organization::Model,
) -> Result<SettingsAccess, OrgError> {
    let me = permission::membership(conn, actor.id, org.id)
        .await?
        .filter(|m| OrganizationAction::EditProfile.granted_by(m))
        .ok_or(OrgError::Forbidden)?;
    Ok(SettingsAccess {
        may_delete: OrganizationAction::Delete.granted_by(&me),
    })
}

/// A website an organization may link to: an absolute `http://` or `https://` address with a host.
fn website_ok(typed: &str) -> bool {
    if typed.chars().count() > MAX_WEBSITE || typed.chars().any(char::is_whitespace) {
        return false;
    }
    url::Url::parse(typed).is_ok_and(|u| {
        matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
    })
}

/// `actor` changes `org`'s name, description and website. Returns the organization as saved (its
/// slug changed when the name did).
pub async fn update(
    db: &DatabaseConnection,
    actor: &user::Model,
    org: &organization::Model,
    edit: &ProfileEdit,
) -> Result<organization::Model, OrgError> {
    let txn = crate::db::begin_write(db).await?;
    if !permission::allows_on_organization(&txn, actor.id, org.id, OrganizationAction::EditProfile)
        .await?
    {
        return Err(OrgError::Forbidden);
    }
    let new_name = edit.name.trim();
    let description = edit.description.trim().replace("\r\n", "\n");
    let website = edit.website.trim();
    let mut errors = FieldErrors::new();
    let renamed = new_name != org.name;
    if renamed {
        name::check(&txn, &mut errors, new_name, Some(org.id)).await?;
    }
    if description.chars().count() > MAX_DESCRIPTION {
        errors.insert("description", "field-too-long");
    }
    if !website.is_empty() && !website_ok(website) {
        errors.insert("website", "organization-website-invalid");
    }
    crate::domain::text::check(
        &mut errors,
        &[("description", &description), ("website", website)],
    );
    if !errors.is_empty() {
        return Err(OrgError::Invalid(errors));
    }
    let mut active = org.clone().into_active_model();
    if renamed {
        let base = name::base_slug(new_name).unwrap_or_default();
        // A new name whose slug is the current one (only its case or accents changed) keeps it.
        let slug = if crate::domain::petitions::slug::slugify(&org.name, "") == base {
            org.slug.clone()
        } else {
            address::choose(&txn, &base, Some(org.id)).await?
        };
        address::move_to(&txn, org, &slug).await?;
        active.name = Set(new_name.to_string());
        active.slug = Set(slug);
    }
    active.description = Set(description);
    active.website = Set(Some(website.to_string()).filter(|w| !w.is_empty()));
    let saved = active
        .update(&txn)
        .await
        .map_err(super::name_taken_on_conflict)?;
    txn.commit().await?;
    Ok(saved)
}

/// What the public page shows of an organization. The description is plain text: each paragraph
/// (apart by a blank line) a list of its lines, escaped by the template like any text.
#[derive(Debug, Serialize)]
pub struct PublicProfile {
    pub name: String,
    pub slug: String,
    pub paragraphs: Vec<Vec<String>>,
    pub website: Option<String>,
}

pub fn public(org: &organization::Model) -> PublicProfile {
    PublicProfile {
        name: org.name.clone(),
        slug: org.slug.clone(),
        paragraphs: paragraphs(&org.description),
        website: org.website.clone(),
    }
}

fn paragraphs(text: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line.to_string());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{paragraphs, website_ok};

    #[test]
    fn only_web_addresses_are_websites() {
        assert!(website_ok("https://amis-du-parc.example.org/"));
        assert!(website_ok("http://example.org/a?b=c"));
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,hi",
            "ftp://example.org",
            "example.org",
            "//example.org",
            "https://",
            "https://exa mple.org",
        ] {
            assert!(!website_ok(bad), "{bad}");
        }
    }

    #[test]
    fn a_description_is_paragraphs_of_lines() {
        assert_eq!(
            paragraphs("One\ntwo\n\n\n  \nThree\n"),
            vec![
                vec!["One".to_string(), "two".to_string()],
                vec!["Three".to_string()]
            ]
        );
        assert!(paragraphs(" \n").is_empty());
    }
}
