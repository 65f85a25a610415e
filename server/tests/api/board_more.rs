//! The board's task dialog as the server renders it, the board's order (reordering a
//! column, refused when stale), and `#N` references linked in what people write.

use crate::common;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn task(app: &common::TestApp, owner: &common::Session, body: Value) -> Value {
    let (status, task) = app.post("/api/v1/orgs/acme/tasks", body, Some(owner)).await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    task["task"].clone()
}

async fn patch(
    app: &common::TestApp,
    who: &common::Session,
    number: i64,
    body: Value,
) -> (StatusCode, Value) {
    app.request(
        Method::PATCH,
        &format!("/api/v1/orgs/acme/tasks/{number}"),
        Some(body),
        Some(who),
    )
    .await
}

async fn version(app: &common::TestApp, who: &common::Session, number: i64) -> i64 {
    let (_, body) = app
        .get(&format!("/api/v1/orgs/acme/tasks/{number}"), Some(who))
        .await;
    body["task"]["version"].as_i64().unwrap()
}

/// The task numbers of one kanban column of a rendered board, top to bottom.
fn column(page: &str, status: &str) -> Vec<i64> {
    let start = page
        .find(&format!(r#"data-group="status:{status}""#))
        .unwrap_or_else(|| panic!("a {status} column"));
    let rest = &page[start..];
    let end = rest.find("</section>").unwrap_or(rest.len());
    rest[..end]
        .split(r#"data-testid="task-card" data-number=""#)
        .skip(1)
        .filter_map(|r| r.split('"').next()?.parse().ok())
        .collect()
}

/// The task dialog of a rendered board, if there is one.
fn dialog(page: &str) -> Option<&str> {
    let at = page.find(r#"data-testid="task-dialog""#)?;
    let start = page[..at].rfind("<dialog")?;
    let end = page[start..].find("</dialog>")? + start;
    Some(&page[start..end])
}

on_each_backend!(
    the_board_with_a_task_in_its_url_renders_it_in_a_dialog,
    |app| {
        let owner = app.sign_up("owner@example.test").await;
        app.create_org(&owner, "acme").await;
        task(
            &app,
            &owner,
            json!({"title": "Plain card", "status": "todo"}),
        )
        .await;
        task(
        &app,
        &owner,
        json!({"title": "Fix the login", "status": "todo", "description": "Steps:\n\n1. open the **form**"}),
    )
    .await;

        let (status, page) = app.page("/orgs/acme/tasks?q=&task=2", Some(&owner)).await;
        assert_eq!(status, StatusCode::OK);
        let shown = dialog(&page).expect("the dialog is rendered");
        let opening = &shown[..shown.find('>').unwrap()];
        assert!(opening.contains(" open"), "and open: {opening}");
        assert!(shown.contains("Fix the login"), "with the task");
        assert!(
            shown.contains("<strong>form</strong>"),
            "its description rendered"
        );
        assert!(
            shown.contains(r#"href="/orgs/acme/tasks/2""#),
            "a link to the full page"
        );
        assert!(
            shown.contains(r#"data-testid="comment-form""#),
            "the task's whole view"
        );
        assert_eq!(column(&page, "todo"), [2, 1], "over the board");

        let (_, page) = app.page("/orgs/acme/tasks", Some(&owner)).await;
        assert!(dialog(&page).is_none(), "no task asked for, no dialog");
        let (status, page) = app.page("/orgs/acme/tasks/2", Some(&owner)).await;
        assert_eq!(status, StatusCode::OK, "the full page still works");
        assert!(page.contains("Fix the login"));
    }
);

on_each_backend!(
    a_private_task_in_the_board_url_shows_visitors_nothing,
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
            json!({"title": "Public item", "visibility": "public"}),
        )
        .await;
        task(
            &app,
            &owner,
            json!({"title": "Secret plan", "visibility": "private"}),
        )
        .await;
        let (_, page) = app.page("/orgs/acme/tasks?task=2", None).await;
        assert!(page.contains("Public item"));
        assert!(
            !page.contains("Secret plan"),
            "not in the dialog, not in its data"
        );
    }
);

on_each_backend!(reordering_a_column_changes_the_board_for_everyone, |app| {
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    for title in ["one", "two", "three"] {
        task(&app, &owner, json!({"title": title, "status": "todo"})).await;
    }
    let (_, page) = app.page("/orgs/acme/tasks", Some(&owner)).await;
    assert_eq!(column(&page, "todo"), [3, 2, 1], "new tasks start on top");

    // Task 1 to the top, then task 2 between 1 and 3.
    let v = version(&app, &owner, 1).await;
    let (status, body) = patch(
        &app,
        &owner,
        1,
        json!({"version": v, "position": {"above": 3}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["task"]["rank"].is_string(), "Task JSON has its rank");
    let v = version(&app, &owner, 2).await;
    let (status, body) = patch(
        &app,
        &owner,
        2,
        json!({"version": v, "position": {"below": 1, "above": 3}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, page) = app.page("/orgs/acme/tasks", Some(&owner)).await;
    assert_eq!(column(&page, "todo"), [1, 2, 3]);

    // To the bottom, and a task moved to another column keeps its place in the order.
    let v = version(&app, &owner, 1).await;
    let (status, _) = patch(
        &app,
        &owner,
        1,
        json!({"version": v, "position": {"below": 3}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, page) = app.page("/orgs/acme/tasks", Some(&owner)).await;
    assert_eq!(column(&page, "todo"), [2, 3, 1]);

    // A new task goes to the top, even above one moved to the top before it.
    let v = version(&app, &owner, 3).await;
    patch(
        &app,
        &owner,
        3,
        json!({"version": v, "position": {"above": 2}}),
    )
    .await;
    task(&app, &owner, json!({"title": "four", "status": "todo"})).await;
    let (_, page) = app.page("/orgs/acme/tasks", Some(&owner)).await;
    assert_eq!(column(&page, "todo"), [4, 3, 2, 1]);
});

on_each_backend!(a_stale_reorder_is_refused_and_changes_nothing, |app| {
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    for title in ["one", "two", "three"] {
        task(&app, &owner, json!({"title": title, "status": "todo"})).await;
    }
    let stale = version(&app, &owner, 1).await;
    patch(
        &app,
        &owner,
        1,
        json!({"version": stale, "title": "one, renamed"}),
    )
    .await;

    // An old version: 409 with the task as it is now.
    let (status, body) = patch(
        &app,
        &owner,
        1,
        json!({"version": stale, "position": {"above": 3}}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "conflict");

    // Neighbours no longer in that order (3 is above 2): the mover saw an old board.
    let v = version(&app, &owner, 1).await;
    let (status, body) = patch(
        &app,
        &owner,
        1,
        json!({"version": v, "position": {"below": 2, "above": 3}}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    // Not a neighbour of itself, not a task that does not exist.
    for position in [json!({"above": 1}), json!({"below": 99}), json!({})] {
        let (status, body) =
            patch(&app, &owner, 1, json!({"version": v, "position": position})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{position}: {body}");
    }
    let (_, page) = app.page("/orgs/acme/tasks", Some(&owner)).await;
    assert_eq!(column(&page, "todo"), [3, 2, 1], "nothing moved");
    assert_eq!(version(&app, &owner, 1).await, v, "nothing written");
});

on_each_backend!(
    a_member_who_may_not_change_priorities_may_not_reorder,
    |app| {
        let owner = app.sign_up("owner@example.test").await;
        app.create_org(&owner, "acme").await;
        let bob = app.sign_up("bob@example.test").await;
        app.add_member(&owner, "acme", &bob).await;
        let (status, team) = app
            .post(
                "/api/v1/orgs/acme/teams",
                json!({"name": "Watchers", "permissions": {"tasks": {"create": true}}}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{team}");
        let team_id = team["team"]["id"].as_str().unwrap();
        let bob_id = bob.user["id"].as_str().unwrap();
        let (status, _) = app
            .request(
                Method::PUT,
                &format!("/api/v1/orgs/acme/teams/{team_id}/members/{bob_id}"),
                None,
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        task(&app, &bob, json!({"title": "mine"})).await;
        task(&app, &owner, json!({"title": "theirs"})).await;
        let v = version(&app, &bob, 1).await;
        let (status, body) = patch(
            &app,
            &bob,
            1,
            json!({"version": v, "position": {"above": 2}}),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    }
);

on_each_backend!(
    task_numbers_link_in_descriptions_and_comments_but_not_in_code,
    |app| {
        let owner = app.sign_up("owner@example.test").await;
        app.create_org(&owner, "acme").await;
        task(&app, &owner, json!({"title": "The cause"})).await;
        let t = task(
            &app,
            &owner,
            json!({"title": "The symptom", "description": "Caused by #1, not #99.\n\n`#1` in code:\n\n```\nsee #1\n```"}),
        )
        .await;
        let description = t["descriptionHtml"].as_str().unwrap();
        assert_eq!(
            description
                .matches(r#"<a href="/orgs/acme/tasks/1""#)
                .count(),
            1,
            "linked once, in the text: {description}"
        );
        assert!(description.contains(">#1</a>"), "{description}");
        assert!(
            !description.contains("tasks/99"),
            "no task 99: {description}"
        );
        assert!(description.contains("<code>#1</code>"), "{description}");
        assert!(description.contains("see #1\n</code>"), "{description}");

        // An edit renders again, and so do comments.
        let (status, body) = patch(
            &app,
            &owner,
            2,
            json!({"version": t["version"], "description": "Now see #2"}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(
            body["task"]["descriptionHtml"]
                .as_str()
                .unwrap()
                .contains(r#"<a href="/orgs/acme/tasks/2""#)
        );
        let (status, comment) = app
            .post(
                "/api/v1/orgs/acme/tasks/1/comments",
                json!({"body": "Fixed by #2, not `#2`"}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{comment}");
        let body = comment["comment"]["bodyHtml"].as_str().unwrap();
        assert_eq!(
            body.matches(r#"<a href="/orgs/acme/tasks/2""#).count(),
            1,
            "{body}"
        );
        assert!(body.contains("<code>#2</code>"), "{body}");
        let (_, page) = app.page("/orgs/acme/tasks/1", Some(&owner)).await;
        assert!(page.contains(r#"<a href="/orgs/acme/tasks/2""#));
    }
);
