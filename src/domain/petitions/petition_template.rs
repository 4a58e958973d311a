//! Petition templates (F4.4): a petition's settings kept under a name by a user or an organization,
//! one of them the owner's default, for the creation wizard to start from. Who may create, mark
//! default or delete them is asked of `permission`; a refusal looks like a missing template.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::Serialize;

use crate::domain::people::account::FieldErrors;
use crate::domain::people::permission::{self, Permission};
use crate::domain::petitions::petition::Owner;
use crate::entity::{petition, petition_template, user};

const MAX_NAME: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    /// No such template or petition, or not for this person.
    #[error("not found")]
    NotFound,
    /// Field → Fluent key of the message.
    #[error("invalid template details")]
    Invalid(FieldErrors),
}

/// What the templates page shows of one template.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateView {
    pub id: i32,
    pub name: String,
    pub goal: Option<i32>,
    pub is_default: bool,
}

/// An owner's templates page: its templates and what this member may do to them.
#[derive(Debug, Clone, Serialize)]
pub struct TemplatesPage {
    pub owner_name: String,
    pub templates: Vec<TemplateView>,
    pub may_modify: bool,
    pub may_delete: bool,
}

fn filter_owner(
    query: sea_orm::Select<petition_template::Entity>,
    owner: &Owner,
) -> sea_orm::Select<petition_template::Entity> {
    match owner.ids() {
        (Some(org), _) => query.filter(petition_template::Column::OrganizationId.eq(org)),
        (None, user) => query.filter(petition_template::Column::UserId.eq(user)),
    }
}

/// Whether `user` may do `needed` to the templates of `owner`: everything on their own, the
/// member's permission on an organization's.
pub async fn allows<C: ConnectionTrait>(
    conn: &C,
    user: &user::Model,
    owner: &Owner,
    needed: Permission,
) -> Result<bool, sea_orm::DbErr> {
    match owner {
        Owner::User(u) => Ok(u.id == user.id),
        Owner::Organization(o) => permission::allows(conn, user.id, o.id, needed).await,
    }
}

/// The templates of `owner`, by name.
pub async fn of_owner<C: ConnectionTrait>(
    conn: &C,
    owner: &Owner,
) -> Result<Vec<petition_template::Model>, sea_orm::DbErr> {
    filter_owner(petition_template::Entity::find(), owner)
        .order_by_asc(petition_template::Column::Name)
        .order_by_asc(petition_template::Column::Id)
        .all(conn)
        .await
}

/// The templates page of `owner` as `user` sees it: their own, or an organization's they belong to.
pub async fn page<C: ConnectionTrait>(
    conn: &C,
    user: &user::Model,
    owner: &Owner,
) -> Result<TemplatesPage, TemplateError> {
    let visible = match owner {
        Owner::User(u) => u.id == user.id,
        Owner::Organization(o) => permission::membership(conn, user.id, o.id).await?.is_some(),
    };
    if !visible {
        return Err(TemplateError::NotFound);
    }
    let templates = of_owner(conn, owner)
        .await?
        .into_iter()
        .map(|t| TemplateView {
            id: t.id,
            name: t.name,
            goal: t.goal,
            is_default: t.is_default,
        })
        .collect();
    Ok(TemplatesPage {
        owner_name: owner.name().to_string(),
        templates,
        may_modify: allows(conn, user, owner, Permission::ModifyTemplates).await?,
        may_delete: allows(conn, user, owner, Permission::DeleteTemplates).await?,
    })
}

/// The petition `id` if `user` may keep its settings as a template of its owner: their own
/// petition, or the right to create templates in its organization.
pub async fn petition_for<C: ConnectionTrait>(
    conn: &C,
    user: &user::Model,
    id: i32,
) -> Result<(petition::Model, Owner), TemplateError> {
    let petition = petition::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(TemplateError::NotFound)?;
    if !permission::allows_on_petition(conn, user.id, &petition, Permission::CreateTemplates)
        .await?
    {
        return Err(TemplateError::NotFound);
    }
    let owner = Owner::of(conn, &petition)
        .await?
        .ok_or(TemplateError::NotFound)?;
    Ok((petition, owner))
}

