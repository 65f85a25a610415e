//! Filters, saved views and releases over REST and the socket.

use crate::common::{self, Session, TestApp};
use domain::realtime::{Channel, ClientMessage, ServerEvent};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn encoded(filter: &Value) -> String {
    form_urlencoded::byte_serialize(filter.to_string().as_bytes()).collect()
}

async fn task(app: &TestApp, who: &Session, body: Value) -> i64 {
    let (status, made) = app.post("/api/v1/orgs/acme/tasks", body, Some(who)).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    made["task"]["number"].as_i64().unwrap()
}

fn numbers(list: &Value) -> Vec<i64> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["number"].as_i64().unwrap())
        .collect()
}

on_each_backend!(
    task_lists_take_a_filter_tree_and_refuse_a_bad_one_saying_where,
    |app| {
        let owner = app.sign_up("owner@example.test").await;
        app.create_org(&owner, "acme").await;
        task(
            &app,
            &owner,
            json!({"title": "Login bug", "status": "todo", "priority": "high"}),
        )
        .await;
        task(&app, &owner, json!({"title": "Docs", "status": "todo"})).await;
        task(
            &app,
            &owner,
            json!({"title": "Shipped", "status": "done", "priority": "high"}),
        )
        .await;
        let filter = json!({"and": [
            {"field": "status", "op": "isNot", "value": "done"},
            {"or": [
                {"field": "priority", "op": "is", "value": "high"},
                {"field": "text", "op": "contains", "value": "docs"}
            ]}
        ]});
        let (status, list) = app
            .get(
                &format!("/api/v1/orgs/acme/tasks?filter={}", encoded(&filter)),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{list}");
        assert_eq!(numbers(&list), [2, 1]);
        // With the other parameters, all of them apply.
        let (_, list) = app
            .get(
                &format!(
                    "/api/v1/orgs/acme/tasks?priority=high&filter={}",
                    encoded(&filter)
                ),
                Some(&owner),
            )
            .await;
        assert_eq!(numbers(&list), [1]);

        let bad = json!({"and": [{"field": "status", "op": "before", "value": "todo"}]});
        let (status, body) = app
            .get(
                &format!("/api/v1/orgs/acme/tasks?filter={}", encoded(&bad)),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["error"]["code"], "invalid_input");
        let why = body["error"]["fields"]["filter"].as_str().unwrap();
        assert!(why.starts_with("filter.and[0].op: status takes"), "{why}");
        let (status, body) = app
            .get("/api/v1/orgs/acme/tasks?filter=%7Bnope", Some(&owner))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            body["error"]["fields"]["filter"]
                .as_str()
                .unwrap()
                .contains("is not JSON")
        );
    }
);

