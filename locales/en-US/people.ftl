# The accounts of the instance, as its administrators run them (/admin/users), and blocked logins.

nav-people = People
people-title = People
people-search-label = Username, name or e-mail address
people-search-button = Search
people-count = { $count ->
    [one] One account
   *[other] { $count } accounts
}
people-col-username = Username
people-col-name = Display name
people-col-email = E-mail address
people-col-roles = Roles
people-col-since = Created
people-role-admin = administrator
people-role-moderator = moderator
people-role-none = none
people-state = Access
people-active = may log in
people-blocked = blocked
people-organizations = Organizations
people-no-organizations = No organization.
people-organization-administrator = administrator of the organization
people-petitions = Own petitions
people-no-petitions = No petition of their own.
people-petition-published = published
people-petition-draft = draft
people-roles = Instance roles
people-make-admin = Make administrator
people-remove-admin = Remove administrator
people-make-moderator = Make moderator
people-remove-moderator = Remove moderator
people-access = Block or unblock
people-block-explained = A blocked account cannot log in, its open sessions end at once, and its own petitions are no longer shown to the public. Unblocking restores all of it as it was.
people-reason = Reason (kept in the audit log)
people-block = Block this account
people-unblock = Unblock this account
people-delete = Delete this account…
people-back = Back to the accounts
people-back-to-account = Back to { $username }
people-delete-title = Delete the account { $username }
people-delete-warning = { $count ->
    [one] The account goes for good, with its own petition and that petition's signatures.
   *[other] The account goes for good, with its { $count } own petitions and their signatures.
}
people-delete-organizations = These organizations have no other member and go with it, with their petitions:
people-delete-button = Delete the account
people-must-hand-over = This account is the last administrator of organizations that have other members; one of them must be given the right to modify permissions first.
people-last-administrator = This is the last administrator of the instance who can log in: make another account administrator first.
people-own-account = You cannot block or delete your own account here.
people-reason-invalid = The reason cannot be kept.
people-done-blocked = The account is blocked.
people-done-unblocked = The account is unblocked.
people-done-role-given = The role is given.
people-done-role-taken = The role is taken away.
people-done-deleted = The account is deleted.
login-blocked = This account is blocked by the administrators of this site.
audit-action-revoke-moderator = Removed an account's moderator role
audit-action-revoke-administrator = Removed an account's administrator role
audit-action-block-account = Blocked an account
audit-action-unblock-account = Unblocked an account
audit-action-delete-account = Deleted an account
audit-action-create-account = Created an account
petition-preview-owner-blocked = The account that owns this petition is blocked: the public does not see it.
