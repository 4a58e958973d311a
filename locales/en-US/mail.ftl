# E-mails.
mail-greeting = Hello { $name },
mail-confirm-subject = Confirm your signature: { $title }
mail-confirm-intro = Thank you for signing “{ $title }”. To confirm your signature, open this link and press the button:
mail-confirm-button = Confirm my signature
mail-confirm-ignore = If you did not sign this petition, ignore this e-mail: nothing will be counted.
mail-withdraw = Changed your mind, now or later? This link withdraws your signature and deletes the name and address you gave:
mail-already-signed-subject = You have already signed: { $title }
mail-already-signed-intro = Someone, probably you, tried to sign “{ $title }” again with this address. Your signature was already confirmed and is counted once.
mail-already-signed-ignore = There is nothing to do.
