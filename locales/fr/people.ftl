# Les comptes de l’instance, tels que ses administrateurs les gèrent (/admin/users), et les connexions bloquées.

nav-people = Comptes
people-title = Comptes
people-search-label = Nom d’utilisateur, nom ou adresse e-mail
people-search-button = Rechercher
people-count = { $count ->
    [one] Un compte
   *[other] { $count } comptes
}
people-col-username = Nom d’utilisateur
people-col-name = Nom affiché
people-col-email = Adresse e-mail
people-col-roles = Rôles
people-col-since = Créé le
people-role-admin = administrateur
people-role-moderator = modérateur
people-role-none = aucun
people-state = Accès
people-active = peut se connecter
people-blocked = bloqué
people-organizations = Organisations
people-no-organizations = Aucune organisation.
people-organization-administrator = administrateur de l’organisation
people-petitions = Pétitions personnelles
people-no-petitions = Aucune pétition personnelle.
people-petition-published = publiée
people-petition-draft = brouillon
people-roles = Rôles sur l’instance
people-make-admin = Nommer administrateur
people-remove-admin = Retirer le rôle d’administrateur
people-make-moderator = Nommer modérateur
people-remove-moderator = Retirer le rôle de modérateur
people-access = Bloquer ou débloquer
people-block-explained = Un compte bloqué ne peut plus se connecter, ses sessions ouvertes prennent fin aussitôt et ses pétitions personnelles ne sont plus montrées au public. Le débloquer rétablit le tout tel quel.
people-reason = Motif (gardé dans le journal d’administration)
people-block = Bloquer ce compte
people-unblock = Débloquer ce compte
people-delete = Supprimer ce compte…
people-back = Retour aux comptes
people-back-to-account = Retour à { $username }
people-delete-title = Supprimer le compte { $username }
people-delete-warning = { $count ->
    [one] Le compte disparaît définitivement, avec sa pétition personnelle et ses signatures.
   *[other] Le compte disparaît définitivement, avec ses { $count } pétitions personnelles et leurs signatures.
}
people-delete-organizations = Ces organisations n’ont pas d’autre membre et disparaissent avec lui, avec leurs pétitions :
people-delete-button = Supprimer le compte
people-must-hand-over = Ce compte est le dernier administrateur d’organisations qui ont d’autres membres. L’un d’eux doit d’abord recevoir le droit de modifier les permissions.
people-last-administrator = C’est le dernier administrateur de l’instance qui peut se connecter. Nommez d’abord un autre compte administrateur.
people-own-account = Vous ne pouvez pas bloquer ni supprimer votre propre compte ici.
people-reason-invalid = Le motif ne peut pas être gardé.
people-done-blocked = Le compte est bloqué.
people-done-unblocked = Le compte est débloqué.
people-done-role-given = Le rôle est attribué.
people-done-role-taken = Le rôle est retiré.
people-done-deleted = Le compte est supprimé.
login-blocked = Ce compte est bloqué par les administrateurs de ce site.
audit-action-revoke-moderator = A retiré le rôle de modérateur d’un compte
audit-action-revoke-administrator = A retiré le rôle d’administrateur d’un compte
audit-action-block-account = A bloqué un compte
audit-action-unblock-account = A débloqué un compte
audit-action-delete-account = A supprimé un compte
audit-action-create-account = A créé un compte
petition-preview-owner-blocked = Le compte à qui appartient cette pétition est bloqué, le public ne la voit pas.
