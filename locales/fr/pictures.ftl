# L’image d’une pétition (étape du texte, éditeur, page de la pétition)
picture-legend = Image
picture-hint = Elle ouvre la page et s’affiche quand la pétition est partagée. JPEG, PNG ou WebP, 10 Mo et 40 mégapixels au plus ; ce que le fichier contient en plus de ses pixels (lieu, appareil, date) n’est pas gardé.
picture-file = Choisir une image
picture-replace = Remplacer l’image
picture-current = L’image actuelle
picture-alt = Description de l’image
picture-alt-hint = Obligatoire avec une image : ce qu’elle montre, pour les personnes qui ne la voient pas (300 caractères au plus).
picture-remove = Retirer l’image
picture-not-an-image = Ce fichier n’est pas une image JPEG, PNG ou WebP, ou il est endommagé. Rien n’a été enregistré.
picture-too-heavy = Ce fichier dépasse 10 Mo. Choisissez-en un plus léger ; rien n’a été enregistré.
picture-too-large = Cette image dépasse 40 mégapixels. Choisissez-en une plus petite ; rien n’a été enregistré.
picture-alt-required = Décrivez l’image pour les personnes qui ne la voient pas.
picture-alt-too-long = La description doit tenir en 300 caractères.
picture-choose-again = Choisissez de nouveau le fichier une fois décrit : les navigateurs ne gardent pas un fichier dans un formulaire renvoyé.