/// Keeps a petition's settings (text, goal, signature fields, notice, reply-to, looks) as a new
/// template of the petition's owner. Returns that owner.
pub async fn save_from_petition(
    db: &DatabaseConnection,
    user: &user::Model,
    petition_id: i32,
    name: &str,
) -> Result<Owner, TemplateError> {
    let name = name.trim();
    let mut errors = FieldErrors::new();
    if name.is_empty() {
        errors.insert("name", "field-required");
    } else if name.chars().count() > MAX_NAME {
        errors.insert("name", "field-too-long");
    }
    crate::domain::text::check(&mut errors, &[("name", name)]);
    let txn = crate::db::begin_write(db).await?;
    let (petition, owner) = petition_for(&txn, user, petition_id).await?;
    if !errors.is_empty() {
        return Err(TemplateError::Invalid(errors));
    }
    let (organization_id, user_id) = owner.ids();
    petition_template::ActiveModel {
        organization_id: Set(organization_id),
        user_id: Set(user_id),
        name: Set(name.to_string()),
        body_html: Set(crate::domain::petitions::html::sanitize(
            &petition.body_html,
        )),
        body_markdown: Set(petition.body_markdown),
        goal: Set(petition.goal),
        signature_fields: Set(petition.signature_fields),
        data_notice: Set(petition.data_notice),
        reply_to: Set(petition.reply_to),
        theme: Set(petition.theme),
        accent_color: Set(petition.accent_color),
        is_default: Set(false),
        created_at: Set(crate::domain::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(owner)
}

/// The template `id` with its owner, if `user` may do `needed` to it.
async fn template_for<C: ConnectionTrait>(
    conn: &C,
    user: &user::Model,
    id: i32,
    needed: Permission,
) -> Result<(petition_template::Model, Owner), TemplateError> {
    let template = petition_template::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(TemplateError::NotFound)?;
    let owner = match (template.organization_id, template.user_id) {
        (Some(org), _) => crate::entity::organization::Entity::find_by_id(org)
            .one(conn)
            .await?
            .map(Owner::Organization),
        (None, Some(u)) => user::Entity::find_by_id(u)
            .one(conn)
            .await?
            .map(Owner::User),
        (None, None) => None,
    }
    .ok_or(TemplateError::NotFound)?;
    if allows(conn, user, &owner, needed).await? {
        Ok((template, owner))
    } else {
        Err(TemplateError::NotFound)
    }
}

/// Makes template `id` its owner's default, and no other. Returns the owner.
pub async fn set_default(
    db: &DatabaseConnection,
    user: &user::Model,
    id: i32,
) -> Result<Owner, TemplateError> {
    let txn = crate::db::begin_write(db).await?;
    let (template, owner) = template_for(&txn, user, id, Permission::ModifyTemplates).await?;
    let mut others = petition_template::Entity::update_many()
        .col_expr(
            petition_template::Column::IsDefault,
            sea_orm::sea_query::Expr::value(false),
        )
        .filter(petition_template::Column::IsDefault.eq(true));
    others = match owner.ids() {
        (Some(org), _) => others.filter(petition_template::Column::OrganizationId.eq(org)),
        (None, u) => others.filter(petition_template::Column::UserId.eq(u)),
    };
    others.exec(&txn).await?;
    let mut active = template.into_active_model();
    active.is_default = Set(true);
    active.update(&txn).await?;
    txn.commit().await?;
    Ok(owner)
}

/// Deletes template `id`; petitions made from it keep their settings. Returns the owner.
pub async fn delete(
    db: &DatabaseConnection,
    user: &user::Model,
    id: i32,
) -> Result<Owner, TemplateError> {
    let txn = crate::db::begin_write(db).await?;
    let (template, owner) = template_for(&txn, user, id, Permission::DeleteTemplates).await?;
    petition_template::Entity::delete_by_id(template.id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(owner)
}

/// Where the templates page of `owner` is.
pub fn page_path(owner: &Owner) -> String {
    match owner {
        Owner::User(_) => "/templates".to_string(),
        Owner::Organization(o) => format!("/organizations/{}/templates", o.slug),
    }
}
