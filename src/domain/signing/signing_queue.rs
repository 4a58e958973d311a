//! Group commit of signatures and confirmations. With `synchronous=FULL`, what limits signing is the
//! commit (one fsync of the write-ahead log each) and the wait for SQLite's write lock, not the work
//! of a signature. So the signatures (and confirmations) arriving together are written by one task
//! in one `BEGIN IMMEDIATE` transaction and committed at once, each signature with its confirmation
//! mail row (the transactional outbox holds per signature as before), and each signer is answered
//! only after that commit.
//!
//! Batches form by themselves: while a commit is on its way to the disk, the signatures that arrive
//! wait in the channel, and the next batch takes them all (up to `MAX_BATCH`). A signature alone is
//! committed at once, so an idle site adds no delay.
//!
//! On PostgreSQL several writers take batches from the queue, each on a connection of its own: a
//! commit there is a round trip to another process, and while one batch waits for it the next one
//! is written (the batches lock their addresses and sources, as two instances' batches do). SQLite
//! has one writer: it takes one write transaction at a time anyway.
//!
//! If a batch fails as a whole (on PostgreSQL, another instance inserting the same address at the
//! same moment meets the unique index), it is rolled back and its jobs are written one by one, each
//! in its own transaction, exactly as `signature::sign` and `signature::confirm` do.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use sea_orm::{DatabaseBackend, DatabaseConnection, DbErr};
use tokio::sync::{Mutex, mpsc, oneshot};

use crate::Site;
use crate::db::PlannerStatistics;
use crate::domain::abuse::mail_cap;
use crate::domain::signing::history::Changes;
use crate::domain::signing::signature::{self, Prepared, SignError};
use crate::domain::signing::tallies::Tallies;
use crate::domain::token;
use crate::mail::Wake;
use crate::templates::Templates;

/// Signatures written in one transaction at most: enough to reach the target many times over,
/// few enough that the write lock is never held for long (about 30 µs of statements each).
pub const MAX_BATCH: usize = 256;

/// Signatures waiting for the writer at most; a signer beyond waits to be queued.
const QUEUE_DEPTH: usize = 4 * MAX_BATCH;

/// Writers on PostgreSQL (batches written at once, each in its own transaction). Each batch waits
/// on a handful of round trips, and each writer more makes batches smaller, so that PostgreSQL
/// runs more statements per signature. Measured on two cores with 32 signers at once, without TLS
/// to a server on the same machine: 2 writers 1,300–1,330 signatures/s, 3: 1,250–1,340, 4:
/// 1,110–1,410, 6: 1,100–1,190, 8: 990–1,180, 16: 1,000–1,120. With TLS: 4 writers 860/s, 8: 830.
const POSTGRES_WRITERS: usize = 4;

enum Job {
    Sign {
        prepared: Box<Prepared>,
        reply: oneshot::Sender<Result<(), SignError>>,
    },
    Confirm {
        token: String,
        reply: oneshot::Sender<Result<Option<i32>, DbErr>>,
    },
}

enum Outcome {
    Signed(Result<(), SignError>),
    /// The confirmed signature's petition, if the token was found.
    Confirmed(Option<i32>),
}

impl Job {
    fn answer(self, outcome: Outcome) {
        match (self, outcome) {
            (Job::Sign { reply, .. }, Outcome::Signed(result)) => {
                let _ = reply.send(result);
            }
            (Job::Confirm { reply, .. }, Outcome::Confirmed(found)) => {
                let _ = reply.send(Ok(found));
            }
            (job, _) => job.fail("mismatched outcome"),
        }
    }

    fn fail(self, why: &str) {
        match self {
            Job::Sign { reply, .. } => {
                let _ = reply.send(Err(SignError::Database(DbErr::Custom(why.into()))));
            }
            Job::Confirm { reply, .. } => {
                let _ = reply.send(Err(DbErr::Custom(why.into())));
            }
        }
    }
}

