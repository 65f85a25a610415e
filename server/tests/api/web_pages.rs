//! The web app's pages as the server renders them, and their plain-form actions (what
//! works with JavaScript off): the filtered board, the task page, status changes and
//! comments.

use crate::common;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn form(
    app: &common::TestApp,
    session: &common::Session,
    function: &str,
    back_to: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    app.http
        .post(format!("{}/sfn/{function}", app.base))
        .header("cookie", session.cookie())
        .header("origin", &app.base)
        .header("accept", "text/html")
        .header("referer", format!("{}{back_to}", app.base))
        .form(fields)
        .send()
        .await
        .unwrap()
}

async fn task(app: &common::TestApp, owner: &common::Session, body: Value) -> Value {
    let (status, task) = app.post("/api/v1/orgs/acme/tasks", body, Some(owner)).await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    task["task"].clone()
}

/// The task numbers shown as cards (or list rows) on a rendered board, in order.
fn shown(page: &str, testid: &str) -> Vec<i64> {
    let marker = format!(r#"data-testid="{testid}" data-number=""#);
    page.split(&marker)
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect()
}

on_each_backend!(the_board_shows_what_its_url_asks_for, |app| {
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    task(
        &app,
        &owner,
        json!({"title": "Open and urgent", "status": "todo", "priority": "urgent"}),
    )
    .await;
    task(
        &app,
        &owner,
        json!({"title": "Shipped already", "status": "done"}),
    )
    .await;
    task(
        &app,
        &owner,
        json!({"title": "Someday maybe", "status": "backlog"}),
    )
    .await;

    let (status, page) = app.page("/orgs/acme/tasks", Some(&owner)).await;
    assert_eq!(status, StatusCode::OK);
    let mut cards = shown(&page, "task-card");
    cards.sort();
    assert_eq!(cards, [1, 3], "done tasks are hidden by default");
    assert!(
        page.contains(r#"data-group="status:todo""#),
        "kanban columns by status"
    );
    assert!(
        page.contains(r#"data-group="status:done""#),
        "Done stays a drop target"
    );
    assert!(page.contains("1 hidden"), "and says what it hides");

    let (_, page) = app.page("/orgs/acme/tasks?closed=1", Some(&owner)).await;
    assert!(shown(&page, "task-card").contains(&2));
    assert!(page.contains(r#"data-group="status:done""#));

    let (_, page) = app
        .page("/orgs/acme/tasks?priority=urgent&view=list", Some(&owner))
        .await;
    assert_eq!(
        shown(&page, "task-item"),
        [1],
        "filtered by priority, as a list"
    );

    let (_, page) = app.page("/orgs/acme/tasks?q=someday", Some(&owner)).await;
    assert_eq!(shown(&page, "task-card"), [3]);

    let (_, page) = app
        .page("/orgs/acme/tasks?group=priority", Some(&owner))
        .await;
    assert!(page.contains(r#"data-group="priority:urgent""#));
    assert_eq!(shown(&page, "task-card")[0], 1, "urgent first");
});

on_each_backend!(the_task_page_works_without_javascript, |app| {
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    let t = task(
        &app,
        &owner,
        json!({"title": "Fix the **login**", "description": "Steps:\n\n1. open"}),
    )
    .await;
    assert_eq!(t["number"], 1);

    let (status, page) = app.page("/orgs/acme/tasks/1", Some(&owner)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Fix the **login**"), "the title as written");
    assert!(page.contains("<ol>"), "the description rendered");
    assert!(
        page.contains(r#"data-testid="status-form""#)
            && page.contains(r#"data-testid="comment-form""#)
    );

    // Status through the plain form.
    let res = form(
        &app,
        &owner,
        "update_task",
        "/orgs/acme/tasks/1",
        &[
            ("slug", "acme"),
            ("number", "1"),
            ("version", &t["version"].to_string()),
            ("status", "done"),
        ],
    )
    .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let (_, now) = app.get("/api/v1/orgs/acme/tasks/1", Some(&owner)).await;
    assert_eq!(now["task"]["status"], "done");

    // A stale version changes nothing.
    let res = form(
        &app,
        &owner,
        "update_task",
        "/orgs/acme/tasks/1",
        &[
            ("slug", "acme"),
            ("number", "1"),
            ("version", &t["version"].to_string()),
            ("status", "todo"),
        ],
    )
    .await;
    assert!(
        res.status() == StatusCode::CONFLICT
            || res
                .headers()
                .get("location")
                .is_some_and(|l| l.to_str().unwrap().contains("error")),
        "a stale change is refused: {}",
        res.status()
    );
    let (_, now) = app.get("/api/v1/orgs/acme/tasks/1", Some(&owner)).await;
    assert_eq!(now["task"]["status"], "done");

    // A comment through the plain form, internal by default.
    let res = form(
        &app,
        &owner,
        "comment",
        "/orgs/acme/tasks/1",
        &[
            ("slug", "acme"),
            ("number", "1"),
            ("body", "Looked into it"),
            ("visibility", "internal"),
        ],
    )
    .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let (_, page) = app.page("/orgs/acme/tasks/1", Some(&owner)).await;
    assert!(page.contains("Looked into it"));
    assert!(page.contains(r#"data-visibility="internal""#));
    assert!(
        page.contains("changed status from todo to done")
            || page.contains("changed status from backlog to done"),
        "the history is in the stream"
    );
});

on_each_backend!(
    visitors_see_public_tasks_only_and_no_internal_comments,
    |app| {
        let owner = app.sign_up("owner@example.test").await;
        app.create_org(&owner, "acme").await;
        app.request(
            Method::PATCH,
            "/api/v1/orgs/acme",
            Some(json!({"settings": {"publicPage": true}})),
            Some(&owner),
        )
        .await;
        task(
            &app,
            &owner,
            json!({"title": "Public roadmap item", "visibility": "public"}),
        )
        .await;
        task(
            &app,
            &owner,
            json!({"title": "Secret plan", "visibility": "private"}),
        )
        .await;
        let (status, _) = app
            .post(
                "/api/v1/orgs/acme/tasks/1/comments",
                json!({"body": "Team-only note", "visibility": "internal"}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        app.post(
            "/api/v1/orgs/acme/tasks/1/comments",
            json!({"body": "Thanks all", "visibility": "public"}),
            Some(&owner),
        )
        .await;

        let (status, page) = app.page("/orgs/acme/tasks/1", None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Public roadmap item") && page.contains("Thanks all"));
        assert!(
            !page.contains("Team-only note"),
            "internal comments never reach visitors, not even in hydration data"
        );
        assert!(!page.contains("owner@example.test"));
        let (status, page) = app.page("/orgs/acme/tasks/2", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!page.contains("Secret plan"));
        let (_, page) = app.page("/orgs/acme/tasks", None).await;
        assert!(page.contains("Public roadmap item"));
        assert!(
            !page.contains("Secret plan"),
            "not on the page, not in the hydration data"
        );
    }
);

/// Instances starting in the same process (as in this suite, or a process embedding
/// several) must not leave a page that is rendering at that moment waiting for its data:
/// working out the routes suppresses resource loading process-wide (leptos-rs/leptos#4773),
/// so they are worked out once per process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_other_instances_start() {
    let app = common::TestApp::spawn(common::Backend::Sqlite).await;
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    task(&app, &owner, json!({"title": "Steady"})).await;
    let done = std::sync::atomic::AtomicBool::new(false);
    let page = || async {
        let res = app
            .http
            .get(format!("{}/orgs/acme/tasks/1", app.base))
            .header("cookie", owner.cookie())
            .timeout(std::time::Duration::from_secs(10))
            .send()
            .await
            .expect("the page is answered while instances start");
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.text().await.unwrap().contains("Steady"));
    };
    // Four readers at a time, for as long as instances keep starting.
    let reader = || async {
        while !done.load(std::sync::atomic::Ordering::Relaxed) {
            page().await;
        }
    };
    let starts = async {
        for _ in 0..30 {
            let _other = common::TestApp::spawn(common::Backend::Sqlite).await;
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
    };
    tokio::join!(reader(), reader(), reader(), reader(), starts);
}
