# Les signalements de pétitions, la file de modération, les pétitions masquées et le journal d’administration.

report-link = Signaler cette pétition
report-title = Signaler « { $title } »
report-explanation = Dites aux modérateurs de ce site ce qui ne va pas dans cette pétition. Aucun compte n’est nécessaire, et rien ne permet de vous identifier.
report-reason = Motif
report-reason-spam = Spam ou publicité
report-reason-hate = Haine ou harcèlement
report-reason-illegal = Contenu illégal
report-reason-impersonation = Usurpation d’identité
report-reason-other = Autre chose
report-reason-missing = Choisissez un motif.
report-comment = Commentaire
report-comment-hint = Ce que les modérateurs devraient savoir, en { $max } caractères au plus.
report-comment-too-long = Ce commentaire est trop long.
report-button = Envoyer le signalement
report-back = Revenir à la pétition
report-thanks-title = Merci
report-thanks = Merci pour votre signalement. Les modérateurs vont l’examiner.
report-home = Revenir à l’accueil

dashboard-hidden = Masquée par les modérateurs
nav-moderation = Modération
moderation-title = Modération
moderation-reported = Pétitions signalées
moderation-nothing-reported = Aucune pétition n’est signalée.
moderation-hidden = Pétitions masquées
moderation-nothing-hidden = Aucune pétition n’est masquée.
moderation-col-petition = Pétition
moderation-col-reports = Signalements
moderation-col-reasons = Motifs
moderation-col-latest = Dernier signalement
moderation-col-reason = Motif donné au propriétaire
moderation-col-actions = Actions
moderation-is-hidden = masquée
moderation-report-count = { $count ->
    [one] un signalement
   *[other] { $count } signalements
}
moderation-hide = Masquer
moderation-restore = Rétablir
moderation-delete = Supprimer
moderation-dismiss = Classer les signalements
moderation-back = Revenir à la file de modération
moderation-done-hidden = La pétition est masquée. Son propriétaire en a reçu le motif.
moderation-done-restored = La pétition est rétablie.
moderation-done-deleted = La pétition a été supprimée.
moderation-done-dismissed = Les signalements ont été classés.
moderation-hide-title = Masquer « { $title } »
moderation-hide-explanation = Seuls son propriétaire et les modérateurs verront la pétition. Son propriétaire reçoit le motif que vous donnez ici, et ne peut pas la republier tant qu’un modérateur ne l’a pas rétablie.
moderation-reason = Motif donné au propriétaire
moderation-reason-missing = Donnez un motif au propriétaire.
moderation-reason-too-long = Ce motif est trop long.
moderation-delete-title = Supprimer « { $title } » ?
moderation-delete-warning = La pétition et toutes ses signatures seront supprimées définitivement. Son propriétaire en est informé, avec le motif si vous en donnez un.
moderation-delete-button = Supprimer définitivement
moderation-republish-refused = Les modérateurs ont masqué cette pétition : elle ne peut pas être republiée tant qu’ils ne l’ont pas rétablie.

petition-preview-draft = Brouillon — vous seul (et les membres qui peuvent la modifier) voyez cette pétition.
petition-preview-unsignable = Personne ne peut la signer tant qu’elle n’est pas publique.
petition-preview-hidden = Masquée par les modérateurs : { $reason }

audit-title = Journal d’administration
audit-empty = Aucune décision n’est encore enregistrée.
audit-col-when = Quand (UTC)
audit-col-who = Qui
audit-col-what = Quoi
audit-col-target = À propos de
audit-col-reason = Motif
audit-action-hide-petition = A masqué une pétition
audit-action-restore-petition = A rétabli une pétition
audit-action-delete-petition = A supprimé une pétition
audit-action-dismiss-reports = A classé les signalements d’une pétition
audit-action-grant-moderator = A nommé un compte modérateur
audit-action-grant-administrator = A nommé un compte administrateur
audit-action-delete-organization = A supprimé une organisation
audit-organization-went = Avec elle : { $petitions ->
    [one] une pétition
   *[other] { $petitions } pétitions
}, { $signatures ->
    [one] une signature
   *[other] { $signatures } signatures
}, { $templates ->
    [one] un modèle
   *[other] { $templates } modèles
}, { $invitations ->
    [one] une invitation en attente
   *[other] { $invitations } invitations en attente
}, { $members ->
    [one] un membre
   *[other] { $members } membres
}.

mail-moderation-reason = Le motif des modérateurs :
mail-petition-hidden-subject = Votre pétition « { $title } » a été masquée
mail-petition-hidden-intro = Les modérateurs de ce site ont masqué votre pétition « { $title } » : personne d’autre ne peut la voir ni la signer.
mail-petition-hidden-next = Vous la voyez toujours à son adresse et sur votre tableau de bord. Elle ne peut pas être republiée tant que les modérateurs ne l’ont pas rétablie.
mail-petition-restored-subject = Votre pétition « { $title } » a été rétablie
mail-petition-restored-intro = Les modérateurs de ce site ont rétabli votre pétition « { $title } ».
mail-petition-restored-next = Si elle était publiée, elle est de nouveau publique.
mail-petition-deleted-subject = Votre pétition « { $title } » a été supprimée
mail-petition-deleted-intro = Les modérateurs de ce site ont supprimé votre pétition « { $title } » et ses signatures.
mail-petition-deleted-next = Vos autres pétitions sont sur votre tableau de bord.

# The bar moderators see on a petition page.
moderation-bar-label = Modération :

# The header link to the audit log, for those who may read it.
nav-audit-log = Journal d’administration