/// The queue in front of the writer, one per instance (Rocket state). The writer task is started
/// with the first job, on the database connection of that request.
#[derive(Default)]
pub struct SigningQueue {
    sender: OnceLock<mpsc::Sender<Job>>,
    stats: Arc<Stats>,
    statistics: Arc<PlannerStatistics>,
}

/// What the writer has done so far, for tests and monitoring.
#[derive(Default)]
struct Stats {
    signatures: AtomicU64,
    commits: AtomicU64,
}

const STOPPED: &str = "the signature writer stopped";

impl SigningQueue {
    /// Signatures written so far, and the transactions they took.
    pub fn written(&self) -> (u64, u64) {
        (
            self.stats.signatures.load(Ordering::Relaxed),
            self.stats.commits.load(Ordering::Relaxed),
        )
    }

    fn sender(&self, db: &DatabaseConnection, site: &Site) -> &mpsc::Sender<Job> {
        self.sender.get_or_init(|| {
            let (sender, receiver) = mpsc::channel(QUEUE_DEPTH);
            let writers = match db.get_database_backend() {
                DatabaseBackend::Postgres => POSTGRES_WRITERS,
                _ => 1,
            };
            let writer = Arc::new(Writer {
                db: db.clone(),
                rules: signature::Rules::of(site),
                wake: site.wake.clone(),
                stats: self.stats.clone(),
                statistics: self.statistics.clone(),
                // The writer's own copy, for the rare note to an address that already confirmed.
                templates: Templates::load(
                    site.settings.overrides_dir.as_deref(),
                    site.settings.zone,
                )
                .map_err(|e| e.to_string()),
            });
            let receiver = Arc::new(Mutex::new(receiver));
            for _ in 0..writers {
                tokio::spawn(writer.clone().run(receiver.clone()));
            }
            sender
        })
    }

