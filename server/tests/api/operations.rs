//! Health, readiness, request ids and the shape of errors.

use reqwest::StatusCode;
use serde_json::json;

on_each_backend!(health_and_readiness_answer, |app| {
    let res = app
        .http
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .http
        .get(format!("{}/readyz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
});

on_each_backend!(every_response_carries_a_request_id, |app| {
    let res = app
        .http
        .get(format!("{}/api/v1/nothing-here", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let id = res
        .headers()
        .get("x-request-id")
        .expect("x-request-id")
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
});

on_each_backend!(bodies_over_one_mebibyte_are_refused_with_413, |app| {
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    let huge = "x".repeat(1024 * 1024 + 10);
    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "t", "description": huge}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"]["code"], "too_large");
    let (_, list) = app.get("/api/v1/orgs/acme/tasks", Some(&owner)).await;
    assert_eq!(list["items"], json!([]), "nothing was stored");
});

on_each_backend!(malformed_json_is_invalid_input, |app| {
    let owner = app.sign_up("owner@example.test").await;
    let res = app
        .http
        .post(format!("{}/api/v1/orgs", app.base))
        .header("cookie", owner.cookie())
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_input");
});

on_each_backend!(
    malformed_path_parameters_are_invalid_input_in_the_contracts_shape,
    |app| {
        let owner = app.sign_up("owner@example.test").await;
        app.create_org(&owner, "acme").await;
        for path in [
            "/api/v1/orgs/acme/tasks/not-a-number",
            "/api/v1/orgs/acme/teams/not-a-uuid/members/x",
        ] {
            let (status, body) = app
                .request(reqwest::Method::GET, path, None, Some(&owner))
                .await;
            let (status, body) = if status == StatusCode::METHOD_NOT_ALLOWED {
                app.request(reqwest::Method::PUT, path, None, Some(&owner))
                    .await
            } else {
                (status, body)
            };
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
            assert_eq!(body["error"]["code"], "invalid_input", "{path}: {body}");
        }
    }
);

mod metrics_count_open_sockets_and_messages {
    use super::*;
    use crate::common::{self, Backend, TestApp};

    const TOKEN: &str = "metrics-test-token";

    async fn on(backend: Backend) {
        let app = TestApp::spawn_with(backend, |c| {
            c.metrics_token = Some(server::config::Secret::new(TOKEN));
        })
        .await;
        let database = app.database.clone();
        common::within_limit(database, run(app)).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        on(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if common::postgres_url().is_some() {
            on(Backend::Postgres).await;
        }
    }

    async fn run(app: TestApp) {
        let mut ws = app.socket(None, "").await;
        ws.next().await;
        ws.next().await;
        // A message that is answered: once the answer is here, the server has counted both.
        ws.send_text("not json").await;
        ws.next().await;
        let res = app
            .http
            .get(format!("{}/metrics", app.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let text = res.text().await.unwrap();
        let value = |name: &str| -> u64 {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{name} ")))
                .unwrap_or_else(|| panic!("{name} in {text}"))
                .parse()
                .unwrap()
        };
        assert_eq!(value("sayr_ws_open_sockets"), 1);
        assert!(
            value("sayr_ws_messages_out_total") >= 3,
            "CONNECTION_STATUS, WAITING_ROOM, ERROR"
        );
        assert!(value("sayr_ws_messages_in_total") >= 1);
        assert_eq!(value("sayr_ws_slow_consumers_dropped_total"), 0);
    }
}
