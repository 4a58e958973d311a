# Le résumé quotidien des nouvelles signatures aux organisateurs d’une pétition (ticket 12, point 2) : sa page de réglages et son e-mail.
digest-link = Résumé quotidien
digest-title = Résumé quotidien
digest-of = Résumé quotidien de « { $title } »
digest-edit-petition = Modifier la pétition
digest-explain = Une fois par jour, après { $hour } UTC, Signons peut indiquer aux adresses ci-dessous combien de signatures ont été confirmées depuis la veille et, si vous le souhaitez, qui a signé. Rien n’est envoyé un jour sans nouvelle signature.
digest-field-enabled = Envoyer le résumé quotidien
digest-field-recipients = L’envoyer à
digest-recipients-hint = Une adresse e-mail par ligne, { $max } au plus : des membres de votre équipe, ou la personne à qui la pétition s’adresse.
digest-recipients-missing = Indiquez au moins une adresse e-mail à laquelle envoyer le résumé.
digest-recipients-too-many = { $max } adresses e-mail au plus.
digest-address-invalid = Ligne { $line } : « { $address } » n’est pas une adresse e-mail.
digest-field-names = Inclure le nom des nouveaux signataires
digest-names-hint = Prénom et nom, avec la ville et l’organisation quand la pétition les demande ; les { $max } premiers de la journée sont nommés.
digest-names-need-right = Seuls les membres autorisés à voir les signatures peuvent modifier ce choix.
digest-names-forbidden = Seuls les membres autorisés à voir les signatures peuvent inclure le nom des signataires.
digest-names-anonymized = Les signataires de cette pétition ont été anonymisés : le résumé n’en donne que le nombre.
digest-save = Enregistrer
digest-saved = Les réglages du résumé quotidien sont enregistrés.
digest-mail-subject = « { $title } » : { $count ->
    [one] une nouvelle signature
   *[other] { $shown } nouvelles signatures
} depuis hier
digest-mail-intro = { $count ->
    [one] Une nouvelle signature a été confirmée sur « { $title } » depuis le { $since }.
   *[other] { $shown } nouvelles signatures ont été confirmées sur « { $title } » depuis le { $since }.
}
digest-mail-total = { $count ->
    [one] Elle compte désormais une signature en tout.
   *[other] Elle compte désormais { $shown } signatures en tout.
}
digest-mail-names-title = Les nouveaux signataires :
digest-mail-more = { $count ->
    [one] …et une autre personne.
   *[other] …et { $count } autres personnes.
}
digest-mail-signatures-link = Voir toutes les signatures
digest-mail-why = Vous recevez ce résumé parce que les organisateurs de « { $title } » ({ $owner }) ont choisi de l’envoyer à cette adresse e-mail.
digest-mail-stop = Ils peuvent l’arrêter, ou changer ses destinataires, depuis le tableau de bord de la pétition.
digest-mail-unsubscribe = Pour ne plus recevoir ce résumé à cette adresse :
digest-stop-title = Résumé quotidien d’une pétition
digest-stop-explain = Appuyez sur le bouton pour ne plus envoyer le résumé quotidien de « { $title } » à { $address }.
digest-stop-button = Arrêter le résumé
digest-stop-done = { $address } ne recevra plus de résumé quotidien de « { $title } ».
