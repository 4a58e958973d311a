# The sign widget other sites frame (/petitions/<id>/embed), and its snippet in the editor.
embed-full-page = Read the whole petition
embed-new-window = (opens in a new window)
embed-hosted-by = Signatures collected by { $site }
embed-token-invalid = This form could not be checked. Please press the button again.
embed-token-expired = This form was open for too long. Please press the button again.

## The editor's section
embed-section-title = Put this petition on your website
embed-section-hint = Copy this code into a page of your website: it shows the petition’s count and its sign form, which works without JavaScript and sets no cookies. People sign there as they do here, and confirm by e-mail.
embed-snippet-label = Code of the sign form
embed-frame-title = Sign “{ $title }”
embed-language-hint = To choose its language, add { $english } or { $french } to its address; otherwise it follows the visitor’s browser.
embed-badge-label = Code of the count badge, for newsletters and other pages
embed-badge-alt = Signatures of “{ $title }”
embed-preview-link = See the sign form as others will
embed-gone-title = Petition not available
embed-gone = This petition is no longer open to the public, so it cannot be signed here.
