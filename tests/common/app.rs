//! Builds Signons for a test: a fresh database on each backend (a SQLite file always; PostgreSQL
//! when `TEST_DATABASE_URL` names a server we may create databases on), hermetic settings, and a
//! Rocket local client that keeps cookies like a browser.
use std::sync::Once;
use std::time::Duration;

use rand::distr::{Alphanumeric, SampleString};
use rocket::figment::Figment;
use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::{Client, LocalResponse};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::Value;
use signons::domain::petitions::petition::{self, Located, NewPetition, Owner};
use signons::domain::{people::account, people::organization};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

static POSTGRES_NOTE: Once = Once::new();
static ONLY_NOTE: Once = Once::new();

/// The backends this run covers: SQLite always, PostgreSQL when `TEST_DATABASE_URL` is set; or
/// only those `TEST_BACKENDS` names (`sqlite`, `postgres`, comma-separated), so that CI runs each
/// journey once per database (`TEST_BACKENDS=postgres` after a plain `cargo test`).
pub fn backends() -> Vec<Backend> {
    let postgres_url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if let Ok(only) = std::env::var("TEST_BACKENDS")
        && !only.trim().is_empty()
    {
        let list: Vec<Backend> = only
            .split(',')
            .filter_map(|name| match name.trim() {
                "sqlite" => Some(Backend::Sqlite),
                "postgres" => Some(Backend::Postgres),
                _ => None,
            })
            .collect();
        assert!(
            !list.contains(&Backend::Postgres) || postgres_url.is_some(),
            "TEST_BACKENDS names postgres: set TEST_DATABASE_URL too"
        );
        ONLY_NOTE.call_once(|| {
            eprintln!("NOTE: TEST_BACKENDS={only}: the journeys run on {list:?} only in this run.")
        });
        return list;
    }
    let mut list = vec![Backend::Sqlite];
    match postgres_url {
        Some(_) => list.push(Backend::Postgres),
        None => POSTGRES_NOTE.call_once(|| {
            eprintln!("NOTE: TEST_DATABASE_URL is not set: PostgreSQL is not tested in this run, only SQLite.")
        }),
    }
    list
}

/// A database of its own for one test.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    postgres: Option<(String, String)>,
}

impl TestDb {
    pub async fn new(backend: Backend, dir: &std::path::Path) -> TestDb {
        match backend {
            Backend::Sqlite => TestDb {
                url: format!("sqlite://{}?mode=rwc", dir.join("test.db").display()),
                backend,
                postgres: None,
            },
            Backend::Postgres => {
                let admin = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL");
                let name = format!(
                    "signons_t_{}",
                    Alphanumeric
                        .sample_string(&mut rand::rng(), 12)
                        .to_lowercase()
                );
                let conn = Database::connect(&admin)
                    .await
                    .expect("connect to TEST_DATABASE_URL");
                conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                conn.close().await.ok();
                let mut url = url::Url::parse(&admin).expect("TEST_DATABASE_URL is a URL");
                url.set_path(&format!("/{name}"));
                TestDb {
                    url: url.to_string(),
                    backend,
                    postgres: Some((admin, name)),
                }
            }
        }
    }

    /// Another handle on this database that never drops it (for a second app or process on it).
    pub fn shared(&self) -> TestDb {
        TestDb {
            url: self.url.clone(),
            backend: self.backend,
            postgres: None,
        }
    }

    pub async fn drop_database(&self) {
        if let Some((admin, name)) = &self.postgres
            && let Ok(conn) = Database::connect(admin).await
        {
            let _ = conn
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
            conn.close().await.ok();
        }
    }
}

/// Settings for one test app; `build` starts it.
pub struct AppBuilder {
    backend: Backend,
    figment: Figment,
    shared_db: Option<TestDb>,
}

impl AppBuilder {
    pub fn smtp(mut self, url: &str) -> Self {
        self.figment = self.figment.merge(("smtp_url", url));
        self
    }

    pub fn set(mut self, key: &str, value: impl serde::Serialize) -> Self {
        self.figment = self
            .figment
            .merge(rocket::figment::providers::Serialized::global(key, value));
        self
    }

    /// Runs this app on `db` (another app's database, say) instead of a fresh one of its own: two
    /// instances on one database. The app only uses it: creating and dropping it stays with `db`'s
    /// owner, which must outlive this app.
    pub fn shared_database(mut self, db: &TestDb) -> Self {
        assert_eq!(
            db.backend, self.backend,
            "a shared database of the app's backend"
        );
        self.shared_db = Some(db.shared());
        self
    }

