//! The guide at `/docs` (the `guide` crate's pages), with the tables only the code can keep
//! true: every setting (from the same clap definitions as `sayr --help`), every permission
//! and every keyboard shortcut.

use crate::config::Config;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use guide::{Base, Guide};
use std::sync::LazyLock;

/// The served guide, rendered on first use.
static SERVED: LazyLock<Guide> = LazyLock::new(|| build(Base::Served));

/// Every page rendered for `base`.
pub fn build(base: Base) -> Guide {
    Guide::build(base, &generated)
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/docs", get(index))
        .route("/docs/", get(index))
        .route("/docs/docs.css", get(stylesheet))
        .route("/docs/search.js", get(script))
        .route("/docs/search-index.json", get(search_index))
        .route("/docs/search", get(search))
        .route("/docs/screenshots/{name}", get(screenshot))
        .route("/docs/{*page}", get(page))
}

async fn index() -> Html<String> {
    Html(SERVED.index_html())
}

async fn page(Path(path): Path<String>) -> Response {
    match SERVED.page_html(path.trim_end_matches('/')) {
        Some(html) => Html(html).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Html(SERVED.search_html(&path.replace(['/', '-'], " "))),
        )
            .into_response(),
    }
}

#[derive(serde::Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn search(Query(query): Query<SearchQuery>) -> Html<String> {
    Html(SERVED.search_html(&query.q))
}

const CACHED: (header::HeaderName, &str) = (header::CACHE_CONTROL, "public, max-age=3600");

async fn stylesheet() -> Response {
    static CSS: LazyLock<String> = LazyLock::new(guide::stylesheet);
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), CACHED],
        CSS.as_str(),
    )
        .into_response()
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            CACHED,
        ],
        guide::SCRIPT,
    )
        .into_response()
}

async fn search_index() -> Response {
    static JSON: LazyLock<String> = LazyLock::new(|| SERVED.index_json());
    (
        [(header::CONTENT_TYPE, "application/json"), CACHED],
        JSON.as_str(),
    )
        .into_response()
}

async fn screenshot(Path(name): Path<String>) -> Response {
    match guide::screenshot(&name) {
        Some(bytes) => ([(header::CONTENT_TYPE, "image/png"), CACHED], bytes).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The Markdown of a `<!-- sayr:NAME -->` table.
fn generated(name: &str) -> Option<String> {
    match name {
        "settings" => Some(settings_table()),
        "permissions" => Some(permissions_table()),
        "shortcuts" => Some(shortcuts_table()),
        _ => None,
    }
}

/// Every setting: its variable, its flag, its default and its help, as `sayr --help` has
/// them; then the two that are not flags.
pub fn settings_table() -> String {
    let command = <Config as clap::Args>::augment_args(clap::Command::new("sayr"));
    let mut out = String::from("| Variable | Flag | Default | What it does |\n|---|---|---|---|\n");
    out.push_str(
        "| `SAYR_CONFIG` | `--config` | | A file of `KEY=VALUE` lines (the variables below); the environment and flags override it. |\n",
    );
    for arg in command.get_arguments() {
        let Some(env) = arg.get_env() else { continue };
        let flag = arg
            .get_long()
            .map(|l| format!("`--{l}`"))
            .unwrap_or_default();
        let default: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        let default = if default.is_empty() {
            String::new()
        } else {
            format!("`{}`", default.join(","))
        };
        let help = arg
            .get_long_help()
            .or(arg.get_help())
            .map(|h| sentence(&cell(&h.to_string())))
            .unwrap_or_default();
        out.push_str(&format!(
            "| `{}` | {flag} | {default} | {help} |\n",
            env.to_string_lossy()
        ));
    }
    out.push_str(
        "| `SAYR_OIDC_<NAME>_ISSUER`, `_CLIENT_ID`, `_CLIENT_SECRET`, `_SCOPES`, `_DISPLAY_NAME` | | `SCOPES`: `openid email profile` | An OpenID Connect provider named `<name>` (lower-case letters and digits); the first three are required. Not a flag. |\n",
    );
    out
}

/// Every permission a team can hold, by group, with what it allows.
pub fn permissions_table() -> String {
    let mut out = String::from("| Permission | What it allows |\n|---|---|\n");
    for (group, permissions) in domain::permissions::PermissionSet::DESCRIBED {
        for (field, what) in *permissions {
            out.push_str(&format!(
                "| `{group}.{}` | {} |\n",
                camel(field),
                cell(what)
            ));
        }
    }
    out
}

/// Every keyboard shortcut, from the app's own table.
pub fn shortcuts_table() -> String {
    let mut out = String::from("| Keys | Where | What it does |\n|---|---|---|\n");
    for s in app::keys::SHORTCUTS {
        let keys: Vec<String> = s
            .display()
            .iter()
            .map(|k| format!("<kbd>{k}</kbd>"))
            .collect();
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            keys.join(" or "),
            s.scope.label(),
            cell(s.does)
        ));
    }
    out
}

