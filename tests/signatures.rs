//! The people running a campaign open its signatures page: they page through it, search it, delete
//! a selection (the public count follows), send the confirmation again to whoever has not confirmed
//! (through a real SMTP server), export it as CSV — and only the members allowed to do each thing
//! can, while every refusal changes nothing.
mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::app::{TestApp, backends, local};
use common::people::{create_org, log_in, log_out, post, register, user_id};
use common::smtp::SmtpServer;
use rocket::http::{Header, Status};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryOrder, Set};
use signons::domain::petitions::petition::{self, Located, NewPetition, Owner};
use signons::domain::{people::organization, signing::counter, token};
use signons::entity::{mail_queue, petition as petition_entity, signature};

const MAIL_WAIT: Duration = Duration::from_secs(15);

/// A petition of the organization `org_slug`.
async fn org_petition(app: &TestApp, org_slug: &str, title: &str) -> Located {
    let org = organization::find_by_slug(&app.db, org_slug)
        .await
        .expect("query")
        .expect("organization");
    petition::create(
        &app.db,
        &Owner::Organization(org),
        NewPetition {
            title: title.into(),
            body_html: "<p>Keep the park green.</p>".into(),
            published: true,
            ..Default::default()
        },
    )
    .await
    .expect("create petition")
}

/// Ana's organization "Park Friends" and its petition "Save the park"; Ana is logged in.
async fn campaign(app: &TestApp) -> (String, Located) {
    register(app, "ana").await;
    let slug = create_org(app, "Park Friends").await;
    let located = org_petition(app, &slug, "Save the park").await;
    (slug, located)
}

/// A signature as the sign form leaves it, in `locale`, confirmed when `confirmed`: its id and token.
async fn sign_as(
    app: &TestApp,
    petition_id: i32,
    who: (&str, &str, &str),
    locale: &str,
    confirmed: bool,
) -> (i32, String) {
    app.stored_signature(petition_id, who, locale, confirmed)
        .await
}

async fn add(app: &TestApp, petition_id: i32, who: (&str, &str, &str), confirmed: bool) -> i32 {
    sign_as(app, petition_id, who, "en-US", confirmed).await.0
}

async fn signature_rows(app: &TestApp) -> Vec<signature::Model> {
    signature::Entity::find()
        .order_by_asc(signature::Column::Id)
        .all(&app.db)
        .await
        .expect("signatures")
}

/// Every signature as if its last confirmation link had gone out `hours` ago.
async fn links_sent_hours_ago(app: &TestApp, hours: i64) {
    signature::Entity::update_many()
        .col_expr(
            signature::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(signons::domain::now() - time::Duration::hours(hours)),
        )
        .exec(&app.db)
        .await
        .expect("backdate");
}

async fn mails_queued(app: &TestApp) -> u64 {
    mail_queue::Entity::find()
        .count(&app.db)
        .await
        .expect("mail queue")
}

/// Follows a 303 and returns the page it leads to.
async fn follow(app: &TestApp, response: rocket::local::asynchronous::LocalResponse<'_>) -> String {
    assert_eq!(response.status(), Status::SeeOther);
    let location = response
        .headers()
        .get_one("Location")
        .expect("a Location")
        .to_string();
    drop(response);
    let (status, page) = app.get(&location).await;
    assert_eq!(status, Status::Ok, "{location}");
    page
}

/// Posts a form with the visitor's own CSRF token and returns the response.
async fn post_with_csrf<'a>(
    app: &'a TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> rocket::local::asynchronous::LocalResponse<'a> {
    let csrf = app.csrf("/").await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(path, &all).await
}

/// Presses a re-send button of petition `id` with these fields; the page it leads back to.
async fn resend(app: &TestApp, id: i32, fields: &[(&str, &str)]) -> String {
    let response = post_with_csrf(app, &format!("/petitions/{id}/signatures/resend"), fields).await;
    follow(app, response).await
}

/// The rows of the page: how many selection boxes it has.
fn rows_on(page: &str) -> usize {
    page.matches("name=\"ids\"").count()
}

/// The href of the link marked `rel`, unescaped.
fn link(page: &str, rel: &str) -> Option<String> {
    let end = page.find(&format!("\" rel=\"{rel}\""))?;
    let start = page[..end].rfind("href=\"")? + "href=\"".len();
    Some(page[start..end].replace("&amp;", "&"))
}

