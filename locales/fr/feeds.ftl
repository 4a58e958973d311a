# Les flux Atom des pétitions publiées, et les liens de partage directs vers un réseau.

feed-petitions-title = Pétitions sur { $site }
feed-organization-title = Pétitions lancées par { $organization } sur { $site }
feed-follow = Suivre les nouvelles pétitions (flux Atom)
feed-follow-organization = Suivre ses nouvelles pétitions (flux Atom)

share-whatsapp = Partager sur WhatsApp
share-telegram = Partager sur Telegram
share-bluesky = Partager sur Bluesky
share-facebook = Partager sur Facebook
share-x = Partager sur X
share-linkedin = Partager sur LinkedIn

share-choice-whatsapp = Partager sur WhatsApp
share-choice-telegram = Partager sur Telegram
share-choice-bluesky = Partager sur Bluesky
share-choice-facebook = Partager sur Facebook
share-choice-x = Partager sur X (anciennement Twitter)
share-choice-linkedin = Partager sur LinkedIn
feed-news-title = Actualités de « { $title } »
