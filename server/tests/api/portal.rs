//! The public portal as the server renders it and answers its server functions: what a
//! visitor sees (and never sees), votes, submissions and blocked users.

use crate::common;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const AGENT: &str = "portal-test-agent/1.0";

async fn html(app: &common::TestApp, path: &str, cookie: Option<&str>) -> (StatusCode, String) {
    html_on(app, &app.addr.to_string(), path, cookie).await
}

/// Calls a server function as the app does; returns its status, JSON and `Set-Cookie`.
async fn sfn(
    app: &common::TestApp,
    cookie: Option<&str>,
    function: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Value, Option<String>) {
    let mut req = app
        .http
        .post(format!("{}/sfn/{function}", app.base))
        .header("origin", &app.base)
        .header("accept", "application/json")
        .header("user-agent", AGENT)
        .form(fields);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let set_cookie = res
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string());
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
        set_cookie,
    )
}

async fn settings(app: &common::TestApp, owner: &common::Session, settings: Value) {
    let (status, body) = app
        .request(
            Method::PATCH,
            "/api/v1/orgs/acme",
            Some(json!({ "settings": settings })),
            Some(owner),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

fn open(fields: Value) -> Value {
    json!({"publicPage": true, "publicActions": true, "publicTaskFields": fields})
}

async fn task(app: &common::TestApp, owner: &common::Session, body: Value) -> Value {
    let (status, task) = app.post("/api/v1/orgs/acme/tasks", body, Some(owner)).await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    task["task"].clone()
}

/// An org with a public and a private task, a private label on the public one, and an
/// internal and a public comment on it.
async fn seeded(app: &common::TestApp) -> common::Session {
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    settings(app, &owner, open(json!({}))).await;
    let (_, secret_label) = app
        .post(
            "/api/v1/orgs/acme/labels",
            json!({"name": "Skunkworks", "color": "#112233", "visibility": "private"}),
            Some(&owner),
        )
        .await;
    let secret_label = secret_label["label"]["id"].as_str().unwrap().to_string();
    task(
        app,
        &owner,
        json!({"title": "Dark mode for the dashboard", "visibility": "public", "labelIds": [secret_label]}),
    )
    .await;
    task(
        app,
        &owner,
        json!({"title": "Acquire competitor quietly", "visibility": "private"}),
    )
    .await;
    for (body, visibility) in [
        ("Margins on this are terrible", "internal"),
        ("Thanks, we are on it", "public"),
    ] {
        let (status, c) = app
            .post(
                "/api/v1/orgs/acme/tasks/1/comments",
                json!({"body": body, "visibility": visibility}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{c}");
    }
    owner
}

/// Nothing private, anywhere in the page: markup and hydration data alike.
fn assert_nothing_private(page: &str) {
    for secret in [
        "Acquire competitor quietly",
        "Skunkworks",
        "Margins on this are terrible",
        "owner@example.test",
    ] {
        assert!(!page.contains(secret), "the page leaks {secret:?}");
    }
}

on_each_backend!(visitors_see_public_tasks_and_nothing_private, |app| {
    let owner = seeded(&app).await;

    for image in ["logo", "banner"] {
        let (status, body) = app
            .upload(
                Method::PUT,
                &format!("/api/v1/orgs/acme/{image}"),
                Some(&owner),
                "brand.png",
                &common::png(256),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, page) = html(&app, "/orgs/acme", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Dark mode for the dashboard"));
    assert!(
        page.contains(r#"data-testid="portal-logo""#),
        "the org's branding"
    );
    assert!(page.contains(r#"data-testid="portal-banner""#));
    assert_nothing_private(&page);

    let (status, page) = html(&app, "/orgs/acme/tasks/1", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Thanks, we are on it"));
    assert!(
        page.contains(r#"class="badge">team<"#),
        "members' comments carry the team badge"
    );
    assert_nothing_private(&page);
    let (status, _) = html(&app, "/orgs/acme/tasks/2", None).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a private task does not exist for visitors"
    );

    // A signed-in outsider sees the same; so does a member on the public page (the preview).
    let visitor = app.sign_up("visitor@example.test").await;
    let (_, page) = html(&app, "/orgs/acme", Some(&visitor.cookie())).await;
    assert_nothing_private(&page);
    let (_, page) = html(&app, "/orgs/acme", Some(&owner.cookie())).await;
    assert!(page.contains("Dark mode for the dashboard"));
    assert!(!page.contains("Acquire competitor quietly"));
    assert!(page.contains("Open the board"));

    // The public page turned off: gone for everyone but members, who get a preview.
    settings(&app, &owner, json!({"publicPage": false})).await;
    let (status, page) = html(&app, "/orgs/acme", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains("Dark mode"));
    let (status, page) = html(&app, "/orgs/acme", Some(&owner.cookie())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"data-testid="preview-note""#));
});

on_each_backend!(sorting_filtering_and_searching_the_public_board, |app| {
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    settings(&app, &owner, open(json!({}))).await;
    let (_, cat) = app
        .post(
            "/api/v1/orgs/acme/categories",
            json!({"name": "Integrations", "color": "#334455"}),
            Some(&owner),
        )
        .await;
    let cat = cat["category"]["id"].as_str().unwrap().to_string();
    task(
        &app,
        &owner,
        json!({"title": "Slack alerts", "visibility": "public", "categoryId": cat}),
    )
    .await;
    task(
        &app,
        &owner,
        json!({"title": "Faster search", "visibility": "public"}),
    )
    .await;
    task(
        &app,
        &owner,
        json!({"title": "Calendar sync", "visibility": "public", "categoryId": cat}),
    )
    .await;
    // Two votes for #2, one for #1.
    for (number, times) in [("2", 2), ("1", 1)] {
        for _ in 0..times {
            let (status, _, _) = sfn(
                &app,
                None,
                "vote",
                &[("slug", "acme"), ("number", number), ("up", "true")],
            )
            .await;
            assert_eq!(status, StatusCode::OK);
        }
    }
    let order = |page: &str| -> Vec<String> {
        page.split(r#"data-testid="portal-task-title""#)
            .skip(1)
            .map(|rest| {
                rest.split('>')
                    .nth(1)
                    .unwrap()
                    .split('<')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let (status, page) = html(&app, "/orgs/acme", None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        order(&page),
        ["Faster search", "Slack alerts", "Calendar sync"],
        "most popular first"
    );
    let (_, page) = html(&app, "/orgs/acme?sort=newest", None).await;
    assert_eq!(
        order(&page),
        ["Calendar sync", "Faster search", "Slack alerts"]
    );
    let (_, page) = html(
        &app,
        &format!("/orgs/acme?sort=newest&category={cat}"),
        None,
    )
    .await;
    assert_eq!(order(&page), ["Calendar sync", "Slack alerts"]);
    let (_, page) = html(&app, "/orgs/acme?sort=trending&q=search", None).await;
    assert_eq!(order(&page), ["Faster search"]);
    let (status, _) = html(&app, "/orgs/acme?sort=priority", None).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the portal offers its three sorts only"
    );
});

on_each_backend!(anonymous_visitors_vote_once_each, |app| {
    let owner = seeded(&app).await;
    let vote = [("slug", "acme"), ("number", "1"), ("up", "true")];

    let (status, body, cookie) = sfn(&app, None, "vote", &vote).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["vote_count"], 1);
    let cookie = cookie.expect("the first vote sets the visitor cookie");
    assert!(cookie.starts_with("sayr_visitor="));

    // The same visitor again: still one vote. Their page shows it as theirs.
    let (_, body, again) = sfn(&app, Some(&cookie), "vote", &vote).await;
    assert_eq!(body["vote_count"], 1);
    assert!(again.is_none());
    let (_, page) = html(&app, "/orgs/acme", Some(&cookie)).await;
    assert!(
        page.contains(r#"aria-pressed="true""#),
        "the visitor's vote shows"
    );
    assert!(
        page.contains(r#"name="up" value="false""#),
        "without JavaScript, the form takes the vote back"
    );
    let (_, page) = html(&app, "/orgs/acme", None).await;
    assert!(
        !page.contains(r#"aria-pressed="true""#),
        "another visitor's does not"
    );

    // Another visitor counts; taking a vote back uncounts it.
    let (_, body, _) = sfn(&app, None, "vote", &vote).await;
    assert_eq!(body["vote_count"], 2);
    let (_, body, _) = sfn(
        &app,
        Some(&cookie),
        "vote",
        &[("slug", "acme"), ("number", "1"), ("up", "false")],
    )
    .await;
    assert_eq!(body["vote_count"], 1);

    // A private task cannot be voted on by the public, and takes no anonymous votes.
    let (status, _, _) = sfn(
        &app,
        None,
        "vote",
        &[("slug", "acme"), ("number", "2"), ("up", "true")],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Without public actions, anonymous visitors cannot vote; signed-in people still can.
    settings(
        &app,
        &owner,
        json!({"publicPage": true, "publicActions": false}),
    )
    .await;
    let (status, _, _) = sfn(&app, None, "vote", &vote).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let visitor = app.sign_up("visitor@example.test").await;
    let (status, body, _) = sfn(&app, Some(&visitor.cookie()), "vote", &vote).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["vote_count"], 2);
    let (_, task) = app.get("/api/v1/orgs/acme/tasks/1", None).await;
    assert_eq!(task["task"]["voteCount"], 2);
});

on_each_backend!(
    signed_in_visitors_submit_with_the_fields_the_org_allows,
    |app| {
        let owner = seeded(&app).await;
        let visitor = app.sign_up("visitor@example.test").await;
        let (_, public_label) = app
            .post(
                "/api/v1/orgs/acme/labels",
                json!({"name": "Feature", "color": "#445566", "visibility": "public"}),
                Some(&owner),
            )
            .await;
        let public_label = public_label["label"]["id"].as_str().unwrap().to_string();
        let (_, labels) = app.get("/api/v1/orgs/acme/labels", Some(&owner)).await;
        let private_label = labels
            .as_array()
            .or(labels["labels"].as_array())
            .unwrap()
            .iter()
            .find(|l| l["name"] == "Skunkworks")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();

        // The portal's form (the create_task server function) and REST take the same path.
        let (status, body, _) = sfn(
            &app,
            Some(&visitor.cookie()),
            "create_task",
            &[
                ("slug", "acme"),
                ("title", "Export to CSV"),
                ("description", "For the accountants"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["visibility"], "public", "a submission is public");
        let number = body["number"].as_i64().unwrap();
        let (_, page) = html(&app, "/orgs/acme", None).await;
        assert!(page.contains("Export to CSV"));

        let submit = |body: Value| {
            let app = &app;
            let visitor = visitor.clone();
            async move {
                app.post("/api/v1/orgs/acme/tasks", body, Some(&visitor))
                    .await
            }
        };
        for (body, why) in [
            (
                json!({"title": "x", "priority": "urgent"}),
                "priority is not allowed yet",
            ),
            (
                json!({"title": "x", "status": "done"}),
                "the status is never the public's",
            ),
            (
                json!({"title": "x", "visibility": "private"}),
                "a submission cannot be private",
            ),
            (
                json!({"title": "x", "assigneeIds": [owner.user["id"]]}),
                "nor can it assign",
            ),
            (
                json!({"title": "x", "labelIds": [public_label]}),
                "labels are not allowed yet",
            ),
        ] {
            let (status, body) = submit(body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{why}: {body}");
        }
        settings(
            &app,
            &owner,
            open(json!({"priority": true, "labels": true})),
        )
        .await;
        let (status, body) = submit(
            json!({"title": "Urgent ask", "priority": "urgent", "labelIds": [public_label]}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["task"]["priority"], "urgent");
        let (status, body) = submit(json!({"title": "Sneaky", "labelIds": [private_label]})).await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "a private label does not exist for visitors: {body}"
        );
        assert!(!body.to_string().contains("Skunkworks"));

        let (status, _) = app
            .post("/api/v1/orgs/acme/tasks", json!({"title": "anon"}), None)
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        settings(
            &app,
            &owner,
            json!({"publicPage": true, "publicActions": false}),
        )
        .await;
        let (status, _) = submit(json!({"title": "closed now"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // The submitter cannot change their task afterwards like a member would.
        let (status, _) = app
            .request(
                Method::PATCH,
                &format!("/api/v1/orgs/acme/tasks/{number}"),
                Some(json!({"status": "done", "version": 1})),
                Some(&visitor),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
);

on_each_backend!(blocked_visitors_read_but_cannot_take_part, |app| {
    let owner = seeded(&app).await;
    let visitor = app.sign_up("visitor@example.test").await;
    let member = app.sign_up("member@example.test").await;
    app.add_member(&owner, "acme", &member).await;
    let visitor_id = visitor.user["id"].as_str().unwrap();
    let block = [
        ("slug", "acme"),
        ("user_id", visitor_id),
        ("reason", "spam"),
    ];

    // Only moderators block, and members cannot be blocked.
    let (status, _, _) = sfn(&app, Some(&member.cookie()), "block_user", &block).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a member without the permission"
    );
    let (status, _, _) = sfn(&app, Some(&visitor.cookie()), "block_user", &block).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "an outsider");
    let member_id = member.user["id"].as_str().unwrap();
    let (status, _, _) = sfn(
        &app,
        Some(&owner.cookie()),
        "block_user",
        &[("slug", "acme"), ("user_id", member_id)],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (status, body, _) = sfn(&app, Some(&owner.cookie()), "block_user", &block).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, list, _) = sfn(&app, Some(&owner.cookie()), "blocked", &[("slug", "acme")]).await;
    assert_eq!(list[0]["user"]["name"], "visitor");
    assert_eq!(list[0]["reason"], "spam");

    let cookie = visitor.cookie();
    let (status, _, _) = sfn(
        &app,
        Some(&cookie),
        "vote",
        &[("slug", "acme"), ("number", "1"), ("up", "true")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "spam"}),
            Some(&visitor),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .post(
            "/api/v1/orgs/acme/tasks/1/comments",
            json!({"body": "spam"}),
            Some(&visitor),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, page) = html(&app, "/orgs/acme", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK, "they may still read");
    assert!(page.contains(r#"data-testid="submit-why""#));
    assert!(!page.contains(r#"data-testid="submit-form""#));

    let (status, _, _) = sfn(
        &app,
        Some(&owner.cookie()),
        "unblock_user",
        &[("slug", "acme"), ("user_id", visitor_id)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = sfn(
        &app,
        Some(&cookie),
        "vote",
        &[("slug", "acme"), ("number", "1"), ("up", "true")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
});

/// A page of this instance as if asked for at `host`.
async fn html_on(
    app: &common::TestApp,
    host: &str,
    path: &str,
    cookie: Option<&str>,
) -> (StatusCode, String) {
    let mut req = app
        .http
        .get(format!("{}{path}", app.base))
        .header("host", host)
        .header("user-agent", AGENT);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_org_subdomain_serves_its_public_page_board_and_tasks() {
    let app = common::TestApp::spawn_with(common::Backend::Sqlite, |c| {
        c.root_domain = Some("sayr.test".into());
    })
    .await;
    let owner = seeded(&app).await;

    // The session cookie holds on every subdomain.
    let res = app
        .http
        .post(format!("{}/api/auth/login", app.base))
        .json(&json!({"email": "owner@example.test", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    let set_cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(set_cookie.contains("; Domain=sayr.test"), "{set_cookie}");

    let (status, page) = html_on(&app, "acme.sayr.test", "/", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"data-org-host="acme""#),
        "the browser learns its org"
    );
    assert!(page.contains(r#"data-testid="portal""#));
    assert!(page.contains("Dark mode for the dashboard"));
    assert_nothing_private(&page);

    let (status, page) =
        html_on(&app, "acme.sayr.test:8080", "/tasks", Some(&owner.cookie())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"data-testid="board""#));
    assert!(
        page.contains("Acquire competitor quietly"),
        "members see the whole board"
    );
    let (status, page) = html_on(&app, "acme.sayr.test", "/tasks/1", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Thanks, we are on it"));
    let (_, page) = html_on(&app, "acme.sayr.test", "/tasks", None).await;
    assert_nothing_private(&page);

    // The root and reserved names are not orgs; nor is an org that does not exist.
    let (_, page) = html_on(&app, "sayr.test", "/", None).await;
    assert!(!page.contains(r#"data-testid="portal""#));
    let (_, page) = html_on(&app, "www.sayr.test", "/", None).await;
    assert!(!page.contains(r#"data-testid="portal""#));
    let (status, _) = html_on(&app, "nope.sayr.test", "/", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A form posted from an org's subdomain is not cross-site.
    let (status, body, _) = {
        let res = app
            .http
            .post(format!("{}/sfn/vote", app.base))
            .header("host", "sayr.test")
            .header("origin", "http://acme.sayr.test")
            .header("cookie", owner.cookie())
            .header("accept", "application/json")
            .form(&[("slug", "acme"), ("number", "1"), ("up", "true")])
            .send()
            .await
            .unwrap();
        (res.status(), res.text().await.unwrap(), ())
    };
    assert_eq!(status, StatusCode::OK, "{body}");
}
