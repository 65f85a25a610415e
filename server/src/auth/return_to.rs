//! Where to send someone after they signed in: only somewhere on this instance.
//!
//! The original accepted any URL in its `login_origin` cookie (an open redirect). Here a
//! target is resolved the way a browser would resolve it against this instance's own
//! origin, and kept only if it still points at this instance; anything else becomes `/`.

use openidconnect::url::Url;

/// The hosts a return address may name besides a plain path: this instance's own host and,
/// with a root domain, its org subdomains.
#[derive(Clone, Debug, Default)]
pub struct OwnHosts {
    /// `host[:port]` people reach the instance at.
    pub host: String,
    /// `SAYR_ROOT_DOMAIN`: `<slug>.<root>` is this instance too.
    pub root_domain: Option<String>,
}

impl OwnHosts {
    fn allows(&self, url: &Url) -> bool {
        let Some(host) = url.host_str() else {
            return false;
        };
        let with_port = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        };
        if with_port.eq_ignore_ascii_case(&self.host) {
            return true;
        }
        self.root_domain.as_deref().is_some_and(|root| {
            let root = root.trim_start_matches('.').to_ascii_lowercase();
            let with_port = with_port.to_ascii_lowercase();
            with_port == root
                || with_port
                    .strip_suffix(&root)
                    .is_some_and(|sub| sub.ends_with('.') && sub.len() > 1)
        })
    }
}

/// A safe `Location` for `raw`: a path of this instance (normalized), a full URL of one of
/// its hosts, or `/`.
pub fn safe_target(raw: &str, own: &OwnHosts) -> String {
    const FALLBACK: &str = "/";
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > 2048 || raw.contains('\\') {
        return FALLBACK.into();
    }
    // Resolve like a browser would against a base that cannot be confused with any real
    // host: `//evil.example`, `/\tevil`, `https:evil` all leave it.
    let base = Url::parse("http://sayr.invalid/").expect("a valid base");
    let Ok(resolved) = base.join(raw) else {
        return FALLBACK.into();
    };
    if resolved.host_str() == Some("sayr.invalid") && resolved.scheme() == "http" {
        if !raw.starts_with('/') || raw.starts_with("//") {
            // Relative paths ("evil.example/x") and scheme-relative URLs are not ours.
            return FALLBACK.into();
        }
        let mut target = resolved.path().to_string();
        if let Some(q) = resolved.query() {
            target.push('?');
            target.push_str(q);
        }
        if let Some(f) = resolved.fragment() {
            target.push('#');
            target.push_str(f);
        }
        // A path that a browser would read as another host once decoded is refused too.
        if target.starts_with("//") {
            return FALLBACK.into();
        }
        return target;
    }
    if matches!(resolved.scheme(), "http" | "https")
        && resolved.username().is_empty()
        && resolved.password().is_none()
        && own.allows(&resolved)
    {
        return resolved.to_string();
    }
    FALLBACK.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own() -> OwnHosts {
        OwnHosts {
            host: "sayr.example:3000".into(),
            root_domain: Some("sayr.example".into()),
        }
    }

    #[test]
    fn paths_of_this_instance_are_kept() {
        assert_eq!(safe_target("/orgs/acme/tasks", &own()), "/orgs/acme/tasks");
        assert_eq!(safe_target("/a?b=c#d", &own()), "/a?b=c#d");
        assert_eq!(safe_target("/a/../settings", &own()), "/settings");
    }

    #[test]
    fn other_sites_land_on_the_root() {
        for attempt in [
            "//evil.example",
            "//evil.example/path",
            "https://evil.example",
            "http://evil.example/orgs",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "https:evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            "data:text/html,hi",
            "evil.example",
            "%2F%2Fevil.example",
            "https://sayr.example.evil.example/",
            "https://evilsayr.example/",
            "https://user@sayr.example:3000/",
            "",
        ] {
            assert_eq!(safe_target(attempt, &own()), "/", "{attempt:?}");
        }
    }

    #[test]
    fn encoded_slashes_stay_a_path_on_this_host() {
        // The browser keeps %2F encoded in a path, so this is a path here, not a host.
        assert_eq!(
            safe_target("/%2F%2Fevil.example", &own()),
            "/%2F%2Fevil.example"
        );
    }

    #[test]
    fn this_instance_and_its_org_subdomains_are_allowed_as_urls() {
        assert_eq!(
            safe_target("http://sayr.example:3000/x", &own()),
            "http://sayr.example:3000/x"
        );
        assert_eq!(
            safe_target("https://acme.sayr.example/", &own()),
            "https://acme.sayr.example/"
        );
    }
}
