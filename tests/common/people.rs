//! People using Signons through its forms: register, log in and out, post a form with their own
//! CSRF token, create an organization.
use rocket::http::Status;

use super::app::TestApp;

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
