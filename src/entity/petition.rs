use sea_orm::entity::prelude::*;
use time::OffsetDateTime;

/// A petition, owned by exactly one organization or one user.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "petitions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: Option<i32>,
    pub user_id: Option<i32>,
    pub title: String,
    /// Sanitized on write; printed as is.
    pub body_html: String,
    /// The text as its author wrote it, in Markdown; `body_html` is it rendered and sanitized. None
    /// for texts saved before Markdown (HTML, which the editor shows and Markdown keeps as is).
    pub body_markdown: Option<String>,
    pub goal: Option<i32>,
    pub deadline: Option<OffsetDateTime>,
    pub published: bool,
    /// Hidden by a moderator: 404 for the public, and its owner cannot publish it again.
    pub moderated: bool,
    /// Why the moderators hid it, as its owner is told (`domain::administration::moderation`).
    pub moderation_reason: Option<String>,
    pub paper_signatures: i32,
    /// Confirmed online signatures folded in from `petition_count_shards` about once a second by
    /// `domain::signing::counter` (at most one fold behind); `counter::confirmed` gives the exact figure.
    pub confirmed_count: i64,
    /// JSON: which optional signature fields are asked and which are required (F4.6).
    pub signature_fields: String,
    pub data_notice: String,
    pub reply_to: Option<String>,
    pub theme: String,
    pub accent_color: Option<String>,
    /// Which share links the page shows, comma-separated: `email`, `mastodon`, `diaspora`, `link`.
    pub share_links: String,
    /// The social preview's text (`og:description`); empty for the start of the petition's text.
    pub social_text: String,
    /// The social preview's image (`og:image`): an https URL or a path on this site.
    pub social_image_url: Option<String>,
    /// Whether browsers are asked to solve a small puzzle before signing (`abuse::proof_of_work`).
    pub proof_of_work: bool,
    /// The title folded for search (`search_key::fold`), kept by `before_save`.
    pub search_key: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// How many days after its closing date its signers' personal data are erased (F9.3); none:
    /// the instance's `anonymize_after_days`; 0: never (`domain::signing::anonymization`).
    pub anonymize_after_days: Option<i32>,
    /// When its signers' personal data were erased: no export after that.
    pub anonymized_at: Option<OffsetDateTime>,
    /// How its organizers ended the campaign: `successful` or `closed`; none while it runs or when
    /// it simply reached its closing date (`domain::petitions::outcome`).
    pub outcome: Option<String>,
    /// The language its main version is written in (F4.8); its translations are
    /// `petition_translations`. None only between the migration that added it and the next start
    /// (`domain::petitions::translations::settle_main_languages`).
    pub language: Option<String>,
    /// Who it is addressed to, shown under its title ("the Mayor of Lyon"); None when not said.
    pub addressed_to: Option<String>,
    /// The key of its picture's files (`picture`), heading its page and its social preview; None
    /// without a picture (`domain::petitions::picture`).
    pub picture_key: Option<String>,
    /// What the picture shows, for people who cannot see it (required with a picture).
    pub picture_alt: Option<String>,
    /// The picture's size at its largest width, so that the page keeps its room while it loads.
    pub picture_width: Option<i32>,
    pub picture_height: Option<i32>,
    /// Whether its page shows its recent signers who agreed to it (`domain::signing::public_signers`).
    pub show_signers: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::OrganizationId",
        to = "super::organization::Column::Id",
        on_delete = "Cascade"
    )]
    Organization,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_delete = "Cascade"
    )]
    User,
    #[sea_orm(has_many = "super::permalink::Entity")]
    Permalink,
    #[sea_orm(has_many = "super::signature::Entity")]
    Signature,
    #[sea_orm(has_many = "super::petition_translation::Entity")]
    Translation,
}

impl Related<super::permalink::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Permalink.def()
    }
}

impl Related<super::petition_translation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Translation.def()
    }
}

impl Related<super::signature::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Signature.def()
    }
}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(mut self, _db: &C, _insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        if let sea_orm::ActiveValue::Set(title) = &self.title {
            self.search_key = sea_orm::ActiveValue::Set(Some(super::search_key::fold(title)));
        }
        Ok(self)
    }
}