/// Text fit for one cell of a Markdown table.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// clap drops the full stop of a one-line help: the table keeps its sentences whole.
fn sentence(text: &str) -> String {
    if text.is_empty() || text.ends_with(['.', ')', ':']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// `manage_members` → `manageMembers`, as the API spells it.
fn camel(field: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_has_a_line_with_its_help() {
        let table = settings_table();
        let command = <Config as clap::Args>::augment_args(clap::Command::new("sayr"));
        for arg in command.get_arguments() {
            let Some(env) = arg.get_env() else { continue };
            let env = env.to_string_lossy();
            let line = table
                .lines()
                .find(|l| l.starts_with(&format!("| `{env}` |")))
                .unwrap_or_else(|| panic!("{env} is not in the settings table"));
            assert!(
                !line.ends_with("|  |"),
                "{env} has no help text: write one on its field in config.rs"
            );
        }
        assert!(
            table.contains("| `SAYR_ADDR` | `--addr` | `127.0.0.1:3000` | Address to listen on. |"),
            "{table}"
        );
    }

    #[test]
    fn every_permission_is_described_under_its_api_name() {
        let table = permissions_table();
        let all = serde_json::to_value(domain::permissions::PermissionSet::all()).unwrap();
        for (group, fields) in all.as_object().unwrap() {
            for field in fields.as_object().unwrap().keys() {
                assert!(
                    table.contains(&format!("| `{group}.{field}` | ")),
                    "{group}.{field} is not in the permissions table"
                );
            }
        }
    }

    #[test]
    fn the_guide_has_no_broken_link_no_unknown_table_and_no_untitled_page() {
        for base in [Base::Served, Base::Static] {
            let guide = build(base);
            assert!(!guide.pages().is_empty());
            assert_eq!(guide.problems(), [] as [String; 0]);
        }
    }

    #[test]
    fn every_generated_table_is_used_somewhere_in_the_guide() {
        let guide = build(Base::Served);
        for (marker, sample) in [
            ("settings", "SAYR_SMTP_URL"),
            ("permissions", "tasks.changeStatus"),
            ("shortcuts", "<kbd>"),
        ] {
            assert!(
                guide.pages().iter().any(|p| p.html.contains(sample)),
                "no page shows the {marker} table"
            );
        }
    }
}

#[cfg(test)]
mod static_site {
    use super::*;
    use std::path::{Path as FsPath, PathBuf};

    fn html_files(dir: &FsPath, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                html_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "html") {
                out.push(path);
            }
        }
    }

    #[test]
    fn the_static_site_links_only_to_files_it_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let guide = build(Base::Static);
        let written = guide.write_static(dir.path()).unwrap();
        assert_eq!(written, guide.pages().len() + 4 + guide::SCREENSHOTS.len());
        let mut files = Vec::new();
        html_files(dir.path(), &mut files);
        let mut checked = 0;
        for file in &files {
            let html = std::fs::read_to_string(file).unwrap();
            for attr in ["href=\"", "src=\"", "data-index=\""] {
                for rest in html.split(attr).skip(1) {
                    let url = &rest[..rest.find('"').unwrap()];
                    if url.starts_with('#')
                        || url.starts_with('/')
                        || url.contains(':')
                        || url.is_empty()
                    {
                        continue;
                    }
                    let target = file.parent().unwrap().join(url.split('#').next().unwrap());
                    assert!(target.is_file(), "{}: {url} is not a file", file.display());
                    checked += 1;
                }
            }
        }
        assert!(checked > files.len() * 10, "only {checked} links checked");
    }
}
