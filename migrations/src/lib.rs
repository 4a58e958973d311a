//! Signons' database schema, one module per migration. A migration that has landed is never edited:
//! changes come as a new module appended to `Migrator::migrations`.
pub use sea_orm_migration::prelude::*;

mod m20261123_000001_initial;
mod m20261123_000002_mail_throttle;
mod m20261123_000003_password_resets;
mod m20261123_000004_invitations;
mod m20261123_000005_mail_pause;
mod m20261124_000001_count_shards;
mod m20261125_000001_signature_order;
mod m20261126_000001_petition_templates;
mod m20261127_000001_share_and_preview;
mod m20261128_000001_search_keys;
mod m20261128_000002_email_changes;
mod m20261128_000003_signing_limits;
mod m20261128_000010_accounts_hardening;
mod m20261128_000020_moderation;
mod m20261128_000021_organization_profiles;
mod m20261128_000030_blocked_accounts;
mod m20261129_000040_account_search_keys;
mod m20261129_000050_site_settings;
mod m20261129_000060_daily_counts;
mod m20261129_000080_updates;
mod m20261129_000090_anonymization;
mod m20261130_000010_digests;
mod m20261130_000020_outcome;
mod m20261130_000040_mail_queue_order;
mod m20261201_000010_translations;
mod m20261201_000050_petition_languages;
mod m20261202_000010_addressed_to;
mod m20261202_000020_markdown_texts;
mod m20261203_000010_pictures;
mod m20261203_000020_public_signers;
mod m20261203_000030_translated_extras;
mod m20261204_000010_partial_held_index;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_initial::Migration),
            Box::new(m20261123_000002_mail_throttle::Migration),
            Box::new(m20261123_000003_password_resets::Migration),
            Box::new(m20261123_000004_invitations::Migration),
            Box::new(m20261123_000005_mail_pause::Migration),
            Box::new(m20261124_000001_count_shards::Migration),
            Box::new(m20261125_000001_signature_order::Migration),
            Box::new(m20261126_000001_petition_templates::Migration),
            Box::new(m20261127_000001_share_and_preview::Migration),
            Box::new(m20261128_000001_search_keys::Migration),
            Box::new(m20261128_000002_email_changes::Migration),
            Box::new(m20261128_000003_signing_limits::Migration),
            Box::new(m20261128_000010_accounts_hardening::Migration),
            Box::new(m20261128_000020_moderation::Migration),
            Box::new(m20261128_000021_organization_profiles::Migration),
            Box::new(m20261128_000030_blocked_accounts::Migration),
            Box::new(m20261129_000040_account_search_keys::Migration),
            Box::new(m20261129_000050_site_settings::Migration),
            Box::new(m20261129_000060_daily_counts::Migration),
            Box::new(m20261129_000080_updates::Migration),
            Box::new(m20261129_000090_anonymization::Migration),
            Box::new(m20261130_000010_digests::Migration),
            Box::new(m20261130_000020_outcome::Migration),
            Box::new(m20261130_000040_mail_queue_order::Migration),
            Box::new(m20261201_000010_translations::Migration),
            Box::new(m20261201_000050_petition_languages::Migration),
            Box::new(m20261202_000010_addressed_to::Migration),
            Box::new(m20261202_000020_markdown_texts::Migration),
            Box::new(m20261203_000010_pictures::Migration),
            Box::new(m20261203_000020_public_signers::Migration),
            Box::new(m20261203_000030_translated_extras::Migration),
            Box::new(m20261204_000010_partial_held_index::Migration),
        ]
    }
}
