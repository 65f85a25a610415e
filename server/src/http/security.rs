//! The headers that keep pages in their place, on every response: a Content-Security-Policy
//! whose scripts need this response's nonce, no framing (but for the public pages of an org
//! that named the sites that may frame them), `Referrer-Policy`, `nosniff` and, over https,
//! HSTS.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

/// This response's CSP nonce, in the request's extensions: every inline `<script>` the
/// response carries must have it (the pages get it through Leptos' `use_nonce`).
#[derive(Clone, Debug)]
pub struct CspNonce(pub Arc<str>);

impl CspNonce {
    /// 122 random bits (a v4 UUID's), hex: a valid CSP nonce.
    fn new() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string().into())
    }
}

/// What the policy says besides the nonce, worked out once from the configuration.
#[derive(Clone, Debug)]
pub struct SecurityHeaders {
    /// Sources for `img-src` besides `'self' data:`: the public URL, a CDN for public
    /// files, the hosts Markdown images may come from.
    img_src: String,
    /// Sources for `connect-src` besides `'self'`: the socket's `ws(s)://` addresses.
    connect_src: String,
    /// Served over https: HSTS.
    hsts: bool,
}

/// Headers' values that never change.
const NOSNIFF: HeaderValue = HeaderValue::from_static("nosniff");
const REFERRER: HeaderValue = HeaderValue::from_static("strict-origin-when-cross-origin");
const HSTS: HeaderValue = HeaderValue::from_static("max-age=31536000; includeSubDomains");
const NOTHING: HeaderValue = HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'");
const DENY: HeaderValue = HeaderValue::from_static("DENY");
const SAMEORIGIN: HeaderValue = HeaderValue::from_static("SAMEORIGIN");

impl SecurityHeaders {
    /// The policy of an instance reached at `public_url`, with org subdomains under
    /// `root_domain`, public files on `files_public_url`, and Markdown images from
    /// `image_hosts`.
    pub fn new(
        public_url: &str,
        root_domain: Option<&str>,
        files_public_url: Option<&str>,
        image_hosts: &[String],
    ) -> Self {
        let public = reqwest::Url::parse(public_url).ok();
        let https = public.as_ref().is_some_and(|u| u.scheme() == "https");
        let authority = public.as_ref().and_then(|u| {
            let host = u.host_str()?;
            Some(match u.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_string(),
            })
        });
        let ws = if https { "wss" } else { "ws" };
        let mut img = Vec::new();
        let mut connect = Vec::new();
        if let Some(public) = &public {
            img.push(public.origin().ascii_serialization());
        }
        if let Some(authority) = &authority {
            // Browsers before CSP 3 do not count `ws:` to this host as `'self'`.
            connect.push(format!("{ws}://{authority}"));
        }
        if let Some(root) = root_domain
            .map(|d| d.trim_matches('.'))
            .filter(|d| !d.is_empty())
        {
            let scheme = if https { "https" } else { "http" };
            img.push(format!("{scheme}://*.{root}"));
            connect.push(format!("{ws}://*.{root}"));
        }
        if let Some(cdn) = files_public_url.and_then(|u| reqwest::Url::parse(u).ok()) {
            img.push(cdn.origin().ascii_serialization());
        }
        for host in image_hosts {
            img.push(format!("https://{}", host.trim()));
        }
        // Every source goes into a header: nothing that could end a directive or the value.
        let clean = |list: Vec<String>| {
            list.into_iter()
                .filter(|s| s != "null" && !s.contains([';', ',', ' ', '\'', '"']))
                .filter(|s| HeaderValue::from_str(s).is_ok())
                .fold(String::new(), |acc, s| acc + " " + &s)
        };
        Self {
            img_src: clean(img),
            connect_src: clean(connect),
            hsts: https,
        }
    }

    /// The page policy for a response with `nonce`, framed by `ancestors`.
    fn page_policy(&self, nonce: &str, ancestors: &str) -> String {
        // Styles: the stylesheet only, but `style` attributes are allowed (label colours and
        // progress bars, set per value); CSS cannot run script, and what it could load is
        // held by img-src and font-src.
        format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self' 'nonce-{nonce}'; style-src-attr 'unsafe-inline'; \
             img-src 'self' data:{img}; connect-src 'self'{connect}; font-src 'self'; \
             frame-src 'self'; frame-ancestors {ancestors}; base-uri 'self'; \
             form-action 'self'; object-src 'none'",
            img = self.img_src,
            connect = self.connect_src,
        )
    }
}

