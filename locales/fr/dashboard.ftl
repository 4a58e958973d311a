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

transfer-title = Transférer « { $title } »
transfer-explanation = La pétition part avec ses signatures. Elle est dépubliée pendant le transfert et reçoit une nouvelle adresse chez son nouveau propriétaire.
transfer-nowhere = Vous ne pouvez transférer cette pétition nulle part : il vous faut le droit de créer des pétitions dans une autre organisation.
transfer-to = Transférer vers
transfer-to-personal = Mes propres pétitions
transfer-button = Transférer

delete-title = Supprimer « { $title } » ?
delete-warning = { $count ->
    [0] La pétition et toutes ses données seront supprimées. C’est irréversible.
    [one] La pétition et sa signature confirmée seront supprimées. C’est irréversible.
   *[other] La pétition et ses { $count } signatures confirmées seront supprimées. C’est irréversible.
}
delete-button = Supprimer définitivement

edit-title = Modifier la pétition
edit-button = Enregistrer
dashboard-edit = Modifier
dashboard-done-saved = La pétition est enregistrée.
field-petition-title = Titre
field-petition-text = Texte
field-petition-text-hint = Les paragraphes, liens, listes et mises en valeur sont conservés ; tout le reste est retiré à l’enregistrement.
field-petition-goal = Objectif (nombre de signatures)
field-petition-deadline = Date de clôture
goal-invalid = Saisissez un nombre entier supérieur à zéro, ou laissez vide.
deadline-invalid = Saisissez une date comme 2027-03-31, ou laissez vide.