#[rocket::async_test]
async fn the_signatures_page_shows_pages_newest_first_and_searches_names_and_addresses() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let (_, located) = campaign(&app).await;
        let id = located.petition.id;
        let mut ids = Vec::new();
        for i in 0..115 {
            let first = format!("Signer{i:03}");
            let email = format!("s{i:03}@example.org");
            ids.push(add(&app, id, (&first, "Number", &email), i % 3 == 0).await);
        }
        let dupont = add(&app, id, ("Zoé", "DuPont", "zoe@example.org"), true).await;
        let percent = add(&app, id, ("Fifty%_off", "Deal", "deal@example.org"), false).await;
        let base = format!("/petitions/{id}/signatures");

        let (status, page) = app.get(&base).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert_eq!(rows_on(&page), 50, "{backend:?}: 50 per page");
        assert!(
            page.contains("40 confirmed signatures"),
            "{backend:?}: exact counts"
        );
        assert!(page.contains("77 awaiting confirmation"));
        assert!(page.contains("Page 1 of 3"));
        // Newest first: the last signature comes first, the first one is not on page 1.
        let first_box = page.find("name=\"ids\" value=\"").expect("a row") + 18;
        assert!(page[first_box..].starts_with(&format!("{percent}\"")));
        assert!(!page.contains("s000@example.org"));
        let page2 = link(&page, "next").expect("a next page");
        let (_, page) = app.get(&page2).await;
        assert_eq!(rows_on(&page), 50);
        let (_, page) = app.get(&link(&page, "next").expect("page 3")).await;
        assert_eq!(rows_on(&page), 17, "117 signatures in all");
        assert!(page.contains("s000@example.org"));
        assert!(link(&page, "next").is_none());
        assert!(link(&page, "prev").is_some());

        // Case-insensitive, on first name, last name and address.
        for (q, expected) in [
            ("dupont", vec![dupont]),
            ("DUPONT", vec![dupont]),
            ("zoé", vec![dupont]),
            ("S007@EXAMPLE", vec![ids[7]]),
            ("signer11", (110..115).rev().map(|i| ids[i]).collect()),
            // LIKE wildcards in the term are literal.
            ("%", vec![percent]),
            ("_", vec![percent]),
            ("nobody", vec![]),
        ] {
            let (status, page) = app
                .get(&format!(
                    "{base}?q={}",
                    url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
                ))
                .await;
            assert_eq!(status, Status::Ok);
            let found: Vec<i32> = page
                .match_indices("name=\"ids\" value=\"")
                .map(|(at, m)| {
                    page[at + m.len()..]
                        .chars()
                        .take_while(char::is_ascii_digit)
                        .collect::<String>()
                        .parse()
                        .expect("an id")
                })
                .collect();
            assert_eq!(found, expected, "{backend:?}: search {q:?}");
        }

        // The filter, and page links that keep the search and the filter.
        let (_, page) = app.get(&format!("{base}?q=signer&status=confirmed")).await;
        assert!(page.contains("39 signatures match."), "{backend:?}");
        let (_, page) = app
            .get(&format!("{base}?q=SIGNER&status=unconfirmed"))
            .await;
        assert!(page.contains("76 signatures match."), "{backend:?}");
        assert_eq!(
            link(&page, "next").as_deref(),
            Some(format!("{base}?q=SIGNER&status=unconfirmed&page=2").as_str())
        );
        let (_, page) = app.get(&format!("{base}?status=unconfirmed&page=2")).await;
        assert!(page.contains("77 signatures match."));
        assert_eq!(rows_on(&page), 27);
        // A page beyond the last shows the last.
        let (_, page) = app.get(&format!("{base}?page=99")).await;
        assert!(page.contains("Page 3 of 3"));
        app.finish().await;
    }
}

