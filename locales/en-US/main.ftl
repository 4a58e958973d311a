# Layout, navigation and error pages.
language-name = English
skip-to-content = Skip to content
language-switch = Language
footer-privacy = This site loads nothing from other servers and never shares your address.
back-home = Back to the home page
error-title = Error { $code }
error-not-found = This page does not exist, or is not public.
error-csrf = This form has expired or did not come from this site. Please go back, reload the page and try again.
error-internal = Something went wrong on our side. Nothing you typed has been lost: please try again in a moment.
error-too-large = What you sent is too large. Please shorten it and try again.
error-bad-request = This request could not be understood. Please go back and try again.
page-title-error = Error:
