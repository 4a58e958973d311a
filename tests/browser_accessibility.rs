//! Accessibility in a real browser (headless Chromium with JavaScript): axe-core audits every page a
//! person reaches — public, account, dashboard, wizard, editor, signatures, organization, admin and
//! error pages, each petition theme, forms that came back with errors, and the pages the links of
//! mails open (confirming, withdrawing, unsubscribing, stopping a digest, an invitation, a change
//! of address) — in English and in French,
//! against WCAG 2.2 A and AA; the same pages must not scroll sideways at 320 px; and a petition is
//! signed with the keyboard alone.
//!
//! axe-core comes from npm (`npm ci` installs the version pinned in `package-lock.json` into
//! `node_modules/`; `AXE_CORE_JS` may name another copy). Without it the audit says why it skips,
//! unless `CI=true`, where it fails.
mod common;

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::app::{TestServer, backends};
use common::browser::Browser;
use common::smtp::SmtpServer;
use fantoccini::Locator;
use fantoccini::key::Key;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use signons::domain::outreach::updates::{self, UpdateInput};
use signons::domain::outreach::{digest, unsubscribe};
use signons::domain::people::{account, organization};
use signons::domain::petitions::petition::{self, Located, NewPetition, Owner};
use signons::domain::petitions::{petition_template, picture, theme};
use signons::domain::{signing::signature as signing, token};
use signons::entity::{
    email_change, invitation, petition as petition_row, petition_digest, signature,
};

/// The WCAG 2.2 A and AA rules of axe-core (2.2 added AA rules only).
const WCAG_TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const LANGUAGES: [&str; 2] = ["en", "fr"];
const ADMIN: (&str, &str) = ("root", "a long admin password");
const MIN_STATES: usize = 60;
/// In a state's `fill`, clicks the element (a radio button, a check box) instead of typing.
const TICK: &str = "\u{2713}";

fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// axe-core's browser bundle, or None (and why) when npm has not installed it here.
fn axe_source() -> Option<String> {
    let path = std::env::var_os("AXE_CORE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js")
        });
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(e) if is_ci() => panic!(
            "{}: {e}; run `npm ci` (CI=true, so the accessibility audit must not be skipped)",
            path.display()
        ),
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: axe-core not found at {} ({e}); run `npm ci` at the repository root",
                path.display()
            );
            None
        }
    }
}

/// Who looks at a page: anyone, or the instance's administrator (who also owns the petitions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Public,
    Admin,
}