/// The ids of the signatures a search of the signatures page shows, in order.
async fn search(app: &TestApp, petition_id: i32, q: &str) -> Vec<i32> {
    let q: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let (status, page) = app
        .get(&format!("/petitions/{petition_id}/signatures?q={q}"))
        .await;
    assert_eq!(status, Status::Ok);
    page.match_indices("name=\"ids\" value=\"")
        .map(|(at, m)| {
            page[at + m.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .expect("an id")
        })
        .collect()
}

#[rocket::async_test]
async fn the_search_ignores_case_and_accents_and_finds_rows_written_before_it_could() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let (_, located) = campaign(&app).await;
        let id = located.petition.id;
        let elodie = add(
            &app,
            id,
            ("Élodie", "Straßer", "elodie.s@example.org"),
            true,
        )
        .await;
        let etienne = add(
            &app,
            id,
            ("ÉTIENNE", "Lefèvre", "e.lefevre@example.org"),
            false,
        )
        .await;
        let sergei = add(&app, id, ("Сергей", "Иванов", "sergei@example.org"), false).await;
        // One through the real sign form as well.
        let response = app
            .sign(&located, "Chloé", "Nguyễn", "chloe@example.org")
            .await;
        assert_eq!(response.status(), Status::SeeOther, "{backend:?}");
        drop(response);
        let chloe = signature_rows(&app)
            .await
            .into_iter()
            .find(|s| s.email == "chloe@example.org")
            .expect("Chloé's signature")
            .id;
        let cases: Vec<(&str, Vec<i32>)> = vec![
            ("elodie", vec![elodie]),
            ("ÉLODIE", vec![elodie]),
            ("elodie strasser", vec![elodie]),
            ("Élodie  Straßer", vec![elodie]),
            ("lefevre", vec![etienne]),
            ("Étienne", vec![etienne]),
            ("сергей", vec![sergei]),
            ("sergei", vec![sergei]),
            ("ivanov", vec![sergei]),
            ("nguyen", vec![chloe]),
            ("CHLOE NGUYỄN", vec![chloe]),
            ("example.org", vec![chloe, sergei, etienne, elodie]),
            // A name and an address are never run together.
            ("strasser elodie.s", vec![]),
        ];
        for (q, expected) in &cases {
            assert_eq!(&search(&app, id, q).await, expected, "{backend:?}: {q:?}");
        }

        // Rows from before search keys existed have none until Signons starts (and migrates).
        for sql in [
            "UPDATE signatures SET search_key = NULL",
            "UPDATE petitions SET search_key = NULL",
        ] {
            sea_orm::ConnectionTrait::execute_unprepared(&app.db, sql)
                .await
                .expect("forget the keys");
        }
        assert_eq!(search(&app, id, "elodie").await, Vec::<i32>::new());
        signons::db::migrate(&app.db).await.expect("migrate");
        for (q, expected) in &cases {
            assert_eq!(
                &search(&app, id, q).await,
                expected,
                "{backend:?}: {q:?} after filling in"
            );
        }
        let (_, home) = app.get("/?q=SAVE+THE+PARK").await;
        assert!(home.contains("One petition matches"), "{backend:?}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn deleting_a_selection_removes_only_that_petitions_signatures_and_the_public_count_follows()
{
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let (slug, located) = campaign(&app).await;
        let (a, b) = (
            located.petition.id,
            org_petition(&app, &slug, "Save the pond").await.petition.id,
        );
        let a1 = add(&app, a, ("Ann", "One", "a1@example.org"), true).await;
        let a2 = add(&app, a, ("Ann", "Two", "a2@example.org"), true).await;
        add(&app, a, ("Ann", "Three", "a3@example.org"), true).await;
        let a4 = add(&app, a, ("Ann", "Four", "a4@example.org"), false).await;
        add(&app, a, ("Ann", "Five", "a5@example.org"), false).await;
        let b1 = add(&app, b, ("Bob", "One", "b1@example.org"), true).await;
        add(&app, b, ("Bob", "Two", "b2@example.org"), true).await;
        counter::fold(&app.db).await.expect("fold");
        assert_eq!(app.signature_count(a).await, 3);

        // Two of this petition (one confirmed) and one of another petition, which is ignored.
        let selection = [a1, a4, b1].map(|id| id.to_string());
        let mut fields: Vec<(&str, &str)> =
            selection.iter().map(|id| ("ids", id.as_str())).collect();
        fields.push(("q", "ann"));
        let response =
            post_with_csrf(&app, &format!("/petitions/{a}/signatures/delete"), &fields).await;
        assert_eq!(
            response.headers().get_one("Location"),
            Some(format!("/petitions/{a}/signatures?q=ann").as_str()),
            "{backend:?}: back to the page, search kept"
        );
        let page = follow(&app, response).await;
        assert!(page.contains("2 signatures deleted."), "{backend:?}");
        assert!(page.contains("2 confirmed signatures"), "{backend:?}");

        let left: BTreeSet<i32> = signature_rows(&app).await.iter().map(|s| s.id).collect();
        assert!(!left.contains(&a1) && !left.contains(&a4));
        assert!(
            left.contains(&a2) && left.contains(&b1),
            "{backend:?}: B untouched"
        );
        assert_eq!(left.len(), 5);
        assert_eq!(counter::confirmed(&app.db, a).await.expect("count"), 2);
        assert_eq!(counter::confirmed(&app.db, b).await.expect("count"), 2);
        // Once the shards are folded, the petition's row and its public JSON agree.
        counter::fold(&app.db).await.expect("fold");
        let row = petition_entity::Entity::find_by_id(a)
            .one(&app.db)
            .await
            .expect("query")
            .expect("petition");
        assert_eq!(row.confirmed_count, 2, "{backend:?}");
        assert_eq!(app.signature_count(a).await, 2, "{backend:?}");
        assert_eq!(app.signature_count(b).await, 2);

        // Nothing ticked: nothing deleted, and the page says so.
        let response =
            post_with_csrf(&app, &format!("/petitions/{a}/signatures/delete"), &[]).await;
        assert!(
            follow(&app, response)
                .await
                .contains("No signature was deleted")
        );
        assert_eq!(signature_rows(&app).await.len(), 5);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn re_sending_to_all_unconfirmed_reaches_exactly_the_unconfirmed_signers_with_new_links() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let (slug, located) = campaign(&app).await;
        // The campaign's members got their welcome mails: this test counts only re-sends.
        assert!(app.wait_queue_empty(MAIL_WAIT).await);
        smtp.clear();
        mail_queue::Entity::delete_many()
            .exec(&app.db)
            .await
            .expect("forget the welcome mails");
        let id = located.petition.id;
        let other = org_petition(&app, &slug, "Save the pond").await.petition.id;
        for i in 0..3 {
            add(
                &app,
                id,
                ("Conf", "Irmed", &format!("c{i}@example.org")),
                true,
            )
            .await;
        }
        let mut old_tokens = Vec::new();
        for (i, locale) in ["en-US", "fr", "en-US"].into_iter().enumerate() {
            let who = ("Un", "Confirmed", &*format!("u{i}@example.org"));
            old_tokens.push(sign_as(&app, id, who, locale, false).await.1);
        }
        add(&app, other, ("Other", "Petition", "o@example.org"), false).await;
        // They signed two hours ago; one more signed a minute ago and has just had their link.
        links_sent_hours_ago(&app, 2).await;
        add(&app, id, ("Just", "Signed", "fresh@example.org"), false).await;

        let page = resend(&app, id, &[("all_unconfirmed", "1")]).await;
        assert!(
            page.contains("3 confirmation e-mails are on their way.")
                && page.contains(
                    "One unconfirmed signer was left out: their link went out less than an hour ago."
                ),
            "{backend:?}"
        );
        // Bulk mail: behind the confirmations of people signing right now.
        let queued = mail_queue::Entity::find()
            .all(&app.db)
            .await
            .expect("queue");
        assert_eq!(queued.len(), 3);
        assert!(queued.iter().all(|m| m.priority == 0), "{backend:?}: bulk");

        let mails = smtp.wait_for(3, MAIL_WAIT).await;
        assert!(app.wait_queue_empty(MAIL_WAIT).await);
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mails_after = smtp.messages();
        assert_eq!(mails_after.len(), 3, "{backend:?}: nothing more than that");
        let recipients: BTreeSet<String> = mails
            .iter()
            .flat_map(|m| m.to.iter().map(|t| t.to_lowercase()))
            .collect();
        let expected: BTreeSet<String> = (0..3).map(|i| format!("u{i}@example.org")).collect();
        assert_eq!(
            recipients, expected,
            "{backend:?}: exactly the unconfirmed not mailed within the hour"
        );
        let french = smtp.messages_to("u1@example.org");
        assert!(
            french[0].subject().starts_with("Confirmez votre signature"),
            "{backend:?}: in the signer's language: {}",
            french[0].subject()
        );

        // The old links stop working; the new one confirms and counts.
        for old in &old_tokens {
            let (status, _) = app.get(&format!("/confirm/{old}")).await;
            assert_eq!(status, Status::NotFound, "{backend:?}: old link");
        }
        let link = local(&mails[0].link_containing("/confirm/").expect("a link"));
        let (status, confirm_page) = app.get(&link).await;
        assert_eq!(status, Status::Ok);
        let csrf = common::app::extract_csrf(&confirm_page).expect("csrf");
        let response = app.post_form(&link, &[("csrf", &csrf)]).await;
        assert_eq!(response.status(), Status::Ok);
        drop(response);
        assert_eq!(counter::confirmed(&app.db, id).await.expect("count"), 4);

        // Pressed again at once (or by a colleague): nobody is mailed twice within the hour.
        let page = resend(&app, id, &[("all_unconfirmed", "1")]).await;
        assert!(
            page.contains("No e-mail sent.")
                && page.contains("3 unconfirmed signers were left out"),
            "{backend:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(smtp.messages().len(), 3, "{backend:?}: no second round");
        // A selection is a deliberate choice: it is sent whatever the time.
        let fresh = signature_rows(&app)
            .await
            .into_iter()
            .find(|s| s.email == "fresh@example.org")
            .expect("the fresh signer")
            .id;
        let page = resend(&app, id, &[("ids", &fresh.to_string())]).await;
        assert!(
            page.contains("One confirmation e-mail is on its way."),
            "{backend:?}"
        );
        assert!(
            smtp.wait_for_to("fresh@example.org", MAIL_WAIT)
                .await
                .is_some(),
            "{backend:?}"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn re_sending_to_a_selection_skips_confirmed_signers_and_other_petitions() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let (slug, located) = campaign(&app).await;
        // The campaign's members got their welcome mails: this test counts only re-sends.
        assert!(app.wait_queue_empty(MAIL_WAIT).await);
        smtp.clear();
        mail_queue::Entity::delete_many()
            .exec(&app.db)
            .await
            .expect("forget the welcome mails");
        let id = located.petition.id;
        let other = org_petition(&app, &slug, "Save the pond").await.petition.id;
        let confirmed = add(&app, id, ("Con", "Firmed", "c@example.org"), true).await;
        let chosen = add(&app, id, ("Cho", "Sen", "chosen@example.org"), false).await;
        add(&app, id, ("Not", "Chosen", "left@example.org"), false).await;
        let elsewhere = add(&app, other, ("Else", "Where", "else@example.org"), false).await;

        let ids = [confirmed, chosen, elsewhere].map(|i| i.to_string());
        let fields: Vec<(&str, &str)> = ids.iter().map(|i| ("ids", i.as_str())).collect();
        let page = resend(&app, id, &fields).await;
        assert!(
            page.contains("One confirmation e-mail is on its way."),
            "{backend:?}"
        );
        let mail = smtp
            .wait_for_to("chosen@example.org", MAIL_WAIT)
            .await
            .expect("the chosen signer gets a new link");
        assert!(mail.subject().contains("Save the park"));
        assert!(app.wait_queue_empty(MAIL_WAIT).await);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(smtp.messages().len(), 1, "{backend:?}: nobody else");
        assert_eq!(mails_queued(&app).await, 1);

        // Only confirmed signers ticked: nothing is sent.
        let only_confirmed = confirmed.to_string();
        let page = resend(&app, id, &[("ids", &only_confirmed)]).await;
        assert!(page.contains("No e-mail sent"));
        assert_eq!(mails_queued(&app).await, 1);
        app.finish().await;
    }
}

/// Reads an export: checks the byte-order mark and returns its records, header first.
fn records(body: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(body).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| {
            r.expect("a CSV record")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

async fn download(
    app: &TestApp,
    path: &str,
    lang: &str,
) -> (Status, Vec<(String, String)>, Vec<u8>) {
    let response = app
        .client
        .get(path.to_string())
        .header(Header::new("Accept-Language", lang.to_string()))
        .dispatch()
        .await;
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|h| (h.name().to_string(), h.value().to_string()))
        .collect();
    (
        status,
        headers,
        response.into_bytes().await.unwrap_or_default(),
    )
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[rocket::async_test]
async fn the_csv_export_has_translated_headers_the_asked_fields_and_inert_formulas() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let (_, located) = campaign(&app).await;
        let id = located.petition.id;
        let mut row = located.petition.clone().into_active_model();
        row.signature_fields = Set(r#"{"phone":"optional","city":"required"}"#.into());
        row.update(&app.db).await.expect("ask phone and city");
        let plain = add(&app, id, ("Ann", "Lee", "ann@example.org"), true).await;
        let formula = add(&app, id, ("=cmd()", "@SUM(A1)", "x@example.org"), false).await;
        let mut extra = signature::Entity::find_by_id(formula)
            .one(&app.db)
            .await
            .expect("query")
            .expect("row")
            .into_active_model();
        extra.phone = Set(Some("+33 1 23 45 67 89".into()));
        extra.city = Set(Some("-Paris".into()));
        extra.organization = Set(Some("not asked".into()));
        extra.newsletter = Set(true);
        extra.update(&app.db).await.expect("update");

        let path = format!("/petitions/{id}/signatures.csv");
        let (status, headers, body) = download(&app, &path, "en").await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert_eq!(
            header(&headers, "Content-Type"),
            Some("text/csv; charset=utf-8")
        );
        assert_eq!(
            header(&headers, "Content-Disposition"),
            Some("attachment; filename=\"save-the-park-signatures.csv\"")
        );
        assert_eq!(header(&headers, "Cache-Control"), Some("no-store"));
        let all = records(&body);
        assert_eq!(
            all[0],
            [
                "First name",
                "Last name",
                "E-mail address",
                "Phone",
                "City",
                "Newsletter",
                "Confirmed",
                "Signed at (UTC)",
                "Confirmed at (UTC)"
            ],
            "{backend:?}: only the asked optional fields"
        );
        assert_eq!(all.len(), 3, "{backend:?}: one row per signature");
        let (ann, x) = (&all[1], &all[2]);
        assert_eq!(ann[..3], ["Ann", "Lee", "ann@example.org"]);
        assert_eq!(ann[5..7], ["no", "yes"]);
        assert_eq!(ann[7].len(), 20, "ISO 8601 UTC: {}", ann[7]);
        assert!(ann[7].ends_with('Z') && &ann[7][10..11] == "T");
        assert!(ann[8].ends_with('Z'));
        assert_eq!(
            x[..],
            [
                "'=cmd()",
                "'@SUM(A1)",
                "x@example.org",
                "'+33 1 23 45 67 89",
                "'-Paris",
                "yes",
                "no",
                x[7].as_str(),
                ""
            ],
            "{backend:?}: formulas come out inert"
        );

        // Confirmed only.
        let (_, _, body) = download(&app, &format!("{path}?confirmed=1"), "en").await;
        let confirmed = records(&body);
        assert_eq!(confirmed.len(), 2);
        assert_eq!(confirmed[1][2], "ann@example.org");

        // In the reader's language.
        let (_, _, body) = download(&app, &path, "fr").await;
        let french = records(&body);
        assert_eq!(
            french[0][..3],
            ["Prénom", "Nom", "Adresse e-mail"],
            "{backend:?}"
        );
        assert_eq!(french[1][6], "oui");
        let _ = plain;
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_csv_export_reads_every_signature_across_batches_in_signing_order() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let (_, located) = campaign(&app).await;
        let id = located.petition.id;
        let total = 2 * signons::domain::signing::signature_list::EXPORT_BATCH as usize + 37;
        let now = signons::domain::now();
        let rows: Vec<signature::ActiveModel> = (0..total)
            .map(|i| signature::ActiveModel {
                petition_id: Set(id),
                first_name: Set(format!("Bulk{i}")),
                last_name: Set("Signer".into()),
                email: Set(format!("bulk{i}@example.org")),
                newsletter: Set(i % 2 == 0),
                confirmation_token_hash: Set(token::hash(&format!("bulk-token-{i}"))),
                confirmed_at: Set((i % 4 == 0).then_some(now)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect();
        for chunk in rows.chunks(500) {
            signature::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(&app.db)
                .await
                .expect("insert");
        }
        let (status, _, body) =
            download(&app, &format!("/petitions/{id}/signatures.csv"), "en").await;
        assert_eq!(status, Status::Ok);
        let all = records(&body);
        assert_eq!(all.len(), total + 1, "{backend:?}: every signature once");
        let names: Vec<String> = all[1..].iter().map(|r| r[0].clone()).collect();
        let expected: Vec<String> = (0..total).map(|i| format!("Bulk{i}")).collect();
        assert_eq!(names, expected, "{backend:?}: in signing order");
        let (_, _, body) = download(
            &app,
            &format!("/petitions/{id}/signatures.csv?confirmed=1"),
            "en",
        )
        .await;
        assert_eq!(records(&body).len(), total.div_ceil(4) + 1);
        app.finish().await;
    }
}

/// Invites `username` into `slug` (as `inviter`) and has them accept from their dashboard.
async fn join(app: &TestApp, slug: &str, inviter: &str, username: &str) {
    log_in(app, inviter).await;
    let status = post(
        app,
        &format!("/organizations/{slug}/invite"),
        &[("who", username)],
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    log_in(app, username).await;
    let (_, dashboard) = app.get("/dashboard").await;
    let at = dashboard.find("/invitations/").expect("an invitation") + "/invitations/".len();
    let id: String = dashboard[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let status = post(app, &format!("/invitations/{id}/accept"), &[]).await;
    assert_eq!(status, Status::SeeOther);
}

/// Sets the permissions of `username` in `slug`, as Ana.
async fn grant(app: &TestApp, slug: &str, username: &str, rights: &[&str]) {
    log_in(app, "ana").await;
    let member = user_id(app, username).await;
    let fields: Vec<(&str, &str)> = rights.iter().map(|r| (*r, "true")).collect();
    let status = post(
        app,
        &format!("/organizations/{slug}/members/{member}/permissions"),
        &fields,
    )
    .await;
    assert_eq!(status, Status::SeeOther);
}

#[rocket::async_test]
async fn each_signatures_route_answers_each_kind_of_visitor_and_refusals_change_nothing() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let (slug, located) = campaign(&app).await;
        let id = located.petition.id;
        for name in ["olga", "ben", "dan", "cleo"] {
            register(&app, name).await;
        }
        log_in(&app, "olga").await;
        create_org(&app, "Other Org").await;
        for name in ["ben", "dan", "cleo"] {
            join(&app, &slug, "ana", name).await;
        }
        // ben: the defaults (no signature permission); dan: may view only; cleo: may do all three.
        grant(&app, &slug, "dan", &["view_signatures"]).await;
        grant(
            &app,
            &slug,
            "cleo",
            &["view_signatures", "modify_signatures", "delete_signatures"],
        )
        .await;
        let mut victims = Vec::new();
        for i in 0..4 {
            let email = format!("v{i}@example.org");
            victims.push(add(&app, id, ("Vic", "Tim", &email), i == 0).await);
        }

        let page = format!("/petitions/{id}/signatures");
        let csv = format!("/petitions/{id}/signatures.csv");
        let visitors: [(&str, Option<&str>); 5] = [
            ("anonymous", None),
            ("member of another organization", Some("olga")),
            ("member without the permission", Some("ben")),
            ("member who may only view", Some("dan")),
            ("member with the permissions", Some("cleo")),
        ];
        for (who, login) in visitors {
            match login {
                Some(name) => log_in(&app, name).await,
                None => log_out(&app).await,
            }
            let views = matches!(login, Some("dan" | "cleo"));
            let acts = login == Some("cleo");

            for path in [&page, &csv] {
                let response = app.client.get(path.clone()).dispatch().await;
                let status = response.status();
                if login.is_none() {
                    assert_eq!(status, Status::SeeOther, "{backend:?} {who}: {path}");
                    let to = response.headers().get_one("Location").unwrap_or_default();
                    assert!(to.starts_with("/login?next=%2Fpetitions%2F"), "{to}");
                } else {
                    let expected = if views { Status::Ok } else { Status::NotFound };
                    assert_eq!(status, expected, "{backend:?} {who}: {path}");
                }
            }
            let (_, dashboard) = app.get("/dashboard").await;
            assert_eq!(
                dashboard.contains(&format!("href=\"{page}\"")),
                views,
                "{backend:?} {who}: dashboard link"
            );
            if views {
                let (_, body) = app.get(&page).await;
                assert_eq!(
                    body.contains("/signatures/delete"),
                    acts,
                    "{who}: delete button"
                );
                assert_eq!(
                    body.contains("Re-send the confirmation"),
                    acts,
                    "{who}: re-send buttons"
                );
            }

            // Past the re-send cooldown, so that each visitor who may re-send reaches all three.
            links_sent_hours_ago(&app, 2).await;
            let (rows, mails) = (signature_rows(&app).await, mails_queued(&app).await);
            let status = post(
                &app,
                &format!("/petitions/{id}/signatures/resend"),
                &[("all_unconfirmed", "1")],
            )
            .await;
            let expected = if acts {
                Status::SeeOther
            } else {
                Status::NotFound
            };
            assert_eq!(status, expected, "{backend:?} {who}: resend");
            if acts {
                assert_eq!(
                    mails_queued(&app).await,
                    mails + 3,
                    "{who}: three unconfirmed"
                );
            } else {
                assert_eq!(
                    mails_queued(&app).await,
                    mails,
                    "{backend:?} {who}: no mail"
                );
                assert_eq!(signature_rows(&app).await, rows, "{who}: no new link");
            }

            let (rows, mails) = (signature_rows(&app).await, mails_queued(&app).await);
            let victim = victims[0].to_string();
            let status = post(
                &app,
                &format!("/petitions/{id}/signatures/delete"),
                &[("ids", &victim)],
            )
            .await;
            assert_eq!(status, expected, "{backend:?} {who}: delete");
            let after = signature_rows(&app).await;
            if acts {
                assert_eq!(after.len(), rows.len() - 1, "{who}: deleted");
            } else {
                assert_eq!(after, rows, "{backend:?} {who}: signatures unchanged");
            }
            assert_eq!(
                mails_queued(&app).await,
                mails,
                "{who}: deleting sends nothing"
            );
        }

        // A forged or missing token is refused, even for a member who may act, and changes nothing.
        log_in(&app, "cleo").await;
        let (rows, mails) = (signature_rows(&app).await, mails_queued(&app).await);
        let victim = victims[1].to_string();
        for csrf in [Some("forged"), None] {
            for action in ["delete", "resend"] {
                let mut fields = vec![("ids", victim.as_str()), ("all_unconfirmed", "1")];
                if let Some(token) = csrf {
                    fields.push(("csrf", token));
                }
                let response = app
                    .post_form(&format!("/petitions/{id}/signatures/{action}"), &fields)
                    .await;
                assert_eq!(response.status(), Status::Forbidden, "{backend:?} {action}");
            }
        }
        assert_eq!(
            signature_rows(&app).await,
            rows,
            "{backend:?}: nothing deleted"
        );
        assert_eq!(mails_queued(&app).await, mails, "{backend:?}: nothing sent");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_personal_petitions_signatures_belong_to_its_owner_alone() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        register(&app, "ben").await;
        let ben = signons::domain::people::account::find_by_username(&app.db, "ben")
            .await
            .expect("query")
            .expect("ben");
        let located = petition::create(
            &app.db,
            &Owner::User(ben),
            NewPetition {
                title: "Ben's own petition".into(),
                published: true,
                ..Default::default()
            },
        )
        .await
        .expect("petition");
        let id = located.petition.id;
        let signer = add(&app, id, ("Sig", "Ner", "sig@example.org"), true).await;
        let path = format!("/petitions/{id}/signatures");

        log_in(&app, "ana").await;
        assert_eq!(app.get(&path).await.0, Status::NotFound, "{backend:?}");
        let status = post(
            &app,
            &format!("{path}/delete"),
            &[("ids", &signer.to_string())],
        )
        .await;
        assert_eq!(status, Status::NotFound);
        assert_eq!(signature_rows(&app).await.len(), 1);

        log_in(&app, "ben").await;
        let (status, page) = app.get(&path).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(page.contains("sig@example.org"));
        let status = post(
            &app,
            &format!("{path}/delete"),
            &[("ids", &signer.to_string())],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        assert!(signature_rows(&app).await.is_empty());
        assert_eq!(counter::confirmed(&app.db, id).await.expect("count"), 0);
        app.finish().await;
    }
}
