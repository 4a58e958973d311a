//! The people running a campaign see its signatures over time (F6.4): a chart drawn on the server,
//! a bar for each day with confirmations, the running total and the goal, with the same figures in
//! a table; the public reads the same days as JSON and embeds a count badge (F6.7). The days always
//! add up to the count, whatever confirms, withdraws or deletes, however many at once.
mod common;

use common::app::{TestApp, backends, extract_csrf};
use common::people::{create_org, post, register};
use quick_xml::XmlVersion;
use quick_xml::events::Event;
use rocket::http::{Header, Status};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
    Statement,
};
use serde_json::{Value, json};
use signons::domain::people::organization;
use signons::domain::petitions::petition::{self, Located, NewPetition, Owner};
use signons::domain::signing::counter;
use signons::entity::{petition as petition_entity, signature};
use time::{Date, Duration};

/// Ana's organization "Park Friends" and its petition `title` with a goal of 10; Ana is logged in.
async fn campaign(app: &TestApp, title: &str) -> Located {
    register(app, "ana").await;
    let slug = create_org(app, "Park Friends").await;
    let org = organization::find_by_slug(&app.db, &slug)
        .await
        .expect("query")
        .expect("organization");
    petition::create(
        &app.db,
        &Owner::Organization(org),
        NewPetition {
            title: title.into(),
            body_html: "<p>Keep the park green.</p>".into(),
            goal: Some(10),
            published: true,
            ..Default::default()
        },
    )
    .await
    .expect("create petition")
}

fn today() -> Date {
    signons::domain::now().date()
}

/// `n` signatures confirmed through the real confirmation; their tokens.
async fn confirmed(app: &TestApp, petition_id: i32, from: usize, n: usize) -> Vec<String> {
    let mut tokens = Vec::new();
    for i in from..from + n {
        let email = format!("signer{i}@example.org");
        let (_, token) = app
            .stored_signature(
                petition_id,
                ("Sam", &format!("S{i}"), &email),
                "en-US",
                true,
            )
            .await;
        tokens.push(token);
    }
    tokens
}

/// Moves today's confirmations of `petition_id` — the signatures and their day — `days` back, as
/// if they had been confirmed then.
async fn confirmed_days_ago(app: &TestApp, petition_id: i32, days: i64) {
    let start_of_today = signons::domain::now().replace_time(time::Time::MIDNIGHT);
    let rows = signature::Entity::find()
        .filter(signature::Column::PetitionId.eq(petition_id))
        .filter(signature::Column::ConfirmedAt.gte(start_of_today))
        .all(&app.db)
        .await
        .expect("signatures");
    for row in rows {
        let at = row.confirmed_at.expect("confirmed") - Duration::days(days);
        let mut row = row.into_active_model();
        row.confirmed_at = Set(Some(at));
        row.update(&app.db).await.expect("move the confirmation");
    }
    let moved = Query::update()
        .table(Alias::new("petition_daily_counts"))
        .value(Alias::new("day"), today() - Duration::days(days))
        .and_where(Expr::col(Alias::new("petition_id")).eq(petition_id))
        .and_where(Expr::col(Alias::new("day")).eq(today()))
        .to_owned();
    let backend = app.db.get_database_backend();
    app.db
        .execute_raw(backend.build(&moved))
        .await
        .expect("move the day");
}

/// The sum of the petition's days, read straight from the table.
async fn days_sum(app: &TestApp, petition_id: i32) -> i64 {
    let backend = app.db.get_database_backend();
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            backend,
            format!(
                "SELECT CAST(COALESCE(SUM(confirmed), 0) AS BIGINT) AS n \
                 FROM petition_daily_counts WHERE petition_id = {petition_id}"
            ),
        ))
        .await
        .expect("query")
        .expect("a row");
    row.try_get("", "n").expect("n")
}

