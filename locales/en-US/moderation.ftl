# Reports of petitions, the moderation queue, hidden petitions and the audit log.

report-link = Report this petition
report-title = Report “{ $title }”
report-explanation = Tell the moderators of this site what is wrong with this petition. You need no account, and nothing identifies you.
report-reason = Reason
report-reason-spam = Spam or advertising
report-reason-hate = Hate or harassment
report-reason-illegal = Illegal content
report-reason-impersonation = Impersonation
report-reason-other = Something else
report-reason-missing = Choose a reason.
report-comment = Comment
report-comment-hint = What the moderators should know, in at most { $max } characters.
report-comment-too-long = This comment is too long.
report-button = Send the report
report-back = Back to the petition
report-thanks-title = Thank you
report-thanks = Thank you for your report. The moderators will look at it.
report-home = Back to the home page

dashboard-hidden = Hidden by the moderators
nav-moderation = Moderation
moderation-title = Moderation
moderation-reported = Reported petitions
moderation-nothing-reported = No petition is reported.
moderation-hidden = Hidden petitions
moderation-nothing-hidden = No petition is hidden.
moderation-col-petition = Petition
moderation-col-reports = Reports
moderation-col-reasons = Reasons
moderation-col-latest = Latest report
moderation-col-reason = Reason given to the owner
moderation-col-actions = Actions
moderation-is-hidden = hidden
moderation-report-count = { $count ->
    [one] one report
   *[other] { $count } reports
}
moderation-hide = Hide
moderation-restore = Restore
moderation-delete = Delete
moderation-dismiss = Dismiss the reports
moderation-back = Back to the moderation queue
moderation-done-hidden = The petition is hidden. Its owner was told why.
moderation-done-restored = The petition is restored.
moderation-done-deleted = The petition was deleted.
moderation-done-dismissed = The reports were dismissed.
moderation-hide-title = Hide “{ $title }”
moderation-hide-explanation = Nobody but its owner and the moderators will see the petition. Its owner is told the reason you give here, and cannot publish it again until a moderator restores it.
moderation-reason = Reason given to the owner
moderation-reason-missing = Give the owner a reason.
moderation-reason-too-long = This reason is too long.
moderation-delete-title = Delete “{ $title }”?
moderation-delete-warning = The petition and all its signatures will be deleted for good. Its owner is told, with the reason if you give one.
moderation-delete-button = Delete for good
moderation-republish-refused = The moderators have hidden this petition: it cannot be published again unless they restore it.

petition-preview-draft = Draft — only you (and the members who may edit it) see this petition.
petition-preview-unsignable = Nobody can sign it while it is not public.
petition-preview-hidden = Hidden by the moderators: { $reason }

audit-title = Audit log
audit-empty = No decision recorded yet.
audit-col-when = When (UTC)
audit-col-who = Who
audit-col-what = What
audit-col-target = About
audit-col-reason = Reason
audit-action-hide-petition = Hid a petition
audit-action-restore-petition = Restored a petition
audit-action-delete-petition = Deleted a petition
audit-action-dismiss-reports = Dismissed the reports of a petition
audit-action-grant-moderator = Made an account moderator
audit-action-grant-administrator = Made an account administrator
audit-action-delete-organization = Deleted an organization
audit-organization-went = With it: { $petitions ->
    [one] one petition
   *[other] { $petitions } petitions
}, { $signatures ->
    [one] one signature
   *[other] { $signatures } signatures
}, { $templates ->
    [one] one template
   *[other] { $templates } templates
}, { $invitations ->
    [one] one pending invitation
   *[other] { $invitations } pending invitations
}, { $members ->
    [one] one member
   *[other] { $members } members
}.

mail-moderation-reason = The moderators' reason:
mail-petition-hidden-subject = Your petition “{ $title }” was hidden
mail-petition-hidden-intro = The moderators of this site have hidden your petition “{ $title }”: nobody else can see it or sign it.
mail-petition-hidden-next = You still see it at its address, and on your dashboard. It cannot be published again unless the moderators restore it.
mail-petition-restored-subject = Your petition “{ $title }” was restored
mail-petition-restored-intro = The moderators of this site have restored your petition “{ $title }”.
mail-petition-restored-next = If it was published, it is public again.
mail-petition-deleted-subject = Your petition “{ $title }” was deleted
mail-petition-deleted-intro = The moderators of this site have deleted your petition “{ $title }” and its signatures.
mail-petition-deleted-next = Your other petitions are on your dashboard.

# The bar moderators see on a petition page.
moderation-bar-label = Moderation:

# The header link to the audit log, for those who may read it.
nav-audit-log = Audit log
