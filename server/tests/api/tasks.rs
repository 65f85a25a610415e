//! The first slice of the board over REST: orgs, tasks, who may see and add them.

use reqwest::StatusCode;
use serde_json::json;

on_each_backend!(a_member_creates_tasks_numbered_in_order, |app| {
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    for (i, title) in ["First", "Second", "Third"].iter().enumerate() {
        let (status, body) = app
            .post(
                "/api/v1/orgs/acme/tasks",
                json!({"title": title}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["task"]["number"], i as i64 + 1);
        assert_eq!(body["task"]["key"], format!("ABC-{}", i + 1));
        assert_eq!(body["task"]["status"], "backlog");
        assert_eq!(body["task"]["visibility"], "private");
    }
    let (status, list) = app.get("/api/v1/orgs/acme/tasks", Some(&owner)).await;
    assert_eq!(status, StatusCode::OK);
    let titles: Vec<_> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Third", "Second", "First"]);
    let (status, one) = app.get("/api/v1/orgs/acme/tasks/2", Some(&owner)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["task"]["title"], "Second");
});

on_each_backend!(a_private_org_is_not_found_for_outsiders, |app| {
    let owner = app.sign_up("owner@example.test").await;
    let outsider = app.sign_up("outsider@example.test").await;
    app.create_org(&owner, "acme").await;
    app.post(
        "/api/v1/orgs/acme/tasks",
        json!({"title": "secret"}),
        Some(&owner),
    )
    .await;

    for who in [None, Some(&outsider)] {
        let (status, body) = app.get("/api/v1/orgs/acme/tasks", who).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(body["error"]["code"], "not_found");
        let (status, _) = app.get("/api/v1/orgs/acme/tasks/1", who).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = app
            .post("/api/v1/orgs/acme/tasks", json!({"title": "sneaky"}), who)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (_, list) = app.get("/api/v1/orgs/acme/tasks", Some(&owner)).await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "the outsiders added nothing"
    );
});

on_each_backend!(bad_task_input_names_the_field, |app| {
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "   "}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "invalid_input");
    assert!(body["error"]["fields"]["title"].is_string(), "{body}");
    let (status, _) = app
        .post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "x".repeat(201)}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
});

on_each_backend!(org_creation_checks_slug_short_id_and_uniqueness, |app| {
    let owner = app.sign_up("owner@example.test").await;
    let (status, body) = app
        .post(
            "/api/v1/orgs",
            json!({"name": "", "slug": "Admin", "shortId": "abcd"}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for field in ["name", "slug", "shortId"] {
        assert!(
            body["error"]["fields"][field].is_string(),
            "{field} in {body}"
        );
    }
    app.create_org(&owner, "acme").await;
    let (status, body) = app
        .post(
            "/api/v1/orgs",
            json!({"name": "Again", "slug": "acme", "shortId": "AG"}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "conflict");
    let (status, _) = app
        .post(
            "/api/v1/orgs",
            json!({"name": "Anon", "slug": "anon", "shortId": "AN"}),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
});

on_each_backend!(fifty_concurrent_creates_get_fifty_distinct_numbers, |app| {
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    let app = std::sync::Arc::new(app);
    let creates = (0..50).map(|i| {
        let (app, owner) = (app.clone(), owner.clone());
        tokio::spawn(async move {
            let (status, body) = app
                .post(
                    "/api/v1/orgs/acme/tasks",
                    json!({"title": format!("task {i}")}),
                    Some(&owner),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            body["task"]["number"].as_i64().unwrap()
        })
    });
    let mut numbers: Vec<i64> = futures::future::join_all(creates)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    numbers.sort();
    assert_eq!(numbers, (1..=50).collect::<Vec<_>>());
});

on_each_backend!(cross_site_cookie_posts_are_refused, |app| {
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    let res = app
        .http
        .post(format!("{}/api/v1/orgs/acme/tasks", app.base))
        .header("cookie", owner.cookie())
        .header("origin", "https://evil.example")
        .json(&json!({"title": "csrf"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (_, list) = app.get("/api/v1/orgs/acme/tasks", Some(&owner)).await;
    assert_eq!(list["items"], json!([]));
});

on_each_backend!(the_board_page_renders_tasks_on_the_server, |app| {
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    app.post(
        "/api/v1/orgs/acme/tasks",
        json!({"title": "Rendered <b>safely</b>"}),
        Some(&owner),
    )
    .await;
    let res = app
        .http
        .get(format!("{}/orgs/acme/tasks", app.base))
        .header("cookie", owner.cookie())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("ABC-1"), "the task key is in the HTML");
    assert!(
        html.contains("Rendered &lt;b&gt;safely&lt;/b&gt;"),
        "titles are escaped"
    );
    assert!(html.contains("data-testid=\"new-task-form\""));

    let res = app
        .http
        .get(format!("{}/orgs/acme/tasks", app.base))
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(
        !html.contains("Rendered"),
        "outsiders see nothing of a private org"
    );
});

on_each_backend!(the_form_adds_a_task_without_javascript, |app| {
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    let board = format!("{}/orgs/acme/tasks", app.base);
    let res = app
        .http
        .post(format!("{}/sfn/create_task", app.base))
        .header("cookie", owner.cookie())
        .header("origin", &app.base)
        .header("accept", "text/html")
        .header("referer", &board)
        .form(&[
            ("slug", "acme"),
            ("title", "From a plain form"),
            ("visibility", "public"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FOUND,
        "a plain form post redirects back"
    );
    let location = res.headers()["location"].to_str().unwrap();
    assert_eq!(
        location.split('?').next(),
        Some(board.as_str()),
        "back to the board: {location}"
    );
    let (_, list) = app.get("/api/v1/orgs/acme/tasks", Some(&owner)).await;
    assert_eq!(list["items"][0]["title"], "From a plain form");
    assert_eq!(list["items"][0]["visibility"], "public");
});
