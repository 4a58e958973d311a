//! User accounts (F3.1): registration, authentication, password change and reset by e-mail, a
//! change of address confirmed from the new mailbox.
//! Passwords are hashed with Argon2 (`domain::people::password`); reset and verification links are
//! single-use and stored hashed. An account registered on the site proves its address through a
//! mailed link before it may publish (`domain::people::permission::may_publish`).
use std::collections::BTreeMap;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use validator::ValidateEmail;

use crate::Site;
use crate::domain::{people::password, people::session, token};
use crate::entity::{email_change, password_reset, user};
use crate::i18n::Lang;
use crate::mail::queue::{self, Outgoing};

/// Field name → Fluent key of the message shown next to it.
pub type FieldErrors = BTreeMap<&'static str, &'static str>;

pub const MIN_PASSWORD: usize = 10;
const MAX_PASSWORD: usize = 1024;
const RESET_VALID_FOR: time::Duration = time::Duration::hours(2);
const EMAIL_CHANGE_VALID_FOR: time::Duration = time::Duration::hours(24);

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("invalid account details")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Hash(#[from] password::HashError),
    #[error("mail template: {0}")]
    Template(String),
    /// The account is the last administrator of organizations that have other members.
    #[error("organizations must be handed over first")]
    MustHandOver(Vec<crate::domain::people::organization::OrganizationName>),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

pub async fn find_by_username<C: ConnectionTrait>(
    conn: &C,
    username: &str,
) -> Result<Option<user::Model>, sea_orm::DbErr> {
    user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(conn)
        .await
}

pub async fn find_by_email<C: ConnectionTrait>(
    conn: &C,
    email: &str,
) -> Result<Option<user::Model>, sea_orm::DbErr> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email.trim().to_lowercase()))
        .one(conn)
        .await
}

fn check_password(errors: &mut FieldErrors, field: &'static str, password: &str) {
    let length = password.chars().count();
    if crate::domain::text::has_control(password) {
        errors.insert(field, crate::domain::text::CONTROL_CHARACTERS);
    } else if length < MIN_PASSWORD {
        errors.insert(field, "password-too-short");
    } else if length > MAX_PASSWORD {
        errors.insert(field, "field-too-long");
    }
}

fn check_new_account(username: &str, email: &str, password: &str) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let valid_username = (3..=32).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if username.is_empty() {
        errors.insert("username", "field-required");
    } else if !valid_username {
        errors.insert("username", "username-invalid");
    }
    if email.is_empty() {
        errors.insert("email", "field-required");
    } else if email.len() > 254 || !email.validate_email() {
        errors.insert("email", "field-email-invalid");
    }
    check_password(&mut errors, "password", password);
    crate::domain::text::check(&mut errors, &[("username", username), ("email", email)]);
    errors
}

/// Creates an account whose address counts as verified (the command line, the demo, and code that
/// sets accounts up). The first account of an instance becomes its administrator.
/// The language of pages and mail for `user` (F7.2): the one its member last chose with the
/// language switch while logged in, else `fallback`.
pub fn language_of(user: &user::Model, fallback: &Lang) -> Lang {
    user.locale
        .as_deref()
        .and_then(Lang::shipped)
        .unwrap_or_else(|| fallback.clone())
}

