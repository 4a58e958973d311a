//! A local SMTP server for trying Signons' mail by hand and for `bench/`: it accepts (or, for the
//! first `--temp-fail-secs` seconds, answers 451 to) every mail, prints what arrives, and exits once
//! `--expect` mails have arrived or `--timeout` seconds have passed. With `--save DIR`, each mail is
//! also written to `DIR/<n>.eml` as it arrives, to be opened in a mail client or read by a script.
//!
//!     cargo run --release --example smtp_sink -- --expect 200 --temp-fail-secs 60
//!     cargo run --release --example smtp_sink -- --expect 1 --save /tmp/mail
#[path = "../tests/common/smtp.rs"]
mod smtp;

use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `--save DIR`: the folder (created when missing) that receives every mail as a `.eml` file.
fn save_dir() -> Option<std::path::PathBuf> {
    let args: Vec<String> = std::env::args().collect();
    let dir = args
        .iter()
        .position(|a| a == "--save")
        .and_then(|i| args.get(i + 1))
        .map(std::path::PathBuf::from)?;
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        std::process::exit(2);
    }
    Some(dir)
}

fn main() {
    let temp_fail = Duration::from_secs(arg("--temp-fail-secs", 0));
    let expect = arg("--expect", u64::MAX) as usize;
    let timeout = Duration::from_secs(arg("--timeout", 600));
    let mode = if temp_fail.is_zero() {
        smtp::Mode::Accept
    } else {
        smtp::Mode::TempFail
    };
    let save = save_dir();
    let server = smtp::SmtpServer::start_with(mode);
    println!("listening smtp://127.0.0.1:{}", server.port());
    let _ = std::io::stdout().flush();
    let started = Instant::now();
    let mut accepting = temp_fail.is_zero();
    let mut last_report = 0;
    loop {
        std::thread::sleep(Duration::from_millis(200));
        if !accepting && started.elapsed() >= temp_fail {
            server.set_mode(smtp::Mode::Accept);
            accepting = true;
            println!(
                "{:>6.1}s now accepting (answered 451 {} times before)",
                started.elapsed().as_secs_f64(),
                server.refused()
            );
        }
        // Counted without copying: a bench sends tens of thousands of mails.
        let received = server.message_count();
        if let Some(dir) = &save
            && received != last_report
        {
            for (n, mail) in server.messages().iter().enumerate().skip(last_report) {
                let path = dir.join(format!("{}.eml", n + 1));
                if let Err(e) = std::fs::write(&path, &mail.raw) {
                    eprintln!("cannot write {}: {e}", path.display());
                }
            }
        }
        if received != last_report {
            println!(
                "{:>6.1}s received {received}",
                started.elapsed().as_secs_f64()
            );
            last_report = received;
        }
        if received >= expect || started.elapsed() >= timeout {
            break;
        }
        let _ = std::io::stdout().flush();
    }
    let messages = server.messages();
    let mut per_recipient: HashMap<String, usize> = HashMap::new();
    for m in &messages {
        for to in &m.to {
            *per_recipient.entry(to.to_lowercase()).or_default() += 1;
        }
    }
    let duplicates: usize = per_recipient.values().map(|n| n.saturating_sub(1)).sum();
    // Pace from the first to the last mail received: n mails, n - 1 intervals.
    let first = messages.iter().map(|m| m.received_at).min();
    let last = messages.iter().map(|m| m.received_at).max();
    let span = match (first, last) {
        (Some(first), Some(last)) => (last - first).as_secs_f64(),
        _ => 0.0,
    };
    let rate = if span > 0.0 {
        (messages.len() - 1) as f64 / span
    } else {
        0.0
    };
    println!(
        "summary received={} distinct_recipients={} duplicates={} refused_451={} seconds={:.1} first_to_last_seconds={span:.3} mails_per_second={rate:.1}",
        messages.len(),
        per_recipient.len(),
        duplicates,
        server.refused(),
        started.elapsed().as_secs_f64()
    );
}
