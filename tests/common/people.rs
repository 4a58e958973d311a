//! People using Signons through its forms: register, log in and out, post a form with their own
//! CSRF token, create an organization. And people seen side by side without logging in and out:
//! a `Person` carries their own session cookie on each request (`get_as`, `post_as`).
use rocket::http::{ContentType, Cookie, Header, Status};
use signons::domain::administration::audit::Actor;
use signons::domain::administration::roles::{self, Role};
use signons::domain::people::{account, session};
use signons::domain::petitions::petition::{self, Located, NewPetition, Owner};
use signons::entity::user;

use super::app::{TestApp, encode_form};

pub const PASSWORD: &str = "a long enough password";

/// Registers `username` (address `<username>@example.org`) through the form, verifies the address
/// through the mailed link, and logs in.
pub async fn register(app: &TestApp, username: &str) {
    log_out(app).await;
    let csrf = app.csrf("/register").await;
    let email = format!("{username}@example.org");
    let response = super::accounts::post_from(
        app,
        &super::accounts::address_of(username),
        "/register",
        &[
            ("csrf", &csrf),
            ("username", username),
            ("email", &email),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(response.status(), Status::SeeOther, "register {username}");
    drop(response);
    super::accounts::verify_address(app, &email).await;
    log_in(app, username).await;
}

pub async fn log_in(app: &TestApp, username: &str) {
    log_out(app).await;
    let csrf = app.csrf("/login").await;
    let response = app
        .post_form(
            "/login",
            &[("csrf", &csrf), ("login", username), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther, "log in {username}");
}

pub async fn log_out(app: &TestApp) {
    let csrf = app.csrf("/").await;
    app.post_form("/logout", &[("csrf", &csrf)]).await;
}

/// Posts a form with the visitor's own valid CSRF token.
pub async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Status {
    let csrf = app.csrf("/").await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(path, &all).await.status()
}

pub async fn create_org(app: &TestApp, name: &str) -> String {
    let csrf = app.csrf("/organizations/new").await;
    let response = app
        .post_form("/organizations", &[("csrf", &csrf), ("name", name)])
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    let location = response
        .headers()
        .get_one("Location")
        .unwrap_or_default()
        .to_string();
    location.trim_start_matches("/organizations/").to_string()
}

pub async fn user_id(app: &TestApp, username: &str) -> i32 {
    signons::domain::people::account::find_by_username(&app.db, username)
        .await
        .expect("query")
        .expect("account")
        .id
}

/// Invites `username` and has them accept from their dashboard.
pub async fn join(app: &TestApp, slug: &str, inviter: &str, username: &str) {
    log_in(app, inviter).await;
    assert_eq!(
        post(
            app,
            &format!("/organizations/{slug}/invite"),
            &[("who", username)]
        )
        .await,
        Status::SeeOther
    );
    log_in(app, username).await;
    let (_, dashboard) = app.get("/dashboard").await;
    let at = dashboard
        .find("/invitations/")
        .expect("an invitation on the dashboard");
    let id: String = dashboard[at + "/invitations/".len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert_eq!(
        post(app, &format!("/invitations/{id}/accept"), &[]).await,
        Status::SeeOther
    );
}

/// Someone with an account, and the session cookie their browser would carry. Requests made with
/// it go through the same client as anonymous ones, whose cookie jar never holds a session: the
/// public and the logged-in people are seen side by side, with no login in between.
pub struct Person {
    pub name: String,
    pub cookie: Cookie<'static>,
}

/// An account (the first one made is the administrator) with a session of its own.
pub async fn person(app: &TestApp, name: &str) -> Person {
    let user = account::create(&app.db, name, &format!("{name}@example.org"), PASSWORD)
        .await
        .expect("account");
    session_of(app, &user).await
}

/// An account made an instance moderator on the command line, with a session opened after that
/// (as a login would be).
pub async fn moderator(app: &TestApp, name: &str) -> Person {
    account::create(&app.db, name, &format!("{name}@example.org"), PASSWORD)
        .await
        .expect("account");
    let user = roles::promote(&app.db, &Actor::command_line(), name, Role::Moderator)
        .await
        .expect("promote")
        .expect("account");
    session_of(app, &user).await
}

/// A new session of `user`, and the cookie a login would have given their browser.
pub async fn session_of(app: &TestApp, user: &user::Model) -> Person {
    let token = session::open(&app.db, user).await.expect("session");
    Person {
        name: user.username.clone(),
        cookie: Cookie::new("session", signons::web::session::cookie_value(&token, user)),
    }
}

pub async fn user_model(app: &TestApp, name: &str) -> user::Model {
    account::find_by_username(&app.db, name)
        .await
        .expect("query")
        .expect("account")
}

/// A petition of `owner`'s own, published or a draft.
pub async fn personal(app: &TestApp, owner: &str, title: &str, published: bool) -> Located {
    petition::create(
        &app.db,
        &Owner::User(user_model(app, owner).await),
        NewPetition {
            title: title.into(),
            body_html: "<p>Read this.</p>".into(),
            published,
            ..Default::default()
        },
    )
    .await
    .expect("petition")
}

/// "Save the park", published by the organization "Park Friends" of `username`, who registers,
/// creates it and stays logged in.
pub async fn park_friends_petition(app: &TestApp, username: &str) -> Located {
    register(app, username).await;
    let slug = create_org(app, "Park Friends").await;
    log_in(app, username).await;
    let org = signons::domain::people::organization::find_by_slug(&app.db, &slug)
        .await
        .expect("query")
        .expect("org");
    petition::create(
        &app.db,
        &Owner::Organization(org),
        NewPetition {
            title: "Save the park".into(),
            body_html: "<p>Keep the old trees.</p>".into(),
            published: true,
            ..Default::default()
        },
    )
    .await
    .expect("petition")
}

/// A page in English as `who` (or the public) gets it: status, body and `Cache-Control`.
pub async fn get_as(app: &TestApp, who: Option<&Person>, path: &str) -> (Status, String, String) {
    let mut request = app
        .client
        .get(path.to_string())
        .header(Header::new("Accept-Language", "en"));
    if let Some(who) = who {
        request = request.private_cookie(who.cookie.clone());
    }
    let response = request.dispatch().await;
    let status = response.status();
    let cache = response
        .headers()
        .get_one("Cache-Control")
        .unwrap_or_default()
        .to_string();
    (
        status,
        response.into_string().await.unwrap_or_default(),
        cache,
    )
}

/// Posts a form as `who` (or the public) with the browser's own CSRF token; the status and the
/// page.
pub async fn post_as(
    app: &TestApp,
    who: Option<&Person>,
    path: &str,
    fields: &[(&str, &str)],
) -> (Status, String) {
    let csrf = app.csrf("/").await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let mut request = app
        .client
        .post(path.to_string())
        .header(ContentType::Form)
        .header(Header::new("Accept-Language", "en"))
        .remote("127.0.0.1:4242".parse().expect("address"))
        .body(encode_form(&all));
    if let Some(who) = who {
        request = request.private_cookie(who.cookie.clone());
    }
    let response = request.dispatch().await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}
