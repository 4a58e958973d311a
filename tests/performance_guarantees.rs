//! What the performance work (page cache, group commit, sharded count) must never cost: a cached
//! page holds nothing of any visitor (no token, no name, no cookie) and a form sent from another
//! site is refused; someone logged in gets their own page; the public count is never more than
//! 2 s behind, even on another instance; a group commit writes each signature with its mail row;
//! signers racing with one address still count once; a petition hidden or closed since its page was
//! read takes no signature; a flood on PostgreSQL gets its tables analyzed.
mod common;

use std::io::Read;
use std::time::{Duration, Instant};

use common::app::{Backend, Provenance, TestApp, backends, extract_csrf, local, test_figment};
use rocket::http::{ContentType, Cookie, Header, Status};
use rocket::local::asynchronous::Client;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use signons::domain::petitions::petition::Located;
use signons::domain::signing::signing_queue::SigningQueue;
use signons::domain::{signing::counter, signing::signature as signing, token};
use signons::entity::{mail_queue, petition, signature};

/// A second instance of the app on the test app's database, with a client that keeps no cookies
/// (each request carries exactly the cookies given to it: one browser per `Visitor`).
async fn instance(app: &TestApp) -> Client {
    let figment = test_figment()
        .merge(("data_dir", app.dir.path().display().to_string()))
        .merge(("database_url", app.test_db.url.clone()));
    Client::untracked(signons::build(figment).expect("build"))
        .await
        .expect("ignite a second instance")
}

/// One browser: its cookies, sent back with each request.
#[derive(Default, Clone)]
struct Visitor {
    cookies: Vec<(String, String)>,
}