async fn history(app: &TestApp, petition_id: i32) -> (Status, Value) {
    let (status, body) = app
        .get(&format!("/api/petitions/{petition_id}/history"))
        .await;
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

/// What the chart of a page shows: the SVG element's attributes, its title and description, and
/// each bar's (start, confirmed, height).
#[derive(Debug, Default)]
struct Drawn {
    role: String,
    title: String,
    desc: String,
    bars: Vec<(String, i64, f64)>,
}

/// Parses the inline SVG of `page` as XML.
fn chart_of(page: &str) -> Drawn {
    let start = page.find("<svg").expect("an SVG in the page");
    let end = page[start..].find("</svg>").expect("the end of the SVG") + start + "</svg>".len();
    let mut reader = quick_xml::Reader::from_str(&page[start..end]);
    let mut drawn = Drawn::default();
    // How deep the reader is (1: a child of the SVG element), and the child whose text it reads.
    let mut depth = 0;
    let mut reading: Option<String> = None;
    loop {
        let (element, opens) = match reader.read_event().expect("well-formed SVG") {
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::Text(t) => {
                let text = t.decode().expect("text").to_string();
                match reading.as_deref() {
                    Some("title") => drawn.title.push_str(&text),
                    Some("desc") => drawn.desc.push_str(&text),
                    _ => {}
                }
                continue;
            }
            Event::End(_) => {
                depth -= 1;
                reading = None;
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = String::from_utf8_lossy(element.name().as_ref()).to_string();
        let attributes: Vec<(String, String)> = element
            .attributes()
            .map(|a| {
                let a = a.expect("attribute");
                (
                    String::from_utf8_lossy(a.key.as_ref()).to_string(),
                    a.normalized_value(XmlVersion::Implicit1_0)
                        .expect("value")
                        .to_string(),
                )
            })
            .collect();
        let attr = |key: &str| {
            attributes
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        match name.as_str() {
            "svg" => drawn.role = attr("role"),
            "rect" if attr("class") == "bar" => drawn.bars.push((
                attr("data-start"),
                attr("data-confirmed").parse().expect("a count"),
                attr("height").parse().expect("a height"),
            )),
            "title" | "desc" if depth == 1 => reading = Some(name.clone()),
            _ => {}
        }
        if opens {
            depth += 1;
        }
    }
    drawn
}

/// A day as the pages write it in English: "29 November 2026".
fn words(day: time::Date) -> String {
    signons::i18n::Lang::source().long_date(day)
}

#[rocket::async_test]
async fn the_chart_has_a_bar_a_day_of_confirmations_and_the_public_history_says_the_same() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = campaign(&app, "Save the park").await;
        let id = located.petition.id;
        let first_three = confirmed(&app, id, 0, 3).await;
        confirmed_days_ago(&app, id, 4).await;
        confirmed(&app, id, 3, 1).await;
        confirmed_days_ago(&app, id, 2).await;
        confirmed(&app, id, 4, 2).await;
        // Created today, but its first signatures are older: the chart starts with them.
        let (four, two) = (today() - Duration::days(4), today() - Duration::days(2));

        let (status, page) = app.get(&format!("/petitions/{id}/signatures")).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        let drawn = chart_of(&page);
        assert_eq!(drawn.role, "img", "{backend:?}");
        assert_eq!(
            drawn.title, "Confirmed signatures of “Save the park” over time",
            "{backend:?}"
        );
        assert!(
            drawn.desc.starts_with(&format!(
                "6 confirmed signatures from {} to {}.",
                words(four),
                words(today())
            )),
            "{backend:?}: {}",
            drawn.desc
        );
        assert!(
            drawn.desc.contains("The goal is 10 signatures."),
            "{backend:?}"
        );
        let bars: Vec<(String, i64)> = drawn.bars.iter().map(|(d, n, _)| (d.clone(), *n)).collect();
        assert_eq!(
            bars,
            [
                (four.to_string(), 3),
                (two.to_string(), 1),
                (today().to_string(), 2)
            ],
            "{backend:?}"
        );
        // Heights in proportion to the counts: the tallest bar is the busiest day.
        let per_signature = drawn.bars[0].2 / 3.0;
        assert!(per_signature > 10.0, "{backend:?}: {:?}", drawn.bars);
        for (day, n, height) in &drawn.bars {
            assert!(
                (height - per_signature * *n as f64).abs() < 0.02,
                "{backend:?}: {day} is {height} high for {n}"
            );
        }
        // The same figures in the table, with the empty day between.
        for row in [
            format!(
                "<th scope=\"row\">{}</th><td class=\"number\">3</td><td class=\"number\">3</td>",
                words(four)
            ),
            format!(
                "<th scope=\"row\">{}</th><td class=\"number\">0</td><td class=\"number\">3</td>",
                words(four + Duration::days(1))
            ),
            format!(
                "<th scope=\"row\">{}</th><td class=\"number\">1</td><td class=\"number\">4</td>",
                words(two)
            ),
            format!(
                "<th scope=\"row\">{}</th><td class=\"number\">2</td><td class=\"number\">6</td>",
                words(today())
            ),
        ] {
            assert!(page.contains(&row), "{backend:?}: {row}");
        }
        assert!(page.contains("Confirmed signatures per day"), "{backend:?}");
        assert!(
            page.contains("Goal: 10"),
            "{backend:?}: the goal line's legend"
        );
        assert!(
            page.contains("class=\"goal\""),
            "{backend:?}: the goal line"
        );

        // In French, title and description too.
        let (_, page) = app
            .get_lang(&format!("/petitions/{id}/signatures"), "fr")
            .await;
        let drawn = chart_of(&page);
        assert_eq!(
            drawn.title, "Signatures confirmées de «\u{a0}Save the park\u{a0}» au fil du temps",
            "{backend:?}"
        );
        assert!(
            drawn.desc.starts_with("6 signatures confirmées du"),
            "{backend:?}"
        );

        // The public history: the days with confirmations, each with the total at its end.
        let (status, body) = history(&app, id).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert_eq!(
            body,
            json!({ "petition": id, "days": [
                { "date": four.to_string(), "confirmed": 3, "total": 3 },
                { "date": two.to_string(), "confirmed": 1, "total": 4 },
                { "date": today().to_string(), "confirmed": 2, "total": 6 },
            ]}),
            "{backend:?}"
        );

        // A signer of the first day withdraws: that day, and every total after it, go down.
        let withdraw = format!("/withdraw/{}", first_three[0]);
        let (_, page) = app.get(&withdraw).await;
        let csrf = extract_csrf(&page).expect("csrf");
        assert_eq!(
            app.post_form(&withdraw, &[("csrf", &csrf)]).await.status(),
            Status::Ok
        );
        let (_, body) = history(&app, id).await;
        assert_eq!(
            body["days"],
            json!([
                { "date": four.to_string(), "confirmed": 2, "total": 2 },
                { "date": two.to_string(), "confirmed": 1, "total": 3 },
                { "date": today().to_string(), "confirmed": 2, "total": 5 },
            ]),
            "{backend:?}"
        );
        assert_eq!(app.signature_count(id).await, 5, "{backend:?}");
        let (_, page) = app.get(&format!("/petitions/{id}/signatures")).await;
        assert_eq!(chart_of(&page).bars[0].1, 2, "{backend:?}");

        // Hidden by a moderator, or back to a draft: no history, no badge for the public.
        for (published, moderated) in [(true, true), (false, false)] {
            let mut row = petition_entity::Entity::find_by_id(id)
                .one(&app.db)
                .await
                .expect("query")
                .expect("petition")
                .into_active_model();
            row.published = Set(published);
            row.moderated = Set(moderated);
            row.update(&app.db).await.expect("hide");
            // Changed behind the app's back: empty its cache, as a change through it would.
            app.client
                .rocket()
                .state::<signons::web::cache::PageCache>()
                .expect("cache")
                .evict_all();
            let (status, _) = history(&app, id).await;
            assert_eq!(
                status,
                Status::NotFound,
                "{backend:?} {published} {moderated}"
            );
            let (status, _) = app.get(&format!("/petitions/{id}/badge.svg")).await;
            assert_eq!(
                status,
                Status::NotFound,
                "{backend:?} {published} {moderated}"
            );
        }
        let (status, _) = history(&app, id + 1000).await;
        assert_eq!(status, Status::NotFound, "{backend:?}: no such petition");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn thirty_confirmations_at_once_on_two_instances_keep_the_days_equal_to_the_count() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let other = TestApp::builder(backend)
            .shared_database(&app.test_db)
            .build()
            .await;
        let located = campaign(&app, "Save the pond").await;
        let id = located.petition.id;
        let mut tokens = Vec::new();
        let mut ids = Vec::new();
        for i in 0..30 {
            let email = format!("burst{i}@example.org");
            let (signature_id, token) = app
                .stored_signature(id, ("Sam", &format!("B{i}"), &email), "en-US", false)
                .await;
            tokens.push(token);
            ids.push(signature_id);
        }
        // Every signer presses the button at the same moment, half of them on each instance.
        let mut csrf = Vec::new();
        for instance in [&app, &other] {
            let (_, page) = instance.get(&format!("/confirm/{}", tokens[0])).await;
            csrf.push(extract_csrf(&page).expect("csrf"));
        }
        let presses = tokens.iter().enumerate().map(|(i, token)| {
            let (instance, csrf) = if i % 2 == 0 {
                (&app, &csrf[0])
            } else {
                (&other, &csrf[1])
            };
            let request = instance
                .client
                .post(format!("/confirm/{token}"))
                .header(rocket::http::ContentType::Form)
                .body(common::app::encode_form(&[("csrf", csrf)]));
            async move { request.dispatch().await.status() }
        });
        let statuses = futures_util::future::join_all(presses).await;
        assert!(
            statuses.iter().all(|s| *s == Status::Ok),
            "{backend:?}: {statuses:?}"
        );
        assert_eq!(counter::confirmed(&app.db, id).await.expect("count"), 30);
        assert_eq!(days_sum(&app, id).await, 30, "{backend:?}");
        let (_, body) = history(&app, id).await;
        assert_eq!(
            body["days"],
            json!([{ "date": today().to_string(), "confirmed": 30, "total": 30 }]),
            "{backend:?}"
        );

        // The organizers delete four of them, one twice: the day follows the count.
        let delete: Vec<String> = ids[..4].iter().map(i32::to_string).collect();
        let mut fields: Vec<(&str, &str)> = delete.iter().map(|i| ("ids", i.as_str())).collect();
        fields.push(("ids", delete[0].as_str()));
        assert_eq!(
            post(&app, &format!("/petitions/{id}/signatures/delete"), &fields).await,
            Status::SeeOther
        );
        assert_eq!(counter::confirmed(&app.db, id).await.expect("count"), 26);
        assert_eq!(days_sum(&app, id).await, 26, "{backend:?}");
        other.finish().await;
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_badge_shows_the_public_count_in_the_readers_language() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = campaign(&app, "Save the park").await;
        let id = located.petition.id;
        let badge = |lang: &'static str| {
            let app = &app;
            async move {
                let response = app
                    .client
                    .get(format!("/petitions/{id}/badge.svg"))
                    .header(Header::new("Accept-Language", lang))
                    .dispatch()
                    .await;
                let status = response.status();
                let content_type = response.content_type().map(|c| c.to_string());
                let cache = response
                    .headers()
                    .get_one("Cache-Control")
                    .map(str::to_string);
                (
                    status,
                    content_type,
                    cache,
                    response.into_string().await.unwrap_or_default(),
                )
            }
        };
        // The badge is public: read it as a stranger would.
        common::people::log_out(&app).await;
        confirmed(&app, id, 0, 1).await;
        let (status, content_type, cache, svg) = badge("en").await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert_eq!(content_type.as_deref(), Some("image/svg+xml"));
        assert_eq!(cache.as_deref(), Some("public, max-age=60"));
        assert!(
            svg.contains("<title>1 signature</title>"),
            "{backend:?}: {svg}"
        );
        assert!(svg.contains("role=\"img\""), "{backend:?}");

        // 1,230 on paper and 4 online: the count the petition's page shows.
        confirmed(&app, id, 1, 3).await;
        let mut row = petition_entity::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .expect("query")
            .expect("petition")
            .into_active_model();
        row.paper_signatures = Set(1230);
        row.update(&app.db).await.expect("paper");
        app.client
            .rocket()
            .state::<signons::web::cache::PageCache>()
            .expect("cache")
            .evict_all();
        assert_eq!(app.signature_count(id).await, 1234);
        let (_, _, _, svg) = badge("en").await;
        assert!(
            svg.contains("<title>1,234 signatures</title>"),
            "{backend:?}: {svg}"
        );
        let (_, _, _, svg) = badge("fr").await;
        assert!(
            svg.contains("<title>1\u{202f}234 signatures</title>"),
            "{backend:?}: {svg}"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_migration_counts_the_days_of_signatures_confirmed_before_it() {
    use migration::{Migrator, MigratorTrait};
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = campaign(&app, "Save the lake").await;
        let id = located.petition.id;
        confirmed(&app, id, 0, 2).await;
        confirmed_days_ago(&app, id, 3).await;
        confirmed(&app, id, 2, 1).await;
        // Back to before the table of days, then forward again: it is filled from the signatures.
        let migrations = Migrator::migrations();
        let ours = migrations
            .iter()
            .position(|m| m.name() == "m20261129_000060_daily_counts")
            .expect("the migration of the days");
        let steps = (migrations.len() - ours) as u32;
        Migrator::down(&app.db, Some(steps)).await.expect("down");
        Migrator::up(&app.db, None).await.expect("up");
        let (_, body) = history(&app, id).await;
        assert_eq!(
            body["days"],
            json!([
                { "date": (today() - Duration::days(3)).to_string(), "confirmed": 2, "total": 2 },
                { "date": today().to_string(), "confirmed": 1, "total": 3 },
            ]),
            "{backend:?}"
        );
        assert_eq!(days_sum(&app, id).await, 3);
        app.finish().await;
    }
}
