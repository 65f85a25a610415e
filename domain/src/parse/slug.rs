use super::FieldError;

/// Names the web app and the API use as the first path segment or subdomain.
pub const RESERVED: &[&str] = &[
    "admin", "api", "app", "assets", "auth", "cdn", "docs", "files", "help", "healthz", "login",
    "logout", "metrics", "new", "orgs", "pkg", "public", "readyz", "settings", "signup", "sfn",
    "static", "status", "support", "www", "ws",
];

/// An org's URL name: `^[a-z0-9](-?[a-z0-9])*$`, 2–48 characters, not reserved.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        let err = |m: &str| Err(FieldError::new("slug", m));
        if s.len() < 2 || s.len() > 48 {
            return err("must be 2 to 48 characters");
        }
        let bytes = s.as_bytes();
        let ok_char = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        if !ok_char(bytes[0]) || !ok_char(bytes[bytes.len() - 1]) {
            return err("must start and end with a lower-case letter or digit");
        }
        if !bytes.iter().all(|&c| ok_char(c) || c == b'-') {
            return err("may hold only lower-case letters, digits and dashes");
        }
        if s.contains("--") {
            return err("may not hold two dashes in a row");
        }
        if RESERVED.contains(&s) {
            return err("is reserved");
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
    fn accepts_lower_case_words_joined_by_single_dashes() {
        for ok in ["ab", "acme", "acme-corp", "a1-b2-c3", &"a".repeat(48)] {
            assert_eq!(Slug::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn refuses_bad_shapes_and_reserved_words() {
        for bad in [
            "a",
            "Acme",
            "-acme",
            "acme-",
            "ac--me",
            "ac_me",
            "ac me",
            "admin",
            "api",
            "www",
            &"a".repeat(49),
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad} should be refused");
        }
    }
}

/// A release's URL name: lower-case letters, digits, dots and dashes (`v1.2`, `2026-q1`),
/// 1–64 characters, starting and ending with a letter or digit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ReleaseSlug(String);

impl ReleaseSlug {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        let err = |m: &str| Err(FieldError::new("slug", m));
        if s.is_empty() || s.len() > 64 {
            return err("must be 1 to 64 characters");
        }
        let bytes = s.as_bytes();
        let ok_char = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        if !ok_char(bytes[0]) || !ok_char(bytes[bytes.len() - 1]) {
            return err("must start and end with a lower-case letter or digit");
        }
        if !bytes.iter().all(|&c| ok_char(c) || c == b'-' || c == b'.') {
            return err("may hold only lower-case letters, digits, dots and dashes");
        }
        Ok(Self(s.to_string()))
    }

    /// A slug made from a release's name: `Version 1.2` → `version-1.2`.
    pub fn from_name(name: &str) -> Option<Self> {
        let mut out = String::new();
        for c in name.trim().to_lowercase().chars() {
            if c.is_ascii_alphanumeric() || c == '.' {
                out.push(c);
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
        let out: String = out
            .trim_matches(|c| c == '-' || c == '.')
            .chars()
            .take(64)
            .collect();
        Self::parse(out.trim_end_matches(['-', '.'])).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod release_tests {
    use super::*;

    #[test]
    fn release_slugs_allow_versions_and_come_from_names() {
        for ok in ["v1.2.0", "2026-q1", "a"] {
            assert_eq!(ReleaseSlug::parse(ok).unwrap().as_str(), ok);
        }
        for bad in ["", "V1", ".v1", "v1-", "v 1", &"a".repeat(65)] {
            assert!(ReleaseSlug::parse(bad).is_err(), "{bad} should be refused");
        }
        let from = |n: &str| ReleaseSlug::from_name(n).map(|s| s.0);
        assert_eq!(from("Version 1.2").as_deref(), Some("version-1.2"));
        assert_eq!(
            from("  Spring -- launch! ").as_deref(),
            Some("spring-launch")
        );
        assert_eq!(from("!!!"), None);
    }
}