struct Answer {
    status: Status,
    body: Vec<u8>,
    etag: Option<String>,
    encoding: Option<String>,
    cache_control: Option<String>,
    vary: Option<String>,
    sets_cookie: bool,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Visitor {
    async fn get(&mut self, client: &Client, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut request = client.get(path.to_string());
        for (name, value) in &self.cookies {
            request = request.cookie(Cookie::new(name.clone(), value.clone()));
        }
        for (name, value) in headers {
            request = request.header(Header::new(name.to_string(), value.to_string()));
        }
        let response = request.dispatch().await;
        for cookie in response.cookies().iter() {
            self.cookies.retain(|(name, _)| name != cookie.name());
            self.cookies
                .push((cookie.name().to_string(), cookie.value().to_string()));
        }
        let header = |name: &str| response.headers().get_one(name).map(str::to_string);
        let (status, etag, encoding, cache_control, vary) = (
            response.status(),
            header("ETag"),
            header("Content-Encoding"),
            header("Cache-Control"),
            header("Vary"),
        );
        Answer {
            status,
            etag,
            encoding,
            cache_control,
            vary,
            sets_cookie: response.headers().get_one("Set-Cookie").is_some(),
            body: response.into_bytes().await.unwrap_or_default(),
        }
    }

    /// Posts a form from one of the site's pages, as a browser does.
    async fn post(&self, client: &Client, path: &str, fields: &[(&str, &str)]) -> Status {
        self.post_from(client, path, fields, Provenance::OurPage)
            .await
    }

    async fn post_from(
        &self,
        client: &Client,
        path: &str,
        fields: &[(&str, &str)],
        from: Provenance,
    ) -> Status {
        let mut request = client
            .post(path.to_string())
            .header(ContentType::Form)
            .body(common::app::encode_form(fields));
        for (name, value) in from.headers() {
            request = request.header(Header::new(name, value));
        }
        for (name, value) in &self.cookies {
            request = request.cookie(Cookie::new(name.clone(), value.clone()));
        }
        request.dispatch().await.status()
    }

    /// Logs in through the login form (the account `TestApp::petition` creates).
    async fn log_in(&mut self, client: &Client) {
        let page = self.get(client, "/login", &[]).await.text();
        let csrf = extract_csrf(&page).expect("csrf");
        let mut request =
            client
                .post("/login")
                .header(ContentType::Form)
                .body(common::app::encode_form(&[
                    ("csrf", csrf.as_str()),
                    ("login", "alice"),
                    ("password", "correct horse battery"),
                ]));
        for (name, value) in &self.cookies {
            request = request.cookie(Cookie::new(name.clone(), value.clone()));
        }
        let response = request.dispatch().await;
        assert_eq!(response.status(), Status::SeeOther, "logged in");
        for cookie in response.cookies().iter() {
            self.cookies.retain(|(name, _)| name != cookie.name());
            self.cookies
                .push((cookie.name().to_string(), cookie.value().to_string()));
        }
    }
}

/// An unconfirmed signature written straight into the database; returns its confirmation token.
async fn unconfirmed(app: &TestApp, located: &Located, email: &str) -> String {
    let token = token::generate();
    let now = signons::domain::now();
    sea_orm::ActiveModelTrait::insert(
        signature::ActiveModel {
            petition_id: Set(located.petition.id),
            first_name: Set("Pat".into()),
            last_name: Set("Doe".into()),
            email: Set(email.into()),
            newsletter: Set(false),
            confirmation_token_hash: Set(token::hash(&token)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
        &app.db,
    )
    .await
    .expect("insert a signature");
    token
}

async fn json_count(client: &Client, id: i32) -> i64 {
    let response = client.get(format!("/api/petitions/{id}")).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let doc: serde_json::Value =
        serde_json::from_str(&response.into_string().await.unwrap_or_default()).expect("JSON");
    doc["signature_count"].as_i64().expect("signature_count")
}

#[rocket::async_test]
async fn a_cached_page_is_the_same_for_every_anonymous_visitor_and_shows_nobody() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the meadow").await;
        let client = instance(&app).await;
        let path = located.path();

        let mut ann = Visitor::default();
        let mut bob = Visitor::default();
        let first = ann.get(&client, &path, &[]).await;
        assert_eq!(first.status, Status::Ok, "{backend:?}");
        let bobs = bob.get(&client, &path, &[]).await;
        assert_eq!(
            first.body, bobs.body,
            "{backend:?}: the same bytes for every anonymous visitor"
        );
        assert!(
            extract_csrf(&first.text()).is_none(),
            "{backend:?}: no token in a page everyone shares"
        );
        assert!(
            !first.sets_cookie && !bobs.sets_cookie && ann.cookies.is_empty(),
            "{backend:?}: no cookie set with a page everyone shares"
        );
        assert_eq!(
            first.cache_control.as_deref(),
            Some("public, max-age=1, stale-while-revalidate=5")
        );
        let vary = first.vary.clone().unwrap_or_default();
        for header in ["Accept-Encoding", "Accept-Language", "Cookie"] {
            assert!(
                vary.contains(header),
                "{backend:?}: Vary names {header}: {vary}"
            );
        }
        // Again, from the cache: still the same bytes.
        let again = ann.get(&client, &path, &[]).await;
        assert_eq!(again.body, first.body);

        // The form of that page is taken from the site's own pages, refused from any other.
        let sign = format!("/petitions/{}/sign", located.petition.id);
        let fields = |first: &'static str, email: &'static str| {
            [
                ("first_name", first),
                ("last_name", "Lee"),
                ("email", email),
            ]
        };
        for from in Provenance::FORGED {
            assert_eq!(
                bob.post_from(&client, &sign, &fields("Bob", "bob@example.org"), from)
                    .await,
                Status::Forbidden,
                "{backend:?}: a form sent {from:?} is refused"
            );
        }
        assert_eq!(
            ann.post(&client, &sign, &fields("Ann", "ann@example.org"))
                .await,
            Status::SeeOther
        );
        let stored = signature::Entity::find()
            .filter(signature::Column::PetitionId.eq(located.petition.id))
            .all(&app.db)
            .await
            .expect("signatures");
        assert_eq!(
            stored.iter().map(|s| s.email.as_str()).collect::<Vec<_>>(),
            ["ann@example.org"],
            "{backend:?}: only the form sent from the site is stored"
        );

        // Someone logged in gets a page made for them, with their token; nobody else sees it, and
        // no shared cache may keep it.
        let mut alice = Visitor::default();
        alice.log_in(&client).await;
        let hers = alice.get(&client, &path, &[]).await;
        let her_page = hers.text();
        assert!(her_page.contains(">alice</a>"), "{backend:?}: {her_page}");
        let her_token = extract_csrf(&her_page).expect("her token");
        let control = hers.cache_control.unwrap_or_default();
        assert!(control.starts_with("private"), "{backend:?}: {control}");
        let mut dan = Visitor::default();
        let his = dan.get(&client, &path, &[]).await.text();
        assert!(
            !his.contains(">alice</a>") && !his.contains(&her_token),
            "{backend:?}: a logged-in visitor's name and token never reach the shared cache"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn compressed_and_revalidated_pages_can_be_kept_by_any_cache() {
    let app = TestApp::start(Backend::Sqlite).await;
    let located = app.petition("Save the orchard").await;
    let client = instance(&app).await;
    let path = located.path();
    let mut visitor = Visitor::default();
    let plain = visitor.get(&client, &path, &[]).await;
    assert_eq!(plain.encoding, None);
    assert_eq!(
        plain.cache_control.as_deref(),
        Some("public, max-age=1, stale-while-revalidate=5")
    );
    let zipped = visitor
        .get(
            &client,
            &path,
            &[("Accept-Encoding", "br;q=1.0, gzip;q=0.8, *;q=0.1")],
        )
        .await;
    assert_eq!(zipped.status, Status::Ok);
    assert_eq!(zipped.encoding.as_deref(), Some("gzip"));
    assert!(
        zipped.body.len() * 2 < plain.body.len(),
        "gzip makes it smaller"
    );
    let mut unzipped = String::new();
    flate2::read::GzDecoder::new(&zipped.body[..])
        .read_to_string(&mut unzipped)
        .expect("a valid gzip stream (CRC and length checked)");
    assert_eq!(unzipped, plain.text(), "the same page");
    let refused = visitor
        .get(&client, &path, &[("Accept-Encoding", "gzip;q=0")])
        .await;
    assert_eq!(refused.encoding, None, "gzip;q=0 is a refusal");

    // Revalidation: a copy still good gets a 304, whoever holds it (a browser or a proxy).
    let etag = plain.etag.clone().expect("an ETag");
    assert_eq!(zipped.etag.as_deref(), Some(etag.as_str()));
    let revalidated = visitor
        .get(&client, &path, &[("If-None-Match", &etag)])
        .await;
    assert_eq!(revalidated.status, Status::NotModified);
    assert!(revalidated.body.is_empty());
    let mut proxy = Visitor::default();
    let theirs = proxy.get(&client, &path, &[("If-None-Match", &etag)]).await;
    assert_eq!(theirs.status, Status::NotModified);
    let stale = proxy
        .get(&client, &path, &[("If-None-Match", "\"0000000000000000\"")])
        .await;
    assert_eq!(stale.status, Status::Ok, "another copy gets the page");

    // The JSON document too.
    let json = visitor
        .get(
            &client,
            &format!("/api/petitions/{}", located.petition.id),
            &[],
        )
        .await;
    assert_eq!(
        json.cache_control.as_deref(),
        Some("public, max-age=1, stale-while-revalidate=5")
    );
    let json_etag = json.etag.expect("an ETag");
    let again = visitor
        .get(
            &client,
            &format!("/api/petitions/{}", located.petition.id),
            &[("If-None-Match", &json_etag)],
        )
        .await;
    assert_eq!(again.status, Status::NotModified);
    app.finish().await;
}

#[rocket::async_test]
async fn the_public_count_is_never_more_than_two_seconds_behind_on_any_instance() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the canal").await;
        let id = located.petition.id;
        let other = instance(&app).await;
        let page = located.path();
        // Both instances have the page and the document cached with a count of 0.
        assert_eq!(app.signature_count(id).await, 0);
        assert_eq!(json_count(&other, id).await, 0);
        let (_, html) = app.get(&page).await;
        assert!(html.contains("Nobody has signed yet"));

        // Confirmed through the first instance's pages: that instance shows it at once.
        let token = unconfirmed(&app, &located, "dee@example.org").await;
        let confirm = format!("/confirm/{token}");
        let csrf = app.csrf(&confirm).await;
        let response = app.post_form(&confirm, &[("csrf", &csrf)]).await;
        assert_eq!(response.status(), Status::Ok);
        drop(response);
        assert_eq!(
            app.signature_count(id).await,
            1,
            "{backend:?}: at once, here"
        );
        let (_, html) = app.get(&page).await;
        assert!(html.contains("One person has signed"), "{backend:?}");

        // The other instance, and a confirmation made behind every instance's back, within 2 s.
        let behind = unconfirmed(&app, &located, "eve@example.org").await;
        signing::confirm(&app.db, &behind)
            .await
            .expect("confirm")
            .expect("found");
        let started = Instant::now();
        loop {
            let (here, there) = (app.signature_count(id).await, json_count(&other, id).await);
            let other_page = other
                .get(page.clone())
                .dispatch()
                .await
                .into_string()
                .await
                .unwrap_or_default();
            if here == 2 && there == 2 && other_page.contains("2 people have signed") {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "{backend:?}: still {here} here, {there} there after {:?}",
                started.elapsed()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        // Folding the shards into the petition's row changes nothing that is shown, and leaves the
        // row itself exact.
        counter::fold(&app.db).await.expect("fold");
        assert_eq!(counter::confirmed(&app.db, id).await.expect("count"), 2);
        let row = petition::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .expect("query")
            .expect("row");
        assert_eq!(row.confirmed_count, 2, "{backend:?}");
        assert_eq!(app.signature_count(id).await, 2);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_group_commit_writes_every_signature_with_its_mail_row() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the bridge").await;
        let client = instance(&app).await;
        let mut visitor = Visitor::default();
        let page = visitor.get(&client, &located.path(), &[]).await.text();
        let path = format!("/petitions/{}/sign", located.petition.id);
        assert!(
            page.contains(&format!("action=\"{path}#error-summary\"")),
            "{page}"
        );
        let emails: Vec<String> = (0..120).map(|i| format!("g{i}@example.org")).collect();
        let forms: Vec<[(&str, &str); 3]> = emails
            .iter()
            .map(|email| {
                [
                    ("first_name", "Gil"),
                    ("last_name", "Group"),
                    ("email", email.as_str()),
                ]
            })
            .collect();
        let answers = futures_util::future::join_all(
            forms.iter().map(|form| visitor.post(&client, &path, form)),
        )
        .await;
        assert!(
            answers.iter().all(|s| *s == Status::SeeOther),
            "{backend:?}: {answers:?}"
        );
        // They were committed together, not one transaction each.
        let (written, commits) = client
            .rocket()
            .state::<SigningQueue>()
            .expect("the signing queue")
            .written();
        assert_eq!(written, 120, "{backend:?}");
        assert!(
            commits < written,
            "{backend:?}: {commits} commits for {written} signatures"
        );
        // Every answered signature is stored, each with its confirmation mail.
        for email in &emails {
            let stored = signature::Entity::find()
                .filter(signature::Column::Email.eq(email.as_str()))
                .count(&app.db)
                .await
                .expect("count");
            let mails = mail_queue::Entity::find()
                .filter(mail_queue::Column::Recipient.eq(email.as_str()))
                .count(&app.db)
                .await
                .expect("count");
            assert_eq!((stored, mails), (1, 1), "{backend:?}: {email}");
        }

        // Their links, each pressed twice at once: confirmations are grouped too, and count once.
        let links: Vec<String> = mail_queue::Entity::find()
            .all(&app.db)
            .await
            .expect("mails")
            .iter()
            .filter_map(|m| {
                let start = m.body_text.find("/confirm/")?;
                Some(m.body_text[start..start + "/confirm/".len() + 43].to_string())
            })
            .collect();
        assert_eq!(links.len(), 120);
        // The confirmation page is the signer's own: its button carries their token.
        let confirm_page = visitor.get(&client, &links[0], &[]).await.text();
        let csrf = extract_csrf(&confirm_page).expect("a token on the confirmation page");
        let csrf_only = [("csrf", csrf.as_str())];
        let presses = links.iter().chain(links.iter());
        let answers = futures_util::future::join_all(
            presses.map(|link| visitor.post(&client, link, &csrf_only)),
        )
        .await;
        assert!(
            answers.iter().all(|s| *s == Status::Ok),
            "{backend:?}: {answers:?}"
        );
        assert_eq!(
            json_count(&client, located.petition.id).await,
            120,
            "{backend:?}: exact, at once, on the confirming instance"
        );
        app.finish().await;
    }
}

/// The page a signer came from may be a second old (the page cache), or from before another instance
/// hid or closed the petition: the writer reads the petition again in its batch's own read, under
/// its locks, and refuses those signers without writing anything, alone or in a group.
#[rocket::async_test]
async fn a_petition_hidden_or_closed_since_its_page_was_read_takes_no_signature() {
    use sea_orm::sea_query::Expr;
    use signons::domain::abuse::proof_of_work::Proof;
    use signons::domain::signing::signature::{Rules, SignError, SignatureInput};

    for backend in backends() {
        let app = TestApp::start(backend).await;
        // Read while it takes signatures, as the page cache keeps it.
        let located = app.petition("Save the pier").await;
        let id = located.petition.id;
        let client = instance(&app).await;
        let site = client.rocket().state::<signons::Site>().expect("site");
        let queue = client.rocket().state::<SigningQueue>().expect("queue");
        let db = client
            .rocket()
            .state::<sea_orm::DatabaseConnection>()
            .expect("database");
        let lang = signons::i18n::Lang::source();
        let prepared = |i: usize| {
            let input = SignatureInput {
                first_name: "Pia".into(),
                last_name: format!("Pier{i}"),
                email: format!("pia{i}@example.org"),
                ..Default::default()
            };
            signing::prepare(site, &located, &input, (None, Proof::NotAsked), &lang)
                .expect("a valid signature")
        };
        let sign_together = |from: usize| {
            futures_util::future::join_all(
                (from..from + 12).map(|i| queue.sign(db, site, prepared(i))),
            )
        };
        let set = |column: petition::Column, value: sea_orm::Value| {
            petition::Entity::update_many()
                .col_expr(column, Expr::value(value))
                .filter(petition::Column::Id.eq(id))
                .exec(&app.db)
        };
        let nothing_written = || async {
            let signatures = signature::Entity::find()
                .filter(signature::Column::PetitionId.eq(id))
                .count(&app.db)
                .await
                .expect("count");
            let mails = mail_queue::Entity::find()
                .count(&app.db)
                .await
                .expect("count");
            (signatures, mails)
        };

        // Hidden by a moderator meanwhile.
        set(petition::Column::Moderated, true.into())
            .await
            .expect("hide");
        let answers = sign_together(0).await;
        assert!(
            answers
                .iter()
                .all(|a| matches!(a, Err(SignError::NotPublic))),
            "{backend:?}: {answers:?}"
        );
        // Restored, but past its deadline meanwhile: closed, in a group and alone.
        set(petition::Column::Moderated, false.into())
            .await
            .expect("restore");
        let past = signons::domain::now() - time::Duration::minutes(1);
        set(petition::Column::Deadline, Some(past).into())
            .await
            .expect("close");
        let answers = sign_together(100).await;
        assert!(
            answers.iter().all(|a| matches!(a, Err(SignError::Closed))),
            "{backend:?}: {answers:?}"
        );
        let alone = signing::write_one(db, &prepared(200), &Rules::of(site), &site.templates).await;
        assert!(matches!(alone, Err(SignError::Closed)), "{alone:?}");
        assert_eq!(nothing_written().await, (0, 0), "{backend:?}");

        // Open again: the same signers are written, each with its mail.
        let none: Option<time::OffsetDateTime> = None;
        set(petition::Column::Deadline, none.into())
            .await
            .expect("reopen");
        let answers = sign_together(0).await;
        assert!(
            answers.iter().all(Result::is_ok),
            "{backend:?}: {answers:?}"
        );
        assert_eq!(nothing_written().await, (12, 12), "{backend:?}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn signers_racing_with_one_address_count_once() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the lighthouse").await;
        let csrf = app.csrf(&located.path()).await;
        let path = format!("/petitions/{}/sign", located.petition.id);
        let race = |n: usize| {
            let requests = (0..n).map(|i| {
                let email = if i % 2 == 0 {
                    "Ivy@Example.org"
                } else {
                    " ivy@example.org "
                };
                let body = common::app::encode_form(&[
                    ("csrf", csrf.as_str()),
                    ("first_name", "Ivy"),
                    ("last_name", &format!("Racer{i}")),
                    ("email", email),
                ]);
                let mut request = app
                    .client
                    .post(path.clone())
                    .header(ContentType::Form)
                    .body(body);
                for (name, value) in Provenance::OurPage.headers() {
                    request = request.header(Header::new(name, value));
                }
                async move { request.dispatch().await.status() }
            });
            futures_util::future::join_all(requests)
        };
        let answers = race(30).await;
        assert!(
            answers.iter().all(|s| *s == Status::SeeOther),
            "{backend:?}: {answers:?}"
        );
        let rows = signature::Entity::find()
            .filter(signature::Column::PetitionId.eq(located.petition.id))
            .all(&app.db)
            .await
            .expect("rows");
        assert_eq!(rows.len(), 1, "{backend:?}: one row for one address");
        // The address is mailed as typed, and at most three times a day about one petition.
        let mails: Vec<_> = mail_queue::Entity::find()
            .all(&app.db)
            .await
            .expect("mails")
            .into_iter()
            .filter(|m| m.recipient.trim().eq_ignore_ascii_case("ivy@example.org"))
            .collect();
        assert_eq!(
            mails.len(),
            3,
            "{backend:?}: the address got its three mails of the day, not thirty"
        );

        // Only the link of the latest signature works, and it counts once.
        let mut links: Vec<String> = mails
            .iter()
            .filter_map(|m| {
                let start = m.body_text.find("/confirm/")?;
                Some(m.body_text[start..start + "/confirm/".len() + 43].to_string())
            })
            .collect();
        links.dedup();
        let mut confirmed = 0;
        for link in &links {
            let (status, page) = app.get(&local(link)).await;
            if status == Status::Ok {
                let csrf = extract_csrf(&page).expect("csrf");
                let response = app.post_form(link, &[("csrf", &csrf)]).await;
                assert_eq!(response.status(), Status::Ok);
                confirmed += 1;
            }
        }
        assert_eq!(confirmed, 1, "{backend:?}: only the latest link works");
        assert_eq!(app.signature_count(located.petition.id).await, 1);

        // Racing again after confirming: the same answers, the count unchanged.
        let answers = race(10).await;
        assert!(answers.iter().all(|s| *s == Status::SeeOther));
        assert_eq!(
            app.signature_count(located.petition.id).await,
            1,
            "{backend:?}"
        );
        let stored = signature::Entity::find()
            .filter(signature::Column::PetitionId.eq(located.petition.id))
            .count(&app.db)
            .await
            .expect("count");
        assert_eq!(stored, 1);
        app.finish().await;
    }
}

/// Whether PostgreSQL has statistics of the signatures table: when it was last analyzed, by
/// Signons or by autovacuum.
async fn signatures_analyzed(app: &TestApp) -> bool {
    use sea_orm::ConnectionTrait;
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL) AS analyzed \
             FROM pg_stat_user_tables WHERE relname = 'signatures' AND schemaname = current_schema()",
        ))
        .await
        .expect("read the statistics")
        .expect("the signatures table");
    row.try_get("", "analyzed").expect("a boolean")
}

#[rocket::async_test]
async fn a_flood_of_signatures_on_postgresql_gets_the_planner_statistics_it_needs() {
    if !backends().contains(&Backend::Postgres) {
        eprintln!(
            "SKIPPED: TEST_DATABASE_URL is not set; the planner statistics are PostgreSQL's."
        );
        return;
    }
    let app = TestApp::start(Backend::Postgres).await;
    let located = app.petition("Light the towpath").await;
    let client = instance(&app).await;
    let mut visitor = Visitor::default();
    visitor.get(&client, &located.path(), &[]).await;
    let path = format!("/petitions/{}/sign", located.petition.id);
    assert!(
        !signatures_analyzed(&app).await,
        "a fresh database has never been analyzed"
    );
    // A flood on a fresh petition: 200 signatures, far past autovacuum's own threshold (50 rows).
    let emails: Vec<String> = (0..200).map(|i| format!("f{i}@example.org")).collect();
    let forms: Vec<[(&str, &str); 3]> = emails
        .iter()
        .map(|email| {
            [
                ("first_name", "Flo"),
                ("last_name", "Flood"),
                ("email", email.as_str()),
            ]
        })
        .collect();
    let answers =
        futures_util::future::join_all(forms.iter().map(|form| visitor.post(&client, &path, form)))
            .await;
    assert!(
        answers.iter().all(|s| *s == Status::SeeOther),
        "{answers:?}"
    );
    // Signers keep coming, one every 300 ms: while they do, Signons analyzes the tables that
    // grew (PostgreSQL reports the rows written within a second or so; bounded wait).
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut more = 0;
    while !signatures_analyzed(&app).await {
        assert!(
            Instant::now() < deadline,
            "the signatures table was never analyzed during the flood"
        );
        let email = format!("later{more}@example.org");
        more += 1;
        let status = visitor
            .post(
                &client,
                &path,
                &[
                    ("first_name", "Lou"),
                    ("last_name", "Later"),
                    ("email", email.as_str()),
                ],
            )
            .await;
        assert_eq!(status, Status::SeeOther);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // The planner now knows the table holds rows, and what its columns look like.
    use sea_orm::ConnectionTrait;
    let known = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT (SELECT reltuples FROM pg_class WHERE oid = 'signatures'::regclass) > 0              AND EXISTS (SELECT 1 FROM pg_stats WHERE tablename = 'signatures'              AND attname = 'email_key' AND schemaname = current_schema()) AS known",
        ))
        .await
        .expect("read the statistics")
        .expect("a row");
    assert!(known.try_get::<bool>("", "known").expect("a boolean"));
    app.finish().await;
}

