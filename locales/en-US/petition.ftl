# Petition pages and the home page.
home-title = Petitions
home-empty = There is no published petition yet.
petition-by = By { $owner }
# Under the title: who the petition is addressed to, as its organizers wrote it.
petition-addressed-to = To: { $whom }
# The box that presents the organization behind the petition, after its text.
petition-about-owner = About { $owner }
# On phones, under the count: jumps to the sign form after the text.
petition-sign-jump = Sign the petition
signature-count = { $count ->
    [0] Nobody has signed yet
    [one] One person has signed
   *[other] { $count } people have signed
}
petition-goal = goal: { $goal }
petition-progress = { $percent }% of the goal
# Names the block with the count, the goal and the closing date, for screen readers.
petition-progress-label = Signatures so far
petition-deadline = Open until { $date }
petition-closed-on = Closed on { $date }
petition-closed = This petition is closed: it no longer accepts signatures.
share-title = Share this petition
share-email = Share by e-mail
share-link = Link to share

home-search-label = Search petitions by title
home-search-button = Search
home-search-results = { $count ->
    [0] No petition matches “{ $search }”.
    [one] One petition matches “{ $search }”.
   *[other] { $count } petitions match “{ $search }”.
}
home-search-none = Try other words.
# The title of the home page when it shows the results of a search.
home-search-title = Search: { $search }
person-petitions = Petitions
pages-label = Pages
pages-previous = Previous page
pages-next = Next page
pages-position = Page { $page } of { $pages }

share-mastodon-label = Your Mastodon server
share-mastodon = Share on Mastodon
share-diaspora-label = Your diaspora* pod
share-diaspora = Share on diaspora*
share-server-invalid = This is not a server address. Type its name, such as mastodon.social.
share-continue-title = Share on { $host }
share-continue-text = “{ $title }” is ready to be shared from your account on { $host }.
share-continue-button = Continue to { $host }
share-back = Back to the petition
petition-recent-signers = Recent signatures
