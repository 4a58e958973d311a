# Mise en page, navigation et pages d’erreur.
language-name = Français
skip-to-content = Aller au contenu
language-switch = Langue
footer-privacy = Ce site ne charge rien depuis d’autres serveurs et ne transmet jamais votre adresse.
back-home = Retour à l’accueil
error-title = Erreur { $code }
error-not-found = Cette page n’existe pas ou n’est pas publique.
error-csrf = Ce formulaire a expiré ou ne vient pas de ce site. Revenez en arrière, rechargez la page et réessayez.
error-internal = Un problème est survenu de notre côté. Rien de ce que vous avez saisi n’est perdu : réessayez dans un instant.
error-too-large = Ce que vous avez envoyé est trop volumineux. Raccourcissez-le et réessayez.
error-bad-request = Cette requête n’a pas pu être comprise. Revenez en arrière et réessayez.
page-title-error = Erreur :