on_each_backend!(
    releases_gather_tasks_and_the_public_sees_released_ones,
    |app| {
        let owner = app.sign_up("owner@example.test").await;
        app.create_org(&owner, "acme").await;
        app.request(
            reqwest::Method::PATCH,
            "/api/v1/orgs/acme",
            Some(json!({"settings": {"publicPage": true}})),
            Some(&owner),
        )
        .await;
        let (status, made) = app
        .post(
            "/api/v1/orgs/acme/releases",
            json!({"name": "Version 2.0", "targetDate": "2027-01-15", "description": "The **big** one"}),
            Some(&owner),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        assert_eq!(made["slug"], "version-2.0");
        assert_eq!(made["status"], "planned");
        assert_eq!(made["targetDate"], "2027-01-15");
        assert!(
            made["descriptionHtml"]
                .as_str()
                .unwrap()
                .contains("<strong>big</strong>")
        );
        let public = task(
            &app,
            &owner,
            json!({"title": "Dark mode", "visibility": "public", "release": "version-2.0"}),
        )
        .await;
        let private = task(
            &app,
            &owner,
            json!({"title": "Billing rewrite", "release": "version-2.0"}),
        )
        .await;
        let (status, body) = app
            .post(
                "/api/v1/orgs/acme/tasks",
                json!({"title": "x", "release": "nope"}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            body["error"]["fields"]["release"]
                .as_str()
                .unwrap()
                .contains("nope")
        );

        let (_, list) = app
            .get("/api/v1/orgs/acme/tasks?release=version-2.0", Some(&owner))
            .await;
        assert_eq!(numbers(&list), [private, public]);
        let (_, list) = app
            .get("/api/v1/orgs/acme/tasks?release=none", Some(&owner))
            .await;
        assert!(numbers(&list).is_empty());

        // Not released: nothing for the public.
        let (status, _) = app
            .get("/api/v1/orgs/acme/releases/version-2.0", None)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, list) = app.get("/api/v1/orgs/acme/releases", None).await;
        assert_eq!(list, json!([]));

        let (status, changed) = app
            .request(
                reqwest::Method::PATCH,
                "/api/v1/orgs/acme/releases/version-2.0",
                Some(json!({"status": "released"})),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert!(changed["releasedAt"].is_string());
        assert_eq!(changed["progress"]["total"], 2);

        let (status, page) = app
            .get("/api/v1/orgs/acme/releases/version-2.0", None)
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["name"], "Version 2.0");
        assert_eq!(page["progress"]["total"], 1, "public tasks only: {page}");
        let titles: Vec<_> = page["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].clone())
            .collect();
        assert_eq!(titles, [json!("Dark mode")]);
        assert!(!page.to_string().contains("Billing"), "{page}");
        let (_, one) = app
            .get(&format!("/api/v1/orgs/acme/tasks/{public}"), None)
            .await;
        assert_eq!(one["task"]["release"], "version-2.0");

        let (status, update) = app
            .post(
                "/api/v1/orgs/acme/releases/version-2.0/updates",
                json!({"health": "sideways", "body": "?"}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{update}");
        let (status, _) = app
            .request(
                reqwest::Method::DELETE,
                "/api/v1/orgs/acme/releases/version-2.0",
                None,
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, one) = app
            .get(&format!("/api/v1/orgs/acme/tasks/{private}"), Some(&owner))
            .await;
        assert_eq!(one["task"]["release"], Value::Null);
    }
);

/// Connects `who` and puts the socket in the org's tasks room.
async fn tasks_room(app: &TestApp, who: &Session, org_id: &str) -> common::Socket {
    let mut ws = app.socket(Some(who), "").await;
    ws.next().await;
    ws.next().await;
    ws.send(&ClientMessage::Subscribe {
        org_id: org_id.into(),
        channel: Channel::Tasks,
    })
    .await;
    loop {
        if matches!(ws.next().await.event, ServerEvent::Subscribed { .. }) {
            return ws;
        }
    }
}

/// The next view or release event on `ws`.
async fn next_planning(ws: &mut common::Socket) -> ServerEvent {
    loop {
        let event = ws.next().await.event;
        if matches!(
            event,
            ServerEvent::CreateView(_)
                | ServerEvent::UpdateView(_)
                | ServerEvent::DeleteView(_)
                | ServerEvent::CreateRelease(_)
                | ServerEvent::UpdateRelease(_)
                | ServerEvent::DeleteRelease(_)
        ) {
            return event;
        }
    }
}

on_each_backend!(
    shared_views_reach_every_member_and_personal_ones_only_their_owner,
    |app| {
        let owner = app.sign_up("owner@example.test").await;
        let org = app.create_org(&owner, "acme").await;
        let org_id = org["id"].as_str().unwrap().to_string();
        let carol = app.sign_up("carol@example.test").await;
        app.add_member(&owner, "acme", &carol).await;
        let mut carols = tasks_room(&app, &carol, &org_id).await;
        let mut owners = tasks_room(&app, &owner, &org_id).await;

        let (status, mine) = app
        .post("/api/v1/orgs/acme/views", json!({"name": "Carol's", "filter": {"field": "assignee", "op": "is", "value": "me"}}), Some(&carol))
        .await;
        assert_eq!(status, StatusCode::CREATED, "{mine}");
        match next_planning(&mut carols).await {
            ServerEvent::CreateView(v) => assert_eq!(v.name, "Carol's"),
            other => panic!("{other:?}"),
        }
        let (status, shared) = app
        .post(
            "/api/v1/orgs/acme/views",
            json!({"name": "Triage", "shared": true, "groupBy": "priority", "subGroupBy": "assignee"}),
            Some(&owner),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{shared}");
        // The owner never heard of Carol's personal view: the shared one is the next event.
        for ws in [&mut owners, &mut carols] {
            match next_planning(ws).await {
                ServerEvent::CreateView(v) => assert_eq!(v.name, "Triage"),
                other => panic!("{other:?}"),
            }
        }
        let id = shared["id"].as_str().unwrap();
        let (status, _) = app
            .request(
                reqwest::Method::PATCH,
                &format!("/api/v1/orgs/acme/views/{id}"),
                Some(json!({"name": "Triage 2"})),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        match next_planning(&mut carols).await {
            ServerEvent::UpdateView(v) => assert_eq!(v.name, "Triage 2"),
            other => panic!("{other:?}"),
        }
        // Carol may not change it, and a bad filter is refused before anything changes.
        let (status, _) = app
            .request(
                reqwest::Method::DELETE,
                &format!("/api/v1/orgs/acme/views/{id}"),
                None,
                Some(&carol),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, body) = app
            .post(
                "/api/v1/orgs/acme/views",
                json!({"name": "Bad", "filter": {"field": "mood", "op": "is", "value": "x"}}),
                Some(&carol),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let (_, views) = app.get("/api/v1/orgs/acme/views", Some(&carol)).await;
        let names: Vec<_> = views
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].clone())
            .collect();
        assert_eq!(names, [json!("Carol's"), json!("Triage 2")]);

        // Releases are announced to members as they are made.
        app.post(
            "/api/v1/orgs/acme/releases",
            json!({"name": "v1"}),
            Some(&owner),
        )
        .await;
        match next_planning(&mut carols).await {
            ServerEvent::CreateRelease(r) => assert_eq!(r.slug, "v1"),
            other => panic!("{other:?}"),
        }
    }
);

on_each_backend!(
    the_public_changelog_shows_released_releases_and_public_tasks_only,
    |app| {
        let owner = app.sign_up("owner@example.test").await;
        app.create_org(&owner, "acme").await;
        app.request(
            reqwest::Method::PATCH,
            "/api/v1/orgs/acme",
            Some(json!({"settings": {"publicPage": true}})),
            Some(&owner),
        )
        .await;
        let lead = app.sign_up("lead@example.test").await;
        app.add_member(&owner, "acme", &lead).await;
        let lead_id = lead.user["id"].as_str().unwrap();
        app.post(
            "/api/v1/orgs/acme/releases",
            json!({"name": "Spring 2027", "description": "Faster & <safer>", "leadId": lead_id}),
            Some(&owner),
        )
        .await;
        app.post(
            "/api/v1/orgs/acme/releases",
            json!({"name": "Skunkworks plan"}),
            Some(&owner),
        )
        .await;
        task(
            &app,
            &owner,
            json!({"title": "Dark mode", "visibility": "public", "release": "spring-2027"}),
        )
        .await;
        task(
            &app,
            &owner,
            json!({"title": "Acquire competitor quietly", "release": "spring-2027"}),
        )
        .await;
        app.post(
            "/api/v1/orgs/acme/releases/spring-2027/updates",
            json!({"health": "off_track", "body": "Margins are terrible"}),
            Some(&owner),
        )
        .await;
        let secrets = [
            "Acquire competitor",
            "Skunkworks",
            "Margins are terrible",
            "lead@example.test",
            "off_track",
        ];

        // Before it is released, visitors find nothing.
        let (status, html) = app.page("/orgs/acme/releases", None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Nothing released yet"), "{html}");
        let (status, _) = app.page("/orgs/acme/releases/spring-2027", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        app.request(
            reqwest::Method::PATCH,
            "/api/v1/orgs/acme/releases/spring-2027",
            Some(json!({"status": "released"})),
            Some(&owner),
        )
        .await;
        for path in ["/orgs/acme/releases", "/orgs/acme/releases/spring-2027"] {
            let (status, html) = app.page(path, None).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(html.contains("Spring 2027"), "{path}: {html}");
            for secret in secrets {
                assert!(!html.contains(secret), "{path} leaks {secret:?}");
            }
        }
        let (_, html) = app.page("/orgs/acme/releases/spring-2027", None).await;
        assert!(
            html.contains("Dark mode") && html.contains("What shipped"),
            "{html}"
        );
        assert!(
            html.contains("Faster &amp;") && !html.contains("<safer>"),
            "the description is rendered safely: {html}"
        );
        assert!(
            html.contains("1 of 1 done") || html.contains("0 of 1 done"),
            "public tasks only: {html}"
        );

        // Members see all of it on the same pages.
        let (_, html) = app.page("/orgs/acme/releases", Some(&owner)).await;
        assert!(
            html.contains("Skunkworks plan") && html.contains("New release"),
            "{html}"
        );

        // The feed.
        let res = app
            .http
            .get(format!("{}/orgs/acme/releases.atom", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/atom+xml")
        );
        let feed = res.text().await.unwrap();
        assert!(
            feed.starts_with("<?xml")
                && feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"),
            "{feed}"
        );
        assert_eq!(feed.matches("<entry>").count(), 1, "{feed}");
        assert!(
            feed.contains("<title>Spring 2027</title>") && feed.contains("Dark mode"),
            "{feed}"
        );
        for secret in secrets {
            assert!(!feed.contains(secret), "the feed leaks {secret:?}");
        }
        // Even a member's cookie gets the public feed.
        let res = app
            .http
            .get(format!("{}/orgs/acme/releases.atom", app.base))
            .header("cookie", owner.cookie())
            .send()
            .await
            .unwrap();
        assert!(!res.text().await.unwrap().contains("Skunkworks"));
        let res = app
            .http
            .get(format!("{}/orgs/nope/releases.atom", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
);