/// Remembers `lang` as the language of account `user_id`.
pub async fn set_language<C: ConnectionTrait>(
    conn: &C,
    user_id: i32,
    lang: &Lang,
) -> Result<(), sea_orm::DbErr> {
    user::Entity::update_many()
        .col_expr(
            user::Column::Locale,
            sea_orm::sea_query::Expr::value(lang.code()),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(conn)
        .await?;
    Ok(())
}

pub async fn create<C: ConnectionTrait>(
    conn: &C,
    username: &str,
    email: &str,
    password: &str,
) -> Result<user::Model, AccountError> {
    let username = username.trim().to_lowercase();
    let email = email.trim().to_lowercase();
    let errors = check_new_account(&username, &email, password);
    if !errors.is_empty() {
        return Err(AccountError::Invalid(errors));
    }
    let mut taken = FieldErrors::new();
    if find_by_username(conn, &username).await?.is_some() {
        taken.insert("username", "username-taken");
    }
    if find_by_email(conn, &email).await?.is_some() {
        taken.insert("email", "email-taken");
    }
    if !taken.is_empty() {
        return Err(AccountError::Invalid(taken));
    }
    let hash = password::hash(password).await?;
    Ok(insert(conn, &username, &email, hash, None).await?)
}

/// Inserts an account; `verify_token_hash` is `Some` for an address still to be verified.
async fn insert<C: ConnectionTrait>(
    conn: &C,
    username: &str,
    email: &str,
    password_hash: String,
    verify_token_hash: Option<String>,
) -> Result<user::Model, sea_orm::DbErr> {
    let first = user::Entity::find().count(conn).await? == 0;
    user::ActiveModel {
        username: Set(username.to_string()),
        email: Set(email.to_string()),
        display_name: Set(username.to_string()),
        password_hash: Set(password_hash),
        is_admin: Set(first),
        locale: Set(None),
        created_at: Set(crate::domain::now()),
        email_verified: Set(verify_token_hash.is_none()),
        verify_token_hash: Set(verify_token_hash),
        ..Default::default()
    }
    .insert(conn)
    .await
}

/// Registers an account from the site. The answer is the same whether or not the address is
/// already used (so the form does not tell who has an account here): a new account gets a welcome
/// mail with the link that verifies its address; the owner of an existing one is told that someone
/// tried to register with it. A taken username is said (usernames are public).
pub async fn register(
    db: &DatabaseConnection,
    site: &Site,
    username: &str,
    email: &str,
    password: &str,
    lang: &Lang,
) -> Result<(), AccountError> {
    let username = username.trim().to_lowercase();
    let email = email.trim().to_lowercase();
    let mut errors = check_new_account(&username, &email, password);
    if errors.is_empty() && find_by_username(db, &username).await?.is_some() {
        errors.insert("username", "username-taken");
    }
    if !errors.is_empty() {
        return Err(AccountError::Invalid(errors));
    }
    // Hashed whatever happens next, so that a taken address answers in the same time.
    let hash = password::hash(password).await?;
    let token = token::generate();
    let txn = crate::db::begin_write(db).await?;
    if find_by_username(&txn, &username).await?.is_some() {
        return Err(AccountError::Invalid(FieldErrors::from([(
            "username",
            "username-taken",
        )])));
    }
    let public_url = site.settings.public_url();
    let (template, subject, context) = match find_by_email(&txn, &email).await? {
        Some(existing) => (
            "registration-attempt",
            "mail-registration-attempt-subject",
            serde_json::json!({
                "site_name": site.live.get().site_name,
                "username": existing.username,
                "login_url": format!("{public_url}/login"),
                "forgot_url": format!("{public_url}/password/forgot"),
            }),
        ),
        None => {
            insert(&txn, &username, &email, hash, Some(token::hash(&token))).await?;
            (
                "welcome",
                "mail-welcome-subject",
                serde_json::json!({
                    "site_name": site.live.get().site_name,
                    "username": username,
                    "verify_url": format!("{public_url}/account/verify/{token}"),
                }),
            )
        }
    };
    let subject = lang.t_args(
        subject,
        &[("site", site.live.get().site_name.clone().into())],
    );
    let mail = Outgoing::compose(&site.templates, template, lang, subject, &email, &context)
        .map_err(|e| AccountError::Template(crate::error::describe_chain(&e)))?;
    queue::enqueue(&txn, mail, &site.postmark()).await?;
    txn.commit().await?;
    site.wake.notify();
    Ok(())
}

/// Mails a new verification link to an account whose address is not verified yet (the previous
/// link stops working). Nothing happens for a verified account.
pub async fn resend_verification(
    db: &DatabaseConnection,
    site: &Site,
    user: &user::Model,
    lang: &Lang,
) -> Result<(), AccountError> {
    if user.email_verified {
        return Ok(());
    }
    let token = token::generate();
    let txn = crate::db::begin_write(db).await?;
    let updated = user::Entity::update_many()
        .col_expr(
            user::Column::VerifyTokenHash,
            Expr::value(token::hash(&token)),
        )
        .filter(user::Column::Id.eq(user.id))
        .filter(user::Column::EmailVerified.eq(false))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        return Ok(());
    }
    let context = serde_json::json!({
        "site_name": site.live.get().site_name,
        "username": user.username,
        "verify_url": format!("{}/account/verify/{token}", site.settings.public_url()),
    });
    let subject = lang.t_args(
        "mail-welcome-subject",
        &[("site", site.live.get().site_name.clone().into())],
    );
    let mail = Outgoing::compose(
        &site.templates,
        "welcome",
        lang,
        subject,
        &user.email,
        &context,
    )
    .map_err(|e| AccountError::Template(crate::error::describe_chain(&e)))?;
    queue::enqueue(&txn, mail, &site.postmark()).await?;
    txn.commit().await?;
    site.wake.notify();
    Ok(())
}

