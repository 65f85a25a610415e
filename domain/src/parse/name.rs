use super::FieldError;

fn parse_name(field: &str, input: &str, max: usize) -> Result<String, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "is required"));
    }
    if s.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(FieldError::new(field, "must be a single line of text"));
    }
    Ok(s.to_string())
}

/// A person's display name: 1–80 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        parse_name("name", input, 80).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An organization's display name: 1–80 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgName(String);

impl OrgName {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        parse_name("name", input, 80).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A team's name: 1–48 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamName(String);

impl TeamName {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        parse_name("name", input, 48).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A label's or category's name: 1–48 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelName(String);

impl LabelName {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        parse_name("name", input, 48).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(OrgName::parse(" Acme ").unwrap().as_str(), "Acme");
        assert!(OrgName::parse("").is_err());
        assert!(PersonName::parse(&"x".repeat(81)).is_err());
        assert!(PersonName::parse("Ada\tLovelace").is_err());
    }
}

/// A saved view's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewName(String);

impl ViewName {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        parse_name("name", input, 80).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A release's or a template's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseName(String);

impl ReleaseName {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        parse_name("name", input, 80).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
