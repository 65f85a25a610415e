use super::FieldError;

/// At most this many sites may frame an org's public pages.
pub const MAX_FRAME_ORIGINS: usize = 10;

/// The sites allowed to show an org's public pages in a frame: `https://host[:port]`
/// origins (no path, query, user or wildcard), lower-cased, without repeats, at most
/// [`MAX_FRAME_ORIGINS`]. They go verbatim into `frame-ancestors`, so nothing that could
/// end or extend the directive gets through.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrameOrigins(Vec<String>);

impl FrameOrigins {
    pub fn parse<S: AsRef<str>>(input: &[S]) -> Result<Self, FieldError> {
        let err = |m: String| Err(FieldError::new("framing", m));
        let mut origins: Vec<String> = Vec::new();
        for raw in input {
            let raw = raw.as_ref().trim();
            if raw.is_empty() {
                continue;
            }
            let origin = match origin(raw) {
                Some(o) => o,
                None => {
                    return err(format!(
                        "`{raw}` is not an https origin like https://example.com"
                    ));
                }
            };
            if !origins.contains(&origin) {
                origins.push(origin);
            }
        }
        if origins.len() > MAX_FRAME_ORIGINS {
            return err(format!("at most {MAX_FRAME_ORIGINS} sites"));
        }
        Ok(Self(origins))
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    pub fn into_vec(self) -> Vec<String> {
        self.0
    }
}

/// `https://host[:port]` (a trailing `/` allowed), lower-cased; anything else is `None`.
fn origin(raw: &str) -> Option<String> {
    let lower = raw.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://")?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    if let Some(port) = port
        && (port.is_empty()
            || port.len() > 5
            || !port.bytes().all(|b| b.is_ascii_digit())
            || port.parse::<u32>().ok()? > 65535)
    {
        return None;
    }
    let labels_ok = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    labels_ok.then_some(lower.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_origins_are_kept_lower_cased_once() {
        let parsed = FrameOrigins::parse(&[
            "https://Example.com/",
            "https://docs.example.com:8443",
            "https://example.com",
            " ",
        ])
        .unwrap();
        assert_eq!(
            parsed.as_slice(),
            ["https://example.com", "https://docs.example.com:8443"]
        );
    }

    #[test]
    fn anything_but_an_https_origin_is_refused() {
        for bad in [
            "http://example.com",
            "example.com",
            "https://*.example.com",
            "https://example.com/path",
            "https://user@example.com",
            "https://example.com;script-src *",
            "https://example.com 'unsafe-inline'",
            "https://exa mple.com",
            "https://example.com:99999",
            "https://example.com:",
            "https://",
            "'self'",
            "*",
        ] {
            let err = FrameOrigins::parse(&[bad]).unwrap_err();
            assert_eq!(err.field, "framing", "{bad}");
        }
    }

    #[test]
    fn at_most_ten_sites() {
        let many: Vec<String> = (0..11).map(|i| format!("https://s{i}.example")).collect();
        assert!(FrameOrigins::parse(&many[..10]).is_ok());
        assert!(
            FrameOrigins::parse(&many)
                .unwrap_err()
                .message
                .contains("10")
        );
    }
}
