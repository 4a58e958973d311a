# Une pétition en plusieurs langues : la section des langues de l’éditeur, le formulaire de
# traduction, et les liens entre les versions d’une pétition sur sa page.
languages-title = Langues de cette pétition
languages-hint = Chaque lecteur voit la version dans sa langue s’il y en a une, sinon la version principale. Chaque version a sa propre adresse, et sa page mène aux autres.
languages-main = Langue principale
languages-main-hint = La langue dans laquelle est écrit le texte de la pétition ci-dessus. Choisir une langue qui a une traduction les échange : cette traduction devient la version principale.
languages-main-button = Changer la langue principale
languages-translations = Traductions
languages-none = Cette pétition n’a pas encore de traduction.
languages-edit = Modifier
languages-delete = Supprimer
languages-add-label = Ajouter une traduction
languages-add-button = Traduire
languages-all-done = Cette pétition a une version dans chaque langue du site.
editor-done-translation-saved = La traduction est enregistrée.
editor-done-translation-deleted = La traduction a été supprimée.
editor-done-language-changed = La langue principale a été changée.
petition-language-invalid = Choisissez l’une des langues de la liste.
wizard-translate-hint = Votre pétition peut aussi se lire dans d’autres langues : ajoutez une traduction maintenant, ou plus tard depuis son éditeur.

translation-title = Traduction : { $language }
translation-explanation = Écrivez chaque texte dans cette langue ; la version principale ({ $main }) est affichée à côté de chaque champ.
translation-original = Version principale ({ $language })
translation-original-standard-notice = La mention standard qui nomme le propriétaire de la pétition.
translation-original-start-of-text = Vide : le début du texte de la pétition.
translation-notice-hint = Laissez vide pour afficher la mention de la version principale (ou la mention standard).
translation-social-text = Texte de l’aperçu sur les réseaux sociaux
translation-social-hint = Laissez vide pour le début du texte de cette traduction.
translation-save = Enregistrer la traduction
translation-back-to-editor = Retour à l’éditeur
translation-back-to-wizard = Retour à l’aperçu
translation-delete-title = Supprimer la traduction ({ $language }) ?
translation-delete-warning = Sa page n’existera plus : les lecteurs de cette langue verront la version principale ({ $main }). Les signatures ne changent pas.
translation-delete-button = Supprimer la traduction

petition-also-in = Aussi en :
translation-same-if-empty = Laissez vide pour afficher celui de la version principale.
