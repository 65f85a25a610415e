//! The edits the web app makes beyond a task's fields, as the server renders them and as
//! their server functions answer: subtasks, parents, relations, deleting a task, a
//! comment's visibility and history, labels, display names and handing an org over.

use crate::common;

use common::{Session, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn html(app: &TestApp, path: &str, session: Option<&Session>) -> String {
    let mut req = app.http.get(format!("{}{path}", app.base));
    if let Some(s) = session {
        req = req.header("cookie", s.cookie());
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

/// Calls server function `function` as the browser does (JSON back, no redirect).
async fn call(
    app: &TestApp,
    who: &Session,
    function: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let res = app
        .http
        .post(format!("{}/sfn/{function}", app.base))
        .header("cookie", who.cookie())
        .header("origin", &app.base)
        .form(fields)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn task(app: &TestApp, owner: &Session, body: Value) -> i64 {
    let (status, task) = app.post("/api/v1/orgs/acme/tasks", body, Some(owner)).await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    task["task"]["number"].as_i64().unwrap()
}

async fn public_page(app: &TestApp, owner: &Session) {
    let settings = json!({"settings": {"publicPage": true, "publicActions": true}});
    let (status, body) = app
        .request(
            Method::PATCH,
            "/api/v1/orgs/acme",
            Some(settings),
            Some(owner),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

fn has(page: &str, testid: &str) -> bool {
    page.contains(&format!(r#"data-testid="{testid}""#))
}

on_each_backend!(
    subtasks_parents_relations_and_deletion_from_the_task_page,
    |app| {
        // The first account is the site admin, who may do anything: someone else owns acme.
        app.sign_up("root@example.test").await;
        let owner = app.sign_up("owner@example.test").await;
        app.create_org(&owner, "acme").await;
        let bo = app.sign_up("bo@example.test").await;
        app.add_member(&owner, "acme", &bo).await;
        public_page(&app, &owner).await;
        let one = task(
            &app,
            &owner,
            json!({"title": "Launch", "visibility": "public"}),
        )
        .await;
        let two = task(
            &app,
            &owner,
            json!({"title": "Docs", "visibility": "public"}),
        )
        .await;

        let page = html(&app, "/orgs/acme/tasks/1", Some(&owner)).await;
        for control in [
            "parent-form",
            "subtask-form",
            "relation-form",
            "delete-task",
        ] {
            assert!(has(&page, control), "the owner gets {control}");
        }
        // Bo neither made the task nor may delete any: no delete button.
        let page = html(&app, "/orgs/acme/tasks/1", Some(&bo)).await;
        assert!(has(&page, "subtask-form") && !has(&page, "delete-task"));
        // And the service refuses anyway.
        let (status, _) = call(
            &app,
            &bo,
            "delete_task",
            &[("slug", "acme"), ("number", "1")],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // A subtask from the page's form, listed under its parent.
        let (status, body) = call(
            &app,
            &owner,
            "create_subtask",
            &[
                ("slug", "acme"),
                ("parent", "1"),
                ("title", "Write the post"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let made: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(made["parentNumber"], one);
        let page = html(&app, "/orgs/acme/tasks/1", Some(&owner)).await;
        assert!(page.contains("Write the post"), "the subtask is listed");

        // A relation named by key; a bad target names its field.
        let (status, body) = call(
            &app,
            &owner,
            "add_relation",
            &[
                ("slug", "acme"),
                ("number", "1"),
                ("target", &format!("ABC-{two}")),
                ("kind", "blocking"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = call(
            &app,
            &owner,
            "add_relation",
            &[
                ("slug", "acme"),
                ("number", "1"),
                ("target", "soon"),
                ("kind", "blocking"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body.contains("targetNumber"), "{body}");
        // Both public: visitors see it, from the other end too.
        let page = html(&app, &format!("/orgs/acme/tasks/{two}"), None).await;
        assert!(
            page.contains("blocked by"),
            "read from the blocked task's side"
        );
        assert!(
            !has(&page, "relation-form") && !has(&page, "parent-form"),
            "visitors edit nothing"
        );
        let (status, _) = call(
            &app,
            &owner,
            "remove_relation",
            &[
                ("slug", "acme"),
                ("source", "1"),
                ("target", &two.to_string()),
                ("kind", "blocking"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let (_, relations) = app
            .get("/api/v1/orgs/acme/tasks/1/relations", Some(&owner))
            .await;
        assert_eq!(relations.as_array().map(Vec::len), Some(0), "{relations}");

        // Deleting: the creator may; the subtask stays, standing alone.
        let (status, body) = call(
            &app,
            &owner,
            "delete_task",
            &[("slug", "acme"), ("number", "1")],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = app.get("/api/v1/orgs/acme/tasks/1", Some(&owner)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, sub) = app.get("/api/v1/orgs/acme/tasks/3", Some(&owner)).await;
        assert!(sub["task"]["parentNumber"].is_null(), "{sub}");
    }
);

on_each_backend!(
    a_comment_made_internal_leaves_the_public_page_and_its_history_stays_inside,
    |app| {
        // The first account is the site admin, who may do anything: someone else owns acme.
        app.sign_up("root@example.test").await;
        let owner = app.sign_up("owner@example.test").await;
        app.create_org(&owner, "acme").await;
        let bo = app.sign_up("bo@example.test").await;
        app.add_member(&owner, "acme", &bo).await;
        let visitor = app.sign_up("visitor@example.test").await;
        public_page(&app, &owner).await;
        task(
            &app,
            &owner,
            json!({"title": "Launch", "visibility": "public"}),
        )
        .await;
        let (status, c) = app
            .post(
                "/api/v1/orgs/acme/tasks/1/comments",
                json!({"body": "We ship on friday", "visibility": "public"}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{c}");
        let id = c["comment"]["id"].as_str().unwrap().to_string();
        let (status, _) = app
            .request(
                Method::PATCH,
                &format!("/api/v1/orgs/acme/comments/{id}"),
                Some(json!({"body": "We ship on monday"})),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK);

        let page = html(&app, "/orgs/acme/tasks/1", Some(&owner)).await;
        assert!(has(&page, "comment-history") && page.contains("Make internal"));
        let page = html(&app, "/orgs/acme/tasks/1", Some(&bo)).await;
        assert!(
            !page.contains("Make internal"),
            "not bo's comment, and bo does not moderate"
        );
        let (status, history) = call(
            &app,
            &visitor,
            "comment_history",
            &[("slug", "acme"), ("id", &id)],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{history}");
        assert!(history.contains("We ship on friday"), "{history}");

        let (status, _) = call(
            &app,
            &bo,
            "comment_visibility",
            &[("slug", "acme"), ("id", &id), ("visibility", "internal")],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, body) = call(
            &app,
            &owner,
            "comment_visibility",
            &[("slug", "acme"), ("id", &id), ("visibility", "internal")],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page = html(&app, "/orgs/acme/tasks/1", Some(&visitor)).await;
        assert!(
            !page.contains("We ship on"),
            "the visitor no longer sees it"
        );
        let (status, history) = call(
            &app,
            &visitor,
            "comment_history",
            &[("slug", "acme"), ("id", &id)],
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{history}");
        assert!(!history.contains("friday"));
        let page = html(&app, "/orgs/acme/tasks/1", Some(&owner)).await;
        assert!(page.contains("We ship on monday") && page.contains("Make public"));
    }
);

on_each_backend!(
    labels_names_and_ownership_are_edited_from_the_settings,
    |app| {
        // The first account is the site admin, who may do anything: someone else owns acme.
        app.sign_up("root@example.test").await;
        let owner = app.sign_up("owner@example.test").await;
        app.create_org(&owner, "acme").await;
        let bo = app.sign_up("bo@example.test").await;
        app.add_member(&owner, "acme", &bo).await;
        let (status, label) = app
            .post(
                "/api/v1/orgs/acme/labels",
                json!({"name": "bug", "color": "#ff0000"}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{label}");
        let label_id = label["label"]["id"].as_str().unwrap().to_string();

        let page = html(&app, "/orgs/acme/settings", Some(&owner)).await;
        assert!(has(&page, "edit-label") && has(&page, "transfer-form"));
        let (status, body) = call(
            &app,
            &owner,
            "update_label",
            &[
                ("slug", "acme"),
                ("id", &label_id),
                ("name", "defect"),
                ("color", "#00ff00"),
                ("public", "on"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, labels) = app.get("/api/v1/orgs/acme/labels", Some(&owner)).await;
        assert_eq!(labels[0]["name"], "defect", "{labels}");
        assert_eq!(labels[0]["visibility"], "public");
        let (status, body) = call(
            &app,
            &owner,
            "update_label",
            &[
                ("slug", "acme"),
                ("id", &label_id),
                ("name", "defect"),
                ("color", "green"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body.contains("color"), "{body}");

        // The display name, from the account page.
        assert!(has(
            &html(&app, "/settings/account", Some(&bo)).await,
            "name-form"
        ));
        let (status, body) = call(&app, &bo, "rename_me", &[("name", "Bo Diddley")]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = call(&app, &bo, "rename_me", &[("name", " ")]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (_, members) = app.get("/api/v1/orgs/acme/members", Some(&owner)).await;
        assert!(members.to_string().contains("Bo Diddley"), "{members}");

        // Ownership: only the owner sees the form, not an administrator; nor may bo take it.
        let bo_id = bo.user["id"].as_str().unwrap().to_string();
        let (_, teams) = app.get("/api/v1/orgs/acme/teams", Some(&owner)).await;
        let admins = teams[0]["id"].as_str().unwrap();
        let (status, _) = app
            .request(
                Method::PUT,
                &format!("/api/v1/orgs/acme/teams/{admins}/members/{bo_id}"),
                Some(json!({})),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let page = html(&app, "/orgs/acme/settings", Some(&bo)).await;
        assert!(has(&page, "edit-label") && !has(&page, "transfer-form"));
        let owner_id = owner.user["id"].as_str().unwrap().to_string();
        let (status, _) = call(
            &app,
            &bo,
            "transfer_org",
            &[("slug", "acme"), ("user", &bo_id)],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, body) = call(
            &app,
            &owner,
            "transfer_org",
            &[("slug", "acme"), ("user", &bo_id)],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = app
            .request(Method::DELETE, "/api/v1/orgs/acme", None, Some(&owner))
            .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "the old owner may no longer delete it"
        );
        let (status, back) = app
            .post(
                "/api/v1/orgs/acme/transfer",
                json!({"userId": owner_id}),
                Some(&bo),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{back}");
        assert_eq!(back["org"]["createdBy"], owner.user["id"]);
    }
);
