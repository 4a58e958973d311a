//! Journeys in a real browser (headless Chromium) with JavaScript turned off, against a real SMTP
//! server: a citizen signs, confirms from the mail and is counted; an association registers, creates
//! its organization and a second account joins through the invitation mailed to it.
mod common;

use std::time::Duration;

use common::app::{TestServer, backends};
use common::smtp::SmtpServer;
use fantoccini::Locator;
use signons::domain::petitions::petition::{self, NewPetition, Owner};
use signons::domain::{people::account, people::organization};

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
async fn a_signer_without_javascript_signs_confirms_and_withdraws_in_a_real_browser() {
    let Some(browser) = common::browser::start(false).await else {
        return;
    };
    assert!(!browser.javascript_enabled());
    for backend in backends() {
        let smtp = SmtpServer::start();
        let server = TestServer::start(backend, Some(&smtp.url())).await;
        let located = server.park_petition(false).await;
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
        let withdrawal = browser
            .find(Locator::Css("a[href^='/withdraw/']"))
            .await
            .expect("the withdrawal link of the thanks")
            .prop("href")
            .await
            .expect("href")
            .expect("an address");

        browser.goto(&page_url).await.expect("back to the petition");
        wait_for_text(&browser, "One person has signed").await;
        let screenshot = browser.screenshot().await.expect("screenshot");
        assert!(screenshot.starts_with(b"\x89PNG"));

        // Changing one's mind, still without JavaScript: the link the thanks gave, then its
        // button.
        browser
            .goto(&withdrawal)
            .await
            .expect("open the withdrawal link");
        wait_for_text(&browser, "Withdraw my signature").await;
        browser
            .find(Locator::Css("form button.primary"))
            .await
            .expect("withdraw button")
            .click()
            .await
            .expect("click");
        wait_for_text(&browser, "Signature withdrawn").await;
        // The public count follows within about a second (`signing::counter`): reload until it
        // does, for at most ten seconds.
        let mut counted_out = false;
        for _ in 0..50 {
            browser.goto(&page_url).await.expect("back to the petition");
            if browser
                .source()
                .await
                .is_ok_and(|page| page.contains("Nobody has signed yet"))
            {
                counted_out = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(
            counted_out,
            "{backend:?}: the withdrawn signature leaves the count"
        );
        server.stop().await;
    }
    browser.close().await;
}

/// Types `text` into the field `css`.
async fn fill(browser: &fantoccini::Client, css: &str, text: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into {css}: {e}"));
}

async fn click(browser: &fantoccini::Client, css: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_association_registers_creates_its_organization_and_a_second_account_joins_by_email() {
    let Some(browser) = common::browser::start(false).await else {
        return;
    };
    for backend in backends() {
        let smtp = SmtpServer::start();
        let server = TestServer::start(backend, Some(&smtp.url())).await;
        let password = "a long enough password";

        // Ben already has an account (an e-mail invitation also reaches people who do not).
        browser
            .register_and_verify(&server.url, &smtp, ("ben", "ben@example.org", password))
            .await;
        click(&browser, "nav.account form button").await;
        wait_for_text(&browser, "Log in").await;

        // Ana registers, creates the organization and invites ben by e-mail.
        browser
            .register_and_verify(&server.url, &smtp, ("ana", "ana@example.org", password))
            .await;
        // The welcome mails are read: what follows counts the invitation alone.
        smtp.clear();
        click(&browser, "a[href='/organizations/new']").await;
        fill(&browser, "#name", "Friends of the Lake").await;
        click(&browser, "form button.primary").await;
        wait_for_text(&browser, "Invite someone").await;
        let members_page = browser.current_url().await.expect("url").to_string();
        fill(&browser, "#who", "ben@example.org").await;
        click(&browser, "form[action$='/invite'] button").await;
        let mails = smtp.wait_for(1, Duration::from_secs(15)).await;
        assert_eq!(
            mails.len(),
            1,
            "{backend:?}: the invitation reaches the mailbox"
        );
        assert_eq!(mails[0].to, vec!["ben@example.org".to_string()]);
        let link = mails[0]
            .link_containing("/invitations/")
            .expect("an invitation link");
        assert!(link.starts_with(&server.url), "{link}");
        click(&browser, "nav.account form button").await;
        wait_for_text(&browser, "Log in").await;

        // Ben follows the link, logs in, and accepts.
        browser.goto(&link).await.expect("open the invitation");
        wait_for_text(&browser, "Invitation to join Friends of the Lake").await;
        click(&browser, "a[href^='/login']").await;
        fill(&browser, "#login", "ben").await;
        fill(&browser, "#password", password).await;
        click(&browser, "form button.primary").await;
        wait_for_text(&browser, "Accept").await;
        click(&browser, "form[action$='/accept'] button").await;
        browser.goto(&members_page).await.expect("members page");
        let page = wait_for_text(&browser, "Friends of the Lake").await;
        assert!(page.contains("ben"), "{backend:?}: ben is a member: {page}");
        let org = organization::find_by_slug(&server.db, "friends-of-the-lake")
            .await
            .expect("query")
            .expect("organization");
        let ben = account::find_by_username(&server.db, "ben")
            .await
            .expect("query")
            .expect("ben");
        let membership =
            signons::domain::people::permission::membership(&server.db, ben.id, org.id)
                .await
                .expect("query");
        assert!(
            membership.is_some(),
            "{backend:?}: ben joined through the mailed link"
        );
        click(&browser, "nav.account form button").await;
        wait_for_text(&browser, "Log in").await;
        server.stop().await;
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_the_text_editor_formats_the_selection_and_saves_what_the_sanitizer_keeps()
{
    let Some(browser) = common::browser::start(true).await else {
        return;
    };
    let backend = backends()[0];
    let server = TestServer::start(backend, None).await;
    let password = "a long enough password";
    let user = account::create(&server.db, "ana", "ana@example.org", password)
        .await
        .expect("user");
    let located = petition::create(
        &server.db,
        &Owner::User(user),
        NewPetition {
            title: "Save the trees".into(),
            body_html: "<p>Old text.</p>".into(),
            published: true,
            ..Default::default()
        },
    )
    .await
    .expect("petition");
    let id = located.petition.id;

    browser
        .goto(&format!("{}/login", server.url))
        .await
        .expect("login page");
    fill(&browser, "#login", "ana").await;
    fill(&browser, "#password", password).await;
    click(&browser, "form button.primary").await;
    wait_for_text(&browser, "Dashboard").await;
    browser
        .goto(&format!("{}/petitions/{id}/edit", server.url))
        .await
        .expect("editor");
    wait_for_text(&browser, "editor-toolbar").await;

    let set_and_select = "const area = document.getElementById('body_html'); \
        area.value = 'Trees matter'; area.select(); return area.value;";
    browser
        .execute(set_and_select, vec![])
        .await
        .expect("select the text");
    click(&browser, ".editor-toolbar .editor-bold").await;
    let value = browser
        .execute("return document.getElementById('body_html').value;", vec![])
        .await
        .expect("read the text");
    // The toolbar writes Markdown; the server renders it.
    assert_eq!(value.as_str(), Some("**Trees matter**"));
    click(&browser, "form[action*='/edit'] button.primary").await;
    wait_for_text(&browser, "The petition is saved.").await;
    let saved = petition::find(&server.db, id)
        .await
        .expect("query")
        .expect("petition");
    assert_eq!(
        saved.petition.body_html,
        "<p><strong>Trees matter</strong></p>\n"
    );
    assert_eq!(
        saved.petition.body_markdown.as_deref(),
        Some("**Trees matter**")
    );
    server.stop().await;
    browser.close().await;
}
