# Ending a campaign (issue 12, point 7): the dashboard page, the petition page's banner and the
# final update's starting text.
outcome-title = End the campaign
outcome-title-of = End the campaign of “{ $title }”
outcome-dashboard-end = End the campaign
outcome-dashboard-ended = How it ended
outcome-state-successful = Successful
outcome-state-closed = Closed
outcome-now = How it ended
outcome-ended-on = Ended on { $date }.
outcome-how = How did the campaign end?
outcome-change = Change how it ended
outcome-explain = { $count ->
    [0] Signing stops at once, and the petition's page says how the campaign ended.
    [one] Signing stops at once, and the petition's page says how the campaign ended. Its one signature stays counted.
   *[other] Signing stops at once, and the petition's page says how the campaign ended. Its { $count } signatures stay counted.
}
outcome-explain-anonymize = { $days ->
    [one] The signers' names and addresses will be erased one day after the end; export them before if you need them.
   *[other] The signers' names and addresses will be erased { $days } days after the end; export them before if you need them.
}
outcome-explain-keep = The signers' names and addresses are kept until you erase them from the signatures page.
outcome-legend = The campaign
outcome-choice-successful = It succeeded: what the petition asked for was won
outcome-choice-closed = It ends here, without saying more
outcome-final-update = { $count ->
    [0] Then write a final update (no signer has asked for news yet; it will still appear on the page)
    [one] Then write a final update to the one signer who asked for news
   *[other] Then write a final update to the { $count } signers who asked for news
}
outcome-end-button = End the campaign
outcome-change-button = Save
outcome-choose = Choose how the campaign ended.
outcome-reopen = Reopen the petition
outcome-reopen-explain = Signing opens again, with no closing date; the page no longer says the campaign ended.
outcome-reopen-anonymized = The signers of this petition have been, or are about to be, anonymized: it cannot be reopened.
outcome-anonymized = Its signers' personal data have been erased; the counts remain.
outcome-anonymized-on = The signers' personal data will be erased on { $date }.
outcome-done-ended = The campaign has ended; the petition's page says so.
outcome-done-reopened = The petition accepts signatures again.
petition-outcome-successful = { $count ->
    [0] This petition succeeded.
    [one] This petition succeeded. Thank you to the person who signed it!
   *[other] This petition succeeded. Thank you to the { $count } people who signed it!
}
petition-outcome-closed = This campaign has ended.
outcome-update-subject-successful = We won: { $title }
outcome-update-body-successful = Thank you for signing “{ $title }”. Together we won: …

    Write here what was achieved, and what comes next.
outcome-update-subject-closed = The campaign has ended: { $title }
outcome-update-body-closed = Thank you for signing “{ $title }”. The campaign has now ended.

    Write here how it went, and what comes next.
