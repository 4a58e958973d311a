//! The creation wizard in a real browser (headless Chromium) with JavaScript turned off: from an
//! empty instance, a person registers, creates a petition step by step, publishes it, and a
//! signature is taken on its public page.
mod common;

use std::time::Duration;

use common::app::{TestServer, backends};
use common::smtp::SmtpServer;
use fantoccini::Locator;

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
async fn a_new_member_creates_publishes_and_gets_a_signature_without_javascript() {
    let Some(browser) = common::browser::start(false).await else {
        return;
    };
    assert!(!browser.javascript_enabled());
    for backend in backends() {
        let smtp = SmtpServer::start();
        let server = TestServer::start(backend, Some(&smtp.url())).await;

        browser
            .register_and_verify(
                &server.url,
                &smtp,
                ("ana", "ana@example.org", "a long enough password"),
            )
            .await;
        // The welcome mail is read: what follows counts the confirmation alone.
        smtp.clear();

        // The wizard, step by step, going back once.
        click(&browser, "a[href='/petitions/new']").await;
        wait_for_text(&browser, "Step 1 of 4").await;
        fill(&browser, "#title", "Save the lake").await;
        click(&browser, "form button[value='next']").await;
        wait_for_text(&browser, "Step 2 of 4").await;
        // Markdown, and a picture sent with the form (no JavaScript: a plain file field).
        fill(&browser, "#body_html", "Keep the lake *clean*.").await;
        let photo = server.dir.path().join("lake.jpg");
        image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(1600, 1000, |x, y| {
            image::Rgb([(x / 8) as u8, (y / 5) as u8, 180])
        }))
        .save_with_format(&photo, image::ImageFormat::Jpeg)
        .expect("a photo on disk");
        fill(&browser, "#picture", photo.to_str().expect("path")).await;
        fill(&browser, "#picture_alt", "The lake at dawn").await;
        click(&browser, "form button[value='back']").await;
        wait_for_text(&browser, "Step 1 of 4").await;
        click(&browser, "form button[value='next']").await;
        let page = wait_for_text(&browser, "Step 2 of 4").await;
        assert!(
            page.contains("Keep the lake *clean*."),
            "{backend:?}: the text was kept"
        );
        assert!(
            page.contains("alt=\"The lake at dawn\""),
            "{backend:?}: the picture was kept: {page}"
        );
        click(&browser, "form button[value='next']").await;
        wait_for_text(&browser, "Step 3 of 4").await;
        fill(&browser, "#goal", "100").await;
        click(&browser, "#publish-now").await;
        click(&browser, "form button[value='next']").await;
        let preview = wait_for_text(&browser, "Step 4 of 4").await;
        assert!(
            preview.contains("Keep the lake <em>clean</em>."),
            "{backend:?}: {preview}"
        );
        click(&browser, "form button[value='save']").await;

        // The public page, and a signature on it.
        let page = wait_for_text(&browser, "id=\"sign-title\"").await;
        assert!(page.contains("Nobody has signed yet"), "{backend:?}");
        assert!(
            page.contains("class=\"petition-picture\"") && page.contains("/1200.jpg"),
            "{backend:?}: the picture heads the page: {page}"
        );
        let mut shown = -1;
        for _ in 0..50 {
            shown = browser
                .execute(
                    "const i = document.querySelector('.petition-picture img'); return i.complete ? i.naturalWidth : -1;",
                    vec![],
                )
                .await
                .expect("script")
                .as_i64()
                .unwrap_or(-1);
            if shown > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            shown > 0,
            "{backend:?}: the browser shows the picture ({shown})"
        );
        let url = browser.current_url().await.expect("url").to_string();
        assert_eq!(url, format!("{}/u/ana/save-the-lake", server.url));
        fill(&browser, "#first_name", "Ann").await;
        fill(&browser, "#last_name", "Lee").await;
        fill(&browser, "#email", "ann@example.org").await;
        click(&browser, "form[action*='/sign'] button.primary").await;
        wait_for_text(&browser, "Check your mailbox").await;
        let mails = smtp.wait_for(1, Duration::from_secs(15)).await;
        assert_eq!(mails.len(), 1, "{backend:?}: the confirmation mail arrives");
        click(&browser, "nav.account form button").await;
        wait_for_text(&browser, "Log in").await;
        server.stop().await;
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_form_with_two_mistakes_opens_at_a_summary_whose_links_reach_the_fields() {
    let Some(browser) = common::browser::start(false).await else {
        return;
    };
    for backend in backends() {
        let server = TestServer::start(backend, None).await;
        let located = server.park_petition(false).await;
        browser
            .goto(&format!("{}{}", server.url, located.path()))
            .await
            .expect("the petition page");
        wait_for_text(&browser, "id=\"sign-title\"").await;
        // No first name, and an address that is none.
        fill(&browser, "#last_name", "Lee").await;
        fill(&browser, "#email", "not an address").await;
        click(&browser, "form[action*='/sign'] button.primary").await;
        let page = wait_for_text(&browser, "id=\"error-summary\"").await;
        let title = browser.title().await.expect("title");
        assert!(title.starts_with("Error: "), "{backend:?}: {title}");
        let url = browser.current_url().await.expect("url").to_string();
        assert!(
            url.ends_with("#error-summary"),
            "{backend:?}: the page opens at the summary: {url}"
        );
        for field in ["first_name", "email"] {
            assert!(
                page.contains(&format!("<li><a href=\"#{field}\">")),
                "{backend:?}: a link to {field}: {page}"
            );
            click(&browser, &format!("#error-summary a[href='#{field}']")).await;
            let focused = browser
                .active_element()
                .await
                .expect("the focused element")
                .attr("id")
                .await
                .expect("its id");
            assert_eq!(focused.as_deref(), Some(field), "{backend:?}");
        }
        // What was typed stays; the fields say what is wrong, tied to them.
        assert!(page.contains("value=\"Lee\""), "{backend:?}");
        assert!(
            page.contains("aria-describedby=\"email-error\""),
            "{backend:?}: {page}"
        );
        server.stop().await;
    }
    browser.close().await;
}