/// The account a verification link would verify (opening the link changes nothing).
pub async fn pending_verification(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<user::Model>, sea_orm::DbErr> {
    user::Entity::find()
        .filter(user::Column::VerifyTokenHash.eq(token::hash(token)))
        .filter(user::Column::EmailVerified.eq(false))
        .one(db)
        .await
}

/// Marks the address behind a verification link as verified; the link then dies. `None` when it is
/// unknown, used or replaced by a newer one.
pub async fn verify_email(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<user::Model>, sea_orm::DbErr> {
    let txn = crate::db::begin_write(db).await?;
    // Conditional on the link still being there: two presses cannot both count.
    let done = user::Entity::update_many()
        .col_expr(user::Column::EmailVerified, Expr::value(true))
        .col_expr(
            user::Column::VerifyTokenHash,
            Expr::value(Option::<String>::None),
        )
        .filter(user::Column::VerifyTokenHash.eq(token::hash(token)))
        .filter(user::Column::EmailVerified.eq(false))
        .exec_with_returning(&txn)
        .await?;
    txn.commit().await?;
    Ok(done.into_iter().next())
}

/// Creates an account with administrator rights (the command line's `admin create`).
pub async fn create_admin(
    db: &DatabaseConnection,
    username: &str,
    email: &str,
    password: &str,
) -> Result<user::Model, AccountError> {
    let txn = crate::db::begin_write(db).await?;
    let created = create(&txn, username, email, password).await?;
    let mut active = created.into_active_model();
    active.is_admin = Set(true);
    let admin = active.update(&txn).await?;
    txn.commit().await?;
    Ok(admin)
}

/// The account `login` (a username or an e-mail address) with this password, if any.
pub async fn authenticate(
    db: &DatabaseConnection,
    login: &str,
    password: &str,
) -> Result<Option<user::Model>, sea_orm::DbErr> {
    let login = login.trim().to_lowercase();
    if crate::domain::text::has_control(&login) {
        // No account has such a name; still answered in the time a wrong password takes.
        password::verify(password, None).await;
        return Ok(None);
    }
    let found = if login.contains('@') {
        find_by_email(db, &login).await?
    } else {
        find_by_username(db, &login).await?
    };
    // An unknown account is checked against a fixed hash: it answers in the same time.
    let matched =
        password::verify(password, found.as_ref().map(|u| u.password_hash.as_str())).await;
    Ok(found.filter(|_| matched))
}

pub async fn change_password(
    db: &DatabaseConnection,
    user: &user::Model,
    current: &str,
    new: &str,
) -> Result<user::Model, AccountError> {
    let mut errors = FieldErrors::new();
    if !password::verify(current, Some(&user.password_hash)).await {
        errors.insert("current_password", "password-wrong");
    }
    check_password(&mut errors, "new_password", new);
    if !errors.is_empty() {
        return Err(AccountError::Invalid(errors));
    }
    set_password(db, user.clone(), new).await
}

/// Asks to move an account to a new address; the password is needed and nothing changes yet. The
/// new address gets a link that confirms it (so a mistyped address never locks anyone out), and
/// the current address is told (so that someone who learnt the password cannot quietly take the
/// account over). A newer request replaces an older one. Returns the normalized new address.
pub async fn request_email_change(
    db: &DatabaseConnection,
    site: &Site,
    user: &user::Model,
    password: &str,
    new_email: &str,
    lang: &Lang,
) -> Result<String, AccountError> {
    let email = new_email.trim().to_lowercase();
    let mut errors = FieldErrors::new();
    if email.is_empty() {
        errors.insert("email", "field-required");
    } else if email.len() > 254 || !email.validate_email() {
        errors.insert("email", "field-email-invalid");
    } else if email == user.email {
        errors.insert("email", "email-same");
    }
    crate::domain::text::check(&mut errors, &[("email", &email)]);
    if !password::verify(password, Some(&user.password_hash)).await {
        errors.insert("email_password", "password-wrong");
    }
    if !errors.is_empty() {
        return Err(AccountError::Invalid(errors));
    }
    let txn = crate::db::begin_write(db).await?;
    if find_by_email(&txn, &email).await?.is_some() {
        errors.insert("email", "email-taken");
        return Err(AccountError::Invalid(errors));
    }
    email_change::Entity::delete_many()
        .filter(email_change::Column::UserId.eq(user.id))
        .exec(&txn)
        .await?;
    let token = token::generate();
    let now = crate::domain::now();
    email_change::ActiveModel {
        user_id: Set(user.id),
        new_email: Set(email.clone()),
        token_hash: Set(token::hash(&token)),
        expires_at: Set(now + EMAIL_CHANGE_VALID_FOR),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let public_url = site.settings.public_url();
    let context = serde_json::json!({
        "site_name": site.live.get().site_name,
        "username": user.username,
        "new_email": email,
        "confirm_url": format!("{public_url}/account/email/{token}"),
        "account_url": format!("{public_url}/account"),
        "hours": EMAIL_CHANGE_VALID_FOR.whole_hours(),
    });
    for (template, subject, to) in [
        ("email-change", "mail-email-change-subject", email.as_str()),
        (
            "email-change-notice",
            "mail-email-notice-subject",
            user.email.as_str(),
        ),
    ] {
        let mail = Outgoing::compose(
            &site.templates,
            template,
            lang,
            lang.t(subject),
            to,
            &context,
        )
        .map_err(|e| AccountError::Template(crate::error::describe_chain(&e)))?;
        queue::enqueue(&txn, mail, &site.postmark()).await?;
    }
    txn.commit().await?;
    site.wake.notify();
    Ok(email)
}

/// A change of address waiting for its link, as the link's page shows it.
#[derive(Debug, serde::Serialize)]
pub struct PendingEmailChange {
    pub username: String,
    pub new_email: String,
}

async fn valid_email_change<C: ConnectionTrait>(
    conn: &C,
    token: &str,
) -> Result<Option<email_change::Model>, sea_orm::DbErr> {
    email_change::Entity::find()
        .filter(email_change::Column::TokenHash.eq(token::hash(token)))
        .filter(email_change::Column::ExpiresAt.gt(crate::domain::now()))
        .one(conn)
        .await
}

/// What a change-of-address link would do, if it can still be used (opening it changes nothing).
pub async fn pending_email_change(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<PendingEmailChange>, sea_orm::DbErr> {
    let Some(change) = valid_email_change(db, token).await? else {
        return Ok(None);
    };
    let user = user::Entity::find_by_id(change.user_id).one(db).await?;
    Ok(user.map(|user| PendingEmailChange {
        username: user.username,
        new_email: change.new_email,
    }))
}

/// Moves the account to the address the link was sent to; the link then dies. `None` when it is
/// unknown, used, replaced by a newer request or expired; refused when another account took the
/// address in the meantime.
pub async fn confirm_email_change(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<user::Model>, AccountError> {
    let txn = crate::db::begin_write(db).await?;
    let Some(change) = valid_email_change(&txn, token).await? else {
        return Ok(None);
    };
    // Conditional on still being there: two concurrent presses cannot both go through.
    let taken = email_change::Entity::delete_many()
        .filter(email_change::Column::Id.eq(change.id))
        .exec(&txn)
        .await?;
    if taken.rows_affected != 1 {
        return Ok(None);
    }
    let Some(user) = user::Entity::find_by_id(change.user_id).one(&txn).await? else {
        return Ok(None);
    };
    if find_by_email(&txn, &change.new_email).await?.is_some() {
        let mut errors = FieldErrors::new();
        errors.insert("email", "email-taken");
        return Err(AccountError::Invalid(errors));
    }
    let mut active = user.into_active_model();
    active.email = Set(change.new_email);
    // The link was opened from that mailbox: the address is proven.
    active.email_verified = Set(true);
    active.verify_token_hash = Set(None);
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    Ok(Some(updated))
}

/// Deletes an account after checking its password: its personal petitions (with their signatures)
/// and the organizations it alone belongs to go with it. Refused while it is the last
/// administrator of an organization that has other members.
pub async fn delete(
    db: &DatabaseConnection,
    user: &user::Model,
    password: &str,
) -> Result<(), AccountError> {
    if !password::verify(password, Some(&user.password_hash)).await {
        let mut errors = FieldErrors::new();
        errors.insert("delete_password", "password-wrong");
        return Err(AccountError::Invalid(errors));
    }
    let txn = crate::db::begin_write(db).await?;
    remove(&txn, user).await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes an account in the caller's transaction, by the rules of leaving: its personal
/// petitions (with their signatures) and the organizations it alone belongs to go with it.
/// Refused while it is the last administrator of an organization that has other members. Used by
/// the member deleting their own account and by an instance administrator deleting one.
pub async fn remove<C: ConnectionTrait>(conn: &C, user: &user::Model) -> Result<(), AccountError> {
    let departure = crate::domain::people::organization::departure(conn, user).await?;
    if !departure.must_hand_over.is_empty() {
        return Err(AccountError::MustHandOver(departure.must_hand_over));
    }
    for org in &departure.deleted_with_account {
        // Cascades to its petitions, their signatures, memberships and invitations.
        crate::entity::organization::Entity::delete_many()
            .filter(crate::entity::organization::Column::Slug.eq(org.slug.as_str()))
            .exec(conn)
            .await?;
    }
    // Cascades to personal petitions, memberships, reset links and invitations.
    user::Entity::delete_by_id(user.id).exec(conn).await?;
    Ok(())
}

async fn set_password<C: ConnectionTrait>(
    conn: &C,
    user: user::Model,
    password: &str,
) -> Result<user::Model, AccountError> {
    let hash = password::hash(password).await?;
    // A new password ends every session; the caller opens a fresh one for this browser.
    session::close_all(conn, user.id).await?;
    let mut active = user.into_active_model();
    active.password_hash = Set(hash);
    Ok(active.update(conn).await?)
}

/// Sends a reset link to the account with this address, if there is one. The caller answers the
/// same way either way, so the form does not reveal who has an account.
pub async fn request_password_reset(
    db: &DatabaseConnection,
    site: &Site,
    email: &str,
    lang: &Lang,
) -> Result<(), AccountError> {
    if crate::domain::text::has_control(email) {
        return Err(AccountError::Invalid(FieldErrors::from([(
            "email",
            crate::domain::text::CONTROL_CHARACTERS,
        )])));
    }
    let Some(user) = find_by_email(db, email).await? else {
        return Ok(());
    };
    let lang = &language_of(&user, lang);
    let token = token::generate();
    let now = crate::domain::now();
    let txn = crate::db::begin_write(db).await?;
    password_reset::ActiveModel {
        user_id: Set(user.id),
        token_hash: Set(token::hash(&token)),
        expires_at: Set(now + RESET_VALID_FOR),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let context = serde_json::json!({
        "site_name": site.live.get().site_name,
        "username": user.username,
        "reset_url": format!("{}/password/reset/{token}", site.settings.public_url()),
        "hours": RESET_VALID_FOR.whole_hours(),
    });
    let subject = lang.t("mail-reset-subject");
    let mail = Outgoing::compose(
        &site.templates,
        "password-reset",
        lang,
        subject,
        &user.email,
        &context,
    )
    .map_err(|e| AccountError::Template(crate::error::describe_chain(&e)))?;
    queue::enqueue(&txn, mail, &site.postmark()).await?;
    txn.commit().await?;
    site.wake.notify();
    Ok(())
}

async fn valid_reset<C: ConnectionTrait>(
    conn: &C,
    token: &str,
) -> Result<Option<password_reset::Model>, sea_orm::DbErr> {
    password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(token::hash(token)))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(crate::domain::now()))
        .one(conn)
        .await
}

/// Whether a reset link can still be used (it shows the form; nothing changes).
pub async fn reset_link_is_valid(
    db: &DatabaseConnection,
    token: &str,
) -> Result<bool, sea_orm::DbErr> {
    Ok(valid_reset(db, token).await?.is_some())
}

/// Sets a new password through a reset link, which can then never be used again. `None` when
/// the link is unknown, used or expired.
pub async fn reset_password(
    db: &DatabaseConnection,
    token: &str,
    new: &str,
) -> Result<Option<user::Model>, AccountError> {
    let mut errors = FieldErrors::new();
    check_password(&mut errors, "new_password", new);
    if !errors.is_empty() {
        return Err(AccountError::Invalid(errors));
    }
    let txn = crate::db::begin_write(db).await?;
    let Some(reset) = valid_reset(&txn, token).await? else {
        return Ok(None);
    };
    // Conditional on still being unused: two concurrent uses cannot both succeed.
    let used = password_reset::Entity::update_many()
        .col_expr(
            password_reset::Column::UsedAt,
            Expr::value(crate::domain::now()),
        )
        .filter(password_reset::Column::Id.eq(reset.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    let Some(user) = user::Entity::find_by_id(reset.user_id).one(&txn).await? else {
        return Ok(None);
    };
    if used.rows_affected != 1 {
        return Ok(None);
    }
    let user = set_password(&txn, user, new).await?;
    txn.commit().await?;
    Ok(Some(user))
}