    pub async fn build(self) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = match self.shared_db {
            Some(db) => db,
            None => TestDb::new(self.backend, dir.path()).await,
        };
        let figment = self
            .figment
            .merge(("data_dir", dir.path().display().to_string()))
            .merge(("database_url", db.url.clone()));
        let rocket = signons::build(figment).expect("build the app");
        let client = Client::tracked(rocket).await.expect("ignite the app");
        let conn = client
            .rocket()
            .state::<DatabaseConnection>()
            .expect("database state")
            .clone();
        TestApp {
            client,
            db: conn,
            test_db: db,
            dir,
            backend: self.backend,
        }
    }
}

pub struct TestApp {
    pub client: Client,
    pub db: DatabaseConnection,
    pub test_db: TestDb,
    pub dir: tempfile::TempDir,
    pub backend: Backend,
}

/// Hermetic settings: nothing read from `Rocket.toml` or the environment; fast mail retries.
pub fn test_figment() -> Figment {
    signons::config::defaults()
        .merge(("secret_key", "hPRYyVRiMyxpw5sBB1XeCMN1kFsDCqKvBi2QJxBVHQk="))
        .merge(("log_level", "off"))
        .merge(("public_url", "http://signons.test"))
        // Whatever the machine's zone, dates read and shown the same.
        .merge(("time_zone", "UTC"))
        .merge(("mail_poll_millis", 100))
        .merge(("mail_retry_base_secs", 1))
        .merge(("mail_retry_max_secs", 2))
        .merge(("mail_timeout_secs", 5))
        .merge(("mail_throttle_pause_secs", 1))
}

impl TestApp {
    pub fn builder(backend: Backend) -> AppBuilder {
        AppBuilder {
            backend,
            figment: test_figment(),
            shared_db: None,
        }
    }

    /// The app with mail written to a folder (no SMTP server).
    pub async fn start(backend: Backend) -> TestApp {
        Self::builder(backend).build().await
    }

    pub async fn finish(self) {
        self.test_db.drop_database().await;
    }

    /// An organization "Friends of the Park" with a published petition.
    pub async fn petition(&self, title: &str) -> Located {
        self.petition_with(title, |_| {}).await
    }

    pub async fn petition_with(
        &self,
        title: &str,
        adjust: impl FnOnce(&mut NewPetition),
    ) -> Located {
        let org = match organization::find_by_slug(&self.db, "friends-of-the-park")
            .await
            .expect("query")
        {
            Some(org) => org,
            None => {
                let user = account::create(
                    &self.db,
                    "alice",
                    "alice@example.org",
                    "correct horse battery",
                )
                .await
                .expect("create user");
                organization::create(&self.db, "Friends of the Park", &user)
                    .await
                    .expect("create organization")
            }
        };
        let mut new = NewPetition {
            title: title.into(),
            body_html: "<p>Keep the park green.</p>".into(),
            goal: Some(100),
            published: true,
            ..Default::default()
        };
        adjust(&mut new);
        petition::create(&self.db, &Owner::Organization(org), new)
            .await
            .expect("create petition")
    }

    pub async fn get(&self, path: &str) -> (Status, String) {
        let response = self.client.get(path.to_string()).dispatch().await;
        let status = response.status();
        (status, response.into_string().await.unwrap_or_default())
    }

    pub async fn get_lang(&self, path: &str, lang: &str) -> (Status, String) {
        let response = self
            .client
            .get(path.to_string())
            .header(Header::new("Accept-Language", lang.to_string()))
            .dispatch()
            .await;
        let status = response.status();
        (status, response.into_string().await.unwrap_or_default())
    }

    /// The CSRF token of the forms on `path`, as a browser would find it. The pages every anonymous
    /// visitor shares (the petition page, the home page) carry none (their forms are checked by
    /// where the browser says they come from): for those, this visitor's own token, from the login
    /// page, for the forms of other pages a test posts to.
    pub async fn csrf(&self, path: &str) -> String {
        let (_, body) = self.get(path).await;
        if let Some(token) = extract_csrf(&body) {
            return token;
        }
        assert!(body.contains("<form"), "{path}: a page with a form");
        let (_, login) = self.get("/login").await;
        extract_csrf(&login).expect("a CSRF field on the login page")
    }

