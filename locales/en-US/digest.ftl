# The daily digest of new signatures to a petition's organizers (issue 12, point 2): its settings page and its mail.
digest-link = Daily digest
digest-title = Daily digest
digest-of = Daily digest of “{ $title }”
digest-edit-petition = Edit the petition
digest-explain = Once a day, after { $hour } UTC, Signons can tell the addresses below how many signatures were confirmed since the day before and, if you wish, who signed. Nothing is sent on a day without new signatures.
digest-field-enabled = Send the daily digest
digest-field-recipients = Send it to
digest-recipients-hint = One e-mail address per line, { $max } at most: members of your team, or the person the petition is addressed to.
digest-recipients-missing = Give at least one e-mail address to send the digest to.
digest-recipients-too-many = { $max } e-mail addresses at most.
digest-address-invalid = Line { $line }: “{ $address }” is not an e-mail address.
digest-field-names = Include the new signers' names
digest-names-hint = First and last name, with city and organization when the petition asks for them; the first { $max } of the day are named.
digest-names-need-right = Only members who may view the signatures can change this.
digest-names-forbidden = Only members who may view the signatures can include the signers' names.
digest-names-anonymized = This petition's signers were anonymized: the digest gives the count only.
digest-save = Save
digest-saved = The daily digest settings are saved.
digest-mail-subject = “{ $title }”: { $count ->
    [one] one new signature
   *[other] { $shown } new signatures
} since yesterday
digest-mail-intro = { $count ->
    [one] One new signature was confirmed on “{ $title }” since { $since }.
   *[other] { $shown } new signatures were confirmed on “{ $title }” since { $since }.
}
digest-mail-total = { $count ->
    [one] It now has one signature in all.
   *[other] It now has { $shown } signatures in all.
}
digest-mail-names-title = The new signers:
digest-mail-more = { $count ->
    [one] …and one more.
   *[other] …and { $count } more.
}
digest-mail-signatures-link = See all the signatures
digest-mail-why = You receive this digest because the organizers of “{ $title }” ({ $owner }) chose to send it to this address.
digest-mail-stop = They can stop it, or change who receives it, from the petition's dashboard.
digest-mail-unsubscribe = To stop receiving this digest at this address:
digest-stop-title = Daily digest of a petition
digest-stop-explain = Press the button to stop sending the daily digest of “{ $title }” to { $address }.
digest-stop-button = Stop the digest
digest-stop-done = { $address } will receive no more daily digests of “{ $title }”.
