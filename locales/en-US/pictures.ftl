# A petition's picture (wizard text step, editor, petition page)
picture-legend = Picture
picture-hint = It heads the page and shows when the petition is shared. JPEG, PNG or WebP, at most 10 MB and 40 megapixels; what the file says besides its pixels (place, camera, date) is not kept.
picture-file = Choose a picture
picture-replace = Replace the picture
picture-current = The picture now
picture-alt = Description of the picture
picture-alt-hint = Required with a picture: what it shows, for people who cannot see it (at most 300 characters).
picture-remove = Remove the picture
picture-not-an-image = This file is not a JPEG, PNG or WebP picture, or it is damaged. Nothing was saved.
picture-too-heavy = This file is larger than 10 MB. Choose a smaller one; nothing was saved.
picture-too-large = This picture has more than 40 megapixels. Choose a smaller one; nothing was saved.
picture-alt-required = Describe the picture for people who cannot see it.
picture-alt-too-long = Keep the description under 300 characters.
picture-choose-again = Choose the file again once it is described: browsers do not keep a file in a form that comes back.
