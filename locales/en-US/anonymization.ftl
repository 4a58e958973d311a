# Anonymizing the signers of an ended campaign (F9.3).
anonymization-title = Signers' personal data
anonymization-due = { $days ->
    [one] The signers' names, addresses and other details will be erased on { $date }, one day after the petition closes; the counts stay.
   *[other] The signers' names, addresses and other details will be erased on { $date }, { $days } days after the petition closes; the counts stay.
}
anonymization-export-before = Export them before then if you need them.
anonymization-after-closing = { $days ->
    [one] The signers' personal data will be erased one day after the petition closes (it has no closing date yet).
   *[other] The signers' personal data will be erased { $days } days after the petition closes (it has no closing date yet).
}
anonymization-never = The signers' personal data are kept until you delete them: this site does not erase them by itself.
anonymization-was-done = The signers' personal data were erased on { $date }. The counts and the statistics stay; there is nothing left to export.
anonymization-days-label = Erase them this many days after closing
anonymization-days-hint = Leave it empty for the site's rule; 0 keeps them.
anonymization-days-save = Save
anonymization-days-invalid = Give a number of days between 0 and 3650, or leave it empty.
anonymization-delay-saved = The delay is saved.
anonymization-done = { $count ->
    [one] One signer's personal data were erased.
   *[other] The personal data of { $count } signers were erased.
}
anonymization-now-link = Erase the signers' personal data now…
anonymization-now-title = Erase the signers' personal data
anonymization-now-explain = The names, addresses, phone numbers, comments and every other detail of the signers of “{ $title }” will be erased for good, and signatures never confirmed deleted. The count, the statistics and the updates stay. The signers can no longer be exported nor receive updates.
anonymization-export-first = Export the signatures first (CSV)
anonymization-now-button = Erase them for good
anonymization-already = The signers' personal data of this petition are already erased.
anonymization-back = Back to the signatures
anonymization-no-export = The signers' personal data of this petition were erased on { $date }: there is nothing left to export.
