//! SQLite's own ceiling for signing, for `bench/run.sh`: one signature row and its confirmation
//! mail row per transaction, committed one after the other as fast as the disk allows, with the
//! settings Signons uses (WAL, `synchronous=FULL`, `BEGIN IMMEDIATE`) and its real schema, without
//! HTTP, validation or rendering. Signing through Signons (a page view, the form, durable before
//! the answer) is compared with this figure: only grouping commits can pass it.
//!
//!     cargo run --release --example sqlite_ceiling -- <empty folder> <seconds> [database URL]
//!
//! With a `postgres://` URL it measures the same loop on PostgreSQL (`synchronous_commit` as the
//! server has it): the one-commit ceiling of that database for `bench/run.sh`'s PostgreSQL row.
//!
//! Prints `CEILING commits=<n> seconds=<s>` and the rate.
use std::time::{Duration, Instant};

use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use signons::config::Settings;
use signons::entity::{mail_queue, petition, signature};

/// A confirmation mail of about the size Signons writes (text and HTML parts).
fn bodies(i: u64) -> (String, String) {
    let link = format!("https://signons.example/confirm/{:043}", i);
    let text = format!(
        "Hello Sam,\n\nPlease confirm your signature of \u{201c}Protect the city park\u{201d} by \
         opening this link:\n{link}\n\n{}\nIf you did not sign, ignore this mail.\n",
        "Thank you for your support. ".repeat(12)
    );
    let html = format!(
        "<!doctype html><html lang=\"en\"><body><p>Hello Sam,</p><p>Please confirm your \
         signature of \u{201c}Protect the city park\u{201d}:</p><p><a href=\"{link}\">Confirm my \
         signature</a></p><p>{}</p></body></html>",
        "Thank you for your support. ".repeat(40)
    );
    (text, html)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(seconds)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: sqlite_ceiling <empty folder> <seconds> [database URL]");
        std::process::exit(2);
    };
    let seconds: u64 = seconds.parse().unwrap_or_else(|_| {
        eprintln!("not a number of seconds: {seconds}");
        std::process::exit(2);
    });
    let mut figment = signons::config::defaults().merge(("data_dir", dir.as_str()));
    if let Some(url) = args.get(3) {
        figment = figment.merge(("database_url", url.as_str()));
    }
    let settings = Settings::from_figment(&figment).unwrap_or_else(|e| {
        eprintln!("settings: {e}");
        std::process::exit(2);
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async move {
        let db = signons::open_database(&settings)
            .await
            .expect("open the database");
        signons::domain::demo::ensure(&db)
            .await
            .expect("the demo petition");
        let petition = petition::Entity::find()
            .one(&db)
            .await
            .expect("read")
            .expect("a petition");
        let started = Instant::now();
        let until = started + Duration::from_secs(seconds);
        let mut commits = 0u64;
        while Instant::now() < until {
            let now = signons::domain::now();
            let stamp = now.unix_timestamp();
            let email = format!("ceiling{commits}@example.org");
            let (text, html) = bodies(commits);
            let txn = signons::db::begin_write(&db).await.expect("begin");
            signature::ActiveModel {
                petition_id: Set(petition.id),
                first_name: Set("Sam".into()),
                last_name: Set("Load".into()),
                email: Set(email.clone()),
                email_key: Set(Some(email.clone())),
                newsletter: Set(false),
                locale: Set(Some("en-US".into())),
                confirmation_token_hash: Set(format!("{commits:064x}")),
                ip_hash: Set(Some(format!("{:064x}", commits % 9973))),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .expect("insert a signature");
            mail_queue::ActiveModel {
                message_id: Set(format!("<ceiling.{commits}@signons.example>")),
                recipient: Set(email.clone()),
                recipient_key: Set(Some(email)),
                petition_id: Set(Some(petition.id)),
                subject: Set("Please confirm your signature".into()),
                body_text: Set(text),
                body_html: Set(Some(html)),
                priority: Set(10),
                status: Set(mail_queue::STATUS_PENDING.into()),
                attempts: Set(0),
                next_attempt_at: Set(stamp),
                created_at: Set(stamp),
                ..Default::default()
            }
            .insert(&txn)
            .await
            .expect("insert its mail");
            txn.commit().await.expect("commit");
            commits += 1;
        }
        let elapsed = started.elapsed().as_secs_f64();
        println!(
            "CEILING commits={commits} seconds={elapsed:.3} rate={:.0}",
            commits as f64 / elapsed
        );
    });
}
