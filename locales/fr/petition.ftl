# Pages des pétitions et page d’accueil.
home-title = Pétitions
home-empty = Aucune pétition n’est encore publiée.
petition-by = Par { $owner }
# Sous le titre : à qui la pétition s’adresse, tel que ses organisateurs l’ont écrit.
petition-addressed-to = Destinataire : { $whom }
# Le cadre qui présente l’organisation derrière la pétition, après son texte.
petition-about-owner = À propos de { $owner }
# Sur téléphone, sous le compteur : mène au formulaire de signature après le texte.
petition-sign-jump = Signer la pétition
signature-count = { $count ->
    [0] Personne n’a encore signé
    [one] Une personne a signé
   *[other] { $count } personnes ont signé
}
petition-goal = objectif : { $goal }
petition-progress = { $percent } % de l’objectif
# Nomme le bloc du compteur, de l’objectif et de la date de clôture, pour les lecteurs d’écran.
petition-progress-label = Signatures recueillies
petition-deadline = Ouverte jusqu’au { $date }
petition-closed-on = Close le { $date }
petition-closed = Cette pétition est close : elle n’accepte plus de signatures.
share-title = Partager cette pétition
share-email = Partager par e-mail
share-link = Lien à partager

home-search-label = Chercher une pétition par son titre
home-search-button = Chercher
home-search-results = { $count ->
    [0] Aucune pétition ne correspond à « { $search } ».
    [one] Une pétition correspond à « { $search } ».
   *[other] { $count } pétitions correspondent à « { $search } ».
}
home-search-none = Essayez d’autres mots.
# Le titre de la page d’accueil quand elle montre les résultats d’une recherche.
home-search-title = Recherche : { $search }
person-petitions = Pétitions
pages-label = Pages
pages-previous = Page précédente
pages-next = Page suivante
pages-position = Page { $page } sur { $pages }

share-mastodon-label = Votre serveur Mastodon
share-mastodon = Partager sur Mastodon
share-diaspora-label = Votre pod diaspora*
share-diaspora = Partager sur diaspora*
share-server-invalid = Ce n’est pas l’adresse d’un serveur. Saisissez son nom, par exemple mastodon.social.
share-continue-title = Partager sur { $host }
share-continue-text = « { $title } » est prête à être partagée depuis votre compte sur { $host }.
share-continue-button = Continuer vers { $host }
share-back = Retour à la pétition
petition-recent-signers = Dernières signatures
