//! Changing tasks: who may change which field, stale versions, labels, categories,
//! subtasks, the timeline, deleting; and the list's filters and pages.

use crate::common;

use common::{Session, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// root (site admin), an owner with org `acme`, and bob, a member in no team.
async fn setup(app: &TestApp) -> (Session, Session) {
    app.sign_up("root@example.test").await;
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    let bob = app.sign_up("bob@example.test").await;
    let (_, body) = app
        .post(
            "/api/v1/orgs/acme/invites",
            json!({"email": "bob@example.test"}),
            Some(&owner),
        )
        .await;
    let code = body["invite"]["code"].as_str().unwrap().to_string();
    let (status, _) = app
        .post(
            &format!("/api/v1/invites/{code}/accept"),
            json!({}),
            Some(&bob),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    (owner, bob)
}

async fn task(app: &TestApp, who: &Session, body: Value) -> Value {
    let (status, res) = app.post("/api/v1/orgs/acme/tasks", body, Some(who)).await;
    assert_eq!(status, StatusCode::CREATED, "{res}");
    res["task"].clone()
}

async fn patch(app: &TestApp, who: &Session, number: i64, body: Value) -> (StatusCode, Value) {
    app.request(
        Method::PATCH,
        &format!("/api/v1/orgs/acme/tasks/{number}"),
        Some(body),
        Some(who),
    )
    .await
}

on_each_backend!(who_may_change_what_on_a_task, |app| {
    let (owner, bob) = setup(&app).await;
    let theirs = task(&app, &owner, json!({"title": "Owner's task"})).await;
    let mine = task(&app, &bob, json!({"title": "Bob's task"})).await;

    // Defaults: bob may change status and priority anywhere...
    let (status, body) = patch(
        &app,
        &bob,
        1,
        json!({"version": theirs["version"], "status": "todo"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["task"]["status"], "todo");
    let v = body["task"]["version"].clone();
    let (status, _) = patch(&app, &bob, 1, json!({"version": v, "priority": "high"})).await;
    assert_eq!(status, StatusCode::OK);
    // ...but not edit someone else's title or visibility, nor assign.
    let current = app.get("/api/v1/orgs/acme/tasks/1", Some(&bob)).await.1["task"].clone();
    for change in [
        json!({"title": "Bob was here"}),
        json!({"visibility": "public"}),
        json!({"description": "x"}),
    ] {
        let mut body = change.clone();
        body["version"] = current["version"].clone();
        let (status, res) = patch(&app, &bob, 1, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{change} → {res}");
    }
    let bob_id = bob.user["id"].clone();
    let (status, _) = patch(
        &app,
        &bob,
        2,
        json!({"version": mine["version"], "assigneeIds": [bob_id]}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "assigning needs tasks.assign, even on one's own task"
    );
    // Bob edits his own task freely.
    let (status, body) = patch(&app, &bob, 2, json!({"version": mine["version"], "title": "Bob's better task", "description": "**now** with details", "visibility": "public"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["task"]["descriptionHtml"],
        "<p><strong>now</strong> with details</p>\n"
    );
    // The owner (administrator) assigns bob; now bob may edit task 1's title as an assignee.
    let current = app.get("/api/v1/orgs/acme/tasks/1", Some(&owner)).await.1["task"].clone();
    let (status, body) = patch(
        &app,
        &owner,
        1,
        json!({"version": current["version"], "assigneeIds": [bob.user["id"]]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["task"]["assignees"][0]["name"], "bob");
    let (status, _) = patch(
        &app,
        &bob,
        1,
        json!({"version": body["task"]["version"], "title": "Assigned to bob"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, after) = app.get("/api/v1/orgs/acme/tasks/1", Some(&owner)).await;
    assert_eq!(after["task"]["title"], "Assigned to bob");
    assert_eq!(after["task"]["priority"], "high");
});

on_each_backend!(
    a_stale_update_is_a_conflict_carrying_the_current_task,
    |app| {
        let (owner, bob) = setup(&app).await;
        let t = task(&app, &owner, json!({"title": "Contended"})).await;
        let v = t["version"].clone();
        let (first, second) = tokio::join!(
            patch(
                &app,
                &owner,
                1,
                json!({"version": v, "status": "in-progress"})
            ),
            patch(&app, &bob, 1, json!({"version": v, "status": "done"})),
        );
        let statuses = [first.0, second.0];
        assert!(
            statuses.contains(&StatusCode::OK) && statuses.contains(&StatusCode::CONFLICT),
            "{statuses:?}"
        );
        let conflict = if first.0 == StatusCode::CONFLICT {
            first.1
        } else {
            second.1
        };
        assert_eq!(conflict["error"]["code"], "conflict");
        let (_, now) = app.get("/api/v1/orgs/acme/tasks/1", Some(&owner)).await;
        assert_eq!(
            conflict["error"]["current"]["version"],
            now["task"]["version"]
        );
        assert_eq!(
            conflict["error"]["current"]["status"],
            now["task"]["status"]
        );
    }
);

on_each_backend!(
    labels_and_categories_go_on_tasks_and_stay_in_their_org,
    |app| {
        let (owner, bob) = setup(&app).await;
        let (status, _) = app
            .post(
                "/api/v1/orgs/acme/labels",
                json!({"name": "bug", "color": "#f00"}),
                Some(&bob),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "labels need content.manageLabels"
        );
        let (status, body) = app
            .post(
                "/api/v1/orgs/acme/labels",
                json!({"name": "bug", "color": "#f00"}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let bug = body["label"].clone();
        assert_eq!(bug["color"], "#ff0000");
        assert_eq!(bug["visibility"], "public");
        let (status, _) = app
            .post(
                "/api/v1/orgs/acme/labels",
                json!({"name": "bug", "color": "#000"}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, body) = app
            .post(
                "/api/v1/orgs/acme/labels",
                json!({"name": "x", "color": "red"}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["error"]["fields"]["color"].is_string());
        let (_, body) = app
            .post(
                "/api/v1/orgs/acme/categories",
                json!({"name": "Backend", "color": "#123456", "icon": "⚙"}),
                Some(&owner),
            )
            .await;
        let backend = body["category"].clone();

        let t = task(
            &app,
            &owner,
            json!({"title": "Crash on save", "labelIds": [bug["id"]], "categoryId": backend["id"]}),
        )
        .await;
        assert_eq!(t["labels"][0]["name"], "bug");
        assert_eq!(t["category"]["name"], "Backend");

        // Another org's label or category is refused.
        app.create_org(&owner, "beta").await;
        let (_, other) = app
            .post(
                "/api/v1/orgs/beta/labels",
                json!({"name": "other", "color": "#000"}),
                Some(&owner),
            )
            .await;
        let (status, body) = app
            .post(
                "/api/v1/orgs/acme/tasks",
                json!({"title": "x", "labelIds": [other["label"]["id"]]}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["error"]["fields"]["labelIds"].is_string());

        // Deleting the category leaves the task without one.
        let (status, _) = app
            .request(
                Method::DELETE,
                &format!(
                    "/api/v1/orgs/acme/categories/{}",
                    backend["id"].as_str().unwrap()
                ),
                None,
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, after) = app.get("/api/v1/orgs/acme/tasks/1", Some(&owner)).await;
        assert_eq!(after["task"]["category"], Value::Null);
        assert_eq!(after["task"]["labels"][0]["name"], "bug");
    }
);

on_each_backend!(subtasks_go_one_level_deep, |app| {
    let (owner, _) = setup(&app).await;
    task(&app, &owner, json!({"title": "Epic"})).await;
    let child = task(&app, &owner, json!({"title": "Part", "parentNumber": 1})).await;
    assert_eq!(child["parentNumber"], 1);
    let (_, epic) = app.get("/api/v1/orgs/acme/tasks/1", Some(&owner)).await;
    assert_eq!(epic["task"]["subtaskCount"], 1);
    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "Too deep", "parentNumber": 2}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = patch(
        &app,
        &owner,
        1,
        json!({"version": epic["task"]["version"], "parentNumber": 1}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "not its own parent");
    let (status, body) = patch(
        &app,
        &owner,
        2,
        json!({"version": child["version"], "parentNumber": null}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["task"]["parentNumber"], Value::Null);
});

on_each_backend!(every_change_lands_in_the_timeline, |app| {
    let (owner, _) = setup(&app).await;
    let (_, l) = app
        .post(
            "/api/v1/orgs/acme/labels",
            json!({"name": "secret", "color": "#000", "visibility": "private"}),
            Some(&owner),
        )
        .await;
    let t = task(
        &app,
        &owner,
        json!({"title": "Tracked", "visibility": "public"}),
    )
    .await;
    let (_, body) = patch(&app, &owner, 1, json!({"version": t["version"], "status": "done", "priority": "low", "labelIds": [l["label"]["id"]], "title": "Tracked!"})).await;
    let (status, timeline) = app
        .get("/api/v1/orgs/acme/tasks/1/timeline", Some(&owner))
        .await;
    assert_eq!(status, StatusCode::OK);
    let kinds: Vec<&str> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    for kind in [
        "created",
        "status_change",
        "priority_change",
        "label_added",
        "updated",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let status_change = timeline
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "status_change")
        .unwrap();
    assert_eq!(
        (status_change["from"].as_str(), status_change["to"].as_str()),
        (Some("backlog"), Some("done"))
    );
    assert_eq!(status_change["actor"]["name"], "owner");
    assert!(body["task"]["version"].as_i64().unwrap() > t["version"].as_i64().unwrap());

    // The public sees the public entries of a public task, without who made them.
    app.request(
        Method::PATCH,
        "/api/v1/orgs/acme",
        Some(json!({"settings": {"publicPage": true}})),
        Some(&owner),
    )
    .await;
    let (status, public) = app.get("/api/v1/orgs/acme/tasks/1/timeline", None).await;
    assert_eq!(status, StatusCode::OK);
    let public = public.as_array().unwrap();
    assert!(
        public
            .iter()
            .all(|e| e["visibility"] == "public" && e["actor"].is_null()),
        "{public:?}"
    );
    assert!(
        !public.iter().any(|e| e["type"] == "label_added"),
        "a private label's entry is internal"
    );
});

on_each_backend!(only_the_creator_or_delete_any_deletes_a_task, |app| {
    let (owner, bob) = setup(&app).await;
    task(&app, &owner, json!({"title": "Owner's"})).await;
    task(&app, &bob, json!({"title": "Bob's"})).await;
    let (status, _) = app
        .request(
            Method::DELETE,
            "/api/v1/orgs/acme/tasks/1",
            None,
            Some(&bob),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .request(
            Method::DELETE,
            "/api/v1/orgs/acme/tasks/2",
            None,
            Some(&bob),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .request(
            Method::DELETE,
            "/api/v1/orgs/acme/tasks/1",
            None,
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, list) = app.get("/api/v1/orgs/acme/tasks", Some(&owner)).await;
    assert_eq!(list["items"], json!([]));
    let t = task(&app, &owner, json!({"title": "Numbers are never reused"})).await;
    assert_eq!(t["number"], 3);
});

on_each_backend!(the_list_filters_sorts_and_pages, |app| {
    let (owner, _) = setup(&app).await;
    let (_, l) = app
        .post(
            "/api/v1/orgs/acme/labels",
            json!({"name": "bug", "color": "#f00"}),
            Some(&owner),
        )
        .await;
    let bug = l["label"]["id"].as_str().unwrap().to_string();
    for i in 1..=7 {
        let priority = ["none", "low", "medium", "high", "urgent"][i % 5];
        let status = if i % 2 == 0 { "todo" } else { "done" };
        let labels = if i <= 2 { json!([bug]) } else { json!([]) };
        task(&app, &owner, json!({"title": format!("Task {i} {}", if i == 5 { "50% off_sale" } else { "" }), "priority": priority, "status": status, "labelIds": labels})).await;
    }
    let numbers = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["number"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    let get = |q: &str| {
        let path = format!("/api/v1/orgs/acme/tasks?{q}");
        let (app, owner) = (&app, &owner);
        async move { app.get(&path, Some(owner)).await }
    };

    assert_eq!(numbers(&get("status=todo").await.1), [6, 4, 2]);
    assert_eq!(
        numbers(&get("status=todo&status=done&limit=3").await.1),
        [7, 6, 5]
    );
    assert_eq!(numbers(&get(&format!("label={bug}")).await.1), [2, 1]);
    assert_eq!(
        numbers(&get("q=50%25").await.1),
        [5],
        "search matches literally"
    );
    assert_eq!(
        numbers(&get("q=TASK%201").await.1),
        [1],
        "search ignores case"
    );
    assert_eq!(
        numbers(&get("sort=priority&limit=2").await.1),
        [4, 3],
        "urgent first, then high"
    );

    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let (_, page) = get(&format!("limit=3{cursor}")).await;
        seen.extend(numbers(&page));
        match page["nextCursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen, [7, 6, 5, 4, 3, 2, 1], "pages cover everything once");

    let (status, body) = get("status=doing&limit=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["fields"]["status"].is_string()
            && body["error"]["fields"]["limit"].is_string()
    );
});
