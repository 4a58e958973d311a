# Updates to signers (F6.5): writing, sending, the petition page's news, unsubscribing.
dashboard-updates = Updates to signers
news-title = News
updates-title = Updates to signers
updates-of = Updates to the signers of “{ $title }”
updates-explain = { $count ->
    [0] No confirmed signer has asked to be kept informed yet. You can still write an update: it will be shown on the petition page unless you keep it private.
    [one] One confirmed signer asked to be kept informed: an update is mailed to them, and shown on the petition page unless you keep it private.
   *[other] { $count } confirmed signers asked to be kept informed: an update is mailed to them, and shown on the petition page unless you keep it private.
}
updates-list-title = Updates written so far
updates-col-subject = Subject
updates-col-state = State
updates-col-date = Date
updates-private = private
updates-private-explain = Private: mailed to the signers, not shown on the petition page.
updates-state-draft = Draft, not sent
updates-state-sending = Being sent ({ $count } queued so far)
updates-state-sent = { $count ->
    [one] Sent to one signer
   *[other] Sent to { $count } signers
}
updates-new = Write an update
updates-field-subject = Subject
updates-field-body = Text
updates-body-hint = Written in Markdown: *italics*, **bold**, [a link](https://example.org), a blank line between paragraphs. Signers read it in your words; the rest of the mail is in their own language, with a link to stop receiving updates.
updates-field-private = Keep it private: mail it to the signers without showing it on the petition page
updates-preview = Preview
updates-save = Save the draft
updates-preview-title = Preview
updates-back = All the updates of “{ $title }”
updates-as-signers-read-it = As the signers will read it
updates-send-title = Send it
updates-send-test = Send me a test
updates-send-to = { $count ->
    [0] Send it (no signer to mail yet)
    [one] Send it to one signer
   *[other] Send it to { $count } signers
}
updates-edit = Change the draft
updates-delete = Delete the draft
updates-make-public = Show it on the petition page
updates-make-private = Take it off the petition page
updates-send-confirm-title = Send this update?
updates-send-confirm = { $count ->
    [0] “{ $subject }” will be shown on the petition page (unless it is private); no signer has asked to be kept informed yet.
    [one] “{ $subject }” will be mailed to the one confirmed signer who asked to be kept informed.
   *[other] “{ $subject }” will be mailed to the { $count } confirmed signers who asked to be kept informed.
}
updates-send-once = An update is sent once and can no longer be changed. Those who sign later do not receive it.
updates-send-cancel = Not now: back to the update
updates-done-saved = The draft is saved.
updates-done-tested = A test is on its way to your mailbox.
updates-done-sent = The update is being sent.
updates-done-deleted = The draft is deleted.
updates-done-visibility = Done.
updates-already-sent = This update has already been sent: it can no longer be changed.
update-subject-missing = Give the update a subject.
update-subject-too-long = The subject is too long: 200 characters at most.
update-body-missing = Write the text of the update.
update-body-too-long = The text is too long: 50,000 characters at most.
update-test-subject = [Test] { $subject }
update-mail-intro = You signed “{ $title }” and asked to be kept informed. { $owner } writes:
update-mail-test-intro = This is a test: the signers will receive this update in their own language, greeted by their first name.
update-mail-unsubscribe = Stop receiving updates about this petition:
update-mail-test-unsubscribe = (In the signers’ mails, a link to stop receiving updates comes here.)
unsubscribe-title = Updates about a petition
unsubscribe-explain = Press the button to stop receiving updates about this petition. Your signature stays.
unsubscribe-button = Stop the updates
unsubscribe-done = You will receive no more updates about this petition. Your signature stays.
updates-delete-confirm = This draft was never sent: deleting it loses its text for good.
updates-delete-button = Delete it for good
