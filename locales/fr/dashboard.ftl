# Les actions du tableau de bord sur une pétition.

dashboard-col-actions = Actions
dashboard-publish = Publier
dashboard-unpublish = Dépublier
dashboard-duplicate = Dupliquer
dashboard-transfer = Transférer
dashboard-delete = Supprimer
dashboard-done-published = La pétition est publiée.
dashboard-done-unpublished = La pétition n’est plus publiée.
dashboard-done-duplicated = Une copie a été enregistrée comme brouillon.
dashboard-done-transferred = La pétition a été transférée. Elle reste dépubliée jusqu’à ce que son nouveau propriétaire la publie.
dashboard-done-deleted = La pétition a été supprimée.
petition-copy-title = Copie de { $title }
back-to-dashboard = Retour au tableau de bord

transfer-title = Transférer « { $title } »
transfer-explanation = La pétition part avec ses signatures. Elle est dépubliée pendant le transfert et reçoit une nouvelle adresse chez son nouveau propriétaire.
transfer-nowhere = Vous ne pouvez transférer cette pétition nulle part : il vous faut le droit de créer des pétitions dans une autre organisation.
transfer-to = Transférer vers
transfer-to-personal = Mes propres pétitions
transfer-button = Transférer

delete-title = Supprimer « { $title } » ?
delete-warning = { $count ->
    [0] La pétition et toutes ses données seront supprimées. C’est irréversible.
    [one] La pétition et sa signature confirmée seront supprimées. C’est irréversible.
   *[other] La pétition et ses { $count } signatures confirmées seront supprimées. C’est irréversible.
}
delete-button = Supprimer définitivement

edit-title = Modifier la pétition
edit-button = Enregistrer
dashboard-edit = Modifier
dashboard-continue-wizard = Reprendre dans l’assistant
dashboard-done-saved = La pétition est enregistrée.
field-petition-title = Titre
field-petition-text = Texte
field-petition-text-hint = En Markdown : **gras**, *italique*, [un lien](https://example.org), une ligne commençant par « - » pour une liste, « ## » pour un intertitre, une ligne vide entre deux paragraphes. Le reste est retiré à l’enregistrement ; « Aperçu » montre ce que liront les visiteurs.
field-petition-goal = Objectif
field-petition-goal-hint = Le nombre de signatures visé.
field-petition-deadline = Date de clôture
goal-invalid = Saisissez un nombre entier supérieur à zéro, ou laissez le champ vide.
# À qui la pétition s’adresse (l’éditeur et l’assistant) ; facultatif.
field-petition-addressed-to = Destinataire
field-petition-addressed-to-hint = La personne ou l’institution qui peut accorder ce que vous demandez, par exemple le maire de Lyon.
addressed-to-too-long = Écrivez au plus 200 caractères.
deadline-invalid = Saisissez une date au format 2027-03-31, ou laissez le champ vide.

field-paper-signatures = Signatures recueillies sur papier
field-paper-signatures-hint = Elles s’ajoutent au compteur.
paper-invalid = Saisissez un nombre entier positif ou nul.
edit-asked-legend = Ce que l’on demande aux signataires
edit-asked-hint = En plus de leurs prénom, nom et adresse e-mail. Rien d’autre que ce qui est demandé n’est enregistré.
ask-off = Non demandé
ask-optional = Facultatif
ask-required = Obligatoire
field-data-notice = Mention, sous le formulaire, sur l’usage des données des signataires
field-data-notice-hint = Laissez vide pour la mention standard qui nomme le propriétaire de la pétition.
field-reply-to = Adresse de réponse des e-mails de confirmation
edit-look-legend = Apparence de la page
theme-default = Clair
theme-paper = Papier
theme-dark = Sombre
field-accent = Couleur d’accent
field-accent-hint = Une couleur comme #1d4ed8, ou vide pour celle du thème. Une couleur trop pâle ou trop sombre pour être lue est ajustée à la plus proche qui reste lisible.
accent-invalid = Saisissez une couleur sous la forme # suivi de six chiffres hexadécimaux, comme #1d4ed8.
dashboard-done-accent-adjusted = La pétition est enregistrée. La couleur d’accent a été ajustée pour que le texte reste lisible.

permalinks-title = Adresses de la pétition
permalinks-hint = Chaque adresse continue de fonctionner : les autres redirigent vers l’adresse canonique, celle que l’on partage.
permalink-canonical = (canonique)
permalink-make-canonical = Rendre canonique
permalink-remove = Retirer
field-permalink = Nouvelle adresse
field-permalink-hint = Quelques mots, par exemple sauvons-le-lac.
field-permalink-canonical = En faire l’adresse canonique
permalink-add = Ajouter l’adresse
slug-taken = Une autre pétition de ce propriétaire utilise déjà cette adresse.
editor-done-permalink-added = L’adresse a été ajoutée.
editor-done-permalink-canonical = L’adresse canonique a été changée ; les autres y redirigent.
editor-done-permalink-removed = L’adresse a été retirée.

edit-share-legend = Partage
share-choice-email = Partager par e-mail
share-choice-mastodon = Partager sur Mastodon (le lecteur indique son serveur)
share-choice-diaspora = Partager sur diaspora* (le lecteur indique son pod)
share-choice-link = L’adresse de la pétition, à copier
field-social-text = Texte de l’aperçu sur les réseaux sociaux (à défaut, le début de la pétition)
field-social-image = Image de l’aperçu
field-social-image-hint = Une adresse https, ou un chemin sur ce site.
image-url-invalid = Saisissez une adresse commençant par https://, ou un chemin sur ce site commençant par /.

editor-toolbar = Mise en forme du texte
editor-bold = Gras
editor-italic = Italique
editor-link = Lien
editor-link-prompt = Adresse du lien (https://…)
editor-list = Liste
editor-heading = Intertitre
# Le bouton sous un texte qui le montre mis en forme, sans enregistrer ; et le titre de ce qu’il montre.
editor-preview = Aperçu
editor-preview-title = Aperçu du texte
dashboard-held = { $count ->
    [one] une retenue
   *[other] { $count } retenues
}
edit-show-signers = Afficher sur la page les derniers signataires qui l’acceptent : prénom, ville ou organisation, commentaire
