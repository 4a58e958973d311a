# An organization's own page: its name, description and website, renaming and deleting it.
organization-settings-link = Name, description and website
organization-settings-title = Settings of { $organization }
organization-settings-save = Save
organization-name-hint = It also makes the organization's address. After a new name, the old address keeps leading here.
field-organization-description = Description
field-organization-website = Website
organization-website-hint = An address starting with https:// or http://
organization-back-to-members = Back to the members
organization-done-profile-saved = The name, description and website are saved.
organization-name-taken = Another organization already has this name (capitals and accents aside). Choose another one.
organization-name-no-letters = A name needs at least one letter or digit.
organization-name-reserved = This name cannot be used: its address is a page of the site.
organization-website-invalid = Enter a web address starting with https:// or http://.

# Deleting an organization, after a page that counts what goes with it.
organization-delete-heading = Delete the organization
organization-delete-link = Delete the organization
organization-delete-title = Delete { $organization }?
organization-delete-intro = Deleting the organization also deletes, for good:
organization-delete-petitions = { $petitions ->
    [0] its petitions (it has none);
    [one] its petition and { $signatures ->
        [0] its signatures (it has none);
        [one] its signature;
       *[other] its { $signatures } signatures;
    }
   *[other] its { $petitions } petitions and { $signatures ->
        [0] their signatures (they have none);
        [one] their only signature;
       *[other] their { $signatures } signatures;
    }
}
organization-delete-templates = { $count ->
    [0] its templates (it has none);
    [one] its template;
   *[other] its { $count } templates;
}
organization-delete-invitations = { $count ->
    [0] its pending invitations (there are none);
    [one] its pending invitation;
   *[other] its { $count } pending invitations;
}
organization-delete-memberships = { $count ->
    [one] your membership: you are its only member.
   *[other] the memberships of its { $count } members, yours included.
}
organization-delete-final = This cannot be undone: the addresses of its petitions will lead nowhere.
organization-delete-button = Delete { $organization } for good
organization-delete-cancel = Keep the organization
dashboard-done-organization-deleted = The organization is deleted, with its petitions.
