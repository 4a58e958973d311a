//! What every journey test shares: the app on each database backend, a real SMTP server, a real
//! headless browser.
#![allow(dead_code)]
pub mod accounts;
pub mod app;
pub mod browser;
pub mod people;
pub mod photo;
pub mod process;
pub mod smtp;
