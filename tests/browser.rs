//! A citizen with JavaScript turned off signs in a real browser (headless Chromium), receives the
//! confirmation mail on a real SMTP server, opens the link, presses the button, and is counted.
mod common;

use std::time::Duration;

use common::app::{TestServer, backends};
use common::smtp::SmtpServer;
use fantoccini::Locator;
use signons::domain::petition::{self, NewPetition, Owner};
use signons::domain::{account, organization};

async fn wait_for_text(browser: &fantoccini::Client, text: &str) -> String {
    for _ in 0..100 {
        if let Ok(source) = browser.source().await
            && source.contains(text)
        {
            return source;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let source = browser.source().await.unwrap_or_default();
    panic!("the page never showed {text:?}:\n{source}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signer_without_javascript_signs_and_confirms_in_a_real_browser() {
    let Some(browser) = common::browser::start(false).await else {
        return;
    };
    assert!(!browser.javascript_enabled());
    for backend in backends() {
        let smtp = SmtpServer::start();
        let server = TestServer::start(backend, Some(&smtp.url())).await;
        let user = account::create(
            &server.db,
            "alice",
            "alice@example.org",
            "correct horse battery",
        )
        .await
        .expect("user");
        let org = organization::create(&server.db, "Friends of the Park", &user)
            .await
            .expect("organization");
        let located = petition::create(
            &server.db,
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
        let page_url = format!("{}{}", server.url, located.path());

        browser.goto(&page_url).await.expect("open the petition");
        wait_for_text(&browser, "Nobody has signed yet").await;
        browser
            .find(Locator::Css("#first_name"))
            .await
            .expect("first name")
            .send_keys("Ann")
            .await
            .expect("type");
        browser
            .find(Locator::Css("#last_name"))
            .await
            .expect("last name")
            .send_keys("Lee")
            .await
            .expect("type");
        browser
            .find(Locator::Css("#email"))
            .await
            .expect("email")
            .send_keys("ann@example.org")
            .await
            .expect("type");
        browser
            .find(Locator::Css("form button.primary"))
            .await
            .expect("sign button")
            .click()
            .await
            .expect("click");
        wait_for_text(&browser, "Check your mailbox").await;

        let mails = smtp.wait_for(1, Duration::from_secs(15)).await;
        assert_eq!(mails.len(), 1, "{backend:?}: the confirmation mail arrives");
        let link = mails[0]
            .link_containing("/confirm/")
            .expect("a confirmation link");
        assert!(link.starts_with(&server.url), "{link}");
        browser.goto(&link).await.expect("open the link");
        wait_for_text(&browser, "Confirm my signature").await;
        browser
            .find(Locator::Css("form button.primary"))
            .await
            .expect("confirm button")
            .click()
            .await
            .expect("click");
        let page = wait_for_text(&browser, "Thank you").await;
        assert!(page.contains("One person has signed"), "{page}");

        browser.goto(&page_url).await.expect("back to the petition");
        wait_for_text(&browser, "One person has signed").await;
        let screenshot = browser.screenshot().await.expect("screenshot");
        assert!(screenshot.starts_with(b"\x89PNG"));
        server.stop().await;
    }
    browser.close().await;
}
