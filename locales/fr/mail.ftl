# E-mails.
mail-greeting = Bonjour { $name },
mail-confirm-subject = Confirmez votre signature : { $title }
mail-confirm-intro = Merci d’avoir signé « { $title } ». Pour confirmer votre signature, ouvrez ce lien et appuyez sur le bouton :
mail-confirm-button = Confirmer ma signature
mail-confirm-ignore = Si vous n’avez pas signé cette pétition, ignorez cet e-mail : rien ne sera compté.
mail-withdraw = Vous changez d’avis, maintenant ou plus tard ? Ce lien retire votre signature et efface le nom et l’adresse que vous avez donnés :
mail-already-signed-subject = Vous avez déjà signé : { $title }
mail-already-signed-intro = Quelqu’un, probablement vous, a essayé de signer à nouveau « { $title } » avec cette adresse. Votre signature était déjà confirmée et n’est comptée qu’une fois.
mail-already-signed-ignore = Vous n’avez rien à faire.
