//! The guide's examples, run against a live instance as a reader would run them: every
//! `sh example` block of a page runs in one bash (curl, jq), in order, and what a block
//! prints must match the `json output` shown after it. The guide's own checks (links,
//! anchors, tables) are the unit tests of `server/src/http/docs.rs`.

use crate::common::{Backend, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// `shown` (from the guide) matches `got` (what the example printed): objects by the keys
/// shown, arrays by their first elements, `"…"` anything.
fn matches(shown: &Value, got: &Value) -> bool {
    match (shown, got) {
        (Value::String(s), _) if s == "…" => true,
        (Value::Object(a), Value::Object(b)) => a
            .iter()
            .all(|(k, v)| b.get(k).is_some_and(|g| matches(v, g))),
        (Value::Array(a), Value::Array(b)) => {
            a.len() <= b.len() && a.iter().zip(b).all(|(x, y)| matches(x, y))
        }
        (a, b) => a == b,
    }
}

fn json_values(text: &str) -> Result<Vec<Value>, serde_json::Error> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .collect()
}

#[test]
fn the_matcher_takes_subsets_and_wildcards_and_nothing_else() {
    let got = json!({"a": 1, "b": [1, 2, 3], "c": {"d": "x", "e": null}});
    assert!(matches(
        &json!({"a": 1, "b": [1, "…"], "c": {"d": "…"}}),
        &got
    ));
    assert!(!matches(&json!({"a": 2}), &got));
    assert!(!matches(&json!({"z": "…"}), &got), "a key shown must exist");
    assert!(!matches(&json!({"b": [1, 2, 3, 4]}), &got));
    assert!(!matches(&json!({"c": {"e": 0}}), &got));
}

#[tokio::test]
async fn every_example_in_the_guide_answers_as_the_guide_says() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // The reader of the guide: ada, who owns Acme, whose public page is on.
    let ada = app.sign_up("ada@example.com").await;
    let (status, body) = app
        .post(
            "/api/v1/orgs",
            json!({"name": "Acme", "slug": "acme", "shortId": "ACM"}),
            Some(&ada),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = app
        .request(
            Method::PATCH,
            "/api/v1/orgs/acme",
            Some(json!({"settings": {"publicPage": true, "publicActions": true}})),
            Some(&ada),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .post("/api/v1/me/api-keys", json!({"name": "docs"}), Some(&ada))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let key = body["key"].as_str().unwrap().to_string();

    let guide = server::http::docs::build(guide::Base::Served);
    let mut ran = 0;
    let mut failures = Vec::new();
    for page in guide.pages().iter().filter(|p| !p.examples.is_empty()) {
        let dir = tempfile::tempdir().unwrap();
        let mut script = String::from("set -euo pipefail\n");
        for (i, example) in page.examples.iter().enumerate() {
            script.push_str(&format!(
                "echo '@@ example {i}' >&2\n{{\n{}\n}} > {}/{i}.out\n",
                example.code.trim_end(),
                dir.path().display()
            ));
        }
        let out = tokio::process::Command::new("bash")
            .arg("-c")
            .arg(&script)
            .env("SAYR_URL", &app.base)
            .env("SAYR_API_KEY", &key)
            .output()
            .await
            .expect("bash runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            let at = stderr
                .lines()
                .filter_map(|l| l.strip_prefix("@@ example "))
                .last()
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0);
            failures.push(format!(
                "{}: example {} failed ({}):\n{}\n--- stderr:\n{stderr}",
                page.path,
                at + 1,
                out.status,
                page.examples[at].code
            ));
            continue;
        }
        for (i, example) in page.examples.iter().enumerate() {
            ran += 1;
            let Some(shown) = &example.output else {
                continue;
            };
            let printed = std::fs::read_to_string(dir.path().join(format!("{i}.out"))).unwrap();
            let verdict = match (json_values(shown), json_values(&printed)) {
                (Err(e), _) => Err(format!("its `json output` is not JSON: {e}")),
                (_, Err(e)) => Err(format!("it printed no JSON ({e})")),
                (Ok(shown), Ok(got)) if got.len() < shown.len() => Err(format!(
                    "it printed {} values, the guide shows {}",
                    got.len(),
                    shown.len()
                )),
                (Ok(shown), Ok(got)) => {
                    let got = &got[got.len() - shown.len()..];
                    if shown.iter().zip(got).all(|(s, g)| matches(s, g)) {
                        Ok(())
                    } else {
                        Err("it printed something else".to_string())
                    }
                }
            };
            if let Err(why) = verdict {
                failures.push(format!(
                    "{}: example {}: {why}\n{}\n--- the guide shows:\n{shown}--- it printed:\n{printed}",
                    page.path,
                    i + 1,
                    example.code
                ));
            }
        }
    }
    assert!(ran >= 10, "only {ran} examples in the guide");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

async fn page(app: &TestApp, path: &str) -> (StatusCode, String) {
    let res = app
        .http
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test]
async fn the_guide_is_served_with_its_search_and_its_tables() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (status, html) = page(&app, "/docs").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("href=\"/docs/public/public-actions\""),
        "{html}"
    );
    let (status, html) = page(&app, "/docs/self-hosting/configuration").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("<td><code>SAYR_LISTED_ORGS</code></td>"),
        "the settings table"
    );
    let (_, html) = page(&app, "/docs/search?q=public+actions").await;
    assert!(
        html.contains("href=\"/docs/public/public-actions\""),
        "{html}"
    );
    let (status, html) = page(&app, "/docs/no/such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Search"), "a missing page offers a search");
    let res = app
        .http
        .get(format!("{}/docs/search-index.json", app.base))
        .send()
        .await
        .unwrap();
    let index: Value = res.json().await.unwrap();
    assert!(
        index.as_array().unwrap().len() > 100,
        "an entry per heading"
    );
    let res = app
        .http
        .get(format!("{}/docs/screenshots/board-dark.png", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "image/png");
}

#[tokio::test]
async fn visitors_get_a_landing_page_with_the_docs_and_the_listed_public_pages() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.listed_orgs = vec!["hidden".into(), "acme".into(), "nobody".into()];
    })
    .await;
    let owner = app.sign_up("owner@example.test").await;
    for (slug, public) in [("acme", true), ("hidden", false)] {
        let (status, body) = app
            .post(
                "/api/v1/orgs",
                json!({"name": format!("Org {slug}"), "slug": slug, "shortId": "ABC", "description": "We build in the open."}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, _) = app
            .request(
                Method::PATCH,
                &format!("/api/v1/orgs/{slug}"),
                Some(json!({"settings": {"publicPage": public}})),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, html) = page(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("href=\"/docs\""), "a link to the docs");
    assert!(html.contains("href=\"/orgs/acme\""), "a listed public page");
    assert!(html.contains("We build in the open."));
    assert!(
        !html.contains("/orgs/hidden"),
        "an org whose public page is off is not listed"
    );
}
