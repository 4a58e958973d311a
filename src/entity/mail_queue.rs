use sea_orm::entity::prelude::*;

/// One outgoing e-mail. Times are Unix milliseconds (UTC).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_queue")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub message_id: String,
    pub recipient: String,
    /// The canonical form of the recipient (`domain::abuse::address`), for the per-address cap.
    pub recipient_key: Option<String>,
    /// The petition the mail is about, if any, for the per-petition cap.
    pub petition_id: Option<i32>,
    pub reply_to: Option<String>,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub priority: i16,
    /// `pending`, `sent` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub lease_until: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    /// The one-click unsubscription address of a mail to signers (RFC 8058), sent as
    /// `List-Unsubscribe` with `List-Unsubscribe-Post`.
    pub list_unsubscribe: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub const STATUS_PENDING: &str = "pending";
pub const STATUS_SENT: &str = "sent";
pub const STATUS_FAILED: &str = "failed";
