//! An admin's first minutes with the `signons` binary: `demo` on a fresh machine, run again, and
//! several instances migrating one PostgreSQL database at the same moment.
mod common;

use std::process::{Command, Output};

use common::app::{Backend, TestDb, backends};
use sea_orm::{Database, EntityTrait, PaginatorTrait};
use signons::entity::{organization, petition, user};

fn signons(dir: &std::path::Path, database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_signons"))
        .args(args)
        .current_dir(dir)
        .env_remove("ROCKET_CONFIG")
        .env("ROCKET_DATABASE_URL", database_url)
        .env("ROCKET_PUBLIC_URL", "http://petitions.test")
        .env("SIGNONS_LOG", "warn")
        .output()
        .expect("run signons")
}

#[tokio::test]
async fn demo_prints_the_petition_url_last_and_running_it_again_creates_nothing_twice() {
    for backend in backends() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = TestDb::new(backend, dir.path()).await;
        let first = signons(dir.path(), &db.url, &["demo"]);
        let out = String::from_utf8_lossy(&first.stdout).to_string();
        assert!(
            first.status.success(),
            "{backend:?}: {out}\n{}",
            String::from_utf8_lossy(&first.stderr)
        );
        assert_eq!(
            out.lines().last(),
            Some("http://petitions.test/o/signons-demo/protect-the-city-park"),
            "{out}"
        );
        assert!(out.contains("Demo account: demo / password: "), "{out}");

        let second = signons(dir.path(), &db.url, &["demo"]);
        assert!(second.status.success());
        assert_eq!(
            String::from_utf8_lossy(&second.stdout).lines().last(),
            out.lines().last()
        );

        let conn = Database::connect(&db.url).await.expect("connect");
        assert_eq!(
            user::Entity::find().count(&conn).await.expect("count"),
            1,
            "{backend:?}"
        );
        assert_eq!(
            organization::Entity::find()
                .count(&conn)
                .await
                .expect("count"),
            1
        );
        let petitions = petition::Entity::find()
            .all(&conn)
            .await
            .expect("petitions");
        assert_eq!(petitions.len(), 1);
        assert!(petitions[0].published);
        conn.close().await.ok();
        db.drop_database().await;
    }
}

#[test]
fn demo_on_a_fresh_machine_creates_the_sqlite_database_in_the_data_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_signons"))
        .arg("demo")
        .current_dir(dir.path())
        .env_remove("ROCKET_DATABASE_URL")
        .env_remove("ROCKET_CONFIG")
        .env("SIGNONS_LOG", "warn")
        .output()
        .expect("run signons demo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        dir.path().join("data/signons.db").exists(),
        "the database is created under ./data"
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.lines().last(),
        Some("http://127.0.0.1:8000/o/signons-demo/protect-the-city-park")
    );
}

