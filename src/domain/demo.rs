//! `signons demo`: an organization, an account and a published petition to try the site with.
//! Running it again finds what it made before instead of making it twice.
use sea_orm::{ActiveModelTrait, DatabaseConnection, IntoActiveModel, Set};

use super::petitions::petition::{self, Lookup, NewPetition, Owner, OwnerKind};
use super::{people::account, people::organization};

pub const USERNAME: &str = "demo";
const ORGANIZATION: &str = "Signons Demo";
const ORGANIZATION_SLUG: &str = "signons-demo";
const PETITION_SLUG: &str = "protect-the-city-park";
/// The demo petition's text, in Markdown as a campaigner writes it.
const TEXT: &str = "The city plans to sell the last green space of the old town to build a car park. \
                    We ask the council to keep the park open to everyone.\n\n\
                    - Keep the trees and the playground.\n\
                    - Hold a public consultation before any sale.\n";
/// What the demo organization says of itself on its page and under its petitions.
const DESCRIPTION: &str = "Neighbours of the old town who look after its trees, benches and playgrounds \
                           since 1998. We meet every first Monday at the library.";

pub struct Demo {
    pub username: String,
    pub password: String,
    pub petition_path: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Account(#[from] account::AccountError),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

/// Makes sure the demo data exists. The demo account gets a fresh password each run, so the login
/// printed is always the one that works.
pub async fn ensure(db: &DatabaseConnection) -> Result<Demo, DemoError> {
    let password = super::token::generate()[..16].to_string();
    let txn = crate::db::begin_write(db).await?;
    let user = match account::find_by_username(&txn, USERNAME).await? {
        Some(user) => {
            let mut active = user.into_active_model();
            active.password_hash = Set(super::people::password::hash(&password)
                .await
                .map_err(account::AccountError::from)?);
            active.update(&txn).await?
        }
        None => account::create(&txn, USERNAME, "demo@example.org", &password).await?,
    };
    let org = match organization::find_by_slug(&txn, ORGANIZATION_SLUG).await? {
        Some(org) => org,
        None => {
            let org = organization::create(&txn, ORGANIZATION, &user).await?;
            let mut active = org.into_active_model();
            active.description = Set(DESCRIPTION.into());
            active.update(&txn).await?
        }
    };
    let located =
        match petition::lookup(&txn, OwnerKind::Organization, &org.slug, PETITION_SLUG).await? {
            Some(Lookup::Canonical(l) | Lookup::Moved(l)) => l,
            None => {
                let located = petition::create(
                    &txn,
                    &Owner::Organization(org),
                    NewPetition {
                        title: "Protect the city park".into(),
                        body_html: crate::domain::petitions::html::markdown(TEXT),
                        goal: Some(1000),
                        deadline: None,
                        published: true,
                        data_notice: String::new(),
                        language: Some(crate::i18n::SOURCE_LANGUAGE.into()),
                    },
                )
                .await?;
                let mut active = located.petition.clone().into_active_model();
                active.addressed_to = Set(Some("the City Council".into()));
                active.body_markdown = Set(Some(TEXT.into()));
                active.update(&txn).await?;
                located
            }
        };
    txn.commit().await?;
    Ok(Demo {
        username: USERNAME.into(),
        password,
        petition_path: located.path(),
    })
}