/// Rows changed in `table` since its last analysis, as PostgreSQL reports them, once they reach
/// `at_least` (a backend reports its counts within a second or so of its transaction; bounded wait).
async fn changed_since_analyzed(app: &TestApp, table: &str, at_least: i64) -> i64 {
    use sea_orm::ConnectionTrait;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let row = app
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DatabaseBackend::Postgres,
                format!(
                    "SELECT n_mod_since_analyze AS n FROM pg_stat_user_tables \
                     WHERE relname = '{table}' AND schemaname = current_schema()"
                ),
            ))
            .await
            .expect("read the table's statistics")
            .expect("the table");
        let n: i64 = row.try_get("", "n").expect("a count");
        if n >= at_least || Instant::now() >= deadline {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Adds `n` lines to the mail ledger (one of the tables a flood grows), each for its own recipient.
async fn add_ledger_lines(app: &TestApp, from: usize, n: usize) {
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared(&format!(
            "INSERT INTO mail_ledger (recipient_hash, petition_id, created_at) \
             SELECT 'r' || g, NULL, (extract(epoch FROM now()) * 1000)::bigint FROM generate_series({from}, {}) AS g",
            from + n - 1
        ))
        .await
        .expect("add ledger lines");
}

#[rocket::async_test]
async fn the_growing_tables_are_analyzed_cheaply_and_again_only_once_they_doubled() {
    if !backends().contains(&Backend::Postgres) {
        eprintln!(
            "SKIPPED: TEST_DATABASE_URL is not set; the planner statistics are PostgreSQL's."
        );
        return;
    }
    use sea_orm::ConnectionTrait;
    let app = TestApp::start(Backend::Postgres).await;
    // 400 lines on a table never analyzed: due.
    add_ledger_lines(&app, 0, 400).await;
    assert!(changed_since_analyzed(&app, "mail_ledger", 400).await >= 400);
    let analyzed = signons::db::analyze_due(&app.db).await.expect("analyze");
    assert!(
        analyzed.contains(&"mail_ledger".to_string()),
        "{analyzed:?}"
    );
    // From the small sample: a histogram of at most 11 bounds (the default target would keep up
    // to 101 for 400 distinct recipients), and the row count right.
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT array_length(histogram_bounds::text::text[], 1) AS bounds, \
             (SELECT reltuples FROM pg_class WHERE oid = 'mail_ledger'::regclass)::bigint AS tuples \
             FROM pg_stats WHERE tablename = 'mail_ledger' AND attname = 'recipient_hash' \
             AND schemaname = current_schema()",
        ))
        .await
        .expect("read the statistics")
        .expect("statistics of recipient_hash");
    let bounds: i32 = row.try_get("", "bounds").expect("histogram bounds");
    let tuples: i64 = row.try_get("", "tuples").expect("row count");
    assert!(bounds <= 11, "{bounds} histogram bounds");
    assert_eq!(tuples, 400);
    // 400 more: the table has not yet changed by 50 plus its size, so nothing is due.
    add_ledger_lines(&app, 400, 400).await;
    assert!(changed_since_analyzed(&app, "mail_ledger", 400).await >= 400);
    let analyzed = signons::db::analyze_due(&app.db).await.expect("analyze");
    assert!(
        !analyzed.contains(&"mail_ledger".to_string()),
        "{analyzed:?}"
    );
    // 60 more: past it, due again.
    add_ledger_lines(&app, 800, 60).await;
    assert!(changed_since_analyzed(&app, "mail_ledger", 460).await >= 460);
    let analyzed = signons::db::analyze_due(&app.db).await.expect("analyze");
    assert!(
        analyzed.contains(&"mail_ledger".to_string()),
        "{analyzed:?}"
    );
    app.finish().await;
}
