//! What every response says about itself: the pages' Content-Security-Policy (a fresh nonce
//! on every inline script), framing (refused, but for the public pages of an org that named
//! the sites that may frame them), `Referrer-Policy`, `nosniff`, HSTS over https; JSON and
//! uploads; where `/metrics` answers; images in Markdown.

use crate::common::{self, Backend, TestApp};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::json;
use server::config::{Config, Secret};

async fn page(app: &TestApp, path: &str, cookie: Option<&str>) -> (StatusCode, HeaderMap, String) {
    let mut req = app.http.get(format!("{}{path}", app.base));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, res.text().await.unwrap())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}

/// The page's nonce, after checking the policy around it.
fn page_nonce(headers: &HeaderMap, path: &str) -> String {
    let csp = header(headers, "content-security-policy");
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src "))
        .unwrap_or_else(|| panic!("{path}: no script-src in {csp:?}"));
    let sources: Vec<&str> = script_src.split_whitespace().collect();
    assert!(
        !sources.contains(&"'unsafe-inline'") && !sources.contains(&"'unsafe-eval'"),
        "{path}: {csp}"
    );
    assert!(sources.contains(&"'wasm-unsafe-eval'"), "{path}: {csp}");
    for directive in [
        "default-src 'self'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(directive), "{path}: {directive} in {csp}");
    }
    script_src
        .split_whitespace()
        .find_map(|s| s.strip_prefix("'nonce-")?.strip_suffix('\''))
        .unwrap_or_else(|| panic!("{path}: no nonce in {csp}"))
        .to_string()
}

/// Every `<script` and `<style` of `html` carries `nonce`; returns how many scripts.
fn all_inline_carry(html: &str, nonce: &str, path: &str) -> usize {
    let mut scripts = 0;
    for tag in ["<script", "<style"] {
        for (at, _) in html.match_indices(tag) {
            let end = html[at..].find('>').map(|e| at + e).unwrap();
            let open = &html[at..=end];
            assert!(
                open.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: {open} lacks this response's nonce {nonce}"
            );
            if tag == "<script" {
                scripts += 1;
            }
        }
    }
    scripts
}

fn assert_common(headers: &HeaderMap, path: &str) {
    assert_eq!(
        header(headers, "x-content-type-options"),
        "nosniff",
        "{path}"
    );
    assert_eq!(
        header(headers, "referrer-policy"),
        "strict-origin-when-cross-origin",
        "{path}"
    );
    assert!(
        headers.get(app::api::FRAME_ANCESTORS_HEADER).is_none(),
        "{path}: the internal header is never sent"
    );
}

