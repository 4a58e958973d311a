//! A petition that asks browsers for a proof of work, signed in a real headless Chromium: with
//! JavaScript, our script solves the puzzle on its own and the signature goes through as solved;
//! without JavaScript, the signature goes through all the same (under stricter limits).
mod common;

use std::time::Duration;

use common::app::{TestServer, backends};
use common::browser::Browser;
use common::smtp::SmtpServer;
use sea_orm::{EntityTrait, PaginatorTrait};
use signons::domain::petitions::petition::Located;
use signons::entity::{pow_spent, signature};

async fn sign_in_browser(browser: &Browser, server: &TestServer, located: &Located) {
    browser
        .goto(&format!("{}{}", server.url, located.path()))
        .await
        .expect("open the petition");
    browser.wait_for("Nobody has signed yet").await;
    browser.type_into("#first_name", "Ann").await;
    browser.type_into("#last_name", "Lee").await;
    browser.type_into("#email", "ann@example.org").await;
}

async fn submit(browser: &Browser) {
    browser.press("form[data-pow-url] button.primary").await;
    browser.wait_for("Check your mailbox").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_a_signer_still_signs_a_petition_that_asks_for_a_proof_of_work() {
    let Some(browser) = common::browser::start(false).await else {
        return;
    };
    for backend in backends() {
        let smtp = SmtpServer::start();
        let server = TestServer::start(backend, Some(&smtp.url())).await;
        let located = server.park_petition(true).await;
        sign_in_browser(&browser, &server, &located).await;
        submit(&browser).await;
        let mails = smtp.wait_for(1, Duration::from_secs(15)).await;
        assert_eq!(mails.len(), 1, "{backend:?}: the confirmation mail arrives");
        let stored = signature::Entity::find()
            .count(&server.db)
            .await
            .expect("count");
        assert_eq!(stored, 1);
        let spent = pow_spent::Entity::find()
            .count(&server.db)
            .await
            .expect("count");
        assert_eq!(
            spent, 0,
            "{backend:?}: nothing was solved without JavaScript"
        );
        server.stop().await;
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_the_browser_solves_the_puzzle_by_itself_before_signing() {
    let Some(browser) = common::browser::start(true).await else {
        return;
    };
    for backend in backends() {
        let smtp = SmtpServer::start();
        let server = TestServer::start(backend, Some(&smtp.url())).await;
        let located = server.park_petition(true).await;
        sign_in_browser(&browser, &server, &located).await;
        let mut solved = false;
        for _ in 0..300 {
            let state = browser
                .execute(
                    "return document.querySelector('form[data-pow-url]').getAttribute('data-pow');",
                    vec![],
                )
                .await
                .expect("read the form");
            if state.as_str() == Some("solved") {
                solved = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            solved,
            "{backend:?}: the script solves the puzzle within 30 s"
        );
        submit(&browser).await;
        let mails = smtp.wait_for(1, Duration::from_secs(15)).await;
        assert_eq!(mails.len(), 1, "{backend:?}: the confirmation mail arrives");
        let spent = pow_spent::Entity::find()
            .count(&server.db)
            .await
            .expect("count");
        assert_eq!(spent, 1, "{backend:?}: the solution was checked and spent");
        server.stop().await;
    }
    browser.close().await;
}
