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
    fn icons_are_short_single_lines() {
        assert!(Icon::parse("🐛").is_ok());
        assert!(Icon::parse("").is_err());
        assert!(Icon::parse(&"x".repeat(33)).is_err());
    }
}
