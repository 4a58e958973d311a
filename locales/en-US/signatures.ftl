# The signatures page of a petition, its actions and its CSV export.
dashboard-signatures = Signatures
dashboard-export = Export (CSV)
signatures-title = Signatures
signatures-of = Signatures of “{ $title }”
signatures-back-dashboard = Back to the dashboard
signatures-public-page = Public page
signatures-count-confirmed = { $count ->
    [0] No confirmed signature
    [one] One confirmed signature
   *[other] { $count } confirmed signatures
}
signatures-count-unconfirmed = { $count ->
    [0] none awaiting confirmation
    [one] one awaiting confirmation
   *[other] { $count } awaiting confirmation
}
signatures-export = Export as a spreadsheet (CSV):
signatures-export-all = every signature
signatures-export-confirmed = confirmed signatures only
signatures-search-label = Search by name or e-mail address
signatures-status-label = Show
signatures-filter-all = All signatures
signatures-filter-confirmed = Confirmed signatures
signatures-filter-unconfirmed = Unconfirmed signatures
signatures-search-button = Search
signatures-matching = { $count ->
    [0] No signature matches.
    [one] One signature matches.
   *[other] { $count } signatures match.
}
signatures-col-select = Select
signatures-select = Select { $name }
signatures-col-name = Name
signatures-col-newsletter = Newsletter
signatures-col-status = Status
signatures-col-confirmed = Confirmed
signatures-col-signed-at = Signed at (UTC)
signatures-col-confirmed-at = Confirmed at (UTC)
# The signatures table on the page (its times are in the site's time zone; the CSV's columns above are UTC).
signatures-col-signed = Signed
signatures-confirmed-on = Confirmed on { $date }
signatures-unconfirmed = Not confirmed yet
signatures-yes = yes
signatures-no = no
signatures-resend-selection = Re-send the confirmation e-mail to the selected unconfirmed signers
signatures-delete-selection = Delete the selected signatures
# The confirmation under "Delete the selected signatures".
signatures-delete-confirm = The ticked signatures will be erased and taken off the count. This cannot be undone.
signatures-delete-for-good = Delete them for good
signatures-resend-all = { $count ->
    [one] Re-send the confirmation e-mail to the unconfirmed signer
    [2] Re-send the confirmation e-mail to both unconfirmed signers
   *[other] Re-send the confirmation e-mail to all { $count } unconfirmed signers
}
signatures-deleted = { $count ->
    [0] No signature was deleted: none was selected.
    [one] One signature deleted.
   *[other] { $count } signatures deleted.
}
signatures-resend-all-hint = Signers whose link went out less than an hour ago are left out.
signatures-resent-some = { $count ->
    [0] No e-mail sent.
    [one] One confirmation e-mail is on its way.
   *[other] { $count } confirmation e-mails are on their way.
}
signatures-resent-skipped = { $count ->
    [one] One unconfirmed signer was left out: their link went out less than an hour ago.
   *[other] { $count } unconfirmed signers were left out: their link went out less than an hour ago.
}
signatures-resent = { $count ->
    [0] No e-mail sent: the selection had no unconfirmed signer.
    [one] One confirmation e-mail is on its way.
   *[other] { $count } confirmation e-mails are on their way.
}
signatures-pages = Pages
signatures-previous = Previous page
signatures-next = Next page
signatures-page-of = Page { $page } of { $pages }
# Signatures held back by a limit on signing (one client address sending many, or an address that
# has had its mails for the day).
signatures-filter-held = Held signatures
signatures-count-held = { $count ->
    [one] one held back
   *[other] { $count } held back
}
signatures-held = Held back
signatures-release-selection = Release the selected held signatures
held-title = { $count ->
    [one] One signature held back
   *[other] { $count } signatures held back
}
held-explain = These signatures came faster from one connection than honest signers do, or to an address that has had its e-mails for today. They do not count and no e-mail went to them. The person who sent them saw the usual page. Release the ones you trust: each gets its confirmation e-mail and counts once confirmed. Discard the others.
held-source-label = Source (anonymized connection):
held-count-label = Held back:
held-when-label = When (UTC):
held-source-unknown = unknown
held-between = { $first } to { $last }
held-release-source = { $count ->
    [one] Release it
    [2] Release both
   *[other] Release all { $count }
}
held-discard-source = { $count ->
    [one] Discard it
    [2] Discard both
   *[other] Discard all { $count }
}
signatures-released = { $count ->
    [0] No signature released.
    [one] One signature released: its confirmation e-mail is on its way.
   *[other] { $count } signatures released: their confirmation e-mails are on their way.
}
signatures-released-capped = { $count ->
    [one] One stays held: its address has had its e-mails for today. Release it again tomorrow.
   *[other] { $count } stay held: their addresses have had their e-mails for today. Release them again tomorrow.
}
signatures-discarded = { $count ->
    [0] No held signature was discarded.
    [one] One held signature discarded.
   *[other] { $count } held signatures discarded.
}
pow-off = Anti-robot check: off. Turn it on when robots flood this petition: browsers then solve a small puzzle on their own before signing (a fraction of a second, nothing to read or click). People without JavaScript still sign, under stricter limits.
pow-on = Anti-robot check: on. Browsers solve a small puzzle on their own before signing; people without JavaScript still sign, under stricter limits.
pow-everywhere = Anti-robot check: on for every petition of this site (set by its administrators).
pow-turn-on = Turn the anti-robot check on
pow-turn-off = Turn the anti-robot check off
signatures-pow-saved = { $count ->
    [0] The anti-robot check is off.
   *[other] The anti-robot check is on.
}
