# La page des signatures d’une pétition, ses actions et son export CSV.
dashboard-signatures = Signatures
dashboard-export = Export (CSV)
signatures-title = Signatures
signatures-of = Signatures de « { $title } »
signatures-back-dashboard = Retour au tableau de bord
signatures-public-page = Page publique
signatures-count-confirmed = { $count ->
    [0] Aucune signature confirmée
    [one] Une signature confirmée
   *[other] { $count } signatures confirmées
}
signatures-count-unconfirmed = { $count ->
    [0] aucune en attente de confirmation
    [one] une en attente de confirmation
   *[other] { $count } en attente de confirmation
}
signatures-export = Exporter en tableur (CSV) :
signatures-export-all = toutes les signatures
signatures-export-confirmed = les signatures confirmées seulement
signatures-search-label = Chercher par nom ou adresse e-mail
signatures-status-label = Afficher
signatures-filter-all = Toutes les signatures
signatures-filter-confirmed = Signatures confirmées
signatures-filter-unconfirmed = Signatures non confirmées
signatures-search-button = Chercher
signatures-matching = { $count ->
    [0] Aucune signature ne correspond.
    [one] Une signature correspond.
   *[other] { $count } signatures correspondent.
}
signatures-col-select = Sélection
signatures-select = Sélectionner { $name }
signatures-col-name = Nom
signatures-col-newsletter = Lettre d’information
signatures-col-status = État
signatures-col-confirmed = Confirmée
signatures-col-signed-at = Signée le (UTC)
signatures-col-confirmed-at = Confirmée le (UTC)
# Le tableau des signatures sur la page (ses heures sont dans le fuseau du site ; les colonnes du CSV ci-dessus sont en UTC).
signatures-col-signed = Signée le
signatures-confirmed-on = Confirmée le { $date }
signatures-unconfirmed = Pas encore confirmée
signatures-yes = oui
signatures-no = non
signatures-resend-selection = Renvoyer l’e-mail de confirmation aux signataires sélectionnés qui n’ont pas confirmé
signatures-delete-selection = Supprimer les signatures sélectionnées
# La confirmation sous « Supprimer les signatures sélectionnées ».
signatures-delete-confirm = Les signatures cochées seront effacées et retirées du compteur. C’est définitif.
signatures-delete-for-good = Les supprimer définitivement
signatures-resend-all = { $count ->
    [one] Renvoyer l’e-mail de confirmation au signataire non confirmé
    [2] Renvoyer l’e-mail de confirmation aux deux signataires non confirmés
   *[other] Renvoyer l’e-mail de confirmation aux { $count } signataires non confirmés
}
signatures-deleted = { $count ->
    [0] Aucune signature supprimée : aucune n’était sélectionnée.
    [one] Une signature supprimée.
   *[other] { $count } signatures supprimées.
}
signatures-resend-all-hint = Les signataires dont le lien est parti il y a moins d’une heure sont laissés de côté.
signatures-resent-some = { $count ->
    [0] Aucun e-mail envoyé.
    [one] Un e-mail de confirmation est en route.
   *[other] { $count } e-mails de confirmation sont en route.
}
signatures-resent-skipped = { $count ->
    [one] Un signataire non confirmé a été laissé de côté : son lien est parti il y a moins d’une heure.
   *[other] { $count } signataires non confirmés ont été laissés de côté : leur lien est parti il y a moins d’une heure.
}
signatures-resent = { $count ->
    [0] Aucun e-mail envoyé : la sélection ne comptait aucun signataire non confirmé.
    [one] Un e-mail de confirmation est en route.
   *[other] { $count } e-mails de confirmation sont en route.
}
signatures-pages = Pages
signatures-previous = Page précédente
signatures-next = Page suivante
signatures-page-of = Page { $page } sur { $pages }
# Signatures retenues par une limite (une même connexion qui en envoie beaucoup, ou une adresse qui a
# reçu ses e-mails du jour).
signatures-filter-held = Signatures retenues
signatures-count-held = { $count ->
    [one] une retenue
   *[other] { $count } retenues
}
signatures-held = Retenue
signatures-release-selection = Libérer les signatures retenues sélectionnées
held-title = { $count ->
    [one] Une signature retenue
   *[other] { $count } signatures retenues
}
held-explain = Ces signatures sont arrivées d’une même connexion plus vite que ne signent des personnes de bonne foi, ou pour une adresse qui a déjà reçu ses e-mails du jour. Elles ne comptent pas et aucun e-mail ne leur a été envoyé. La personne qui les a envoyées a vu la page habituelle. Libérez celles auxquelles vous faites confiance : chacune reçoit son e-mail de confirmation et compte une fois confirmée. Écartez les autres.
held-source-label = Source (connexion anonymisée) :
held-count-label = Retenues :
held-when-label = Quand (UTC) :
held-source-unknown = inconnue
held-between = du { $first } au { $last }
held-release-source = { $count ->
    [one] La libérer
    [2] Libérer les deux
   *[other] Libérer les { $count }
}
held-discard-source = { $count ->
    [one] L’écarter
    [2] Écarter les deux
   *[other] Écarter les { $count }
}
signatures-released = { $count ->
    [0] Aucune signature libérée.
    [one] Une signature libérée : son e-mail de confirmation est en route.
   *[other] { $count } signatures libérées : leurs e-mails de confirmation sont en route.
}
signatures-released-capped = { $count ->
    [one] Une reste retenue : son adresse a déjà reçu ses e-mails du jour. Libérez-la de nouveau demain.
   *[other] { $count } restent retenues : leurs adresses ont déjà reçu leurs e-mails du jour. Libérez-les de nouveau demain.
}
signatures-discarded = { $count ->
    [0] Aucune signature retenue n’a été écartée.
    [one] Une signature retenue écartée.
   *[other] { $count } signatures retenues écartées.
}
pow-off = Vérification anti-robot : désactivée. Activez-la quand des robots inondent cette pétition : les navigateurs résolvent alors seuls un petit calcul avant de signer (une fraction de seconde, rien à lire ni à cliquer). Les personnes sans JavaScript signent quand même, sous des limites plus strictes.
pow-on = Vérification anti-robot : activée. Les navigateurs résolvent seuls un petit calcul avant de signer ; les personnes sans JavaScript signent quand même, sous des limites plus strictes.
pow-everywhere = Vérification anti-robot : activée pour toutes les pétitions de ce site (réglage de ses administrateurs).
pow-turn-on = Activer la vérification anti-robot
pow-turn-off = Désactiver la vérification anti-robot
signatures-pow-saved = { $count ->
    [0] La vérification anti-robot est désactivée.
   *[other] La vérification anti-robot est activée.
}
