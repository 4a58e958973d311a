# Comptes, connexion, tableau de bord.
nav-account = Compte
nav-dashboard = Tableau de bord
nav-logout = Se déconnecter
nav-login = Se connecter
nav-register = Créer un compte
form-errors = Certains champs demandent votre attention.
# Une ligne du récapitulatif des erreurs, un lien vers le champ : son libellé, puis ce qui ne va pas.
form-error-item = { $field } : { $message }
# Commence le titre d’une page dont le formulaire revient avec des erreurs.
title-error = Erreur :
register-title = Créer un compte
register-button = Créer mon compte
register-have-account = Vous avez déjà un compte ? Connectez-vous
registration-closed = Ce site n’accepte pas de nouveaux comptes. Demandez-en un à ses administrateurs.
field-username = Nom d’utilisateur
username-hint = De 3 à 32 lettres minuscules, chiffres, - ou _. Il apparaît dans l’adresse de vos pétitions.
field-password = Mot de passe
password-hint = Au moins { $min } caractères. Quelques mots dont vous vous souviendrez font un bon mot de passe.
field-login = Nom d’utilisateur ou adresse e-mail
login-title = Se connecter
login-button = Se connecter
login-forgot = Mot de passe oublié ?
login-failed = Ce nom d’utilisateur (ou cette adresse e-mail) et ce mot de passe ne correspondent à aucun compte.
login-too-many = Trop de tentatives. Patientez une minute puis réessayez.
account-title = Votre compte
account-signed-in-as = Connecté·e en tant que { $username } ({ $email }).
password-change-title = Changer votre mot de passe
password-change-button = Changer mon mot de passe
password-changed = Votre mot de passe a été changé. Vos autres appareils ont été déconnectés.
field-current-password = Mot de passe actuel
field-new-password = Nouveau mot de passe
password-too-short = Ce mot de passe est trop court.
password-wrong = Ce n’est pas votre mot de passe actuel.
username-invalid = Utilisez de 3 à 32 lettres minuscules, chiffres, - ou _.
username-taken = Ce nom d’utilisateur est déjà pris.
email-taken = Un compte utilise déjà cette adresse e-mail.
forgot-title = Mot de passe oublié ?
forgot-text = Saisissez l’adresse e-mail de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe.
forgot-button = M’envoyer un lien
forgot-sent-text = Si un compte utilise cette adresse, nous y avons envoyé un lien pour choisir un nouveau mot de passe. Ce lien ne sert qu’une fois et reste valable deux heures.
reset-title = Choisir un nouveau mot de passe
reset-button = Enregistrer mon nouveau mot de passe
reset-link-invalid = Ce lien n’est pas valide : il a expiré ou a déjà servi. Vous pouvez en demander un nouveau.
dashboard-title = Tableau de bord
dashboard-organizations = Vos organisations
dashboard-petitions = Pétitions
dashboard-no-petitions = Aucune pétition pour l’instant.
dashboard-col-petition = Pétition
dashboard-col-owner = Propriétaire
dashboard-col-confirmed = Confirmées
dashboard-col-unconfirmed = Non confirmées
dashboard-col-state = État
dashboard-published = Publiée
dashboard-draft = Brouillon
mail-reset-subject = Choisissez un nouveau mot de passe
mail-reset-intro = Quelqu’un, probablement vous, a demandé à changer le mot de passe de votre compte. { $hours ->
    [one] Pour en choisir un nouveau, ouvrez ce lien dans l’heure :
   *[other] Pour en choisir un nouveau, ouvrez ce lien dans les { $hours } heures :
}
mail-reset-ignore = Si vous n’avez rien demandé, ignorez cet e-mail : votre mot de passe ne change pas.
admin-mail-title = File d’attente des e-mails
admin-mail-pending = En attente d’envoi
admin-mail-retrying = En attente d’une nouvelle tentative
admin-mail-failed = En échec
admin-mail-sent = Envoyés (conservés un temps)
admin-mail-recipient = Destinataire
admin-mail-attempts = Tentatives
admin-mail-next-attempt = Prochaine tentative
admin-mail-last-error = Dernière erreur
admin-mail-retry = Réessayer tous les e-mails en échec
admin-mail-discard = Supprimer tous les e-mails en échec
nav-admin = Administration
organization-new-title = Créer une organisation
organization-new-button = Créer l’organisation
organization-creation-closed = Sur ce site, seuls les administrateurs créent des organisations.
field-organization-name = Nom de l’organisation
organization-petitions = Pétitions
organization-public-page = Page publique
organization-members = Membres
organization-permissions-of = Ce que { $username } peut faire
organization-permissions-save = Enregistrer
organization-remove = Retirer { $username }
# La confirmation sous « Retirer … » : ce que cela fait, et le bouton qui le fait.
organization-remove-confirm = { $username } ne verra plus les pétitions de cette organisation et ne pourra plus les gérer.
organization-remove-button = Retirer { $username } définitivement
organization-invite-title = Inviter quelqu’un
field-invite-who = Nom d’utilisateur ou adresse e-mail
organization-invite-button = Envoyer l’invitation
organization-leave-title = Quitter
organization-leave-button = Quitter cette organisation
# La confirmation sous « Quitter cette organisation ».
organization-leave-confirm = Vous ne verrez plus les pétitions de { $organization } et ne pourrez plus les gérer ; seule une invitation vous y ramènera.
organization-leave-for-good = Quitter définitivement
last-administrator = Tant que d’autres membres restent, le dernier administrateur ne peut ni quitter l’organisation, ni en être retiré, ni perdre le droit de modifier les permissions. Donnez d’abord ce droit à un autre membre.
invite-unknown-user = Aucun compte ne porte ce nom d’utilisateur. Pour inviter quelqu’un qui n’a pas de compte, utilisez son adresse e-mail.
invite-already-member = Cette personne est déjà membre.
invitation-title = Invitation à rejoindre { $organization }
invitation-accept = Accepter
invitation-decline = Refuser
invitation-log-in-first = Connectez-vous, ou créez un compte, pour répondre à cette invitation.
invitation-invalid = Cette invitation n’est plus valable : elle a reçu une réponse ou a été retirée.
dashboard-invitations = Invitations
permission-add_members = ajouter des membres
permission-remove_members = retirer des membres
permission-create_petitions = créer des pétitions
permission-modify_petitions = modifier les pétitions
permission-delete_petitions = supprimer des pétitions
permission-create_templates = créer des modèles
permission-modify_templates = modifier les modèles
permission-delete_templates = supprimer des modèles
permission-view_signatures = voir les signatures
permission-modify_signatures = modifier les signatures
permission-delete_signatures = supprimer des signatures
permission-modify_permissions = modifier les permissions
mail-invitation-subject = Invitation à rejoindre { $organization }
mail-invitation-intro = { $inviter } vous invite à rejoindre { $organization } pour mener des pétitions ensemble. Ouvrez ce lien pour répondre :
mail-invitation-log-in = Connectez-vous à votre compte pour accepter ou refuser.
mail-invitation-register = Vous n’avez pas encore de compte : le lien vous permet d’en créer un, puis de rejoindre l’organisation.

