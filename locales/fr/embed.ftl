# Le formulaire de signature que d’autres sites intègrent (/petitions/<id>/embed), et son code dans l’éditeur.
embed-full-page = Lire toute la pétition
embed-new-window = (s’ouvre dans une nouvelle fenêtre)
embed-hosted-by = Signatures recueillies par { $site }
embed-token-invalid = Ce formulaire n’a pas pu être vérifié. Merci d’appuyer à nouveau sur le bouton.
embed-token-expired = Ce formulaire est resté ouvert trop longtemps. Merci d’appuyer à nouveau sur le bouton.

## La section de l’éditeur
embed-section-title = Mettre cette pétition sur votre site
embed-section-hint = Copiez ce code dans une page de votre site : il affiche le nombre de signatures et le formulaire de signature, qui fonctionne sans JavaScript et ne dépose aucun cookie. On y signe comme ici, puis on confirme par e-mail.
embed-snippet-label = Code du formulaire de signature
embed-frame-title = Signer « { $title } »
embed-language-hint = Pour choisir sa langue, ajoutez { $english } ou { $french } à son adresse ; sinon il suit le navigateur du visiteur.
embed-badge-label = Code du badge du nombre de signatures, pour les lettres d’information et d’autres pages
embed-badge-alt = Signatures de « { $title } »
embed-preview-link = Voir le formulaire comme les autres le verront
embed-gone-title = Pétition indisponible
embed-gone = Cette pétition n’est plus ouverte au public : elle ne peut pas être signée ici.
