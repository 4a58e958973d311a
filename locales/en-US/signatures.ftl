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
signatures-export = Export as a spreadsheet (CSV)
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
signatures-confirmed-on = Confirmed on { $date }
signatures-unconfirmed = Not confirmed yet
signatures-yes = yes
signatures-no = no
signatures-resend-selection = Re-send the confirmation e-mail to the selected unconfirmed signers
signatures-delete-selection = Delete the selected signatures
signatures-resend-all = { $count ->
    [one] Re-send the confirmation e-mail to the unconfirmed signer
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
