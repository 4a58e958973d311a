//! Updates to signers (F6.5): the people who may modify a petition's signatures write an update
//! (a subject and a Markdown text, sanitized), preview it, mail a test to themselves, then send it
//! to the confirmed signers who asked to be kept informed. Pressing "send" only marks the update
//! as sending; `sending` queues the mails in batches. An update that is sending or sent is no
//! longer edited. Updates not marked private are the petition page's "News".
use std::sync::Arc;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use super::unsubscribe;
use crate::Site;
use crate::domain::administration::site_settings::Live;
use crate::domain::people::account::FieldErrors;
use crate::domain::petitions::html;
use crate::domain::petitions::petition::Located;
use crate::entity::{petition_update, signature, user};
use crate::i18n::Lang;
use crate::mail::queue::{self, Outgoing, Postmark, Priority};
use crate::templates::Templates;

/// Longest subject, in characters.
pub const SUBJECT_MAX: usize = 200;
/// Longest text, in characters of Markdown.
pub const BODY_MAX: usize = 50_000;
/// Most updates the petition page shows.
pub const NEWS_MAX: u64 = 20;

/// An update as typed into the form.
#[derive(Debug, Default, Clone, Serialize)]
pub struct UpdateInput {
    pub subject: String,
    pub body: String,
    pub private: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("invalid update")]
    Invalid(FieldErrors),
    /// It is sending or sent: it stays as it went out.
    #[error("already sent")]
    AlreadySent,
    #[error("template: {0}")]
    Template(String),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// The update to store — subject, Markdown, rendered HTML — or the form's mistakes.
pub fn check(input: &UpdateInput) -> Result<(String, String, String), FieldErrors> {
    let mut errors = FieldErrors::new();
    let subject = html::plain_text(input.subject.trim());
    if subject.is_empty() {
        errors.insert("subject", "update-subject-missing");
    } else if subject.chars().count() > SUBJECT_MAX {
        errors.insert("subject", "update-subject-too-long");
    }
    let body = input.body.trim().replace("\r\n", "\n");
    let rendered = html::markdown(&body);
    if body.is_empty() || html::is_blank(&rendered) {
        errors.insert("body", "update-body-missing");
    } else if body.chars().count() > BODY_MAX {
        errors.insert("body", "update-body-too-long");
    }
    crate::domain::text::check(&mut errors, &[("subject", &subject), ("body", &body)]);
    if errors.is_empty() {
        Ok((subject, body, rendered))
    } else {
        Err(errors)
    }
}

