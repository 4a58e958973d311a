//! The per-member permissions of an organization (F3.3). Every permission question is answered here.
use crate::domain::administration::site_settings::Registration;
use serde::Serialize;

use crate::entity::{membership, user};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    AddMembers,
    RemoveMembers,
    CreatePetitions,
    ModifyPetitions,
    DeletePetitions,
    CreateTemplates,
    ModifyTemplates,
    DeleteTemplates,
    ViewSignatures,
    ModifySignatures,
    DeleteSignatures,
    ModifyPermissions,
}

impl Permission {
    pub const ALL: [Permission; 12] = [
        Permission::AddMembers,
        Permission::RemoveMembers,
        Permission::CreatePetitions,
        Permission::ModifyPetitions,
        Permission::DeletePetitions,
        Permission::CreateTemplates,
        Permission::ModifyTemplates,
        Permission::DeleteTemplates,
        Permission::ViewSignatures,
        Permission::ModifySignatures,
        Permission::DeleteSignatures,
        Permission::ModifyPermissions,
    ];

    /// What a newly invited member may do.
    pub const NEW_MEMBER: [Permission; 4] = [
        Permission::CreatePetitions,
        Permission::ModifyPetitions,
        Permission::CreateTemplates,
        Permission::ModifyTemplates,
    ];

    pub fn granted_by(self, m: &membership::Model) -> bool {
        match self {
            Permission::AddMembers => m.can_add_members,
            Permission::RemoveMembers => m.can_remove_members,
            Permission::CreatePetitions => m.can_create_petitions,
            Permission::ModifyPetitions => m.can_modify_petitions,
            Permission::DeletePetitions => m.can_delete_petitions,
            Permission::CreateTemplates => m.can_create_templates,
            Permission::ModifyTemplates => m.can_modify_templates,
            Permission::DeleteTemplates => m.can_delete_templates,
            Permission::ViewSignatures => m.can_view_signatures,
            Permission::ModifySignatures => m.can_modify_signatures,
            Permission::DeleteSignatures => m.can_delete_signatures,
            Permission::ModifyPermissions => m.can_modify_permissions,
        }
    }

    /// Sets this permission on a membership being written.
    pub fn grant(self, m: &mut membership::ActiveModel, on: bool) {
        use sea_orm::Set;
        match self {
            Permission::AddMembers => m.can_add_members = Set(on),
            Permission::RemoveMembers => m.can_remove_members = Set(on),
            Permission::CreatePetitions => m.can_create_petitions = Set(on),
            Permission::ModifyPetitions => m.can_modify_petitions = Set(on),
            Permission::DeletePetitions => m.can_delete_petitions = Set(on),
            Permission::CreateTemplates => m.can_create_templates = Set(on),
            Permission::ModifyTemplates => m.can_modify_templates = Set(on),
            Permission::DeleteTemplates => m.can_delete_templates = Set(on),
            Permission::ViewSignatures => m.can_view_signatures = Set(on),
            Permission::ModifySignatures => m.can_modify_signatures = Set(on),
            Permission::DeleteSignatures => m.can_delete_signatures = Set(on),
            Permission::ModifyPermissions => m.can_modify_permissions = Set(on),
        }
    }
}

/// The membership of `user_id` in `organization_id`, if any.
pub async fn membership<C: sea_orm::ConnectionTrait>(
    conn: &C,
    user_id: i32,
    organization_id: i32,
) -> Result<Option<membership::Model>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .one(conn)
        .await
}

/// Whether `user_id` may do `permission` in `organization_id`: the one question every route asks.
pub async fn allows<C: sea_orm::ConnectionTrait>(
    conn: &C,
    user_id: i32,
    organization_id: i32,
    permission: Permission,
) -> Result<bool, sea_orm::DbErr> {
    Ok(membership(conn, user_id, organization_id)
        .await?
        .is_some_and(|m| permission.granted_by(&m)))
}

/// What is done to an organization itself rather than to its petitions, templates or members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganizationAction {
    /// Rename it, and write its description and website: its administrators (the members who may
    /// modify permissions), who already decide everything else about it.
    EditProfile,
    /// Delete it with its petitions and their signatures: only a member holding every permission,
    /// since it does at once what each permission allows piecemeal.
    Delete,
}

impl OrganizationAction {
    pub fn granted_by(self, m: &membership::Model) -> bool {
        match self {
            OrganizationAction::EditProfile => Permission::ModifyPermissions.granted_by(m),
            OrganizationAction::Delete => Permission::ALL.iter().all(|p| p.granted_by(m)),
        }
    }
}

/// Whether `user_id` may do `action` to `organization_id`.
pub async fn allows_on_organization<C: sea_orm::ConnectionTrait>(
    conn: &C,
    user_id: i32,
    organization_id: i32,
    action: OrganizationAction,
) -> Result<bool, sea_orm::DbErr> {
    Ok(membership(conn, user_id, organization_id)
        .await?
        .is_some_and(|m| action.granted_by(&m)))
}

/// Whether `user_id` may do `permission` to `petition`: the owner of a personal petition may do
/// everything to it; on an organization's petition, the member's permission decides.
pub async fn allows_on_petition<C: sea_orm::ConnectionTrait>(
    conn: &C,
    user_id: i32,
    petition: &crate::entity::petition::Model,
    permission: Permission,
) -> Result<bool, sea_orm::DbErr> {
    match (petition.organization_id, petition.user_id) {
        (Some(organization_id), _) => allows(conn, user_id, organization_id, permission).await,
        (None, Some(owner)) => Ok(owner == user_id),
        (None, None) => Ok(false),
    }
}

