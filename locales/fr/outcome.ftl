# Fin d'une campagne : la page du tableau de bord, le bandeau de la page de la pétition et le début
# de la dernière nouvelle.
outcome-title = Terminer la campagne
outcome-title-of = Terminer la campagne « { $title } »
outcome-dashboard-end = Terminer la campagne
outcome-dashboard-ended = Comment elle s’est terminée
outcome-state-successful = Victoire
outcome-state-closed = Terminée
outcome-now = Comment elle s’est terminée
outcome-ended-on = Terminée le { $date }.
outcome-how = Comment la campagne s’est-elle terminée ?
outcome-change = Changer l’issue de la campagne
outcome-explain = { $count ->
    [0] La signature s’arrête aussitôt, et la page de la pétition dit comment la campagne s’est terminée.
    [one] La signature s’arrête aussitôt, et la page de la pétition dit comment la campagne s’est terminée. Sa signature reste comptée.
   *[other] La signature s’arrête aussitôt, et la page de la pétition dit comment la campagne s’est terminée. Ses { $count } signatures restent comptées.
}
outcome-explain-anonymize = { $days ->
    [one] Les noms et adresses des signataires seront effacés un jour après la fin ; exportez-les avant si vous en avez besoin.
   *[other] Les noms et adresses des signataires seront effacés { $days } jours après la fin ; exportez-les avant si vous en avez besoin.
}
outcome-explain-keep = Les noms et adresses des signataires sont gardés jusqu’à ce que vous les effaciez depuis la page des signatures.
outcome-legend = La campagne
outcome-choice-successful = Elle a réussi : ce que demandait la pétition a été obtenu
outcome-choice-closed = Elle s’arrête ici, sans en dire plus
outcome-final-update = { $count ->
    [0] Puis écrire une dernière nouvelle (aucun signataire n’a encore demandé de nouvelles ; elle paraîtra sur la page)
    [one] Puis écrire une dernière nouvelle à la personne qui a demandé des nouvelles
   *[other] Puis écrire une dernière nouvelle aux { $count } signataires qui ont demandé des nouvelles
}
outcome-end-button = Terminer la campagne
outcome-change-button = Enregistrer
outcome-choose = Choisissez comment la campagne s’est terminée.
outcome-reopen = Rouvrir la pétition
outcome-reopen-explain = La signature rouvre, sans date de clôture ; la page ne dit plus que la campagne est terminée.
outcome-reopen-anonymized = Les signataires de cette pétition ont été, ou vont être, anonymisés : elle ne peut pas être rouverte.
outcome-anonymized = Les données personnelles de ses signataires ont été effacées ; les comptes restent.
outcome-anonymized-on = Les données personnelles des signataires seront effacées le { $date }.
outcome-done-ended = La campagne est terminée ; la page de la pétition le dit.
outcome-done-reopened = La pétition accepte de nouveau des signatures.
petition-outcome-successful = { $count ->
    [0] Cette pétition a gagné.
    [one] Cette pétition a gagné. Merci à la personne qui l’a signée !
   *[other] Cette pétition a gagné. Merci aux { $count } personnes qui l’ont signée !
}
petition-outcome-closed = Cette campagne est terminée.
outcome-update-subject-successful = Nous avons gagné : { $title }
outcome-update-body-successful = Merci d’avoir signé « { $title } ». Ensemble, nous avons gagné : …

    Écrivez ici ce qui a été obtenu, et la suite.
outcome-update-subject-closed = La campagne est terminée : { $title }
outcome-update-body-closed = Merci d’avoir signé « { $title } ». La campagne est maintenant terminée.

    Écrivez ici comment elle s’est passée, et la suite.