email-change-title = Changer votre adresse e-mail
field-new-email = Nouvelle adresse e-mail
email-change-button = Changer l’adresse
email-same = C’est déjà votre adresse.
email-change-sent = Nous avons envoyé un lien à { $email }. Votre compte garde son adresse actuelle tant que vous n’avez pas ouvert ce lien et appuyé sur son bouton.
email-confirm-title = Confirmer votre nouvelle adresse e-mail
email-confirm-text = Appuyez sur le bouton pour utiliser { $email } pour le compte { $username }.
email-confirm-button = Utiliser cette adresse
email-changed-to = C’est fait : le compte { $username } utilise désormais { $email }, y compris pour se connecter.
email-change-link-invalid = Ce lien n’est pas valide : il a expiré, a déjà servi, ou un changement d’adresse plus récent a été demandé depuis.
mail-email-change-subject = Confirmez votre nouvelle adresse e-mail
mail-email-change-intro = Quelqu’un, sans doute vous, a demandé à utiliser cette adresse pour le compte { $username } sur { $site }. { $hours ->
    [one] Pour confirmer, ouvrez ce lien dans l’heure et appuyez sur le bouton :
   *[other] Pour confirmer, ouvrez ce lien dans les { $hours } heures et appuyez sur le bouton :
}
mail-email-change-ignore = Si vous n’avez rien demandé, ignorez cet e-mail : rien ne change.
mail-email-notice-subject = Votre adresse e-mail va changer
mail-email-notice-intro = Quelqu’un qui connaît votre mot de passe a demandé que votre compte { $username } utilise désormais l’adresse { $email }. Rien ne change tant que le lien envoyé à cette adresse n’a pas été ouvert.
mail-email-notice-act = Si ce n’était pas vous, connectez-vous et changez votre mot de passe dès maintenant :

