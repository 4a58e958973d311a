# The dashboard's actions on a petition.

dashboard-col-actions = Actions
dashboard-publish = Publish
dashboard-unpublish = Unpublish
dashboard-duplicate = Duplicate
dashboard-transfer = Transfer
dashboard-delete = Delete
dashboard-done-published = The petition is published.
dashboard-done-unpublished = The petition is no longer published.
dashboard-done-duplicated = A copy was saved as a draft.
dashboard-done-transferred = The petition was transferred. It is unpublished until its new owner publishes it.
dashboard-done-deleted = The petition was deleted.
petition-copy-title = Copy of { $title }
back-to-dashboard = Back to the dashboard

transfer-title = Transfer “{ $title }”
transfer-explanation = The petition moves with its signatures. It is unpublished on the way and gets a new address under its new owner.
transfer-nowhere = There is nowhere you may transfer this petition: you need the right to create petitions in another organization.
transfer-to = Transfer to
transfer-to-personal = My own petitions
transfer-button = Transfer

delete-title = Delete “{ $title }”?
delete-warning = { $count ->
    [0] The petition and all its data will be deleted. This cannot be undone.
    [one] The petition and its confirmed signature will be deleted. This cannot be undone.
   *[other] The petition and its { $count } confirmed signatures will be deleted. This cannot be undone.
}
delete-button = Delete for good

edit-title = Edit the petition
edit-button = Save
dashboard-edit = Edit
dashboard-continue-wizard = Continue in the wizard
dashboard-done-saved = The petition is saved.
field-petition-title = Title
field-petition-text = Text
field-petition-text-hint = Written in Markdown: **bold**, *italics*, [a link](https://example.org), a line starting with “- ” for a list, “## ” for a heading, a blank line between paragraphs. Anything else is removed when you save; “Preview” shows how it will read.
field-petition-goal = Goal
field-petition-goal-hint = The number of signatures you aim for.
field-petition-deadline = Closing date
goal-invalid = Enter a whole number above zero, or leave it empty.
# Who the petition is addressed to (the editor and the wizard); the form marks it optional.
field-petition-addressed-to = Addressed to
field-petition-addressed-to-hint = The person or body who can grant what you ask, e.g. the Mayor of Lyon.
addressed-to-too-long = Write at most 200 characters.
deadline-invalid = Enter a date such as 2027-03-31, or leave it empty.

field-paper-signatures = Signatures gathered on paper
field-paper-signatures-hint = They are added to the count.
paper-invalid = Enter a whole number, zero or more.
edit-asked-legend = What signers are asked
edit-asked-hint = Besides their first name, last name and e-mail address. Nothing that is not asked is stored.
ask-off = Not asked
ask-optional = Optional
ask-required = Required
field-data-notice = Notice under the form on the use of signers' data
field-data-notice-hint = Leave it empty for the standard notice naming the petition's owner.
field-reply-to = Reply-to address of confirmation mails
edit-look-legend = Look of the page
theme-default = Light
theme-paper = Paper
theme-dark = Dark
field-accent = Accent colour
field-accent-hint = A colour such as #1d4ed8, or empty for the theme's own. A colour too pale or too dark to read is adjusted to the nearest readable one.
accent-invalid = Enter a colour as # followed by six hexadecimal digits, such as #1d4ed8.
dashboard-done-accent-adjusted = The petition is saved. The accent colour was adjusted so that text stays readable.

permalinks-title = Addresses of the petition
permalinks-hint = Every address keeps working: the others redirect to the canonical one, which is the one shared.
permalink-canonical = (canonical)
permalink-make-canonical = Make canonical
permalink-remove = Remove
field-permalink = New address
field-permalink-hint = A few words, such as save-the-lake.
field-permalink-canonical = Make it the canonical address
permalink-add = Add the address
slug-taken = Another petition of this owner already uses this address.
editor-done-permalink-added = The address was added.
editor-done-permalink-canonical = The canonical address was changed; the others redirect to it.
editor-done-permalink-removed = The address was removed.

edit-share-legend = Sharing
share-choice-email = Share by e-mail
share-choice-mastodon = Share on Mastodon (the reader names their server)
share-choice-diaspora = Share on diaspora* (the reader names their pod)
share-choice-link = The petition's address, to copy
field-social-text = Text of the preview on social networks (empty: the start of the petition)
field-social-image = Image of the preview
field-social-image-hint = An https address, or a path on this site.
image-url-invalid = Enter an address starting with https://, or a path on this site starting with /.

editor-toolbar = Text formatting
editor-bold = Bold
editor-italic = Italic
editor-link = Link
editor-link-prompt = Address of the link (https://…)
editor-list = List
editor-heading = Heading
# The button under a text that shows it rendered, without saving; and the heading over what it shows.
editor-preview = Preview
editor-preview-title = Preview of the text
dashboard-held = { $count ->
    [one] one held back
   *[other] { $count } held back
}
edit-show-signers = Show the latest signers who agree to it on the page: first name, city or organization, comment
