# Accounts, logging in, the dashboard.
nav-account = Account
nav-dashboard = Dashboard
nav-logout = Log out
nav-login = Log in
nav-register = Create an account
form-errors = Some fields need your attention.
# A line of the error summary, a link to the field: its label, then what is wrong with it.
form-error-item = { $field }: { $message }
# Starts the title of a page whose form came back with mistakes.
title-error = Error:
register-title = Create an account
register-button = Create my account
register-have-account = Already have an account? Log in
registration-closed = This site does not accept new accounts. Ask its administrators for one.
field-username = Username
username-hint = 3 to 32 lower-case letters, digits, - or _. It appears in the address of your petitions.
field-password = Password
password-hint = At least { $min } characters. A few words you will remember make a good password.
field-login = Username or e-mail address
login-title = Log in
login-button = Log in
login-forgot = Forgot your password?
login-failed = This username or e-mail address and this password do not match an account.
login-too-many = Too many attempts. Please wait a minute and try again.
account-title = Your account
account-signed-in-as = Logged in as { $username } ({ $email }).
password-change-title = Change your password
password-change-button = Change my password
password-changed = Your password has been changed. Other devices have been logged out.
field-current-password = Current password
field-new-password = New password
password-too-short = This password is too short.
password-wrong = This is not your current password.
username-invalid = Use 3 to 32 lower-case letters, digits, - or _.
username-taken = This username is already taken.
email-taken = An account already uses this e-mail address.
forgot-title = Forgot your password?
forgot-text = Enter the e-mail address of your account: we will send you a link to choose a new password.
forgot-button = Send me a link
forgot-sent-text = If an account uses this address, we have sent it a link to choose a new password. The link works once, for two hours.
reset-title = Choose a new password
reset-button = Save my new password
reset-link-invalid = This link is not valid: it has expired or has already been used. You can ask for a new one.
dashboard-title = Dashboard
dashboard-organizations = Your organizations
dashboard-petitions = Petitions
dashboard-no-petitions = No petition yet.
dashboard-col-petition = Petition
dashboard-col-owner = Owner
dashboard-col-confirmed = Confirmed
dashboard-col-unconfirmed = Unconfirmed
dashboard-col-state = State
dashboard-published = Published
dashboard-draft = Draft
mail-reset-subject = Choose a new password
mail-reset-intro = Someone, probably you, asked to choose a new password for your account. { $hours ->
    [one] Open this link within the hour to do so:
   *[other] Open this link within { $hours } hours to do so:
}
mail-reset-ignore = If you did not ask for this, ignore this e-mail: your password stays the same.
admin-mail-title = Mail queue
admin-mail-pending = Waiting to be sent
admin-mail-retrying = Being retried
admin-mail-failed = Failed
admin-mail-sent = Sent (kept for a while)
admin-mail-recipient = Recipient
admin-mail-attempts = Attempts
admin-mail-next-attempt = Next attempt
admin-mail-last-error = Last error
admin-mail-retry = Retry every failed mail
admin-mail-discard = Discard every failed mail
nav-admin = Administration
organization-new-title = Create an organization
organization-new-button = Create the organization
organization-creation-closed = On this site, only administrators create organizations.
field-organization-name = Name of the organization
organization-petitions = Petitions
organization-public-page = Public page
organization-members = Members
organization-permissions-of = What { $username } may do
organization-permissions-save = Save
organization-remove = Remove { $username }
# The confirmation under "Remove …": what it does, and the button that does it.
organization-remove-confirm = { $username } will no longer see or manage this organization's petitions.
organization-remove-button = Remove { $username } for good
organization-invite-title = Invite someone
field-invite-who = Username or e-mail address
organization-invite-button = Send the invitation
organization-leave-title = Leave
organization-leave-button = Leave this organization
# The confirmation under "Leave this organization".
organization-leave-confirm = You will no longer see or manage the petitions of { $organization }; only an invitation brings you back.
organization-leave-for-good = Leave for good
last-administrator = The last administrator cannot leave, be removed or lose the right to modify permissions while other members remain. Give that right to another member first.
invite-unknown-user = There is no account with this username. To invite someone without an account, use their e-mail address.
invite-already-member = This person is already a member.
invitation-title = Invitation to join { $organization }
invitation-accept = Accept
invitation-decline = Decline
invitation-log-in-first = Log in, or create an account, to answer this invitation.
invitation-invalid = This invitation is not valid any more: it was answered or withdrawn.
dashboard-invitations = Invitations
permission-add_members = add members
permission-remove_members = remove members
permission-create_petitions = create petitions
permission-modify_petitions = modify petitions
permission-delete_petitions = delete petitions
permission-create_templates = create templates
permission-modify_templates = modify templates
permission-delete_templates = delete templates
permission-view_signatures = view signatures
permission-modify_signatures = modify signatures
permission-delete_signatures = delete signatures
permission-modify_permissions = modify permissions
mail-invitation-subject = Invitation to join { $organization }
mail-invitation-intro = { $inviter } invites you to join { $organization } to run petitions together. Open this link to answer:
mail-invitation-log-in = Log in to your account to accept or decline.
mail-invitation-register = You do not have an account yet: the link lets you create one, then join.