/// Writes a new update of `located` (not sent).
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    located: &Located,
    author: &user::Model,
    input: &UpdateInput,
) -> Result<petition_update::Model, UpdateError> {
    let (subject, markdown, rendered) = check(input).map_err(UpdateError::Invalid)?;
    Ok(petition_update::ActiveModel {
        petition_id: Set(located.petition.id),
        subject: Set(subject),
        body_markdown: Set(markdown),
        body_html: Set(rendered),
        private: Set(input.private),
        author_id: Set(Some(author.id)),
        author_name: Set(author.display_name.clone()),
        created_at: Set(crate::domain::now()),
        sending_at: Set(None),
        sent_at: Set(None),
        cursor: Set(0),
        recipients: Set(0),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// Changes an update that has not been sent.
pub async fn edit<C: ConnectionTrait>(
    conn: &C,
    update: &petition_update::Model,
    input: &UpdateInput,
) -> Result<petition_update::Model, UpdateError> {
    let (subject, markdown, rendered) = check(input).map_err(UpdateError::Invalid)?;
    let changed = petition_update::Entity::update_many()
        .col_expr(petition_update::Column::Subject, Expr::value(subject))
        .col_expr(petition_update::Column::BodyMarkdown, Expr::value(markdown))
        .col_expr(petition_update::Column::BodyHtml, Expr::value(rendered))
        .col_expr(petition_update::Column::Private, Expr::value(input.private))
        .filter(petition_update::Column::Id.eq(update.id))
        .filter(petition_update::Column::SendingAt.is_null())
        .exec(conn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(UpdateError::AlreadySent);
    }
    petition_update::Entity::find_by_id(update.id)
        .one(conn)
        .await?
        .ok_or(UpdateError::AlreadySent)
}

/// Whether an update that is sent (or sending) may still be shown publicly or kept private: the
/// one thing that can change after sending.
pub async fn set_private<C: ConnectionTrait>(
    conn: &C,
    update: &petition_update::Model,
    private: bool,
) -> Result<(), DbErr> {
    petition_update::Entity::update_many()
        .col_expr(petition_update::Column::Private, Expr::value(private))
        .filter(petition_update::Column::Id.eq(update.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes an update that was never sent.
pub async fn delete_draft<C: ConnectionTrait>(
    conn: &C,
    update: &petition_update::Model,
) -> Result<(), UpdateError> {
    let deleted = petition_update::Entity::delete_many()
        .filter(petition_update::Column::Id.eq(update.id))
        .filter(petition_update::Column::SendingAt.is_null())
        .exec(conn)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(UpdateError::AlreadySent);
    }
    Ok(())
}

/// One update of `petition_id`.
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    petition_id: i32,
    update_id: i32,
) -> Result<Option<petition_update::Model>, DbErr> {
    petition_update::Entity::find_by_id(update_id)
        .filter(petition_update::Column::PetitionId.eq(petition_id))
        .one(conn)
        .await
}

/// Every update of `petition_id`, newest first.
pub async fn of_petition<C: ConnectionTrait>(
    conn: &C,
    petition_id: i32,
) -> Result<Vec<petition_update::Model>, DbErr> {
    petition_update::Entity::find()
        .filter(petition_update::Column::PetitionId.eq(petition_id))
        .order_by_desc(petition_update::Column::Id)
        .all(conn)
        .await
}

/// How many signers an update of `petition_id` goes to: confirmed, and kept informed.
pub async fn audience<C: ConnectionTrait>(conn: &C, petition_id: i32) -> Result<u64, DbErr> {
    signature::Entity::find()
        .filter(signature::Column::PetitionId.eq(petition_id))
        .filter(signature::Column::ConfirmedAt.is_not_null())
        .filter(signature::Column::Newsletter.eq(true))
        .count(conn)
        .await
}

/// An update as the petition page and the dashboard show it.
#[derive(Debug, Serialize)]
pub struct UpdateView {
    pub id: i32,
    pub subject: String,
    pub body_markdown: String,
    pub body_html: String,
    pub private: bool,
    pub author_name: String,
    /// Its sending (or writing, for a draft), `domain::instant_text`.
    pub date: String,
    /// `draft`, `sending` or `sent`.
    pub state: &'static str,
    pub recipients: i32,
}

impl From<&petition_update::Model> for UpdateView {
    fn from(u: &petition_update::Model) -> UpdateView {
        let state = match (u.sending_at, u.sent_at) {
            (None, _) => "draft",
            (Some(_), None) => "sending",
            (Some(_), Some(_)) => "sent",
        };
        UpdateView {
            id: u.id,
            subject: u.subject.clone(),
            body_markdown: u.body_markdown.clone(),
            body_html: u.body_html.clone(),
            private: u.private,
            author_name: u.author_name.clone(),
            date: crate::domain::instant_text(u.sending_at.unwrap_or(u.created_at)),
            state,
            recipients: u.recipients,
        }
    }
}

/// The updates sent and not private, newest first: a petition's public news.
pub async fn news_rows<C: ConnectionTrait>(
    conn: &C,
    petition_id: i32,
) -> Result<Vec<petition_update::Model>, DbErr> {
    petition_update::Entity::find()
        .filter(petition_update::Column::PetitionId.eq(petition_id))
        .filter(petition_update::Column::SendingAt.is_not_null())
        .filter(petition_update::Column::Private.eq(false))
        .order_by_desc(petition_update::Column::SendingAt)
        .limit(NEWS_MAX)
        .all(conn)
        .await
}

/// The petition page's "News".
pub async fn news<C: ConnectionTrait>(
    conn: &C,
    petition_id: i32,
) -> Result<Vec<UpdateView>, DbErr> {
    Ok(news_rows(conn, petition_id)
        .await?
        .iter()
        .map(UpdateView::from)
        .collect())
}

/// Sends `update`: from now on it is queued to every confirmed signer kept informed, by
/// `sending`, on whichever instance gets there first. Pressing again changes nothing. Whether
/// this press started it.
pub async fn start_sending<C: ConnectionTrait>(
    conn: &C,
    update: &petition_update::Model,
) -> Result<bool, DbErr> {
    let started = petition_update::Entity::update_many()
        .col_expr(
            petition_update::Column::SendingAt,
            Expr::value(crate::domain::now()),
        )
        .filter(petition_update::Column::Id.eq(update.id))
        .filter(petition_update::Column::SendingAt.is_null())
        .exec(conn)
        .await?;
    Ok(started.rows_affected == 1)
}

/// What every mail of an update is written with: owned, so that the sending runs on its own.
#[derive(Clone)]
pub struct Letterhead {
    pub templates: Arc<Templates>,
    pub public_url: String,
    pub live: Live,
    pub postmark: Postmark,
    pub unsubscribe_key: [u8; 32],
}

impl Letterhead {
    pub fn of(site: &Site) -> Letterhead {
        Letterhead {
            templates: site.templates.clone(),
            public_url: site.settings.public_url().to_string(),
            live: site.live.clone(),
            postmark: site.postmark(),
            unsubscribe_key: site.keys.unsubscribe,
        }
    }

    /// The language of mail to `signature`: the one they signed in, else the site's default.
    pub fn language_of(&self, signature: &signature::Model) -> Lang {
        signature
            .locale
            .as_deref()
            .and_then(Lang::shipped)
            .or_else(|| Lang::shipped(&self.live.get().default_language))
            .unwrap_or_else(Lang::source)
    }

    /// The mail of `update` to `to`: the organization's words, in the frame of `lang`. For a
    /// signer, with their unsubscription link (and the `List-Unsubscribe` headers); without one,
    /// a test for the writer.
    pub fn letter(
        &self,
        located: &Located,
        update: &petition_update::Model,
        lang: &Lang,
        to: &str,
        signer: Option<&signature::Model>,
    ) -> Result<Outgoing, UpdateError> {
        let unsubscribe_url = signer.map(|s| {
            format!(
                "{}{}",
                self.public_url,
                unsubscribe::path(&self.unsubscribe_key, s.id)
            )
        });
        let context = serde_json::json!({
            "site_name": self.live.get().site_name,
            "first_name": signer.map(|s| s.first_name.as_str()),
            "title": located.petition.title,
            "owner": located.owner.name(),
            "url": format!("{}{}", self.public_url, located.path()),
            "body_text": update.body_markdown,
            "body_html": update.body_html,
            "unsubscribe_url": unsubscribe_url,
        });
        let subject = if signer.is_some() {
            update.subject.clone()
        } else {
            lang.t_args(
                "update-test-subject",
                &[("subject", update.subject.clone().into())],
            )
        };
        let mut mail = Outgoing::compose(&self.templates, "update", lang, subject, to, &context)
            .map_err(|e| UpdateError::Template(crate::error::describe_chain(&e)))?;
        mail.petition_id = Some(located.petition.id);
        mail.priority = if signer.is_some() {
            Priority::Bulk
        } else {
            Priority::Transactional
        };
        mail.list_unsubscribe = unsubscribe_url;
        Ok(mail)
    }
}

/// Mails `update` to its writer as a test, in their language, marked as a test.
pub async fn send_test<C: ConnectionTrait>(
    conn: &C,
    letterhead: &Letterhead,
    located: &Located,
    update: &petition_update::Model,
    writer: &user::Model,
    lang: &Lang,
) -> Result<bool, UpdateError> {
    let mail = letterhead.letter(located, update, lang, &writer.email, None)?;
    Ok(queue::enqueue(conn, mail, &letterhead.postmark)
        .await?
        .is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_needs_a_subject_and_a_text_and_keeps_its_markdown() {
        let input = UpdateInput {
            subject: "  We reached 1,000!  ".into(),
            body: "Thank you **all**.\r\n\r\n<script>alert(1)</script>".into(),
            private: false,
        };
        let (subject, markdown, rendered) = check(&input).expect("valid");
        assert_eq!(subject, "We reached 1,000!");
        assert!(markdown.contains("**all**") && !markdown.contains('\r'));
        assert!(rendered.contains("<strong>all</strong>") && !rendered.contains("script"));
        let empty = check(&UpdateInput::default()).expect_err("empty");
        assert_eq!(empty.get("subject"), Some(&"update-subject-missing"));
        assert_eq!(empty.get("body"), Some(&"update-body-missing"));
        let long = UpdateInput {
            subject: "s".repeat(SUBJECT_MAX + 1),
            body: "b".repeat(BODY_MAX + 1),
            private: true,
        };
        let refused = check(&long).expect_err("too long");
        assert_eq!(refused.get("subject"), Some(&"update-subject-too-long"));
        assert_eq!(refused.get("body"), Some(&"update-body-too-long"));
    }
}
