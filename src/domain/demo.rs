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

/// What the demo petition's picture shows.
const PICTURE_ALT: &str = "A drawing of the city park: trees on green hills under a morning sun.";

/// A drawing of a park (PNG, 2400 × 1350): a sky, a sun, two hills and a row of trees. Drawn
/// large so that shrinking it smooths its edges.
fn park_drawing() -> Vec<u8> {
    let (width, height) = (2400u32, 1350u32);
    let trees: [(f32, f32, f32); 7] = [
        (260.0, 900.0, 150.0),
        (560.0, 860.0, 190.0),
        (880.0, 930.0, 130.0),
        (1480.0, 820.0, 170.0),
        (1760.0, 880.0, 210.0),
        (2060.0, 840.0, 150.0),
        (2280.0, 930.0, 120.0),
    ];
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let far_hill = 760.0 + 90.0 * (fx / 420.0).sin() + 40.0 * (fx / 170.0).cos();
        let near_hill = 980.0 + 70.0 * (fx / 530.0 + 1.3).sin();
        for (tx, ground, size) in trees {
            let crown_y = ground - size * 1.35;
            let (dx, dy) = (fx - tx, fy - crown_y);
            if dx * dx + dy * dy < size * size {
                let shade = (dx + dy) / size;
                return image::Rgb([
                    (46.0 - 14.0 * shade) as u8,
                    (125.0 - 30.0 * shade) as u8,
                    (60.0 - 12.0 * shade) as u8,
                ]);
            }
            if dx.abs() < size * 0.13 && fy > crown_y && fy < ground + 20.0 {
                return image::Rgb([110, 78, 52]);
            }
        }
        if fy > near_hill {
            let depth = ((fy - near_hill) / 400.0).min(1.0);
            return image::Rgb([
                (96.0 - 30.0 * depth) as u8,
                (170.0 - 40.0 * depth) as u8,
                (84.0 - 20.0 * depth) as u8,
            ]);
        }
        if fy > far_hill {
            return image::Rgb([128, 186, 120]);
        }
        let (sx, sy) = (fx - 1900.0, fy - 260.0);
        if sx * sx + sy * sy < 120.0 * 120.0 {
            return image::Rgb([255, 214, 120]);
        }
        let sky = fy / 900.0;
        image::Rgb([
            (150.0 + 95.0 * sky) as u8,
            (200.0 + 45.0 * sky) as u8,
            (240.0 + 10.0 * sky) as u8,
        ])
    });
    let mut png = Vec::new();
    let _ = image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png);
    png
}

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
    let mut created = false;
    let located =
        match petition::lookup(&txn, OwnerKind::Organization, &org.slug, PETITION_SLUG).await? {
            Some(Lookup::Canonical(l) | Lookup::Moved(l)) => l,
            None => {
                created = true;
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
    if created {
        // A picture heads the page, as on a real campaign: a drawing of the park, made here.
        if let Ok(picture) = super::petitions::picture::process_now(&park_drawing()) {
            super::petitions::picture::store(db, located.petition.id, &picture, PICTURE_ALT)
                .await?;
        }
    }
    Ok(Demo {
        username: USERNAME.into(),
        password,
        petition_path: located.path(),
    })
}