    /// Writes `prepared` in the next group commit; returns once it is committed (or refused).
    pub async fn sign(
        &self,
        db: &DatabaseConnection,
        site: &Site,
        prepared: Prepared,
    ) -> Result<(), SignError> {
        let (reply, answer) = oneshot::channel();
        let stopped = || SignError::Database(DbErr::Custom(STOPPED.into()));
        self.sender(db, site)
            .send(Job::Sign {
                prepared: Box::new(prepared),
                reply,
            })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Confirms the signature of `token` in the next group commit, as `signature::confirm` does
    /// (confirming again changes nothing, the count goes up by exactly one). Returns the signature's
    /// petition once committed, or `None` for an unknown token.
    pub async fn confirm(
        &self,
        db: &DatabaseConnection,
        site: &Site,
        token: &str,
    ) -> Result<Option<i32>, DbErr> {
        let (reply, answer) = oneshot::channel();
        let stopped = || DbErr::Custom(STOPPED.into());
        self.sender(db, site)
            .send(Job::Confirm {
                token: token.to_string(),
                reply,
            })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

struct Writer {
    db: DatabaseConnection,
    rules: signature::Rules,
    wake: Wake,
    stats: Arc<Stats>,
    statistics: Arc<PlannerStatistics>,
    templates: Result<Templates, String>,
}

impl Writer {
    /// Takes the jobs waiting (the first writer free waits for the next one) and writes them,
    /// until the queue closes.
    async fn run(self: Arc<Self>, receiver: Arc<Mutex<mpsc::Receiver<Job>>>) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        loop {
            let taken = receiver.lock().await.recv_many(&mut batch, MAX_BATCH).await;
            if taken == 0 {
                break;
            }
            self.commit(std::mem::take(&mut batch)).await;
            self.wake.notify();
            self.statistics.after_writing(&self.db);
        }
    }

    /// Writes `batch` and answers each of its jobs.
    async fn commit(&self, batch: Vec<Job>) {
        let templates = match &self.templates {
            Ok(templates) => templates,
            Err(e) => {
                for job in batch {
                    job.fail(e);
                }
                return;
            }
        };
        let signatures = batch
            .iter()
            .filter(|job| matches!(job, Job::Sign { .. }))
            .count() as u64;
        if batch.len() > 1 {
            match self.write_group(templates, &batch).await {
                Ok(outcomes) => {
                    self.stats.commits.fetch_add(1, Ordering::Relaxed);
                    self.stats
                        .signatures
                        .fetch_add(signatures, Ordering::Relaxed);
                    for (job, outcome) in batch.into_iter().zip(outcomes) {
                        job.answer(outcome);
                    }
                    return;
                }
                Err(e) => {
                    tracing::info!(error = %e, jobs = batch.len(), "group commit rolled back; writing its jobs one by one");
                }
            }
        }
        for job in batch {
            self.stats.commits.fetch_add(1, Ordering::Relaxed);
            match job {
                Job::Sign { prepared, reply } => {
                    let outcome =
                        signature::write_one(&self.db, &prepared, &self.rules, templates).await;
                    self.stats.signatures.fetch_add(1, Ordering::Relaxed);
                    let _ = reply.send(outcome);
                }
                Job::Confirm { token, reply } => {
                    let outcome = signature::confirm(&self.db, &token)
                        .await
                        .map(|found| found.map(|p| p.petition.petition.id));
                    let _ = reply.send(outcome);
                }
            }
        }
    }

    /// One transaction for the whole batch, in arrival order: an address signing twice in one batch
    /// ends as it would have one after the other. A refusal (the petition closed or hidden meanwhile)
    /// is that signer's answer; a database error rolls everything back.
    async fn write_group(
        &self,
        templates: &Templates,
        batch: &[Job],
    ) -> Result<Vec<Outcome>, DbErr> {
        let txn = crate::db::begin_write(&self.db).await?;
        // Every address and source of the batch at once, so that limits count alike across
        // instances (PostgreSQL) and two batches never wait on each other in a circle.
        let keys: Vec<String> = batch
            .iter()
            .filter_map(|job| match job {
                Job::Sign { prepared, .. } => Some(prepared.lock_keys()),
                Job::Confirm { .. } => None,
            })
            .flatten()
            .collect();
        mail_cap::lock_then(&txn, &keys, Some(crate::db::GENERIC_PLANS)).await?;
        // What the limits and caps need of the whole batch, read at once.
        let wanted: Vec<_> = batch
            .iter()
            .filter_map(|job| match job {
                Job::Sign { prepared, .. } => Some(signature::wanted(prepared)),
                Job::Confirm { .. } => None,
            })
            .collect();
        let mut tallies =
            Tallies::load(&txn, &wanted, self.rules.limits, &self.rules.postmark).await?;
        // Confirmations of this batch per petition and day, counted once at the end.
        let mut confirmed = Changes::new();
        let mut outcomes = Vec::with_capacity(batch.len());
        for job in batch {
            let prepared = match job {
                Job::Sign { prepared, .. } => prepared,
                Job::Confirm { token, .. } => {
                    let found = signature::flip_confirmed(&txn, &token::hash(token)).await?;
                    if let Some(signature::Flip {
                        petition_id,
                        confirmed_at: Some(at),
                    }) = found
                    {
                        confirmed.confirmed(petition_id, at);
                    }
                    outcomes.push(Outcome::Confirmed(found.map(|f| f.petition_id)));
                    continue;
                }
            };
            outcomes.push(Outcome::Signed(
                match tallies.refusal(prepared.petition_id()) {
                    Some(refusal) => Err(refusal.into()),
                    None => {
                        match signature::apply(&txn, prepared, &self.rules, templates, &mut tallies)
                            .await
                        {
                            Ok(_) => Ok(()),
                            Err(SignError::Database(e)) => return Err(e),
                            Err(other) => Err(other),
                        }
                    }
                },
            ));
        }
        confirmed.apply(&txn).await?;
        tallies.finish(&txn).await?;
        txn.commit().await?;
        Ok(outcomes)
    }
}