fn frame_ancestors(headers: &HeaderMap) -> String {
    header(headers, "content-security-policy")
        .split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix("frame-ancestors "))
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_has_a_policy_whose_fresh_nonce_is_on_every_inline_script() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    common::within_limit(None, async {
        let owner = app.sign_up("ada@example.test").await;
        app.create_org(&owner, "acme").await;
        let (status, _) = app
            .post(
                "/api/v1/orgs/acme/tasks",
                json!({"title": "Ship it", "description": "Some **text**"}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let cookie = owner.cookie();
        let mut nonces = Vec::new();
        for (path, signed_in, expected) in [
            ("/login", false, StatusCode::OK),
            ("/signup", false, StatusCode::OK),
            ("/", true, StatusCode::OK),
            ("/orgs/acme/tasks", true, StatusCode::OK),
            ("/orgs/acme/tasks/1", true, StatusCode::OK),
            ("/orgs/acme/settings", true, StatusCode::OK),
            ("/settings/account", true, StatusCode::OK),
            ("/settings/notifications", true, StatusCode::OK),
            ("/inbox", true, StatusCode::OK),
            ("/my-tasks", true, StatusCode::OK),
            ("/admin", true, StatusCode::OK),
            ("/admin/jobs", true, StatusCode::OK),
            ("/orgs/acme", true, StatusCode::OK),
            ("/orgs/acme/releases", true, StatusCode::OK),
            ("/verify-email?token=abc", false, StatusCode::OK),
            ("/forgot-password", false, StatusCode::OK),
            ("/reset-password?token=abc", false, StatusCode::OK),
            // An unknown invitation link is gone (410), in a page all the same.
            ("/invite?token=abc", false, StatusCode::GONE),
            ("/no/such/page", false, StatusCode::NOT_FOUND),
        ] {
            let (status, headers, html) =
                page(&app, path, signed_in.then_some(cookie.as_str())).await;
            assert_eq!(status, expected, "{path}");
            assert!(
                header(&headers, "content-type").starts_with("text/html"),
                "{path}"
            );
            assert_common(&headers, path);
            let nonce = page_nonce(&headers, path);
            let scripts = all_inline_carry(&html, &nonce, path);
            assert!(scripts >= 1, "{path}: the hydration script at least");
            // The public page is framed by the settings' preview; nothing else is framed.
            let (ancestors, xfo) = match path {
                "/orgs/acme" => ("'self'", "SAMEORIGIN"),
                _ => ("'none'", "DENY"),
            };
            assert_eq!(frame_ancestors(&headers), ancestors, "{path}");
            assert_eq!(header(&headers, "x-frame-options"), xfo, "{path}");
            assert!(
                headers.get("strict-transport-security").is_none(),
                "{path}: not over http"
            );
            nonces.push(nonce);
        }
        // The board carries its data in scripts too: they need the nonce as much.
        let (_, headers, board) = page(&app, "/orgs/acme/tasks", Some(&cookie)).await;
        let nonce = page_nonce(&headers, "board");
        assert!(all_inline_carry(&board, &nonce, "board") >= 2, "{board}");
        nonces.push(nonce);
        let count = nonces.len();
        nonces.sort();
        nonces.dedup();
        assert_eq!(nonces.len(), count, "a fresh nonce for every response");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_reference_page_runs_under_the_policy_too() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (status, headers, html) = page(&app, "/api/docs", None).await;
    assert_eq!(status, StatusCode::OK);
    let nonce = page_nonce(&headers, "/api/docs");
    assert_eq!(all_inline_carry(&html, &nonce, "/api/docs"), 1);
    assert!(html.contains(&format!("<style nonce=\"{nonce}\">")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_page_may_be_framed_only_by_the_sites_the_org_names() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    common::within_limit(None, async {
        let owner = app.sign_up("ada@example.test").await;
        let org = app.create_org(&owner, "acme").await;
        assert_eq!(org["settings"]["framing"], json!([]));
        let patch = |framing: serde_json::Value| {
            json!({"settings": {"publicPage": true, "framing": framing}})
        };
        let (status, _) = app
            .request(Method::PATCH, "/api/v1/orgs/acme", Some(patch(json!([]))), Some(&owner))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = app
            .post(
                "/api/v1/orgs/acme/tasks",
                json!({"title": "Public", "visibility": "public"}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);

        // By default: this instance's own pages only (the settings page previews it).
        let (status, headers, _) = page(&app, "/orgs/acme", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_common(&headers, "portal");
        assert_eq!(frame_ancestors(&headers), "'self'");
        assert_eq!(header(&headers, "x-frame-options"), "SAMEORIGIN");

        // Bad lists are refused, naming the field.
        for bad in [
            json!(["http://roadmap.example.com"]),
            json!(["https://*.example.com"]),
            json!(["https://a.example; script-src *"]),
            json!((0..11).map(|i| format!("https://s{i}.example")).collect::<Vec<_>>()),
        ] {
            let (status, body) = app
                .request(Method::PATCH, "/api/v1/orgs/acme", Some(patch(bad.clone())), Some(&owner))
                .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
            assert!(body["error"]["fields"]["framing"].is_string(), "{body}");
        }

        let (status, body) = app
            .request(
                Method::PATCH,
                "/api/v1/orgs/acme",
                Some(patch(json!(["https://Roadmap.example.com/", "https://docs.example.org:8443"]))),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body["org"]["settings"]["framing"],
            json!(["https://roadmap.example.com", "https://docs.example.org:8443"])
        );
        let allowed = "'self' https://roadmap.example.com https://docs.example.org:8443";
        for (path, cookie) in [("/orgs/acme", None), ("/orgs/acme/tasks/1", None)] {
            let (status, headers, html) = page(&app, path, cookie).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_eq!(frame_ancestors(&headers), allowed, "{path}");
            assert!(headers.get("x-frame-options").is_none(), "{path}");
            let nonce = page_nonce(&headers, path);
            all_inline_carry(&html, &nonce, path);
        }
        // The same page over the server function (JSON) carries no marker either.
        let res = app
            .http
            .post(format!("{}/sfn/portal", app.base))
            .header("origin", &app.base)
            .header("accept", "application/json")
            .form(&[("slug", "acme")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_common(res.headers(), "/sfn/portal");
        // Members' pages stay unframeable.
        let cookie = owner.cookie();
        for path in ["/orgs/acme/tasks", "/orgs/acme/settings", "/orgs/acme/tasks/1"] {
            let (_, headers, _) = page(&app, path, Some(&cookie)).await;
            assert_eq!(frame_ancestors(&headers), "'none'", "{path}");
            assert_eq!(header(&headers, "x-frame-options"), "DENY", "{path}");
        }
        // Emptying the list closes the door again.
        let (status, _) = app
            .request(Method::PATCH, "/api/v1/orgs/acme", Some(patch(json!([]))), Some(&owner))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, headers, _) = page(&app, "/orgs/acme", None).await;
        assert_eq!(frame_ancestors(&headers), "'self'");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_and_uploads_get_a_policy_that_runs_and_frames_nothing() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    common::within_limit(None, async {
        let owner = app.sign_up("ada@example.test").await;
        app.create_org(&owner, "acme").await;
        let res = app
            .http
            .get(format!("{}/api/v1/orgs/acme", app.base))
            .header("cookie", owner.cookie())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_common(res.headers(), "json");
        assert_eq!(
            header(res.headers(), "content-security-policy"),
            "default-src 'none'; frame-ancestors 'none'"
        );
        assert_eq!(header(res.headers(), "x-frame-options"), "DENY");

        let (status, body) = app
            .upload(
                Method::POST,
                "/api/v1/orgs/acme/files",
                Some(&owner),
                "a.png",
                &common::png(64),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let res = app
            .http
            .get(format!("{}{}", app.base, body["url"].as_str().unwrap()))
            .header("cookie", owner.cookie())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_common(res.headers(), "upload");
        assert_eq!(
            header(res.headers(), "content-security-policy"),
            "default-src 'none'; sandbox"
        );
        assert_eq!(header(res.headers(), "x-frame-options"), "DENY");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_served_over_https_asks_browsers_to_stay_on_https() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.public_url = Some("https://sayr.example".into());
    })
    .await;
    for path in ["/healthz", "/login"] {
        let (_, headers, _) = page(&app, path, None).await;
        assert_eq!(
            header(&headers, "strict-transport-security"),
            "max-age=31536000; includeSubDomains",
            "{path}"
        );
    }
    let (_, headers, _) = page(&app, "/login", None).await;
    let csp = header(&headers, "content-security-policy");
    assert!(
        csp.contains("connect-src 'self' wss://sayr.example"),
        "{csp}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_images_load_only_from_this_instance_and_the_configured_hosts() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.markdown_image_hosts = vec!["images.example.org".into()];
    })
    .await;
    common::within_limit(None, async {
        let owner = app.sign_up("ada@example.test").await;
        app.create_org(&owner, "acme").await;
        let description = format!(
            "![ours]({}/files/00000000-0000-0000-0000-000000000000/a.png) \
             ![allowed](https://images.example.org/a.png) \
             ![tracker](https://tracker.example/pixel.png) \
             <img src=\"https://tracker.example/raw.png\"> <input type=\"text\" name=\"x\">",
            app.base
        );
        let (status, task) = app
            .post(
                "/api/v1/orgs/acme/tasks",
                json!({"title": "Images", "description": description}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{task}");
        let html = task["task"]["descriptionHtml"].as_str().unwrap();
        assert!(html.contains(&format!("<img src=\"{}/files/", app.base)), "{html}");
        assert!(html.contains("<img src=\"https://images.example.org/a.png\""), "{html}");
        assert!(
            html.contains("<a href=\"https://tracker.example/pixel.png\" rel=\"noopener noreferrer nofollow ugc\">tracker</a>"),
            "{html}"
        );
        assert!(!html.contains("raw.png"), "{html}");
        assert!(!html.contains("type=\"text\"") && html.contains("type=\"checkbox\""), "{html}");
        // And the pages let the allowed host's images load.
        let (_, headers, _) = page(&app, "/login", None).await;
        let csp = header(&headers, "content-security-policy");
        assert!(csp.contains("https://images.example.org"), "{csp}");
        assert!(!csp.contains("tracker.example"), "{csp}");
    })
    .await;
}

async fn metrics(app: &TestApp, token: Option<&str>) -> StatusCode {
    let mut req = app.http.get(format!("{}/metrics", app.base));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.send().await.unwrap().status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_not_public_unless_configured() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    assert_eq!(metrics(&app, None).await, StatusCode::NOT_FOUND);
    assert_eq!(metrics(&app, Some("guess")).await, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_on_the_main_port_need_the_token() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.metrics_token = Some(Secret::new("s3cret-token"));
    })
    .await;
    assert_eq!(metrics(&app, None).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        metrics(&app, Some("s3cret-tokem")).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        metrics(&app, Some("s3cret")).await,
        StatusCode::UNAUTHORIZED
    );
    let res = app
        .http
        .get(format!("{}/metrics", app.base))
        .bearer_auth("s3cret-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("sayr_ws_open_sockets"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_on_their_own_listener_leave_the_main_port() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().to_path_buf());
    config.site_root = Some(dir.path().join("site"));
    config.metrics_addr = Some("127.0.0.1:0".parse().unwrap());
    // A token changes nothing then: the main port has no /metrics at all.
    config.metrics_token = Some(Secret::new("s3cret-token"));
    let app = server::startup::Application::build(config).await.unwrap();
    let main = format!("http://{}", app.address());
    let own = format!("http://{}", app.metrics_address().expect("bound"));
    tokio::spawn(app.run_until(std::future::pending()));
    let http = reqwest::Client::new();
    let res = http
        .get(format!("{main}/metrics"))
        .bearer_auth("s3cret-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = http.get(format!("{own}/metrics")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("sayr_ws_open_sockets"));
    // Only the figures there.
    let res = http.get(format!("{own}/api/v1/me")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
