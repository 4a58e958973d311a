//! Petitions as their organizers make and run them (F1, F4, F6.1): petitions and permalinks, slugs,
//! the wizard, the editor and what the dashboard does (campaign), templates, themes, sanitized text,
//! search, the dashboard's figures, share links, the Atom feeds, how a campaign ended, and the
//! petition's versions in other languages.
pub mod campaign;
pub mod dashboard;
pub mod feed;
pub mod html;
pub mod outcome;
pub mod petition;
pub mod petition_template;
pub mod picture;
pub mod search;
pub mod share;
pub mod slug;
pub mod theme;
pub mod translations;
pub mod wizard;