/// How a page state is reached: opened at its address, or a form there filled and sent.
enum Reach {
    Open(String),
    Submit {
        open: String,
        fill: Vec<(&'static str, String)>,
        press: &'static str,
    },
}

struct PageState {
    name: &'static str,
    who: Who,
    reach: Reach,
    /// Something the page's source must hold (an id, an address), so that a state audits the page
    /// it names and not, say, a login page it was sent to.
    expect: &'static str,
    /// The one language it is visited in, for a state that uses up what it shows (a mailed link
    /// that works once); otherwise every language.
    only_in: Option<&'static str>,
}

impl PageState {
    fn only_in(self, lang: &'static str) -> PageState {
        PageState {
            only_in: Some(lang),
            ..self
        }
    }
}

fn open(name: &'static str, who: Who, path: String, expect: &'static str) -> PageState {
    PageState {
        name,
        who,
        reach: Reach::Open(path),
        expect,
        only_in: None,
    }
}

fn submit(
    name: &'static str,
    who: Who,
    path: String,
    fill: &[(&'static str, &str)],
    press: &'static str,
    expect: &'static str,
) -> PageState {
    PageState {
        name,
        who,
        reach: Reach::Submit {
            open: path,
            fill: fill
                .iter()
                .map(|(css, text)| (*css, text.to_string()))
                .collect(),
            press,
        },
        expect,
        only_in: None,
    }
}

/// What the pages show: petitions of an organization in each theme (one with a goal, a deadline,
/// signatures, an update, a template and a daily digest), a draft half-way through the wizard, a
/// pending signature and a confirmed one, a second account, and the administrator; and what the
/// mails hold: the links of an invitation, of a change of address (one a language), of the
/// updates of a signer who gets them and of one who does not, and of the digest.
struct Fixture {
    park: Located,
    themed: Vec<(&'static str, Located)>,
    draft: Located,
    pending_token: String,
    confirmed_token: String,
    update_id: i32,
    ben_id: i32,
    invitation_token: String,
    email_change_tokens: Vec<(&'static str, String)>,
    unsubscribe_paths: [String; 2],
    digest_stop_paths: [String; 2],
}

async fn fixture(server: &TestServer) -> Fixture {
    let db = &server.db;
    let (name, password) = ADMIN;
    let admin = account::create_admin(db, name, "root@example.org", password)
        .await
        .expect("administrator");
    let ben = account::create(db, "ben", "ben@example.org", "a long enough password")
        .await
        .expect("second account");
    let org = organization::create(db, "Friends of the Park", &admin)
        .await
        .expect("organization");
    let owner = Owner::Organization(org);
    let new = |title: &str, published: bool| NewPetition {
        title: title.into(),
        body_html: "<p>Keep the park green: <strong>no</strong> car park on the lawn.</p>".into(),
        goal: Some(100),
        deadline: Some(signons::domain::now() + time::Duration::days(30)),
        published,
        ..Default::default()
    };
    let park = petition::create(db, &owner, new("Save the park", true))
        .await
        .expect("petition");
    let mut themed = Vec::new();
    for theme in theme::THEMES.iter().skip(1) {
        let located = petition::create(db, &owner, new(&format!("A {} page", theme.name), true))
            .await
            .expect("petition");
        petition_row::ActiveModel {
            id: Set(located.petition.id),
            theme: Set(theme.name.into()),
            ..Default::default()
        }
        .update(db)
        .await
        .expect("theme");
        themed.push((theme.name, located));
    }
    let draft = petition::create(db, &owner, new("Clean the lake", false))
        .await
        .expect("draft");
    let mut confirmed_tokens = Vec::new();
    for (first, last) in [("Ann", "Lee"), ("Bob", "Roy"), ("Chloé", "Dupont")] {
        let email = format!("{}@example.org", first.to_lowercase());
        let token = signature_of(server, park.petition.id, (first, last, &email)).await;
        signing::confirm(db, &token)
            .await
            .expect("confirm")
            .expect("a pending signature");
        confirmed_tokens.push(token);
    }
    // The petition heads its page with a picture and shows its signers who agreed to it.
    let mut lawn = Vec::new();
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(900, 600, |x, y| {
        image::Rgb([(x / 6) as u8, 150, (y / 4) as u8])
    }))
    .write_to(
        &mut std::io::Cursor::new(&mut lawn),
        image::ImageFormat::Png,
    )
    .expect("a picture");
    let lawn = picture::process_now(&lawn).expect("processed");
    picture::store(
        db,
        park.petition.id,
        &lawn,
        "The lawn of the park in spring",
    )
    .await
    .expect("stored");
    petition_row::ActiveModel {
        id: Set(park.petition.id),
        show_signers: Set(true),
        ..Default::default()
    }
    .update(db)
    .await
    .expect("signers shown");
    signature::Entity::update_many()
        .col_expr(signature::Column::ShownPublicly, true.into())
        .col_expr(signature::Column::City, "Lyon".into())
        .col_expr(signature::Column::Comment, "For the old trees.".into())
        .filter(signature::Column::Email.eq("ann@example.org"))
        .exec(db)
        .await
        .expect("Ann shown");
    let pending_token =
        signature_of(server, park.petition.id, ("Dan", "Moe", "dan@example.org")).await;
    let update = updates::create(
        db,
        &park,
        &admin,
        &UpdateInput {
            subject: "The council listens".into(),
            body: "We meet the council **on Monday**.".into(),
            private: false,
        },
    )
    .await
    .expect("update");
    petition_template::save_from_petition(db, &admin, park.petition.id, "Park campaign")
        .await
        .expect("template");
    let now = signons::domain::now();
    // Ben's organization invites the administrator.
    let band = organization::create(db, "Ben's Band", &ben)
        .await
        .expect("second organization");
    let invitation_token = token::generate();
    invitation::ActiveModel {
        organization_id: Set(band.id),
        user_id: Set(Some(admin.id)),
        token_hash: Set(token::hash(&invitation_token)),
        invited_by: Set(Some(ben.id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("invitation");
    // A change of address waits for its link, one account a language (the link works once).
    let mut email_change_tokens = Vec::new();
    for (lang, name) in LANGUAGES.iter().zip(["carol", "dave"]) {
        let user = account::create(
            db,
            name,
            &format!("{name}@example.org"),
            "a long enough password",
        )
        .await
        .expect("account");
        let change_token = token::generate();
        email_change::ActiveModel {
            user_id: Set(user.id),
            new_email: Set(format!("{name}.new@example.org")),
            token_hash: Set(token::hash(&change_token)),
            expires_at: Set(now + time::Duration::days(1)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("change of address");
        email_change_tokens.push((*lang, change_token));
    }
    // Bob gets the updates, Ann does not; the digest goes to the administrator.
    let signer = |email: &'static str| {
        signature::Entity::find()
            .filter(signature::Column::Email.eq(email))
            .one(db)
    };
    let bob = signer("bob@example.org")
        .await
        .expect("query")
        .expect("Bob");
    signature::ActiveModel {
        id: Set(bob.id),
        newsletter: Set(true),
        ..Default::default()
    }
    .update(db)
    .await
    .expect("Bob gets the updates");
    let ann = signer("ann@example.org")
        .await
        .expect("query")
        .expect("Ann");
    let keys = signons::config::Keys::derive(&common::app::test_figment());
    petition_digest::ActiveModel {
        petition_id: Set(park.petition.id),
        enabled: Set(true),
        recipients: Set("root@example.org".into()),
        include_names: Set(false),
        locale: Set(Some("en".into())),
        sent_until: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .expect("digest");
    let stop = |to| digest::stop_path(&keys.unsubscribe, park.petition.id, to);
    Fixture {
        unsubscribe_paths: [bob.id, ann.id].map(|id| unsubscribe::path(&keys.unsubscribe, id)),
        digest_stop_paths: [stop("root@example.org"), stop("nobody@example.org")],
        park,
        themed,
        draft,
        pending_token,
        confirmed_token: confirmed_tokens.swap_remove(0),
        update_id: update.id,
        ben_id: ben.id,
        invitation_token,
        email_change_tokens,
    }
}

/// A signature as the sign form leaves it (not confirmed); its confirmation token.
async fn signature_of(
    server: &TestServer,
    petition_id: i32,
    (first, last, email): (&str, &str, &str),
) -> String {
    let token = token::generate();
    let now = signons::domain::now();
    signature::ActiveModel {
        petition_id: Set(petition_id),
        first_name: Set(first.into()),
        last_name: Set(last.into()),
        email: Set(email.into()),
        newsletter: Set(false),
        locale: Set(Some("en".into())),
        confirmation_token_hash: Set(token::hash(&token)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&server.db)
    .await
    .expect("signature");
    token
}

/// Every page state, in the order a visit takes them (the report filed by the public is in the
/// administrator's moderation queue).
fn page_states(f: &Fixture) -> Vec<PageState> {
    use Who::{Admin, Public};
    let park = f.park.path();
    let id = f.park.petition.id;
    let draft = f.draft.petition.id;
    let token = &f.pending_token;
    let sign_button = "form[action*='/sign'] button.primary";
    let mut states = vec![
        open("home", Public, "/".into(), "id=\"main\""),
        open("search results", Public, "/?q=park".into(), "name=\"q\""),
        open(
            "search without results",
            Public,
            "/?q=zzzz".into(),
            "name=\"q\"",
        ),
        open("petition page", Public, park.clone(), "id=\"sign-title\""),
    ];
    for (name, located) in &f.themed {
        let state = match *name {
            "paper" => "petition page, paper theme",
            "dark" => "petition page, dark theme",
            _ => "petition page, another theme",
        };
        states.push(open(state, Public, located.path(), "/theme/"));
    }
    states.extend([
        submit(
            "sign form with errors",
            Public,
            park.clone(),
            &[("#last_name", "Lee"), ("#email", "not an address")],
            sign_button,
            "id=\"error-summary\"",
        ),
        submit(
            "signed: check your mailbox",
            Public,
            park.clone(),
            &[
                ("#first_name", "Eve"),
                ("#last_name", "Ray"),
                ("#email", "eve@example.org"),
            ],
            sign_button,
            "/static/signons.css",
        ),
        open(
            "confirmation link",
            Public,
            format!("/confirm/{token}"),
            "name=\"csrf\"",
        ),
        open(
            "withdrawal link",
            Public,
            format!("/withdraw/{token}"),
            "name=\"csrf\"",
        ),
        open(
            "expired link",
            Public,
            "/confirm/no-such-token".into(),
            "id=\"main\"",
        ),
        open(
            "confirmed: thanks",
            Public,
            format!("/confirm/{}", f.confirmed_token),
            "/withdraw/",
        ),
        open(
            "updates: unsubscribing",
            Public,
            f.unsubscribe_paths[0].clone(),
            "action=\"/unsubscribe/",
        ),
        open(
            "updates: unsubscribed",
            Public,
            f.unsubscribe_paths[1].clone(),
            "role=\"status\"",
        ),
        open(
            "digest: stopping",
            Public,
            f.digest_stop_paths[0].clone(),
            "/digest/stop/",
        ),
        open(
            "digest: stopped",
            Public,
            f.digest_stop_paths[1].clone(),
            "nobody@example.org",
        ),
        open(
            "invitation, logged out",
            Public,
            format!("/invitations/{}", f.invitation_token),
            "/register?next=",
        ),
    ]);
    for (lang, change_token) in &f.email_change_tokens {
        let link = format!("/account/email/{change_token}");
        states.extend([
            open(
                "change of address: the link",
                Public,
                link.clone(),
                "action=\"/account/email/",
            )
            .only_in(lang),
            submit(
                "change of address: done",
                Public,
                link,
                &[],
                "form[action^='/account/email/'] button.primary",
                "href=\"/account\"",
            )
            .only_in(lang),
        ]);
    }
    states.extend([
        open(
            "embedded sign form",
            Public,
            format!("/petitions/{id}/embed"),
            "/sign",
        ),
        submit(
            "embedded sign form with errors",
            Public,
            format!("/petitions/{id}/embed"),
            &[("#email", "not an address")],
            "form[action*='/sign'] button.primary",
            "id=\"error-summary\"",
        ),
        open(
            "report form",
            Public,
            format!("/petitions/{id}/report"),
            "name=\"reason\"",
        ),
        submit(
            "report form with errors",
            Public,
            format!("/petitions/{id}/report"),
            &[],
            "form[action*='/report'] button.primary",
            "id=\"error-summary\"",
        ),
        submit(
            "report sent",
            Public,
            format!("/petitions/{id}/report"),
            &[
                ("input[name='reason']", TICK),
                ("#comment", "Not about the park at all."),
            ],
            "form[action*='/report'] button.primary",
            "id=\"main\"",
        ),
        open("person page", Public, "/u/root".into(), "id=\"main\""),
        open(
            "organization profile",
            Public,
            "/o/friends-of-the-park".into(),
            "id=\"main\"",
        ),
        open(
            "page not found",
            Public,
            "/no-such-page".into(),
            "id=\"main\"",
        ),
        open("register", Public, "/register".into(), "id=\"username\""),
        submit(
            "register with errors",
            Public,
            "/register".into(),
            &[
                ("#username", "x"),
                ("#email", "nope"),
                ("#password", "short"),
            ],
            "form[action^='/register'] button.primary",
            "id=\"error-summary\"",
        ),
        open("login", Public, "/login".into(), "id=\"login\""),
        submit(
            "login with errors",
            Public,
            "/login".into(),
            &[("#login", "nobody"), ("#password", "not the password")],
            "form[action^='/login'] button.primary",
            "id=\"login\"",
        ),
        open(
            "forgotten password",
            Public,
            "/password/forgot".into(),
            "id=\"email\"",
        ),
        submit(
            "forgotten password: sent",
            Public,
            "/password/forgot".into(),
            &[("#email", "root@example.org")],
            "form[action^='/password/forgot'] button.primary",
            "id=\"main\"",
        ),
        open(
            "password reset link",
            Public,
            "/password/reset/no-such-token".into(),
            "id=\"main\"",
        ),
        // The administrator, who owns the petitions.
        open(
            "dashboard",
            Admin,
            "/dashboard".into(),
            "href=\"/petitions/new\"",
        ),
        open(
            "account settings",
            Admin,
            "/account".into(),
            "action=\"/account/password",
        ),
        submit(
            "account settings with errors",
            Admin,
            "/account".into(),
            &[("#new_password", "short")],
            "form[action^='/account/password'] button.primary",
            "id=\"error-summary\"",
        ),
        open(
            "account deletion",
            Admin,
            "/account/delete".into(),
            "name=\"csrf\"",
        ),
        open(
            "wizard: title",
            Admin,
            "/petitions/new".into(),
            "id=\"title\"",
        ),
        submit(
            "wizard: title with errors",
            Admin,
            "/petitions/new".into(),
            &[],
            "form button[value='next']",
            "id=\"error-summary\"",
        ),
        open(
            "wizard: text",
            Admin,
            format!("/petitions/{draft}/wizard/text"),
            "id=\"body_html\"",
        ),
        submit(
            "wizard: text with errors",
            Admin,
            format!("/petitions/{draft}/wizard/text"),
            &[("#body_html", "")],
            "form button[value='next']",
            "id=\"error-summary\"",
        ),
        open(
            "wizard: options",
            Admin,
            format!("/petitions/{draft}/wizard/options"),
            "id=\"goal\"",
        ),
        submit(
            "wizard: options with errors",
            Admin,
            format!("/petitions/{draft}/wizard/options"),
            &[("#goal", "-3")],
            "form button[value='next']",
            "id=\"error-summary\"",
        ),
        open(
            "wizard: preview",
            Admin,
            format!("/petitions/{draft}/wizard/preview"),
            "value=\"save\"",
        ),
        open(
            "editor",
            Admin,
            format!("/petitions/{id}/edit"),
            "id=\"title\"",
        ),
        submit(
            "editor with errors",
            Admin,
            format!("/petitions/{id}/edit"),
            &[("#title", ""), ("#goal", "-1")],
            "form[action*='/edit'] button.primary",
            "id=\"error-summary\"",
        ),
        submit(
            "editor, a picture without its description",
            Admin,
            format!("/petitions/{id}/edit"),
            &[("#picture_alt", "")],
            "form[action*='/edit'] button.primary",
            "id=\"picture_alt-error\"",
        ),
        open(
            "translation form",
            Admin,
            format!("/petitions/{id}/translations/fr"),
            "id=\"body_html\"",
        ),
        submit(
            "translation form, text previewed",
            Admin,
            format!("/petitions/{id}/translations/fr"),
            &[
                ("#title", "Sauvons le parc"),
                ("#body_html", "Gardons le parc **vert**."),
            ],
            "button[value='preview']",
            "id=\"body_html-preview\"",
        ),
        submit(
            "translation form with errors",
            Admin,
            format!("/petitions/{id}/translations/fr"),
            &[("#title", "")],
            "form.petition-translation button.primary",
            "id=\"error-summary\"",
        ),
        open(
            "signatures",
            Admin,
            format!("/petitions/{id}/signatures"),
            "signatures",
        ),
        open(
            "signatures, searched",
            Admin,
            format!("/petitions/{id}/signatures?q=ann"),
            "signatures",
        ),
        open(
            "updates",
            Admin,
            format!("/petitions/{id}/updates"),
            "updates",
        ),
        open(
            "an update",
            Admin,
            format!("/petitions/{id}/updates/{}", f.update_id),
            "updates",
        ),
        submit(
            "new update with errors",
            Admin,
            format!("/petitions/{id}/updates"),
            &[],
            "form[action*='/updates'] button[value='save']",
            "id=\"error-summary\"",
        ),
        open("digest", Admin, format!("/petitions/{id}/digest"), "digest"),
        open(
            "end of the campaign",
            Admin,
            format!("/petitions/{id}/end"),
            "end",
        ),
        open(
            "petition deletion",
            Admin,
            format!("/petitions/{id}/delete"),
            "delete",
        ),
        open(
            "transfer",
            Admin,
            format!("/petitions/{id}/transfer"),
            "transfer",
        ),
        open(
            "translations",
            Admin,
            format!("/petitions/{id}/translations"),
            "translations",
        ),
        open(
            "anonymization",
            Admin,
            format!("/petitions/{id}/anonymize"),
            "anonymiz",
        ),
        submit(
            "save as template with errors",
            Admin,
            format!("/petitions/{id}/save-as-template"),
            &[("#name", "")],
            "form[action*='/save-as-template'] button.primary",
            "id=\"error-summary\"",
        ),
        open(
            "save as template",
            Admin,
            format!("/petitions/{id}/save-as-template"),
            "save-as-template",
        ),
        open("templates", Admin, "/templates".into(), "id=\"main\""),
        open(
            "organization",
            Admin,
            "/organizations/friends-of-the-park".into(),
            "id=\"who\"",
        ),
        open(
            "organization settings",
            Admin,
            "/organizations/friends-of-the-park/settings".into(),
            "id=\"name\"",
        ),
        submit(
            "organization settings with errors",
            Admin,
            "/organizations/friends-of-the-park/settings".into(),
            &[("#name", ""), ("#website", "not a website")],
            "form[action*='/settings'] button.primary",
            "id=\"error-summary\"",
        ),
        open(
            "organization templates",
            Admin,
            "/organizations/friends-of-the-park/templates".into(),
            "id=\"main\"",
        ),
        open(
            "organization deletion",
            Admin,
            "/organizations/friends-of-the-park/delete".into(),
            "name=\"csrf\"",
        ),
        open(
            "new organization",
            Admin,
            "/organizations/new".into(),
            "id=\"name\"",
        ),
        submit(
            "new organization with errors",
            Admin,
            "/organizations/new".into(),
            &[],
            "form[action^='/organizations'] button.primary",
            "id=\"error-summary\"",
        ),
        open(
            "admin: settings",
            Admin,
            "/admin/settings".into(),
            "action=\"/admin/settings",
        ),
        submit(
            "admin: settings with errors",
            Admin,
            "/admin/settings".into(),
            &[("#site_name", "")],
            "form[action^='/admin/settings'] button.primary",
            "id=\"errors\"",
        ),
        open(
            "admin: people",
            Admin,
            "/admin/users".into(),
            "/admin/users/",
        ),
        open(
            "admin: a person",
            Admin,
            format!("/admin/users/{}", f.ben_id),
            "/admin/users/",
        ),
        open(
            "admin: deleting a person",
            Admin,
            format!("/admin/users/{}/delete", f.ben_id),
            "name=\"csrf\"",
        ),
        open(
            "admin: translations",
            Admin,
            "/admin/translations".into(),
            "/admin/translations",
        ),
        open(
            "admin: French translations",
            Admin,
            "/admin/translations/fr".into(),
            "/admin/translations/fr",
        ),
        open(
            "admin: audit log",
            Admin,
            "/admin/log".into(),
            "id=\"main\"",
        ),
        open("admin: mail", Admin, "/admin/mail".into(), "/admin/mail"),
        open(
            "moderation queue",
            Admin,
            "/admin/moderation".into(),
            "/admin/moderation",
        ),
        open(
            "moderation: hiding",
            Admin,
            format!("/admin/moderation/{id}/hide"),
            "name=\"csrf\"",
        ),
        open(
            "moderation: deleting",
            Admin,
            format!("/admin/moderation/{id}/delete"),
            "name=\"csrf\"",
        ),
        open(
            "invitation",
            Admin,
            format!("/invitations/{}", f.invitation_token),
            "/accept\"",
        ),
        open(
            "petition page, as its owner",
            Admin,
            park.clone(),
            "id=\"sign-title\"",
        ),
        open(
            "not allowed",
            Admin,
            "/petitions/999999/edit".into(),
            "id=\"main\"",
        ),
    ]);
    states
}

/// Waits (bounded) for the page to be loaded and to hold `text`; false if it never does.
async fn settled(browser: &Browser, text: &str) -> bool {
    for _ in 0..100 {
        let ready = browser
            .execute("return document.readyState", vec![])
            .await
            .is_ok_and(|s| s == "complete");
        if ready && browser.source().await.is_ok_and(|s| s.contains(text)) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// Presses `press` and waits (bounded) until another document has replaced this one, so that what
/// comes next never races the answer still on its way.
async fn press_for_a_new_page(browser: &Browser, press: &str) -> Result<(), String> {
    // Marks this document, to tell the answer's page from it.
    browser
        .execute("document.documentElement.dataset.before = 'sent'", vec![])
        .await
        .map_err(|e| e.to_string())?;
    browser
        .find(Locator::Css(press))
        .await
        .map_err(|e| format!("{press}: {e}"))?
        .click()
        .await
        .map_err(|e| format!("click {press}: {e}"))?;
    for _ in 0..100 {
        let replaced = browser
            .execute("return !document.documentElement.dataset.before", vec![])
            .await;
        if replaced.is_ok_and(|r| r == json!(true)) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("pressing {press} loaded no page"))
}

/// Takes the browser to `state`; an error says why the page is not the one named.
async fn reach(browser: &Browser, base: &str, state: &PageState) -> Result<(), String> {
    match &state.reach {
        Reach::Open(path) => {
            browser
                .goto(&format!("{base}{path}"))
                .await
                .map_err(|e| format!("open {path}: {e}"))?;
        }
        Reach::Submit { open, fill, press } => {
            browser
                .goto(&format!("{base}{open}"))
                .await
                .map_err(|e| format!("open {open}: {e}"))?;
            for (css, text) in fill {
                let field = browser
                    .find(Locator::Css(css))
                    .await
                    .map_err(|e| format!("{css}: {e}"))?;
                if text == TICK {
                    field
                        .click()
                        .await
                        .map_err(|e| format!("click {css}: {e}"))?;
                    continue;
                }
                field
                    .clear()
                    .await
                    .map_err(|e| format!("clear {css}: {e}"))?;
                field
                    .send_keys(text)
                    .await
                    .map_err(|e| format!("type into {css}: {e}"))?;
            }
            press_for_a_new_page(browser, press).await?;
        }
    }
    if settled(browser, state.expect).await {
        Ok(())
    } else {
        let url = browser
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        Err(format!("never showed {:?} (at {url})", state.expect))
    }
}

/// Logs in through the form, or out through the header's button.
async fn log_in(browser: &Browser, base: &str) {
    let (name, password) = ADMIN;
    browser
        .goto(&format!("{base}/login"))
        .await
        .expect("login page");
    browser.type_into("#login", name).await;
    browser.type_into("#password", password).await;
    browser.press("form[action^='/login'] button.primary").await;
    assert!(settled(browser, "action=\"/logout\"").await, "logged in");
}

async fn log_out(browser: &Browser, base: &str) {
    browser.goto(&format!("{base}/")).await.expect("home");
    browser.press("form[action='/logout'] button").await;
    assert!(settled(browser, "href=\"/login\"").await, "logged out");
}

/// Picks `lang` with the header's language buttons (kept in a cookie, and in the account).
async fn choose_language(browser: &Browser, base: &str, lang: &str) {
    browser.goto(&format!("{base}/")).await.expect("home");
    let button = format!("form.languages button[value^='{lang}']");
    if browser.find(Locator::Css(&button)).await.is_err() {
        panic!(
            "no {button} on {}",
            browser.source().await.unwrap_or_default()
        );
    }
    // The language already chosen answers with a page like this one: wait for the new document.
    press_for_a_new_page(browser, &button)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        settled(browser, &format!("<html lang=\"{lang}")).await,
        "the site speaks {lang}"
    );
}

/// Visits every state in each language (the public's first, then the administrator's) and runs
/// `check` on it; returns how many states were checked and every finding, by state.
async fn visit_all<F>(browser: &Browser, server: &TestServer, mut check: F) -> (usize, Vec<String>)
where
    F: AsyncFnMut(&Browser) -> Result<Vec<String>, String>,
{
    let f = fixture(server).await;
    let states = page_states(&f);
    let base = &server.url;
    let mut count = 0;
    let mut findings = Vec::new();
    for lang in LANGUAGES {
        for who in [Who::Public, Who::Admin] {
            if who == Who::Admin {
                log_in(browser, base).await;
            }
            choose_language(browser, base, lang).await;
            for state in states
                .iter()
                .filter(|s| s.who == who && s.only_in.is_none_or(|only| only == lang))
            {
                let label = format!("[{lang}] {}", state.name);
                if let Err(e) = reach(browser, base, state).await {
                    findings.push(format!("{label}: {e}"));
                    continue;
                }
                count += 1;
                match check(browser).await {
                    Ok(found) => {
                        findings.extend(found.into_iter().map(|x| format!("{label}: {x}")))
                    }
                    Err(e) => findings.push(format!("{label}: cannot check: {e}")),
                }
            }
            if who == Who::Admin {
                log_out(browser, base).await;
            }
        }
    }
    (count, findings)
}

/// axe-core's WCAG 2.2 A/AA violations on the page, one line per element.
async fn axe_violations(browser: &Browser, axe: &str) -> Result<Vec<String>, String> {
    browser
        .execute(&format!("{axe}\n;window.axe = axe;"), vec![])
        .await
        .map_err(|e| format!("inject axe-core: {e}"))?;
    let run = "const done = arguments[arguments.length - 1];\
        axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})\
          .then(r => done({violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,\
             nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html}))}))}))\
          .catch(e => done({error: String(e)}));";
    let answer = browser
        .execute_async(run, vec![json!(WCAG_TAGS)])
        .await
        .map_err(|e| format!("run axe-core: {e}"))?;
    if let Some(error) = answer.get("error") {
        return Err(format!("axe-core: {error}"));
    }
    let mut lines = Vec::new();
    for v in answer["violations"].as_array().into_iter().flatten() {
        for node in v["nodes"].as_array().into_iter().flatten() {
            let html: String = node["html"]
                .as_str()
                .unwrap_or_default()
                .chars()
                .take(160)
                .collect();
            lines.push(format!(
                "{} ({}): {} at `{}`: {html}",
                v["id"].as_str().unwrap_or_default(),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or_default(),
                node["target"].as_str().unwrap_or_default(),
            ));
        }
    }
    Ok(lines)
}

/// Whether the page is wider than the window, and the elements that stick out.
async fn sideways_scroll(browser: &Browser) -> Result<Vec<String>, String> {
    let script = "const w = window.innerWidth, d = document.documentElement;\
        if (d.scrollWidth <= w) return [];\
        const out = [...document.body.querySelectorAll('*')]\
          .filter(e => e.getBoundingClientRect().right > w + 0.5)\
          .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= w + 0.5)\
          .slice(0, 8)\
          .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') + ' reaches ' + Math.round(e.getBoundingClientRect().right) + ' px');\
        return ['the page is ' + d.scrollWidth + ' px wide in a ' + w + ' px window: ' + out.join('; ')];";
    let answer: Value = browser
        .execute(script, vec![])
        .await
        .map_err(|e| format!("measure: {e}"))?;
    Ok(answer
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(String::from))
        .collect())
}

fn report(what: &str, count: usize, findings: &[String], started: Instant) {
    let _ = writeln!(
        std::io::stderr(),
        "{what}: {count} page states checked in {:.0?}, {} finding(s)",
        started.elapsed(),
        findings.len()
    );
    assert!(
        findings.is_empty(),
        "{what}: {} finding(s) over {count} page states:\n{}",
        findings.len(),
        findings.join("\n")
    );
    assert!(
        count >= MIN_STATES,
        "{what}: only {count} page states checked"
    );
}

// The pages are the same on every database: each audit runs on the run's first backend (SQLite
// in the README's `cargo test`, PostgreSQL in CI's second run), not once per backend, which would
// double the longest test of the suite for no page of its own.

/// Audits every page state with axe-core in a window `width` x `height` CSS pixels wide.
async fn audit_at(width: u32, height: u32) {
    let Some(axe) = axe_source() else { return };
    let Some(browser) = common::browser::start_sized(true, width, height).await else {
        return;
    };
    let started = Instant::now();
    let server = TestServer::start(backends()[0], None).await;
    let (count, findings) = visit_all(&browser, &server, async |b: &Browser| {
        axe_violations(b, &axe).await
    })
    .await;
    server.stop().await;
    browser.close().await;
    report(
        &format!("axe-core (WCAG 2.2 A/AA), {width} px wide"),
        count,
        &findings,
        started,
    );
}

/// On a phone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_in_each_theme_and_language_has_no_wcag_22_aa_violation() {
    audit_at(390, 844).await;
}

/// On a desktop screen, where the same pages lay out otherwise (wrapped links in a table cell
/// were too close together there, and nowhere else).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_at_desktop_width_has_no_wcag_22_aa_violation() {
    audit_at(1280, 900).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_page_scrolls_sideways_at_320_pixels() {
    let Some(browser) = common::browser::start_sized(true, 320, 640).await else {
        return;
    };
    let started = Instant::now();
    let width = browser
        .execute("return window.innerWidth", vec![])
        .await
        .expect("the window's width");
    assert_eq!(width, json!(320), "a 320 px window");
    let server = TestServer::start(backends()[0], None).await;
    let (count, findings) = visit_all(&browser, &server, async |b: &Browser| {
        sideways_scroll(b).await
    })
    .await;
    server.stop().await;
    browser.close().await;
    report("320 px wide", count, &findings, started);
}

/// The element that has the keyboard's focus: `#id`, else its tag and classes (`a.skip`).
async fn focused(browser: &Browser) -> String {
    browser
        .execute(
            "const e = document.activeElement;\
             return e.id ? '#' + e.id : [e.tagName.toLowerCase(), ...e.classList].join('.');",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// Presses `key` (with Shift when `shift`) on whatever has the focus.
async fn press_key(browser: &Browser, key: Key, shift: bool) {
    let keys = if shift {
        Key::Shift + &key
    } else {
        key.to_string()
    };
    browser
        .active_element()
        .await
        .expect("a focused element")
        .send_keys(&keys)
        .await
        .expect("a key press");
}

/// Tabs forward until `target` has the focus; panics after `limit` presses.
async fn tab_to(browser: &Browser, target: &str, limit: usize) {
    let mut seen = Vec::new();
    for _ in 0..limit {
        press_key(browser, Key::Tab, false).await;
        let now = focused(browser).await;
        if now == target {
            return;
        }
        seen.push(now);
    }
    panic!("Tab never reached {target}; it went through {seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_petition_is_signed_with_the_keyboard_alone() {
    let Some(browser) = common::browser::start(true).await else {
        return;
    };
    let smtp = SmtpServer::start();
    let server = TestServer::start(backends()[0], Some(&smtp.url())).await;
    let located = server.park_petition(false).await;
    browser
        .goto(&format!("{}{}", server.url, located.path()))
        .await
        .expect("the petition page");
    assert!(settled(&browser, "id=\"sign-title\"").await);

    // The first Tab reaches the skip link; then on through the page to the form.
    press_key(&browser, Key::Tab, false).await;
    assert_eq!(
        focused(&browser).await,
        "a.skip",
        "the skip link comes first"
    );
    tab_to(&browser, "#first_name", 40).await;
    for (field, text) in [("#first_name", "Ann"), ("#last_name", "Lee")] {
        assert_eq!(focused(&browser).await, field);
        browser
            .active_element()
            .await
            .expect("focus")
            .send_keys(text)
            .await
            .expect("type");
        press_key(&browser, Key::Tab, false).await;
    }
    // A slip: back to the last name with Shift+Tab, and forward again.
    assert_eq!(focused(&browser).await, "#email");
    press_key(&browser, Key::Tab, true).await;
    assert_eq!(focused(&browser).await, "#last_name", "Shift+Tab goes back");
    press_key(&browser, Key::Tab, false).await;
    assert_eq!(focused(&browser).await, "#email");
    browser
        .active_element()
        .await
        .expect("focus")
        .send_keys("ann@example.org")
        .await
        .expect("type");

    // On to the sign button, ticking with Space any box on the way that must be ticked.
    let mut reached = false;
    for _ in 0..20 {
        press_key(&browser, Key::Tab, false).await;
        let is_required_box = browser
            .execute(
                "const e = document.activeElement; return e.type === 'checkbox' && e.required && !e.checked;",
                vec![],
            )
            .await
            .expect("the focused element");
        if is_required_box == json!(true) {
            press_key(&browser, Key::Space, false).await;
        }
        let on_button = browser
            .execute(
                "const e = document.activeElement; return e.tagName === 'BUTTON' && e.type === 'submit' && !!e.closest('form[action*=\"/sign\"]');",
                vec![],
            )
            .await
            .expect("the focused element");
        if on_button == json!(true) {
            reached = true;
            break;
        }
    }
    assert!(reached, "Tab reaches the sign button");
    press_key(&browser, Key::Enter, false).await;
    browser.wait_for("Check your mailbox").await;
    let mails = smtp.wait_for(1, Duration::from_secs(15)).await;
    assert_eq!(mails.len(), 1, "the confirmation mail arrives");
    assert_eq!(mails[0].to, vec!["ann@example.org".to_string()]);
    server.stop().await;
    browser.close().await;
}
