//! Subdomain routing: with `SAYR_ROOT_DOMAIN=sayr.example`, `acme.sayr.example` is org
//! `acme`'s own host. `/` there is its public page, and `/tasks`, `/tasks/<n>` and
//! `/settings` are its board, task pages and settings; every other path works as on the
//! root host. The server finds the org from the `Host` header; the browser learns it from
//! the `data-org-host` attribute the server rendered on `<body>`.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The org whose subdomain the page was requested on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgHost(pub String);

impl OrgHost {
    /// The org of `host` (`[user@]name[:port]`) under `root`, if it is `<slug>.<root>` with a
    /// slug an org could have (reserved names such as `www` or `api` are not orgs).
    pub fn of(host: &str, root: &str) -> Option<OrgHost> {
        let host = host.rsplit('@').next()?.to_ascii_lowercase();
        let name = match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name.to_string(),
            _ => host,
        };
        let root = root.trim_matches('.').to_ascii_lowercase();
        let sub = name.strip_suffix(&root)?.strip_suffix('.')?;
        domain::parse::Slug::parse(sub)
            .ok()
            .map(|s| OrgHost(s.as_str().to_string()))
    }

    /// The org host of this request (server) or page (browser).
    pub fn current() -> Option<OrgHost> {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>()
                .and_then(|p| p.extensions.get::<OrgHost>().cloned())
        }
        #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
        {
            document()
                .body()
                .and_then(|b| b.get_attribute("data-org-host"))
                .filter(|s| !s.is_empty())
                .map(OrgHost)
        }
        #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
        {
            None
        }
    }
}

/// The org a page is about: the `:slug` of its path, or the org of its subdomain.
pub fn use_slug() -> Memo<String> {
    let params = use_params_map();
    let host = use_context::<Option<OrgHost>>().flatten().map(|h| h.0);
    Memo::new(move |_| {
        params
            .read()
            .get("slug")
            .or_else(|| host.clone())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_subdomains_of_the_root_domain_only() {
        let of = |h| OrgHost::of(h, "sayr.example").map(|o| o.0);
        assert_eq!(of("acme.sayr.example"), Some("acme".into()));
        assert_eq!(of("ACME.Sayr.Example:8080"), Some("acme".into()));
        assert_eq!(of("sayr.example"), None, "the root itself");
        assert_eq!(of("www.sayr.example"), None, "reserved");
        assert_eq!(of("a.b.sayr.example"), None, "one level only");
        assert_eq!(of("acmesayr.example"), None, "not a subdomain");
        assert_eq!(of("acme.sayr.example.evil.test"), None);
        assert_eq!(of("acme.other.example"), None);
    }
}