#[tokio::test]
async fn four_instances_migrating_one_postgresql_database_at_once_all_succeed() {
    if !backends().contains(&Backend::Postgres) {
        eprintln!(
            "SKIPPED: TEST_DATABASE_URL is not set, so there is no PostgreSQL to migrate concurrently."
        );
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = TestDb::new(Backend::Postgres, dir.path()).await;
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_signons"))
                .arg("migrate")
                .current_dir(dir.path())
                .env("ROCKET_DATABASE_URL", &db.url)
                .env("SIGNONS_LOG", "warn")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn signons migrate")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    db.drop_database().await;
}

#[test]
fn serve_starts_from_any_directory_with_an_smtp_server_configured_and_stops_on_sigterm() {
    let smtp = common::smtp::SmtpServer::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_signons"))
        .arg("serve")
        .current_dir(dir.path())
        .env_remove("ROCKET_DATABASE_URL")
        .env_remove("ROCKET_CONFIG")
        .env("ROCKET_PORT", port.to_string())
        .env("ROCKET_SMTP_URL", smtp.url())
        .env("SIGNONS_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn signons serve");
    let mut healthy = false;
    for _ in 0..100 {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            let _ = stream
                .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            if answer.starts_with("HTTP/1.1 200") {
                healthy = true;
                break;
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            let out = child.wait_with_output().expect("output");
            panic!(
                "signons serve exited with {status}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let mut stopped = None;
    for _ in 0..100 {
        if let Ok(Some(status)) = child.try_wait() {
            stopped = Some(status);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    if stopped.is_none() {
        let _ = child.kill();
    }
    assert!(healthy, "the server answered /health");
    assert!(
        stopped.is_some(),
        "the server stopped within 10 s of SIGTERM"
    );
    assert!(
        dir.path().join("data/secret_key").exists(),
        "a secret key was generated and kept"
    );
}

#[tokio::test]
async fn admin_promote_makes_a_moderator_and_writes_it_to_the_audit_log() {
    use sea_orm::{ColumnTrait, QueryFilter};
    use signons::entity::audit_entry;
    for backend in backends() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = TestDb::new(backend, dir.path()).await;
        assert!(signons(dir.path(), &db.url, &["demo"]).status.success());
        let promoted = signons(
            dir.path(),
            &db.url,
            &["admin", "promote", "--role", "moderator", "demo"],
        );
        assert!(
            promoted.status.success(),
            "{backend:?}: {}",
            String::from_utf8_lossy(&promoted.stderr)
        );
        let nobody = signons(
            dir.path(),
            &db.url,
            &["admin", "promote", "--role", "moderator", "nobody"],
        );
        assert!(!nobody.status.success(), "{backend:?}: no such account");

        let conn = Database::connect(&db.url).await.expect("connect");
        let demo = user::Entity::find()
            .filter(user::Column::Username.eq("demo"))
            .one(&conn)
            .await
            .expect("query")
            .expect("demo");
        assert!(demo.is_moderator, "{backend:?}");
        let logged = audit_entry::Entity::find()
            .filter(audit_entry::Column::Action.eq("grant-moderator"))
            .all(&conn)
            .await
            .expect("log");
        assert_eq!(logged.len(), 1, "{backend:?}");
        assert_eq!(logged[0].target_label, "demo");
        conn.close().await.ok();
        db.drop_database().await;
    }
}

#[tokio::test]
async fn admin_create_list_block_unblock_and_demote_each_write_to_the_audit_log() {
    use sea_orm::{ColumnTrait, QueryFilter};
    use signons::entity::audit_entry;
    for backend in backends() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = TestDb::new(backend, dir.path()).await;
        let run = |args: &[&str]| signons(dir.path(), &db.url, args);
        let ok = |out: &Output| {
            assert!(
                out.status.success(),
                "{backend:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        };
        // Without --role, `create` still makes an administrator.
        ok(&run(&[
            "admin",
            "create",
            "--username",
            "root",
            "--email",
            "root@example.org",
        ]));
        ok(&run(&[
            "admin",
            "create",
            "--username",
            "plain",
            "--email",
            "plain@example.org",
            "--role",
            "user",
            "--password",
            "a long enough password",
        ]));
        ok(&run(&[
            "admin",
            "create",
            "--username",
            "mod",
            "--email",
            "mod@example.org",
            "--role",
            "moderator",
        ]));
        let list = run(&["admin", "list"]);
        ok(&list);
        let listed = String::from_utf8_lossy(&list.stdout).to_string();
        assert!(listed.contains("root\troot@example.org\tadmin"), "{listed}");
        assert!(
            listed.contains("plain\tplain@example.org\tuser"),
            "{listed}"
        );
        assert!(
            listed.contains("mod\tmod@example.org\tmoderator"),
            "{listed}"
        );

        ok(&run(&["admin", "block", "--reason", "spam", "plain"]));
        let list = run(&["admin", "list", "--search", "plain"]);
        let listed = String::from_utf8_lossy(&list.stdout).to_string();
        assert_eq!(listed.trim(), "plain\tplain@example.org\tuser\tblocked");
        ok(&run(&["admin", "unblock", "plain"]));
        ok(&run(&["admin", "demote", "--role", "moderator", "mod"]));
        // The last administrator stays one, and cannot be blocked.
        assert!(
            !run(&["admin", "demote", "--role", "admin", "root"])
                .status
                .success()
        );
        assert!(!run(&["admin", "block", "root"]).status.success());
        assert!(!run(&["admin", "block", "nobody"]).status.success());

        let conn = Database::connect(&db.url).await.expect("connect");
        let users = user::Entity::find().all(&conn).await.expect("users");
        let by_name = |n: &str| users.iter().find(|u| u.username == n).expect("account");
        assert!(by_name("root").is_admin, "{backend:?}");
        assert!(!by_name("plain").is_admin && !by_name("plain").is_moderator);
        assert!(by_name("plain").blocked_at.is_none());
        assert!(!by_name("mod").is_moderator);
        let log = audit_entry::Entity::find()
            .filter(audit_entry::Column::ActorId.is_null())
            .all(&conn)
            .await
            .expect("log");
        let lines: Vec<(String, String)> = log
            .into_iter()
            .map(|e| (e.action, e.target_label))
            .collect();
        for line in [
            ("create-account", "root"),
            ("grant-administrator", "root"),
            ("create-account", "plain"),
            ("create-account", "mod"),
            ("grant-moderator", "mod"),
            ("block-account", "plain"),
            ("unblock-account", "plain"),
            ("revoke-moderator", "mod"),
        ] {
            assert!(
                lines.contains(&(line.0.to_string(), line.1.to_string())),
                "{backend:?}: {line:?} in {lines:?}"
            );
        }
        assert_eq!(
            lines.len(),
            8,
            "{backend:?}: refusals log nothing: {lines:?}"
        );
        conn.close().await.ok();
        db.drop_database().await;
    }
}