impl Permission {
    /// The form field and Fluent key suffix of this permission, e.g. `add_members`.
    pub fn name(self) -> &'static str {
        match self {
            Permission::AddMembers => "add_members",
            Permission::RemoveMembers => "remove_members",
            Permission::CreatePetitions => "create_petitions",
            Permission::ModifyPetitions => "modify_petitions",
            Permission::DeletePetitions => "delete_petitions",
            Permission::CreateTemplates => "create_templates",
            Permission::ModifyTemplates => "modify_templates",
            Permission::DeleteTemplates => "delete_templates",
            Permission::ViewSignatures => "view_signatures",
            Permission::ModifySignatures => "modify_signatures",
            Permission::DeleteSignatures => "delete_signatures",
            Permission::ModifyPermissions => "modify_permissions",
        }
    }
}

/// The organizations where `user_id` may do `permission`, by name.
pub async fn organizations_where<C: sea_orm::ConnectionTrait>(
    conn: &C,
    user_id: i32,
    permission: Permission,
) -> Result<Vec<crate::entity::organization::Model>, sea_orm::DbErr> {
    use crate::entity::organization;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let ids: Vec<i32> = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .all(conn)
        .await?
        .into_iter()
        .filter(|m| permission.granted_by(m))
        .map(|m| m.organization_id)
        .collect();
    organization::Entity::find()
        .filter(organization::Column::Id.is_in(ids))
        .order_by_asc(organization::Column::Name)
        .all(conn)
        .await
}

/// Whether `user` may make something public: publish a petition or create an organization. An
/// address registered on the site must be verified first, so that nobody speaks publicly under an
/// address they do not hold.
pub fn may_publish(user: &user::Model) -> bool {
    user.email_verified
}

/// Whether `user` may work the moderation queue (F8.2): hide, restore and delete any petition,
/// dismiss reports. Instance administrators and moderators may.
pub fn may_moderate(user: &user::Model) -> bool {
    user.is_admin || user.is_moderator
}

/// Whether `user` may see the mail queue and retry or discard its mail (`/admin/mail`, F5.5):
/// administrators only.
pub fn may_manage_mail(user: &user::Model) -> bool {
    user.is_admin
}

/// Whether `user` may read the audit log of administrative decisions: administrators only.
pub fn may_read_audit_log(user: &user::Model) -> bool {
    user.is_admin
}

/// Whether `user` may manage the accounts of the instance (`/admin/users`): search them, block
/// and unblock them, give and take instance roles, delete them. Administrators only.
pub fn may_manage_people(user: &user::Model) -> bool {
    user.is_admin
}

/// The organization permission that lets a member write updates to a petition's signers and send
/// them (F6.5): the one that lets them act on its signatures. A person's own petition: its owner.
pub const SEND_UPDATES: Permission = Permission::ModifySignatures;

/// Ending a petition's campaign (successful or closed) and reopening it (`petitions::outcome`).
pub const END_CAMPAIGN: Permission = Permission::ModifyPetitions;

/// The permission that lets a member set a petition's daily digest to its organizers: whether it
/// goes out and to which addresses. A person's own petition: its owner.
pub const SET_DIGEST: Permission = Permission::ModifyPetitions;

/// Naming the new signers in that digest also needs the right to see the signatures: it would
/// otherwise hand them to a member who may not read them.
pub const DIGEST_NAMES: Permission = Permission::ViewSignatures;

/// Whether `user_id` may name the new signers of `petition` in its daily digest.
pub async fn may_name_signers_in_digest<C: sea_orm::ConnectionTrait>(
    conn: &C,
    user_id: i32,
    petition: &crate::entity::petition::Model,
) -> Result<bool, sea_orm::DbErr> {
    allows_on_petition(conn, user_id, petition, DIGEST_NAMES).await
}

/// Whether someone may create an account (F8.1): anyone while registration is open; otherwise only
/// someone holding an e-mail invitation to an organization, whose link (`/invitations/<token>`)
/// the registration form carries as the page to go on to (`next`).
pub async fn may_register<C: sea_orm::ConnectionTrait>(
    conn: &C,
    registration: Registration,
    next: &str,
) -> Result<bool, sea_orm::DbErr> {
    if registration == Registration::Open {
        return Ok(true);
    }
    let Some(token) = next.strip_prefix("/invitations/") else {
        return Ok(false);
    };
    Ok(super::organization::invitation_by_token(conn, token)
        .await?
        .is_some())
}

/// Whether `user` may create organizations, as the site settings have it: anyone, or only the
/// instance's administrators.
pub fn may_create_organization(user: &user::Model, admins_only: bool) -> bool {
    user.is_admin || !admins_only
}

/// Whether `user` may change the site settings (`/admin/settings`): administrators only.
pub fn may_change_settings(user: &user::Model) -> bool {
    user.is_admin
}

/// Whether `user` may see `petition` while the public may not (a draft, or hidden by the
/// moderators) (F1.3): those who may modify it, and the moderators.
pub async fn may_preview<C: sea_orm::ConnectionTrait>(
    conn: &C,
    user: &user::Model,
    petition: &crate::entity::petition::Model,
) -> Result<bool, sea_orm::DbErr> {
    if may_moderate(user) {
        return Ok(true);
    }
    allows_on_petition(conn, user.id, petition, Permission::ModifyPetitions).await
}
