# The Atom feeds of published petitions, and the share links straight to a network.

feed-petitions-title = Petitions on { $site }
feed-organization-title = Petitions by { $organization } on { $site }
feed-follow = Follow new petitions (Atom feed)
feed-follow-organization = Follow its new petitions (Atom feed)

share-whatsapp = Share on WhatsApp
share-telegram = Share on Telegram
share-bluesky = Share on Bluesky
share-facebook = Share on Facebook
share-x = Share on X
share-linkedin = Share on LinkedIn

share-choice-whatsapp = Share on WhatsApp
share-choice-telegram = Share on Telegram
share-choice-bluesky = Share on Bluesky
share-choice-facebook = Share on Facebook
share-choice-x = Share on X (formerly Twitter)
share-choice-linkedin = Share on LinkedIn
feed-news-title = News of “{ $title }”
