# L’assistant de création et les modèles de pétition.

wizard-new = Nouvelle pétition
wizard-title = Nouvelle pétition
wizard-step = Étape { $number } sur { $total }
wizard-step-title = Titre et responsable
wizard-step-text = Texte
wizard-step-options = Options
wizard-step-preview = Aperçu
wizard-field-title = Titre
wizard-field-owner = Qui la porte
wizard-owner-personal = Moi-même
wizard-owner-is = Portée par { $owner }.
wizard-owner-invalid = Choisissez qui porte cette pétition.
wizard-no-owner = Vous ne pouvez pas créer de pétition ici : demandez à une organisation le droit de créer des pétitions.
wizard-field-template = Partir d’un modèle
wizard-field-template-hint = Son texte, son objectif et ses réglages sont copiés dans la nouvelle pétition. Le modèle doit appartenir au responsable choisi ci-dessus.
wizard-template-none = Aucun modèle
wizard-template-invalid = Choisissez un modèle du responsable choisi ci-dessus, ou aucun.
wizard-field-text = Texte
wizard-field-text-hint = En Markdown : **gras**, *italique*, [un lien](https://example.org), une ligne commençant par « - » pour une liste, « ## » pour un intertitre, une ligne vide entre deux paragraphes. Le reste est retiré quand vous continuez ; « Aperçu » montre ce que liront les visiteurs.
wizard-field-goal = Objectif
wizard-field-deadline = Date de clôture
deadline-past = Choisissez une date à venir, ou laissez le champ vide.
wizard-field-publish = À l’enregistrement
wizard-publish-now = La publier tout de suite
wizard-keep-draft = La garder comme brouillon
wizard-next = Suivant
wizard-back = Retour
wizard-later = Terminer plus tard (le brouillon est conservé)
wizard-preview-explanation = Voici l’apparence de la pétition. Son texte montre exactement ce qui a été gardé de ce que vous avez écrit.
wizard-will-publish = Elle sera publiée à l’adresse { $address }.
wizard-will-keep-draft = Elle restera un brouillon : seuls vous et votre organisation pourrez la voir.
wizard-save-publish = Publier
wizard-save-draft = Enregistrer le brouillon

templates-title = Modèles de { $owner }
templates-my = Mes modèles
templates-explanation = Un modèle garde le texte, l’objectif et les réglages d’une pétition pour de nouvelles pétitions. Le modèle par défaut est présélectionné à la création d’une pétition.
templates-none = Aucun modèle pour l’instant. Enregistrez une pétition comme modèle depuis le tableau de bord.
templates-col-name = Nom
templates-col-goal = Objectif
templates-default = par défaut
templates-make-default = Définir par défaut
templates-delete = Supprimer
# La confirmation sous « Supprimer » d’un modèle.
templates-delete-confirm = Le modèle « { $name } » sera supprimé. Les pétitions faites à partir de lui gardent leur texte.
templates-delete-button = Supprimer le modèle
templates-done-saved = Le modèle est enregistré.
templates-done-default = Le modèle par défaut a changé.
templates-done-deleted = Le modèle a été supprimé.
templates-save-title = Enregistrer « { $title } » comme modèle
templates-save-explanation = Son texte, son objectif, ses champs de signature, sa mention sur les données, son adresse de réponse et son apparence sont gardés sous ce nom pour { $owner }.
templates-field-name = Nom du modèle
templates-save-button = Enregistrer le modèle
templates-save-link = Enregistrer comme modèle

# The text step and the editor refuse a petition without words.
petition-text-required = Écrivez le texte de la pétition : ce que vous demandez, et pourquoi.
