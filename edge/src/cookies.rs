//! Every cookie Sayr reads or sets, through the `cookie` crate: the session, the anonymous
//! visitor, and the short-lived ones of sign-in flows and one-time notices. All are
//! HttpOnly, and Secure when the instance is reached over https.

use axum::http::{HeaderMap, HeaderValue, header};
use cookie::Cookie;
use cookie::time::Duration;

pub use cookie::SameSite;

/// The session cookie: a random token (the database keeps its hash).
pub const SESSION: &str = "sayr_session";
/// The cookie that tells anonymous visitors apart (votes).
pub const VISITOR: &str = "sayr_visitor";

/// The cookie that marks a device an account signed in on (the sign-in throttle counts
/// its attempts apart from everyone else's).
pub const DEVICE: &str = "sayr_device";

/// How long the visitor cookie is kept.
const VISITOR_MAX_AGE: Duration = Duration::days(365);
/// How long a device stays known.
const DEVICE_MAX_AGE: Duration = Duration::days(180);

/// A cookie's value among the request's `Cookie` headers; empty values count as absent.
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name && !c.value().is_empty())
        .map(|c| c.value().to_string())
}

/// The session token of the request, if it carries one.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    get(headers, SESSION)
}

/// The visitor id of the request, if it carries a well-formed one (32 hex digits).
pub fn visitor_id(headers: &HeaderMap) -> Option<String> {
    get(headers, VISITOR).filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The device cookie of the request, if it carries a plausible one.
pub fn device_token(headers: &HeaderMap) -> Option<String> {
    get(headers, DEVICE).filter(|v| v.len() <= 128)
}

/// How this instance sets its cookies: `Secure` when reached over https, and the session's
/// `Domain` (the root domain, so that one sign-in holds on every org's subdomain).
#[derive(Clone, Debug, Default)]
pub struct CookiePolicy {
    pub secure: bool,
    pub session_domain: Option<String>,
}

impl CookiePolicy {
    /// The session cookie carrying `token`, or clearing it when `token` is none.
    pub fn session(&self, token: Option<&str>) -> HeaderValue {
        let mut cookie = self.base(SESSION, token.unwrap_or(""), "/", SameSite::Lax);
        cookie.set_max_age(if token.is_some() {
            // As long as the session lives unused; the database ends it then.
            Duration::seconds(services::session::IDLE_LIFETIME.num_seconds())
        } else {
            Duration::ZERO
        });
        if let Some(domain) = &self.session_domain {
            cookie.set_domain(domain.clone());
        }
        encode(&cookie)
    }

    /// The visitor cookie keeping `visitor` for a year.
    pub fn visitor(&self, visitor: &str) -> HeaderValue {
        let mut cookie = self.base(VISITOR, visitor, "/", SameSite::Lax);
        cookie.set_max_age(VISITOR_MAX_AGE);
        encode(&cookie)
    }

    /// The device cookie carrying `token` (see `services::session::device_token`). Only
    /// the sign-in endpoints read it.
    pub fn device(&self, token: &str) -> HeaderValue {
        let mut cookie = self.base(DEVICE, token, "/", SameSite::Strict);
        cookie.set_max_age(DEVICE_MAX_AGE);
        encode(&cookie)
    }

    /// A cookie that lives `max_age` on `path` (a sign-in flow's state, a notice shown
    /// once). `value` must be a cookie-safe token: no `;`, `,`, spaces or quotes.
    pub fn short_lived(
        &self,
        name: &'static str,
        value: &str,
        path: &'static str,
        same_site: SameSite,
        max_age: std::time::Duration,
    ) -> HeaderValue {
        let mut cookie = self.base(name, value, path, same_site);
        cookie.set_max_age(Duration::seconds(max_age.as_secs() as i64));
        encode(&cookie)
    }

    /// Clears the cookie `name` set on `path`.
    pub fn removal(
        &self,
        name: &'static str,
        path: &'static str,
        same_site: SameSite,
    ) -> HeaderValue {
        let mut cookie = self.base(name, "", path, same_site);
        cookie.set_max_age(Duration::ZERO);
        encode(&cookie)
    }

    fn base<'c>(
        &self,
        name: &'static str,
        value: &str,
        path: &'static str,
        same_site: SameSite,
    ) -> Cookie<'c> {
        Cookie::build((name, value.to_string()))
            .path(path)
            .http_only(true)
            .same_site(same_site)
            .secure(self.secure)
            .build()
    }
}

fn encode(cookie: &Cookie<'_>) -> HeaderValue {
    // Names and values are ours (hex, base64url, URL-encoded): always a valid header.
    HeaderValue::from_str(&cookie.to_string()).expect("a cookie of ours is a valid header value")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookies: &[&'static str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for c in cookies {
            h.append(header::COOKIE, HeaderValue::from_static(c));
        }
        h
    }

    #[test]
    fn the_session_token_is_read_from_among_other_cookies_and_headers() {
        let h = headers(&["theme=dark; sayr_session=abc123; other=1"]);
        assert_eq!(session_token(&h).as_deref(), Some("abc123"));
        let h = headers(&["theme=dark", "sayr_session=def"]);
        assert_eq!(session_token(&h).as_deref(), Some("def"));
        assert_eq!(session_token(&headers(&["sayr_session="])), None);
        assert_eq!(session_token(&headers(&["not_sayr_session=x"])), None);
    }

    #[test]
    fn only_well_formed_visitor_ids_are_read() {
        let good = "sayr_visitor=0123456789abcdef0123456789abcdef";
        assert_eq!(visitor_id(&headers(&[good])).map(|v| v.len()), Some(32));
        assert_eq!(visitor_id(&headers(&["sayr_visitor=short"])), None);
        assert_eq!(
            visitor_id(&headers(&["sayr_visitor=0123456789abcdef0123456789abcdeg"])),
            None
        );
    }

    #[test]
    fn session_cookies_are_http_only_lax_and_secure_when_asked() {
        let plain = CookiePolicy::default().session(Some("t"));
        let plain = plain.to_str().unwrap();
        assert!(plain.starts_with("sayr_session=t"));
        for part in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=2592000"] {
            assert!(plain.contains(part), "{plain} lacks {part}");
        }
        assert!(!plain.contains("Secure") && !plain.contains("Domain"));

        let policy = CookiePolicy {
            secure: true,
            session_domain: Some("sayr.example".into()),
        };
        let set = policy.session(Some("t"));
        let set = set.to_str().unwrap();
        assert!(
            set.contains("Secure") && set.contains("Domain=sayr.example"),
            "{set}"
        );
        let cleared = policy.session(None);
        let cleared = cleared.to_str().unwrap();
        assert!(cleared.starts_with("sayr_session=;") && cleared.contains("Max-Age=0"));
        assert!(
            cleared.contains("Domain=sayr.example"),
            "clearing must hit the same cookie"
        );
    }

    #[test]
    fn short_lived_cookies_keep_their_path_and_site_and_removals_expire_them() {
        let policy = CookiePolicy::default();
        let flow = policy.short_lived(
            "sayr_oauth",
            "github.s.n.v",
            "/api/auth/callback",
            SameSite::Lax,
            std::time::Duration::from_secs(600),
        );
        let flow = flow.to_str().unwrap();
        assert!(flow.contains("Path=/api/auth/callback") && flow.contains("Max-Age=600"));
        let gone = policy.removal("sayr_new_key", "/", SameSite::Strict);
        let gone = gone.to_str().unwrap();
        assert!(
            gone.contains("SameSite=Strict") && gone.contains("Max-Age=0"),
            "{gone}"
        );
    }
}