email-change-title = Change your e-mail address
field-new-email = New e-mail address
email-change-button = Change the address
email-same = This is already your address.
email-change-sent = We sent a link to { $email }. Your account keeps its current address until the link is opened and its button pressed.
email-confirm-title = Confirm your new e-mail address
email-confirm-text = Press the button to use { $email } for the account { $username }.
email-confirm-button = Use this address
email-changed-to = Done: the account { $username } now uses { $email }, to log in as well.
email-change-link-invalid = This link is not valid: it has expired, has already been used, or a newer change of address was asked for since.
mail-email-change-subject = Confirm your new e-mail address
mail-email-change-intro = Someone, probably you, asked to use this address for the account { $username } on { $site }. { $hours ->
    [one] Open this link within the hour and press the button to confirm:
   *[other] Open this link within { $hours } hours and press the button to confirm:
}
mail-email-change-ignore = If you did not ask for this, ignore this e-mail: nothing changes.
mail-email-notice-subject = Your e-mail address is about to change
mail-email-notice-intro = Someone who knows your password asked to move your account { $username } to { $email }. The address changes only once the link sent there is opened.
mail-email-notice-act = If this was not you, log in and change your password now:

account-delete-title = Delete your account
account-delete-link = Delete your account and your own petitions
account-delete-hand-over = You are the last administrator of these organizations. Give another member the right to modify permissions, or remove the other members, before you delete your account:
account-delete-petitions = { $count ->
    [0] You own no petition yourself.
    [one] Your own petition and its signatures will be deleted.
   *[other] Your { $count } own petitions and their signatures will be deleted.
}
account-delete-organizations = You are the only member of these organizations; they will be deleted with their petitions:
account-delete-final = This cannot be undone. Type your password to confirm.
account-delete-button = Delete my account for good
account-deleted-title = Account deleted
account-deleted-text = Your account has been deleted. Thank you for using this site.
# Accounts open to the internet: verification, limits, sessions.
register-honeypot-label = Leave this field empty
register-too-many = Too many accounts were created from your connection. Please try again in an hour.
register-sent-text = We have sent a message to the address you gave. Open the link in it to verify your address: until then you can log in and prepare petitions, but not publish them or create an organization.
register-sent-log-in = Log in
verify-title = Verify your e-mail address
verify-text = Press the button to verify { $email } for the account { $username }.
verify-button = Verify my address
verified-text = Done: { $email } is verified. The account { $username } may now publish petitions and create organizations.
verified-continue = Go to the dashboard
verified-title = Your address is verified
verify-link-invalid = This link is not valid: it has already been used, or a newer one was sent since.
verify-needed-title = Verify your e-mail address first
verify-needed-text = Before you publish a petition or create an organization, open the link we sent to { $email }.
verify-resend-button = Send me the link again
verify-resent = We have sent a new link to { $email }. The previous one no longer works.
logout-everywhere-title = Log out everywhere
logout-everywhere-text = Ends every session of your account, on this device and all others (a lost phone, a shared computer).
logout-everywhere-button = Log out everywhere
mail-welcome-subject = Welcome to { $site }: verify your address
mail-welcome-intro = Your account on { $site } is ready. Open this link to verify your e-mail address, so that you can publish petitions:
mail-welcome-ignore = If you did not create this account, ignore this e-mail: nothing will be published under your address.
mail-registration-attempt-subject = Someone tried to create an account on { $site } with your address
mail-registration-attempt-intro = Someone, perhaps you, tried to create a new account on { $site } with this e-mail address. It already belongs to your account, so no new account was created.
mail-registration-attempt-login = To log in:
mail-registration-attempt-forgot = If you forgot your password:
mail-registration-attempt-ignore = If it was not you, you can ignore this e-mail: your account has not changed.
field-control-characters = This field contains an invisible control character. Please type it again.

# Invitations waiting for an answer, on the organization's members page.
invite-already-invited = This person has already been invited and has not answered yet. Their invitation is listed below.
organization-invitations-title = Invitations waiting for an answer
organization-invitations-none = No invitation is waiting for an answer.
organization-invitation-sent-by = invited by { $inviter } on { $date }
organization-invitation-sent-on = invited on { $date }
organization-invitation-cancel = Cancel the invitation
organization-done-invited = The invitation is sent. It is listed below until it is answered.
organization-done-invitation-cancelled = The invitation is cancelled: its link no longer works.
