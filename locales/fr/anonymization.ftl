# Anonymiser les signataires d’une campagne terminée (F9.3).
anonymization-title = Données personnelles des signataires
anonymization-due = { $days ->
    [one] Les noms, adresses et autres informations des signataires seront effacés le { $date }, un jour après la clôture de la pétition ; les compteurs restent.
   *[other] Les noms, adresses et autres informations des signataires seront effacés le { $date }, { $days } jours après la clôture de la pétition ; les compteurs restent.
}
anonymization-export-before = Exportez-les d’ici là si vous en avez besoin.
anonymization-after-closing = { $days ->
    [one] Les données personnelles des signataires seront effacées un jour après la clôture de la pétition (elle n’a pas encore de date de clôture).
   *[other] Les données personnelles des signataires seront effacées { $days } jours après la clôture de la pétition (elle n’a pas encore de date de clôture).
}
anonymization-never = Les données personnelles des signataires sont gardées jusqu’à ce que vous les supprimiez : ce site ne les efface pas de lui-même.
anonymization-was-done = Les données personnelles des signataires ont été effacées le { $date }. Les compteurs et les statistiques restent ; il n’y a plus rien à exporter.
anonymization-days-label = Les effacer ce nombre de jours après la clôture
anonymization-days-hint = Laissez vide pour la règle du site ; 0 les garde.
anonymization-days-save = Enregistrer
anonymization-days-invalid = Donnez un nombre de jours entre 0 et 3650, ou laissez vide.
anonymization-delay-saved = Le délai est enregistré.
anonymization-done = { $count ->
    [one] Les données personnelles d’un signataire ont été effacées.
   *[other] Les données personnelles de { $count } signataires ont été effacées.
}
anonymization-now-link = Effacer maintenant les données personnelles des signataires…
anonymization-now-title = Effacer les données personnelles des signataires
anonymization-now-explain = Les noms, adresses, numéros de téléphone, commentaires et toutes les autres informations des signataires de « { $title } » seront effacés pour de bon, et les signatures jamais confirmées supprimées. Le compteur, les statistiques et les nouvelles restent. Les signataires ne pourront plus être exportés ni recevoir de nouvelles.
anonymization-export-first = Exporter d’abord les signatures (CSV)
anonymization-now-button = Les effacer pour de bon
anonymization-already = Les données personnelles des signataires de cette pétition sont déjà effacées.
anonymization-back = Retour aux signatures
anonymization-no-export = Les données personnelles des signataires de cette pétition ont été effacées le { $date } : il n’y a plus rien à exporter.
