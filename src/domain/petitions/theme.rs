//! Page themes and accent colours of a petition (F4.7). Whatever colour is picked, text stays at
//! WCAG AA contrast (4.5:1): links in the accent on the page's background, and the text of buttons
//! on the accent. A colour that would break it is darkened (light themes) or lightened (the dark
//! theme) just enough, and the editor says so.
use serde::Serialize;

/// WCAG AA for normal text.
pub const MIN_CONTRAST: f64 = 4.5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Theme {
    pub name: &'static str,
    pub background: Rgb,
    pub text: Rgb,
    pub soft: Rgb,
    pub muted: Rgb,
    /// Text drawn on the accent (buttons).
    pub on_accent: Rgb,
    /// The accent when the petition picks none.
    pub accent: Rgb,
    /// Error messages and the borders of fields in error: 4.5:1 on the background and on `soft`.
    pub error: Rgb,
    /// The focus ring: 3:1 on the background and on `soft` (WCAG 2.2, 1.4.11 and 2.4.13).
    pub focus: Rgb,
    /// `light` or `dark`: the CSS `color-scheme`, so that form controls and scroll bars follow.
    pub scheme: &'static str,
}

pub const THEMES: [Theme; 3] = [
    Theme {
        name: "default",
        background: Rgb(0xff, 0xff, 0xff),
        text: Rgb(0x1a, 0x1a, 0x1a),
        soft: Rgb(0xf3, 0xf4, 0xf6),
        muted: Rgb(0x4b, 0x55, 0x63),
        on_accent: Rgb(0xff, 0xff, 0xff),
        accent: Rgb(0x1d, 0x4e, 0xd8),
        error: Rgb(0xb9, 0x1c, 0x1c),
        focus: Rgb(0x1a, 0x1a, 0x1a),
        scheme: "light",
    },
    Theme {
        name: "paper",
        background: Rgb(0xfb, 0xf7, 0xef),
        text: Rgb(0x2b, 0x21, 0x18),
        soft: Rgb(0xf1, 0xe9, 0xd8),
        muted: Rgb(0x5c, 0x4d, 0x3c),
        on_accent: Rgb(0xff, 0xff, 0xff),
        accent: Rgb(0x9a, 0x34, 0x12),
        error: Rgb(0xa3, 0x17, 0x17),
        focus: Rgb(0x2b, 0x21, 0x18),
        scheme: "light",
    },
    Theme {
        name: "dark",
        background: Rgb(0x16, 0x18, 0x1d),
        text: Rgb(0xf3, 0xf4, 0xf6),
        soft: Rgb(0x24, 0x27, 0x2f),
        muted: Rgb(0xc0, 0xc4, 0xcc),
        on_accent: Rgb(0x16, 0x18, 0x1d),
        accent: Rgb(0x93, 0xc5, 0xfd),
        error: Rgb(0xfc, 0xa5, 0xa5),
        focus: Rgb(0xfb, 0xbf, 0x24),
        scheme: "dark",
    },
];

/// The theme called `name`, or the default one.
pub fn named(name: &str) -> &'static Theme {
    THEMES.iter().find(|t| t.name == name).unwrap_or(&THEMES[0])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb` (or `rrggbb`, any case).
    pub fn parse(text: &str) -> Option<Rgb> {
        let hex = text.trim().trim_start_matches('#');
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Rgb(byte(0)?, byte(2)?, byte(4)?))
    }

    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Relative luminance (WCAG 2.x).
    fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    fn mix(self, other: Rgb, t: f64) -> Rgb {
        let m = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
        Rgb(m(self.0, other.0), m(self.1, other.1), m(self.2, other.2))
    }
}

/// The WCAG contrast ratio of two colours, 1 to 21.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

fn readable(theme: &Theme, accent: Rgb) -> bool {
    contrast(accent, theme.background) >= MIN_CONTRAST
        && contrast(accent, theme.on_accent) >= MIN_CONTRAST
        && contrast(accent, theme.soft) >= MIN_CONTRAST
}

/// The accent to use on `theme`: `wanted` itself when it is readable, else the nearest readable
/// colour towards the theme's text colour. The flag says whether it was adjusted.
pub fn fit_accent(theme: &Theme, wanted: Rgb) -> (Rgb, bool) {
    if readable(theme, wanted) {
        return (wanted, false);
    }
    for step in 1..=100 {
        let candidate = wanted.mix(theme.text, f64::from(step) / 100.0);
        if readable(theme, candidate) {
            return (candidate, true);
        }
    }
    (theme.accent, true)
}

/// The stylesheet that gives a page its theme and accent (served under a URL naming both, so it can
/// be cached for good).
pub fn stylesheet(theme: &Theme, accent: Rgb) -> String {
    let (accent, _) = fit_accent(theme, accent);
    format!(
        ":root {{ color-scheme: {}; --bg: {}; --text: {}; --soft: {}; --muted: {}; --accent: {}; --on-accent: {}; --error: {}; --focus: {}; }}\n",
        theme.scheme,
        theme.background.hex(),
        theme.text.hex(),
        theme.soft.hex(),
        theme.muted.hex(),
        accent.hex(),
        theme.on_accent.hex(),
        theme.error.hex(),
        theme.focus.hex()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_theme_has_readable_errors_and_a_visible_focus_ring() {
        for theme in THEMES {
            for (on, name) in [(theme.background, "background"), (theme.soft, "soft")] {
                let error = contrast(theme.error, on);
                assert!(
                    error >= MIN_CONTRAST,
                    "{}: error on {name} {error:.2}",
                    theme.name
                );
                let focus = contrast(theme.focus, on);
                assert!(focus >= 3.0, "{}: focus on {name} {focus:.2}", theme.name);
            }
        }
    }

    #[test]
    fn contrast_matches_the_wcag_reference_values() {
        let black = Rgb(0, 0, 0);
        let white = Rgb(255, 255, 255);
        assert!((contrast(black, white) - 21.0).abs() < 0.01);
        assert!((contrast(white, white) - 1.0).abs() < 0.01);
        // #767676 on white is the lightest grey that passes AA.
        assert!(contrast(Rgb(0x76, 0x76, 0x76), white) >= 4.5);
        assert!(contrast(Rgb(0x77, 0x77, 0x77), white) < 4.5);
    }

    #[test]
    fn every_accent_comes_out_readable_on_every_theme() {
        let picks = [
            "#ffff00", "#ffffff", "#000000", "#00ff00", "#ff0000", "#1d4ed8", "#93c5fd",
        ];
        for theme in &THEMES {
            assert!(readable(theme, theme.accent), "{}'s own accent", theme.name);
            for pick in picks {
                let (accent, _) = fit_accent(theme, Rgb::parse(pick).expect("hex"));
                assert!(
                    readable(theme, accent),
                    "{pick} on {} gave {}",
                    theme.name,
                    accent.hex()
                );
            }
        }
        let yellow = Rgb::parse("#FFFF00").expect("hex");
        assert!(
            fit_accent(&THEMES[0], yellow).1,
            "yellow on white is adjusted"
        );
        let blue = Rgb::parse("1d4ed8").expect("hex");
        assert_eq!(fit_accent(&THEMES[0], blue), (blue, false));
    }

    #[test]
    fn only_six_digit_colours_are_read() {
        for bad in ["", "#fff", "#12345g", "red", "#1234567", "#ff\u{e9}000"] {
            assert_eq!(Rgb::parse(bad), None, "{bad}");
        }
    }
}