/// Sets the headers on every response; see the module's documentation.
pub async fn security_headers(
    State(policy): State<Arc<SecurityHeaders>>,
    mut req: Request,
    next: Next,
) -> Response {
    let nonce = CspNonce::new();
    req.extensions_mut().insert(nonce.clone());
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    let ancestors = framing(headers);
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, NOSNIFF);
    headers.insert(header::REFERRER_POLICY, REFERRER);
    if policy.hsts {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    let html = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if html {
        let ancestors = ancestors.as_deref().unwrap_or("'none'");
        let csp = policy.page_policy(&nonce.0, ancestors);
        match HeaderValue::from_str(&csp) {
            Ok(csp) => {
                headers.insert(header::CONTENT_SECURITY_POLICY, csp);
            }
            Err(_) => {
                headers.insert(header::CONTENT_SECURITY_POLICY, NOTHING);
            }
        }
        match ancestors {
            "'none'" => headers.insert(header::X_FRAME_OPTIONS, DENY),
            // The org's sites: `frame-ancestors` alone says who (X-Frame-Options cannot).
            a if a != "'self'" => headers.remove(header::X_FRAME_OPTIONS),
            _ => headers.insert(header::X_FRAME_OPTIONS, SAMEORIGIN),
        };
    } else {
        // JSON, files, assets: nothing to run, nothing to frame (a file keeps its own CSP).
        if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
            headers.insert(header::CONTENT_SECURITY_POLICY, NOTHING);
        }
        headers.insert(header::X_FRAME_OPTIONS, DENY);
    }
    res
}

/// The `frame-ancestors` a page asked for (`'self'` and the org's origins), taken off the
/// response; anything but that shape is ignored.
fn framing(headers: &mut HeaderMap) -> Option<String> {
    let name = HeaderName::from_static(app::api::FRAME_ANCESTORS_HEADER);
    let value = headers.remove(&name)?;
    let value = value.to_str().ok()?;
    let mut sources = value.split_whitespace();
    if sources.next() != Some("'self'") {
        return None;
    }
    let origins: Vec<&str> = sources.collect();
    let parsed = domain::parse::FrameOrigins::parse(&origins).ok()?;
    Some(
        std::iter::once("'self'".to_string())
            .chain(parsed.into_vec())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_policy_names_the_nonce_and_this_instances_sources() {
        let policy = SecurityHeaders::new(
            "https://sayr.example",
            Some("sayr.example"),
            Some("https://cdn.example/files"),
            &["images.example.org".to_string()],
        );
        assert!(policy.hsts);
        let csp = policy.page_policy("abc", "'none'");
        assert!(
            csp.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"),
            "{csp}"
        );
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
        assert!(
            csp.contains(
                "img-src 'self' data: https://sayr.example https://*.sayr.example https://cdn.example https://images.example.org;"
            ),
            "{csp}"
        );
        assert!(
            csp.contains("connect-src 'self' wss://sayr.example wss://*.sayr.example;"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    }

    #[test]
    fn plain_http_gets_no_hsts_and_bad_hosts_are_left_out() {
        let policy = SecurityHeaders::new(
            "http://127.0.0.1:3000",
            None,
            None,
            &["evil.example; script-src *".to_string()],
        );
        assert!(!policy.hsts);
        let csp = policy.page_policy("n", "'none'");
        assert!(
            csp.contains("connect-src 'self' ws://127.0.0.1:3000;"),
            "{csp}"
        );
        assert!(!csp.contains("evil"), "{csp}");
    }

    #[test]
    fn only_well_formed_framing_is_taken() {
        let mut headers = HeaderMap::new();
        let name = HeaderName::from_static(app::api::FRAME_ANCESTORS_HEADER);
        headers.insert(
            &name,
            HeaderValue::from_static("'self' https://a.example https://b.example:8443"),
        );
        assert_eq!(
            framing(&mut headers).as_deref(),
            Some("'self' https://a.example https://b.example:8443")
        );
        assert!(!headers.contains_key(&name), "never sent");
        headers.insert(&name, HeaderValue::from_static("'self' *"));
        assert_eq!(framing(&mut headers), None);
        headers.insert(&name, HeaderValue::from_static("https://a.example"));
        assert_eq!(framing(&mut headers), None);
    }
}
