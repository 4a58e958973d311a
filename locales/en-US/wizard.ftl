# The creation wizard and petition templates.

wizard-new = New petition
wizard-title = New petition
wizard-step = Step { $number } of { $total }
wizard-step-title = Title and owner
wizard-step-text = Text
wizard-step-options = Options
wizard-step-preview = Preview
wizard-field-title = Title
wizard-field-owner = Who runs it
wizard-owner-personal = Myself
wizard-owner-is = Run by { $owner }.
wizard-owner-invalid = Choose who runs this petition.
wizard-no-owner = You may not create a petition here: ask an organization to give you the right to create petitions.
wizard-field-template = Start from a template
wizard-field-template-hint = Its text, goal and settings are copied into the new petition. The template must belong to the owner chosen above.
wizard-template-none = No template
wizard-template-invalid = Choose a template of the owner chosen above, or none.
wizard-field-text = Text
wizard-field-text-hint = Written in Markdown: **bold**, *italics*, [a link](https://example.org), a line starting with “- ” for a list, “## ” for a heading, a blank line between paragraphs. Anything else is removed when you go on; “Preview” shows how it will read.
wizard-field-goal = Goal
wizard-field-deadline = Closing date
deadline-past = Choose a date to come, or leave it empty.
wizard-field-publish = When it is saved
wizard-publish-now = Publish it now
wizard-keep-draft = Keep it as a draft
wizard-next = Next
wizard-back = Back
wizard-later = Finish later (the draft is kept)
wizard-preview-explanation = This is how the petition will look. Its text shows exactly what was kept of what you wrote.
wizard-will-publish = It will be published at { $address }.
wizard-will-keep-draft = It will be kept as a draft: only you and your organization see it.
wizard-save-publish = Publish
wizard-save-draft = Save the draft

templates-title = Templates of { $owner }
templates-my = My templates
templates-explanation = A template keeps a petition's text, goal and settings for new petitions. The default one is preselected when a new petition is created.
templates-none = No templates yet. Save a petition as a template from the dashboard.
templates-col-name = Name
templates-col-goal = Goal
templates-default = default
templates-make-default = Make default
templates-delete = Delete
# The confirmation under "Delete" of a template.
templates-delete-confirm = The template “{ $name }” will be deleted. Petitions made from it keep their text.
templates-delete-button = Delete the template
templates-done-saved = The template is saved.
templates-done-default = The default template is changed.
templates-done-deleted = The template was deleted.
templates-save-title = Save “{ $title }” as a template
templates-save-explanation = Its text, goal, signature fields, data-use notice, reply-to address and looks are kept under this name for { $owner }.
templates-field-name = Template name
templates-save-button = Save the template
templates-save-link = Save as template

# The text step and the editor refuse a petition without words.
petition-text-required = Write the text of the petition: what you ask for, and why.
