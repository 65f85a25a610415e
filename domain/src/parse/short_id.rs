use super::FieldError;

/// An org's task prefix: 1–3 capital letters, as in `ABC-42`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ShortId(String);

impl ShortId {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if (1..=3).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_uppercase()) {
            Ok(Self(s.to_string()))
        } else {
            Err(FieldError::new("shortId", "must be 1 to 3 capital letters"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_to_three_capitals_only() {
        for ok in ["A", "AB", "SAY"] {
            assert!(ShortId::parse(ok).is_ok());
        }
        for bad in ["", "abc", "ABCD", "A1", "É"] {
            assert!(ShortId::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
