//! The public changelog as an Atom feed: `/orgs/{slug}/releases.atom` (and `/releases.atom`
//! on an org's own host). Released releases, newest first, with their public tasks; what
//! visitors may not see never gets in, whoever asks.

use crate::http::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use domain::dto::{Org, ReleaseDetail};
use std::fmt::Write;

/// The most releases a feed carries.
const ENTRIES: usize = 50;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The feed's XML. `base` is the instance's public URL, without a trailing slash.
pub fn atom(base: &str, org: &Org, releases: &[ReleaseDetail]) -> String {
    let page = format!("{base}/orgs/{}/releases", org.slug);
    let updated = releases
        .iter()
        .filter_map(|r| r.release.released_at)
        .max()
        .unwrap_or(org.created_at);
    let mut xml = String::new();
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
         <title>{} releases</title>\n<id>{page}</id>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{page}\"/>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{page}.atom\"/>\n\
         <updated>{}</updated>\n",
        escape(&org.name),
        updated.to_rfc3339(),
    );
    for detail in releases {
        let r = &detail.release;
        let link = format!("{page}/{}", r.slug);
        let when = r.released_at.unwrap_or(r.updated_at).to_rfc3339();
        let mut html = r.description_html.clone();
        if !detail.tasks.is_empty() {
            html.push_str("<ul>");
            for t in &detail.tasks {
                let _ = write!(
                    html,
                    "<li><a href=\"{base}/orgs/{}/tasks/{}\">{}</a> {}</li>",
                    org.slug,
                    t.number,
                    escape(&t.key),
                    escape(&t.title)
                );
            }
            html.push_str("</ul>");
        }
        let _ = write!(
            xml,
            "<entry>\n<title>{}</title>\n<id>urn:uuid:{}</id>\n\
             <link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/>\n\
             <updated>{when}</updated>\n<published>{when}</published>\n\
             <content type=\"html\">{}</content>\n</entry>\n",
            escape(&r.name),
            r.id.0,
            escape(&html),
        );
    }
    xml.push_str("</feed>\n");
    xml
}

async fn respond(state: &AppState, slug: &str) -> Result<Response, ApiError> {
    let svc = &state.services;
    let (org, releases) = services::release::changelog(svc, slug, ENTRIES).await?;
    let base = svc.settings.public_url.trim_end_matches('/');
    let mut res = atom(base, &org, &releases).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/atom+xml; charset=utf-8"),
    );
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    Ok(res)
}

/// `GET /orgs/{slug}/releases.atom`
pub async fn org_feed(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    respond(&state, &slug).await
}

/// `GET /releases.atom` on an org's own host.
pub async fn host_feed(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    let host = request
        .extensions()
        .get::<app::OrgHost>()
        .cloned()
        .ok_or(services::DomainError::NotFound)?;
    respond(&state, &host.0).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
