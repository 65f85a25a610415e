//! The baseline for BENCHMARKS.md: a bare axum handler that serializes 50 tasks per request,
//! with no database, no auth and no middleware. `sayr`'s list endpoint is measured beside it.

use axum::{Json, Router, routing::get};
use domain::dto::Task;
use serde_json::{Value, json};

fn tasks() -> Vec<Task> {
    (1..=50)
        .map(|n| {
            serde_json::from_value(json!({
                "id": uuid::Uuid::new_v4(), "orgId": uuid::Uuid::new_v4(), "number": n, "key": format!("BEN-{n}"),
                "title": format!("Benchmark task {n}"), "description": "", "descriptionHtml": "",
                "status": "todo", "priority": "none", "visibility": "private", "category": null,
                "labels": [], "assignees": [], "parentNumber": null, "subtaskCount": 0, "voteCount": 0,
                "commentCount": 0, "createdBy": null, "createdAt": "2026-11-26T00:00:00Z",
                "updatedAt": "2026-11-26T00:00:00Z", "version": 1
            }))
            .expect("a valid task")
        })
        .collect()
}

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3900".into());
    let items = tasks();
    let app = Router::new().route(
        "/tasks",
        get(move || {
            let items = items.clone();
            async move { Json::<Value>(json!({ "items": items, "nextCursor": null })) }
        }),
    );
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    axum::serve(listener, app).await.expect("serve");
}
