//! Moderation in a real headless Chromium with JavaScript turned off (issue 11): a visitor reports
//! a petition from its page; the administrator logs in, finds the report in the moderation queue,
//! hides the petition with a reason (the public then gets a 404 and the owner a mail), and restores
//! it. Every step is a click or a keystroke in a form, as a person would do it.
mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::app::{TestServer, backends};
use common::browser::Browser;
use common::smtp::SmtpServer;
use signons::domain::petitions::petition::{self, Located, NewPetition, Owner};
use signons::domain::{people::account, people::organization};

const ADMIN: (&str, &str, &str) = ("root", "root@example.org", "a long admin password");
const REASON: &str = "Advertising for pills has no place here.";

/// A published petition of Alice's organization, and the instance's administrator.
async fn petition_and_administrator(server: &TestServer) -> Located {
    let alice = account::create(
        &server.db,
        "alice",
        "alice@example.org",
        "correct horse battery",
    )
    .await
    .expect("owner");
    let org = organization::create(&server.db, "Friends of the Park", &alice)
        .await
        .expect("organization");
    let located = petition::create(
        &server.db,
        &Owner::Organization(org),
        NewPetition {
            title: "Buy cheap pills".into(),
            body_html: "<p>Best prices.</p>".into(),
            published: true,
            ..Default::default()
        },
    )
    .await
    .expect("petition");
    let (name, email, password) = ADMIN;
    let admin = account::create_admin(&server.db, name, email, password)
        .await
        .expect("administrator");
    assert!(admin.is_admin);
    located
}

/// The status code a client without any cookie gets for `url` (the browser cannot tell it).
fn status_of(url: &str) -> u16 {
    let rest = url.strip_prefix("http://").expect("http address");
    let (host, path) = rest.split_once('/').expect("a path");
    let mut stream = TcpStream::connect(host).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nAccept-Language: en\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {answer:?}"))
}

async fn log_in_as_administrator(browser: &Browser, server: &TestServer) {
    let (name, _, password) = ADMIN;
    browser
        .goto(&format!("{}/login", server.url))
        .await
        .expect("login page");
    browser.type_into("#login", name).await;
    browser.type_into("#password", password).await;
    browser
        .press("form[action=\"/login\"] button.primary")
        .await;
    browser.wait_for("Dashboard").await;
    // The way to the queue is the "Moderation" link of the page header.
    browser
        .press("nav.account a[href=\"/admin/moderation\"]")
        .await;
    browser.wait_for("Reported petitions").await;
}

async fn log_out(browser: &Browser) {
    browser
        .press("nav.account form[action=\"/logout\"] button")
        .await;
    for _ in 0..100 {
        if browser
            .source()
            .await
            .is_ok_and(|s| s.contains("href=\"/login\""))
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("still logged in after pressing the logout button");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_a_visitor_reports_a_petition_and_the_administrator_hides_then_restores_it()
 {
    let Some(browser) = common::browser::start(false).await else {
        return;
    };
    assert!(!browser.javascript_enabled());
    for backend in backends() {
        let smtp = SmtpServer::start();
        let server = TestServer::start(backend, Some(&smtp.url())).await;
        let located = petition_and_administrator(&server).await;
        let id = located.petition.id;
        let page_url = format!("{}{}", server.url, located.path());

        // A visitor, with no account, reports it from its page.
        browser.goto(&page_url).await.expect("the petition");
        browser.wait_for("Best prices.").await;
        browser
            .press(&format!("a[href=\"/petitions/{id}/report\"]"))
            .await;
        browser.wait_for("Report “Buy cheap pills”").await;
        browser.press("#reason-spam").await;
        browser
            .type_into("#comment", "An advertisement, not a petition.")
            .await;
        browser
            .press(&format!(
                "form[action^=\"/petitions/{id}/report\"] button.primary"
            ))
            .await;
        browser
            .wait_for("Thank you for your report. The moderators will look at it.")
            .await;

        // The administrator finds it in the queue, with its reason and comment.
        log_in_as_administrator(&browser, &server).await;
        let queue = browser.source().await.expect("the queue");
        for said in [
            "Buy cheap pills",
            "one report",
            "Spam or advertising (1)",
            "An advertisement, not a petition.",
        ] {
            assert!(queue.contains(said), "{backend:?}: {said}: {queue}");
        }

        // Hides it with a reason, through the hiding page.
        browser
            .press(&format!("a[href=\"/admin/moderation/{id}/hide\"]"))
            .await;
        browser.wait_for("Hide “Buy cheap pills”").await;
        browser.type_into("#reason", REASON).await;
        browser
            .press(&format!(
                "form[action=\"/admin/moderation/{id}/hide\"] button"
            ))
            .await;
        browser
            .wait_for("The petition is hidden. Its owner was told why.")
            .await;
        browser.wait_for("No petition is reported.").await;
        let queue = browser.source().await.expect("the queue");
        assert!(queue.contains(REASON), "{backend:?}: {queue}");

        // The owner is told, with the reason.
        let mail = smtp
            .wait_for_to("alice@example.org", Duration::from_secs(15))
            .await
            .unwrap_or_else(|| panic!("{backend:?}: the owner's mail"));
        assert!(
            mail.subject().contains("was hidden"),
            "{backend:?}: {}",
            mail.subject()
        );
        assert!(mail.text().contains(REASON), "{backend:?}: {}", mail.text());

        // Logged out, the petition is not there any more.
        log_out(&browser).await;
        browser.goto(&page_url).await.expect("the petition");
        browser
            .wait_for("This page does not exist, or is not public.")
            .await;
        let page = browser.source().await.expect("page");
        assert!(!page.contains("Best prices."), "{backend:?}: {page}");
        assert_eq!(status_of(&page_url), 404, "{backend:?}");

        // The administrator restores it from the queue's hidden petitions.
        log_in_as_administrator(&browser, &server).await;
        browser
            .press(&format!(
                "form[action=\"/admin/moderation/{id}/restore\"] button"
            ))
            .await;
        browser.wait_for("The petition is restored.").await;
        browser.wait_for("No petition is hidden.").await;

        // And the public sees it again.
        log_out(&browser).await;
        browser.goto(&page_url).await.expect("the petition");
        browser.wait_for("Best prices.").await;
        assert_eq!(status_of(&page_url), 200, "{backend:?}");
        server.stop().await;
    }
    browser.close().await;
}
