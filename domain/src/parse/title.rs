use super::FieldError;

/// A task title: trimmed, 1–200 characters, one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskTitle(String);

impl TaskTitle {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new("title", "is required"));
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(FieldError::new("title", "must be at most 200 characters"));
        }
        if s.chars().any(char::is_control) {
            return Err(FieldError::new("title", "must be a single line of text"));
        }
        Ok(Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Markdown text of at most 64 KiB (descriptions, comments).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Markdown(String);

impl Markdown {
    pub const MAX_BYTES: usize = 64 * 1024;

    pub fn parse(field: &str, input: &str) -> Result<Self, FieldError> {
        if input.len() > Self::MAX_BYTES {
            return Err(FieldError::new(field, "must be at most 64 KiB"));
        }
        Ok(Self(input.trim_end().to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_trimmed_single_lines_of_bounded_length() {
        assert_eq!(
            TaskTitle::parse("  Fix login  ").unwrap().as_str(),
            "Fix login"
        );
        assert!(TaskTitle::parse("   ").is_err());
        assert!(TaskTitle::parse("two\nlines").is_err());
        assert!(TaskTitle::parse(&"é".repeat(200)).is_ok());
        assert!(TaskTitle::parse(&"é".repeat(201)).is_err());
    }

    #[test]
    fn markdown_over_64_kib_is_refused() {
        assert!(Markdown::parse("description", &"a".repeat(64 * 1024)).is_ok());
        let err = Markdown::parse("description", &"a".repeat(64 * 1024 + 1)).unwrap_err();
        assert_eq!(err.field, "description");
    }
}
