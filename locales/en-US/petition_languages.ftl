# A petition in several languages: the editor's languages section, the translation form, and the
# links between a petition's versions on its page.
languages-title = Languages of this petition
languages-hint = Readers see the version in their language when there is one, else the main version. Each version has its own address, and its page links to the others.
languages-main = Main language
languages-main-hint = The language the petition's text above is written in. Choosing a language that has a translation swaps them: that translation becomes the main version.
languages-main-button = Change the main language
languages-translations = Translations
languages-none = This petition has no translation yet.
languages-edit = Edit
languages-delete = Delete
languages-add-label = Add a translation
languages-add-button = Translate
languages-all-done = This petition has a version in every language of the site.
editor-done-translation-saved = The translation was saved.
editor-done-translation-deleted = The translation was deleted.
editor-done-language-changed = The main language was changed.
petition-language-invalid = Choose one of the languages in the list.
wizard-translate-hint = Your petition can also be read in other languages: add a translation now, or later from its editor.

translation-title = Translation: { $language }
translation-explanation = Write each text in this language; the main version ({ $main }) is shown beside each field.
translation-original = Main version ({ $language })
translation-original-standard-notice = The standard notice naming the petition's owner.
translation-original-start-of-text = Empty: the start of the petition's text.
translation-notice-hint = Leave it empty to show the main version's notice (or the standard one).
translation-social-text = Text of the preview on social networks
translation-social-hint = Leave it empty for the start of this translation's text.
translation-save = Save the translation
translation-back-to-editor = Back to the editor
translation-back-to-wizard = Back to the preview
translation-delete-title = Delete the translation ({ $language })?
translation-delete-warning = Its page will no longer exist: readers of this language will see the main version ({ $main }). Signatures are not affected.
translation-delete-button = Delete the translation

petition-also-in = Also in:
translation-same-if-empty = Leave it empty to show the main version's.
