# La page de l’organisation elle-même : son nom, sa description et son site web, la renommer, la supprimer.
organization-settings-link = Nom, description et site web
organization-settings-title = Paramètres de { $organization }
organization-settings-save = Enregistrer
organization-name-hint = Il donne aussi l’adresse de l’organisation. Après un changement de nom, l’ancienne adresse mène toujours ici.
field-organization-description = Description
field-organization-website = Site web
organization-website-hint = Une adresse commençant par https:// ou http://
organization-back-to-members = Retour aux membres
organization-done-profile-saved = Le nom, la description et le site web sont enregistrés.
organization-name-taken = Une autre organisation porte déjà ce nom (majuscules et accents mis à part). Choisissez-en un autre.
organization-name-no-letters = Un nom doit contenir au moins une lettre ou un chiffre.
organization-name-reserved = Ce nom ne peut pas être utilisé : son adresse est une page du site.
organization-website-invalid = Saisissez une adresse web commençant par https:// ou http://.

# Supprimer une organisation, après une page qui compte ce qui part avec elle.
organization-delete-heading = Supprimer l’organisation
organization-delete-link = Supprimer l’organisation
organization-delete-title = Supprimer { $organization } ?
organization-delete-intro = Supprimer l’organisation supprime aussi, définitivement :
organization-delete-petitions = { $petitions ->
    [0] ses pétitions (elle n’en a aucune) ;
    [one] sa pétition et { $signatures ->
        [0] ses signatures (elle n’en a aucune) ;
        [one] sa signature ;
       *[other] ses { $signatures } signatures ;
    }
   *[other] ses { $petitions } pétitions et { $signatures ->
        [0] leurs signatures (elles n’en ont aucune) ;
        [one] leur unique signature ;
       *[other] leurs { $signatures } signatures ;
    }
}
organization-delete-templates = { $count ->
    [0] ses modèles (elle n’en a aucun) ;
    [one] son modèle ;
   *[other] ses { $count } modèles ;
}
organization-delete-invitations = { $count ->
    [0] ses invitations en attente (il n’y en a aucune) ;
    [one] son invitation en attente ;
   *[other] ses { $count } invitations en attente ;
}
organization-delete-memberships = { $count ->
    [one] votre qualité de membre : vous en êtes le seul membre.
   *[other] l’appartenance de ses { $count } membres, vous compris.
}
organization-delete-final = C’est irréversible : les adresses de ses pétitions ne mèneront plus nulle part.
organization-delete-button = Supprimer { $organization } définitivement
organization-delete-cancel = Garder l’organisation
dashboard-done-organization-deleted = L’organisation est supprimée, avec ses pétitions.
