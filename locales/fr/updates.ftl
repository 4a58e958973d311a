# Nouvelles aux signataires (F6.5) : rédaction, envoi, actualités de la page, désabonnement.
dashboard-updates = Nouvelles aux signataires
news-title = Actualités
updates-title = Nouvelles aux signataires
updates-of = Nouvelles aux signataires de « { $title } »
updates-explain = { $count ->
    [0] Aucun signataire confirmé n’a encore demandé à être tenu informé. Vous pouvez tout de même écrire une nouvelle : elle paraîtra sur la page de la pétition, sauf si vous la gardez privée.
    [one] Un signataire confirmé a demandé à être tenu informé : une nouvelle lui est envoyée par e-mail, et paraît sur la page de la pétition sauf si vous la gardez privée.
   *[other] { $count } signataires confirmés ont demandé à être tenus informés : une nouvelle leur est envoyée par e-mail, et paraît sur la page de la pétition sauf si vous la gardez privée.
}
updates-list-title = Nouvelles écrites jusqu’ici
updates-col-subject = Objet
updates-col-state = État
updates-col-date = Date
updates-private = privée
updates-private-explain = Privée : envoyée aux signataires, sans paraître sur la page de la pétition.
updates-state-draft = Brouillon, non envoyé
updates-state-sending = En cours d’envoi ({ $count } en file jusqu’ici)
updates-state-sent = { $count ->
    [one] Envoyée à un signataire
   *[other] Envoyée à { $count } signataires
}
updates-new = Écrire une nouvelle
updates-field-subject = Objet
updates-field-body = Texte
updates-body-hint = En Markdown : *italique*, **gras**, [un lien](https://example.org), une ligne vide entre deux paragraphes. Les signataires la lisent dans vos mots ; le reste de l’e-mail est dans leur langue, avec un lien pour ne plus recevoir de nouvelles.
updates-field-private = La garder privée : l’envoyer aux signataires sans la montrer sur la page de la pétition
updates-preview = Aperçu
updates-save = Enregistrer le brouillon
updates-preview-title = Aperçu
updates-back = Toutes les nouvelles de « { $title } »
updates-as-signers-read-it = Telle que les signataires la liront
updates-send-title = L’envoyer
updates-send-test = M’envoyer un essai
updates-send-to = { $count ->
    [0] L’envoyer (aucun signataire à qui l’écrire pour l’instant)
    [one] L’envoyer à un signataire
   *[other] L’envoyer à { $count } signataires
}
updates-edit = Modifier le brouillon
updates-delete = Supprimer le brouillon
updates-make-public = La montrer sur la page de la pétition
updates-make-private = La retirer de la page de la pétition
updates-send-confirm-title = Envoyer cette nouvelle ?
updates-send-confirm = { $count ->
    [0] « { $subject } » paraîtra sur la page de la pétition (sauf si elle est privée) ; aucun signataire n’a encore demandé à être tenu informé.
    [one] « { $subject } » sera envoyée au seul signataire confirmé qui a demandé à être tenu informé.
   *[other] « { $subject } » sera envoyée aux { $count } signataires confirmés qui ont demandé à être tenus informés.
}
updates-send-once = Une nouvelle s’envoie une fois et ne peut plus être modifiée ensuite. Ceux qui signent après ne la reçoivent pas.
updates-send-cancel = Pas maintenant : retour à la nouvelle
updates-done-saved = Le brouillon est enregistré.
updates-done-tested = Un essai part vers votre boîte aux lettres.
updates-done-sent = La nouvelle est en cours d’envoi.
updates-done-deleted = Le brouillon est supprimé.
updates-done-visibility = C’est fait.
updates-already-sent = Cette nouvelle a déjà été envoyée : elle ne peut plus être modifiée.
update-subject-missing = Donnez un objet à la nouvelle.
update-subject-too-long = L’objet est trop long : 200 caractères au plus.
update-body-missing = Écrivez le texte de la nouvelle.
update-body-too-long = Le texte est trop long : 50 000 caractères au plus.
update-test-subject = [Essai] { $subject }
update-mail-intro = Vous avez signé « { $title } » et demandé à être tenu informé. { $owner } écrit :
update-mail-test-intro = Ceci est un essai : les signataires recevront cette nouvelle dans leur langue, salués par leur prénom.
update-mail-unsubscribe = Ne plus recevoir de nouvelles de cette pétition :
update-mail-test-unsubscribe = (Dans les e-mails des signataires, un lien pour ne plus recevoir de nouvelles figure ici.)
unsubscribe-title = Nouvelles d’une pétition
unsubscribe-explain = Appuyez sur le bouton pour ne plus recevoir de nouvelles de cette pétition. Votre signature reste.
unsubscribe-button = Ne plus recevoir de nouvelles
unsubscribe-done = Vous ne recevrez plus de nouvelles de cette pétition. Votre signature reste.
updates-delete-confirm = Ce brouillon n’a jamais été envoyé : le supprimer en perd le texte pour de bon.
updates-delete-button = Le supprimer pour de bon
