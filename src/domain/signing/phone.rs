//! Phone numbers as signers type them, kept in one international form (E.164, `+33605040302`) so
//! that an export is usable as it is. A number written the national way (`06 05 04 03 02`) is read
//! in the instance's country (`phone_country`); one that no numbering plan knows is refused.
use phonenumber::{Mode, country};

/// The message shown for a number that cannot be a phone number.
pub const INVALID: &str = "phone-invalid";

/// `typed` in international form, or why it is refused. `country` is an ISO 3166 code such as
/// `FR`; unknown or empty, only numbers written with their `+` country code are read.
pub fn international(typed: &str, country: &str) -> Result<String, &'static str> {
    let region: Option<country::Id> = country.trim().to_ascii_uppercase().parse().ok();
    // Letters are no part of a number we read (vanity numbers aside, which nobody signs with).
    if typed.chars().any(char::is_alphabetic) {
        return Err(INVALID);
    }
    let number = phonenumber::parse(region, typed).map_err(|_| INVALID)?;
    if !phonenumber::is_valid(&number) {
        return Err(INVALID);
    }
    Ok(number.format().mode(Mode::E164).to_string())
}

/// Whether `country` names a region the numbering plans know (checked at start).
pub fn known_country(country: &str) -> bool {
    country.parse::<country::Id>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::international;

    #[test]
    fn national_numbers_take_the_instance_country() {
        assert_eq!(international("0605040302", "FR"), Ok("+33605040302".into()));
        assert_eq!(
            international("06 05 04 03 02", "FR"),
            Ok("+33605040302".into())
        );
        assert_eq!(
            international("06.05.04.03.02", "FR"),
            Ok("+33605040302".into())
        );
        assert_eq!(
            international("020 7946 0958", "GB"),
            Ok("+442079460958".into())
        );
    }

    #[test]
    fn international_numbers_keep_their_country() {
        assert_eq!(
            international("+32 470 12 34 56", "FR"),
            Ok("+32470123456".into())
        );
        assert_eq!(
            international("+33 6 05 04 03 02", ""),
            Ok("+33605040302".into())
        );
        assert_eq!(
            international("0033605040302", "FR"),
            Ok("+33605040302".into())
        );
    }

    #[test]
    fn what_is_not_a_phone_number_is_refused() {
        for typed in [
            "not a phone!",
            "12",
            "+33 6",
            "0605040302",
            "06 05 04 03 02 99 99",
        ] {
            let country = if typed == "0605040302" { "" } else { "FR" };
            assert_eq!(
                international(typed, country),
                Err(super::INVALID),
                "{typed}"
            );
        }
    }
}
