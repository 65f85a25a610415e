//! Task templates over REST: kept by admins, used by members, and by visitors of a public
//! org through the ones for visitors (the rules themselves are tested in
//! `services::template`).

use crate::common::{Session, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn made(app: &TestApp, path: &str, body: Value, who: &Session) -> Value {
    let (status, made) = app.post(path, body, Some(who)).await;
    assert!(status.is_success(), "{path}: {status} {made}");
    made
}

async fn settings(app: &TestApp, owner: &Session, settings: Value) {
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

fn refused_field(status: StatusCode, body: &Value, field: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "invalid_input", "{body}");
    assert!(body["error"]["fields"][field].is_string(), "{body}");
}

on_each_backend!(admins_keep_templates_and_bad_input_names_the_field, |app| {
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    let bo = app.sign_up("bo@example.test").await;
    app.add_member(&owner, "acme", &bo).await;
    let label = made(
        &app,
        "/api/v1/orgs/acme/labels",
        json!({"name": "bug", "color": "#f00"}),
        &owner,
    )
    .await;
    let label = label["label"]["id"].clone();
    let body = json!({
        "name": "Bug report",
        "title": "Bug: ",
        "description": "## Steps",
        "priority": "high",
        "labelIds": [label],
    });

    let (status, refused) = app
        .post("/api/v1/orgs/acme/templates", body.clone(), Some(&bo))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    let (status, template) = app
        .post("/api/v1/orgs/acme/templates", body, Some(&owner))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{template}");
    assert_eq!(template["title"], "Bug:");
    assert_eq!(template["labelIds"], json!([label]));
    assert_eq!(template["forVisitors"], false);
    let path = format!(
        "/api/v1/orgs/acme/templates/{}",
        template["id"].as_str().unwrap()
    );
    let (_, list) = app.get("/api/v1/orgs/acme/templates", Some(&bo)).await;
    assert_eq!(list, json!([template]));

    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/templates",
            json!({"name": " ", "labelIds": []}),
            Some(&owner),
        )
        .await;
    refused_field(status, &body, "name");
    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/templates",
            json!({"name": "Stray", "labelIds": ["00000000-0000-4000-8000-000000000000"]}),
            Some(&owner),
        )
        .await;
    refused_field(status, &body, "labelIds");
    let (status, body) = app
        .request(
            Method::PATCH,
            &path,
            Some(json!({"title": "x".repeat(201)})),
            Some(&owner),
        )
        .await;
    refused_field(status, &body, "title");

    let (status, changed) = app
        .request(
            Method::PATCH,
            &path,
            Some(json!({"name": "Bug", "priority": null})),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        (&changed["name"], &changed["priority"]),
        (&json!("Bug"), &Value::Null)
    );
    let (status, _) = app.request(Method::DELETE, &path, None, Some(&owner)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.get(&path, Some(&bo)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

on_each_backend!(visitors_suggest_through_the_templates_for_them, |app| {
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    let (status, _) = app.get("/api/v1/orgs/acme/templates", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a private org's are hidden");
    let public = json!({
        "publicPage": true,
        "publicActions": true,
        "publicTaskFields": {"category": true},
    });
    settings(&app, &owner, public.clone()).await;
    let category = made(
        &app,
        "/api/v1/orgs/acme/categories",
        json!({"name": "Web", "color": "#00f"}),
        &owner,
    )
    .await;
    let category = category["category"]["id"].clone();
    let for_visitors = made(
        &app,
        "/api/v1/orgs/acme/templates",
        json!({"name": "Idea", "description": "What would it change?", "priority": "urgent",
                   "categoryId": category, "forVisitors": true}),
        &owner,
    )
    .await;
    made(
        &app,
        "/api/v1/orgs/acme/templates",
        json!({"name": "Internal", "title": "Chore: "}),
        &owner,
    )
    .await;

    let (status, seen) = app.get("/api/v1/orgs/acme/templates", None).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(
        seen,
        json!([for_visitors]),
        "members-only templates stay hidden"
    );

    let visitor = app.sign_up("visitor@example.test").await;
    let (status, task) = app
        .post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "Dark mode", "templateId": for_visitors["id"]}),
            Some(&visitor),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    let task = &task["task"];
    assert_eq!(task["description"], "What would it change?");
    assert_eq!(
        task["category"]["id"], category,
        "visitors may set a category"
    );
    assert_eq!(task["priority"], "none", "but not the priority: {task}");

    let mut required = public;
    required["visitorsMustUseTemplate"] = json!(true);
    settings(&app, &owner, required).await;
    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "No template"}),
            Some(&visitor),
        )
        .await;
    refused_field(status, &body, "templateId");
    let (_, org) = app.get("/api/v1/orgs/acme", None).await;
    assert_eq!(
        org["org"]["settings"]["visitorsMustUseTemplate"], true,
        "{org}"
    );
    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "A member's own"}),
            Some(&owner),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "members are never held to it: {body}"
    );
});
