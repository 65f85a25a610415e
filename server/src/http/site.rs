//! The site's files: embedded in the binary (the `assets` crate) unless `LEPTOS_SITE_ROOT`
//! names a directory to serve instead (development), or the binary was built without one.
//!
//! Embedded, the bundle lives under `/pkg/<hash>/`, the hash of its contents: a new build is
//! a new address, so browsers keep each file for good (`immutable`) and never mix the
//! chunks of two builds. The WASM chunks import one another by relative names, which the
//! directory leaves untouched.

use axum::Router;
use axum::body::Body;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::path::PathBuf;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// A path that cannot be a directory: Leptos' own file handler finds nothing under it (an
/// unrelated `target/site` in the working directory is never served by an embedding
/// binary). Leptos' split manifest is not found there either; it would only name chunks to
/// preload through `leptos_meta`, which the app does not use.
const NO_DIRECTORY: &str = "/dev/null/sayr-embedded-site";

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Public files (the icon) keep their names across builds: browsers check back hourly.
const PUBLIC: &str = "public, max-age=3600";

/// Where the site's files come from.
#[derive(Clone, Debug)]
pub enum Site {
    /// Compiled into this binary.
    Embedded,
    /// A directory (`LEPTOS_SITE_ROOT`, or `target/site` when nothing was embedded).
    Disk(PathBuf),
}

impl Site {
    /// `LEPTOS_SITE_ROOT` when set; otherwise the embedded site, or `target/site` if the
    /// binary holds none.
    pub fn choose(site_root: Option<&std::path::Path>) -> Self {
        match site_root {
            Some(dir) => Site::Disk(dir.to_path_buf()),
            None if !assets::is_empty() => Site::Embedded,
            None => Site::Disk(PathBuf::from("target/site")),
        }
    }

    /// The site root Leptos is told.
    pub fn root(&self) -> String {
        match self {
            Site::Embedded => NO_DIRECTORY.to_string(),
            Site::Disk(dir) => dir.to_string_lossy().into_owned(),
        }
    }

    /// The bundle's directory in URLs, without slashes: `pkg/<hash>` or `pkg`.
    pub fn pkg_dir(&self) -> String {
        match self {
            Site::Embedded => format!("pkg/{}", assets::PKG_HASH),
            Site::Disk(_) => "pkg".to_string(),
        }
    }

    /// `/pkg`'s routes.
    pub fn pkg_router<S: Clone + Send + Sync + 'static>(&self) -> Router<S> {
        match self {
            Site::Embedded => Router::new()
                .route("/{hash}/{*file}", get(embedded_bundle_file))
                .fallback(|| async { StatusCode::NOT_FOUND }),
            Site::Disk(dir) => Router::new()
                .fallback_service(
                    ServeDir::new(dir.join("pkg"))
                        .precompressed_br()
                        .precompressed_gzip(),
                )
                .layer(SetResponseHeaderLayer::overriding(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=300"),
                )),
        }
    }
}

/// `/pkg/<hash>/<file>`: a file of this build's bundle. Another build's hash is 404: its
/// chunks are not here, and this build's would not fit a page rendered by that one.
async fn embedded_bundle_file(
    Path((hash, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if hash != assets::PKG_HASH {
        return StatusCode::NOT_FOUND.into_response();
    }
    let path = format!("pkg/{file}");
    let found = assets::get(&path).or_else(|| {
        // `<name>_bg.wasm` is served from `<name>.wasm` (the build embeds one copy).
        let stem = path.strip_suffix("_bg.wasm")?;
        assets::get(&format!("{stem}.wasm"))
    });
    match found {
        Some(asset) => respond(asset, &headers, IMMUTABLE),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A public file of the embedded site (`/favicon.svg`), if `path` names one. The bundle is
/// only reachable under its hash.
pub fn embedded_public_file(path: &str, headers: &HeaderMap) -> Option<Response> {
    let path = path.trim_start_matches('/');
    if path.starts_with("pkg/") || path.is_empty() {
        return None;
    }
    assets::get(path).map(|asset| respond(asset, headers, PUBLIC))
}

/// The file, in the best encoding the client takes that the build precompressed.
fn respond(asset: &'static assets::Asset, headers: &HeaderMap, cache: &'static str) -> Response {
    let etag = format!("\"{}\"", assets::PKG_HASH);
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return (
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag),
                (header::CACHE_CONTROL, cache.to_string()),
            ],
        )
            .into_response();
    }
    let accepts = |coding: &str| accepts_encoding(headers, coding);
    let (body, encoding) = match (asset.br, asset.gzip) {
        (Some(br), _) if accepts("br") => (br, Some("br")),
        (_, Some(gzip)) if accepts("gzip") => (gzip, Some("gzip")),
        _ => (asset.body(), None),
    };
    let mut response = Response::new(Body::from(body));
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(asset.path)),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, etag);
    }
    if let Some(encoding) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response
}

/// Whether `Accept-Encoding` takes `coding` (named, or `*`, with a q-value above 0).
fn accepts_encoding(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (name.eq_ignore_ascii_case(coding) || name == "*") && q > 0.0
        })
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("webmanifest") => "application/manifest+json",
        Some("txt") => "text/plain; charset=utf-8",
        Some("woff2") => "font/woff2",
        Some("html") => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        h
    }

    #[test]
    fn encodings_are_taken_as_the_client_weighs_them() {
        assert!(accepts_encoding(&accept("gzip, deflate, br, zstd"), "br"));
        assert!(accepts_encoding(&accept("gzip;q=0.5"), "gzip"));
        assert!(!accepts_encoding(&accept("gzip, br;q=0"), "br"));
        assert!(accepts_encoding(&accept("*"), "br"));
        assert!(!accepts_encoding(&accept("identity"), "gzip"));
        assert!(!accepts_encoding(&HeaderMap::new(), "gzip"));
    }

    #[test]
    fn an_embedding_binary_never_reads_a_site_from_disk() {
        // A plain path component under /dev/null cannot exist on Unix.
        assert!(!std::path::Path::new(NO_DIRECTORY).exists());
        assert_eq!(Site::Embedded.root(), NO_DIRECTORY);
    }
}