    /// Posts an URL-encoded form from one of the site's pages, as a browser does (`Origin` and
    /// `Sec-Fetch-Site` name this site).
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> LocalResponse<'_> {
        self.post_form_lang(path, fields, "en").await
    }

    pub async fn post_form_lang(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        lang: &str,
    ) -> LocalResponse<'_> {
        self.post_form_from(path, fields, lang, Provenance::OurPage)
            .await
    }

    /// Posts an URL-encoded form sent from `from`.
    pub async fn post_form_from(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        lang: &str,
        from: Provenance,
    ) -> LocalResponse<'_> {
        let mut request = self
            .client
            .post(path.to_string())
            .header(ContentType::Form)
            .header(Header::new("Accept-Language", lang.to_string()))
            .remote("127.0.0.1:4242".parse().expect("socket address"));
        for (name, value) in from.headers() {
            request = request.header(Header::new(name, value));
        }
        request.body(encode_form(fields)).dispatch().await
    }

    /// Posts a `multipart/form-data` form from one of the site's pages, as a browser sends a form
    /// with files: `fields`, then each file as (field, file name, content type, bytes).
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &str, &[u8])],
        lang: &str,
    ) -> LocalResponse<'_> {
        const BOUNDARY: &str = "----signons-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for (name, file_name, content_type, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        let content_type =
            ContentType::new("multipart", "form-data").with_params(("boundary", BOUNDARY));
        let mut request = self
            .client
            .post(path.to_string())
            .header(content_type)
            .header(Header::new("Accept-Language", lang.to_string()))
            .remote("127.0.0.1:4242".parse().expect("socket address"));
        for (name, value) in Provenance::OurPage.headers() {
            request = request.header(Header::new(name, value));
        }
        request.body(body).dispatch().await
    }

    /// Signs `located` like a browser: opens the page, then posts the form as it is there.
    pub async fn sign(
        &self,
        located: &Located,
        first: &str,
        last: &str,
        email: &str,
    ) -> LocalResponse<'_> {
        let csrf = self.csrf(&located.path()).await;
        self.post_form(
            &format!("/petitions/{}/sign", located.petition.id),
            &[
                ("csrf", &csrf),
                ("first_name", first),
                ("last_name", last),
                ("email", email),
            ],
        )
        .await
    }

    /// A signature of `petition_id` as the sign form leaves it, in `locale`, then confirmed through
    /// the real confirmation (which counts it) when `confirmed`. Returns its id and its token.
    pub async fn stored_signature(
        &self,
        petition_id: i32,
        (first, last, email): (&str, &str, &str),
        locale: &str,
        confirmed: bool,
    ) -> (i32, String) {
        use sea_orm::{ActiveModelTrait, Set};
        use signons::domain::{signing::signature as signing, token};
        use signons::entity::signature;
        let token = token::generate();
        let now = signons::domain::now();
        let row = signature::ActiveModel {
            petition_id: Set(petition_id),
            first_name: Set(first.into()),
            last_name: Set(last.into()),
            email: Set(email.into()),
            newsletter: Set(false),
            locale: Set(Some(locale.into())),
            confirmation_token_hash: Set(token::hash(&token)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("insert signature");
        if confirmed {
            let done = signing::confirm(&self.db, &token).await.expect("confirm");
            assert!(done.is_some(), "confirmed");
        }
        (row.id, token)
    }

    /// The petition's JSON document.
    pub async fn json(&self, id: i32) -> Value {
        let (status, body) = self.get(&format!("/api/petitions/{id}")).await;
        assert_eq!(status, Status::Ok, "{body}");
        serde_json::from_str(&body).expect("JSON")
    }

    pub async fn signature_count(&self, id: i32) -> i64 {
        self.json(id).await["signature_count"]
            .as_i64()
            .expect("signature_count")
    }

    /// Waits (bounded) until the queue has no mail left to send.
    pub async fn wait_queue_empty(&self, timeout: Duration) -> bool {
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        use signons::entity::mail_queue;
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let pending = mail_queue::Entity::find()
                .filter(mail_queue::Column::Status.eq(mail_queue::STATUS_PENDING))
                .count(&self.db)
                .await
                .unwrap_or(u64::MAX);
            if pending == 0 {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The .eml files written when no SMTP server is configured.
    pub fn eml_files(&self) -> Vec<String> {
        let dir = self.dir.path().join("mail");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect()
    }
}

/// Where a posted form comes from, as the browser's headers say.
#[derive(Debug, Clone, Copy)]
pub enum Provenance {
    /// One of the site's pages: `Origin` and `Sec-Fetch-Site: same-origin`.
    OurPage,
    /// Another site, in a browser that sends `Sec-Fetch-Site: cross-site` (and its `Origin`).
    CrossSite,
    /// Another site, in a browser that sends `Origin` only.
    ForeignOrigin,
    /// No `Origin`, but a `Referer` on another site.
    ForeignReferer,
    /// `Origin: null` (a sandboxed frame, a data: document).
    NullOrigin,
    /// Nothing saying where it comes from (a script, an old client).
    Nowhere,
}

impl Provenance {
    pub fn headers(self) -> Vec<(&'static str, &'static str)> {
        match self {
            Provenance::OurPage => vec![
                ("Origin", "http://signons.test"),
                ("Sec-Fetch-Site", "same-origin"),
            ],
            Provenance::CrossSite => vec![
                ("Origin", "https://evil.example"),
                ("Sec-Fetch-Site", "cross-site"),
            ],
            Provenance::ForeignOrigin => vec![("Origin", "https://evil.example")],
            Provenance::ForeignReferer => vec![("Referer", "https://evil.example/signons.test/")],
            Provenance::NullOrigin => vec![("Origin", "null")],
            Provenance::Nowhere => vec![],
        }
    }

    /// Every way a forged form comes from elsewhere.
    pub const FORGED: [Provenance; 5] = [
        Provenance::CrossSite,
        Provenance::ForeignOrigin,
        Provenance::ForeignReferer,
        Provenance::NullOrigin,
        Provenance::Nowhere,
    ];
}

pub fn extract_csrf(html: &str) -> Option<String> {
    let start = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

pub fn encode_form(fields: &[(&str, &str)]) -> String {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        serializer.append_pair(k, v);
    }
    serializer.finish()
}

/// The path of an absolute link of this test app (`http://signons.test/confirm/…` → `/confirm/…`).
pub fn local(url: &str) -> String {
    url.trim_start_matches("http://signons.test").to_string()
}

/// Signons listening on a real TCP port, for browsers and other HTTP clients.
pub struct TestServer {
    pub url: String,
    pub db: DatabaseConnection,
    pub test_db: TestDb,
    pub dir: tempfile::TempDir,
    shutdown: rocket::Shutdown,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// "Save the park", a published petition of a fresh organization of alice, with a goal of 10;
    /// asking for a proof of work when `proof_of_work`.
    pub async fn park_petition(&self, proof_of_work: bool) -> Located {
        let user = account::create(
            &self.db,
            "alice",
            "alice@example.org",
            "correct horse battery",
        )
        .await
        .expect("user");
        let org = organization::create(&self.db, "Friends of the Park", &user)
            .await
            .expect("organization");
        let located = petition::create(
            &self.db,
            &Owner::Organization(org),
            NewPetition {
                title: "Save the park".into(),
                body_html: "<p>Trees.</p>".into(),
                goal: Some(10),
                published: true,
                ..Default::default()
            },
        )
        .await
        .expect("petition");
        if !proof_of_work {
            return located;
        }
        signons::domain::abuse::proof_of_work::ask_on_petition(&self.db, located.petition.id, true)
            .await
            .expect("ask for a proof of work");
        petition::find(&self.db, located.petition.id)
            .await
            .expect("query")
            .expect("petition")
    }

    pub async fn start(backend: Backend, smtp_url: Option<&str>) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = TestDb::new(backend, dir.path()).await;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let url = format!("http://127.0.0.1:{port}");
        let mut figment = test_figment()
            .merge(("address", "127.0.0.1"))
            .merge(("port", port))
            .merge(("public_url", url.clone()))
            .merge(("data_dir", dir.path().display().to_string()))
            .merge(("database_url", db.url.clone()));
        if let Some(smtp) = smtp_url {
            figment = figment.merge(("smtp_url", smtp));
        }
        let rocket = signons::build(figment)
            .expect("build")
            .ignite()
            .await
            .expect("ignite");
        let conn = rocket
            .state::<DatabaseConnection>()
            .expect("database")
            .clone();
        let shutdown = rocket.shutdown();
        let task = tokio::spawn(async move {
            let _ = rocket.launch().await;
        });
        // Bounded wait until the port accepts connections.
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        TestServer {
            url,
            db: conn,
            test_db: db,
            dir,
            shutdown,
            task,
        }
    }

    pub async fn stop(self) {
        self.shutdown.notify();
        let _ = tokio::time::timeout(Duration::from_secs(15), self.task).await;
        self.test_db.drop_database().await;
    }
}