account-delete-title = Supprimer votre compte
account-delete-link = Supprimer votre compte et vos propres pétitions
account-delete-hand-over = Vous êtes le dernier administrateur de ces organisations. Donnez à un autre membre le droit de modifier les permissions, ou retirez les autres membres, avant de supprimer votre compte :
account-delete-petitions = { $count ->
    [0] Vous n’avez aucune pétition à votre nom.
    [one] Votre pétition personnelle et ses signatures seront supprimées.
   *[other] Vos { $count } pétitions personnelles et leurs signatures seront supprimées.
}
account-delete-organizations = Vous êtes le seul membre de ces organisations ; elles seront supprimées avec leurs pétitions :
account-delete-final = C’est irréversible. Saisissez votre mot de passe pour confirmer.
account-delete-button = Supprimer définitivement mon compte
account-deleted-title = Compte supprimé
account-deleted-text = Votre compte a été supprimé. Merci d’avoir utilisé ce site.
# Comptes ouverts à Internet : vérification, limites, sessions.
register-honeypot-label = Laissez ce champ vide
register-too-many = Trop de comptes ont été créés depuis votre connexion. Réessayez dans une heure.
register-sent-text = Nous avons envoyé un e-mail à l’adresse indiquée. Ouvrez le lien qu’il contient pour vérifier votre adresse : d’ici là, vous pouvez vous connecter et préparer des pétitions, mais ni les publier ni créer d’organisation.
register-sent-log-in = Se connecter
verify-title = Vérifier votre adresse e-mail
verify-text = Appuyez sur le bouton pour vérifier { $email } pour le compte { $username }.
verify-button = Vérifier mon adresse
verified-text = C’est fait : l’adresse { $email } est vérifiée. Le compte { $username } peut désormais publier des pétitions et créer des organisations.
verified-continue = Aller au tableau de bord
verified-title = Votre adresse est vérifiée
verify-link-invalid = Ce lien n’est pas valide : il a déjà servi, ou un lien plus récent a été envoyé depuis.
verify-needed-title = Vérifiez d’abord votre adresse e-mail
verify-needed-text = Avant de publier une pétition ou de créer une organisation, ouvrez le lien envoyé à { $email }.
verify-resend-button = M’envoyer le lien à nouveau
verify-resent = Nous avons envoyé un nouveau lien à { $email }. Le précédent ne fonctionne plus.
logout-everywhere-title = Se déconnecter partout
logout-everywhere-text = Met fin à toutes les sessions de votre compte, sur cet appareil comme sur tous les autres (un téléphone perdu, un ordinateur partagé).
logout-everywhere-button = Me déconnecter partout
mail-welcome-subject = Bienvenue sur { $site } : vérifiez votre adresse
mail-welcome-intro = Votre compte sur { $site } est prêt. Ouvrez ce lien pour vérifier votre adresse e-mail et pouvoir publier des pétitions :
mail-welcome-ignore = Si vous n’avez pas créé ce compte, ignorez cet e-mail : rien ne sera publié sous votre adresse.
mail-registration-attempt-subject = Quelqu’un a tenté de créer un compte sur { $site } avec votre adresse
mail-registration-attempt-intro = Quelqu’un, peut-être vous, a tenté de créer un nouveau compte sur { $site } avec cette adresse e-mail. Elle appartient déjà à votre compte : aucun nouveau compte n’a été créé.
mail-registration-attempt-login = Pour vous connecter :
mail-registration-attempt-forgot = Si vous avez oublié votre mot de passe :
mail-registration-attempt-ignore = Si ce n’était pas vous, ignorez cet e-mail : votre compte n’a pas changé.
field-control-characters = Ce champ contient un caractère de contrôle invisible. Veuillez saisir son contenu de nouveau.

# Invitations waiting for an answer, on the organization's members page.
invite-already-invited = Cette personne est déjà invitée et n’a pas encore répondu. Son invitation figure plus bas.
organization-invitations-title = Invitations en attente de réponse
organization-invitations-none = Aucune invitation n’attend de réponse.
organization-invitation-sent-by = invitation envoyée par { $inviter } le { $date }
organization-invitation-sent-on = invitation envoyée le { $date }
organization-invitation-cancel = Annuler l’invitation
organization-done-invited = L’invitation est envoyée. Elle figure plus bas jusqu’à ce qu’on y réponde.
organization-done-invitation-cancelled = L’invitation est annulée : son lien ne fonctionne plus.
