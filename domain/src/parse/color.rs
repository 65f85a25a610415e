use super::FieldError;

/// A colour as `#rrggbb` (`#rgb` is expanded), lower-case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Color(String);

impl Color {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim().to_ascii_lowercase();
        let hex = s.strip_prefix('#').unwrap_or("");
        if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(FieldError::new("color", "must be a colour like #5b5bd6"));
        }
        match hex.len() {
            6 => Ok(Self(s)),
            3 => Ok(Self(format!(
                "#{}",
                hex.chars().flat_map(|c| [c, c]).collect::<String>()
            ))),
            _ => Err(FieldError::new("color", "must be a colour like #5b5bd6")),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Black or white, whichever reads better on this colour: one of them always has a
    /// contrast of at least 4.5:1 (WCAG AA) with it.
    pub fn text_on(&self) -> &'static str {
        let channel = |i: usize| {
            let c = u8::from_str_radix(&self.0[i..i + 2], 16).unwrap_or(0) as f64 / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
        // Contrast with black (l + .05) / .05 against white's 1.05 / (l + .05).
        if (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) {
            "#000000"
        } else {
            "#ffffff"
        }
    }
}

/// A category's icon: a short name or an emoji, at most 32 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Icon(String);

impl Icon {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() || s.chars().count() > 32 || s.chars().any(char::is_control) {
            return Err(FieldError::new(
                "icon",
                "must be 1 to 32 characters on one line",
            ));
        }
        Ok(Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_hex_and_normalised() {
        assert_eq!(Color::parse("#5B5BD6").unwrap().as_str(), "#5b5bd6");
        assert_eq!(Color::parse("#abc").unwrap().as_str(), "#aabbcc");
        for bad in ["", "5b5bd6", "#5b5bd", "#ggg", "red", "#5b5bd6ff"] {
            assert!(Color::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn text_on_a_colour_is_the_one_that_reads() {
        let on = |c: &str| Color::parse(c).unwrap().text_on();
        assert_eq!(on("#ffffff"), "#000000");
        assert_eq!(on("#000000"), "#ffffff");
        assert_eq!(on("#5b5bd6"), "#ffffff");
        assert_eq!(on("#ffd60a"), "#000000");
        // Mid-grey: black reads better (5.3:1 against 4.0:1).
        assert_eq!(on("#808080"), "#000000");
    }

    #[test]
    fn icons_are_short_single_lines() {
        assert!(Icon::parse("🐛").is_ok());
        assert!(Icon::parse("").is_err());
        assert!(Icon::parse(&"x".repeat(33)).is_err());
    }
}
