//! The site admin (`/admin`): hidden (404) from everyone but site admins, pages and server
//! functions alike; bans, roles, sessions, orgs, sign-up at run time, live connections.

use crate::common;

use common::{Session, TestApp};
use domain::realtime::{Channel, ClientMessage, ServerEvent};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery";

/// Every admin page, for an org `acme`.
const PAGES: &[&str] = &[
    "/admin",
    "/admin/users",
    "/admin/users?q=bob",
    "/admin/orgs",
    "/admin/orgs/acme",
    "/admin/connections",
];

/// Calls a server function as the page's script does (a form-encoded POST, JSON back).
async fn call(
    app: &TestApp,
    session: Option<&Session>,
    function: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut req = app
        .http
        .post(format!("{}/sfn/{function}", app.base))
        .header("origin", &app.base)
        .form(fields);
    if let Some(s) = session {
        req = req.header("cookie", s.cookie());
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The same as a browser without JavaScript posts it (a redirect back on success).
async fn form(
    app: &TestApp,
    session: Option<&Session>,
    function: &str,
    fields: &[(&str, &str)],
) -> StatusCode {
    let mut req = app
        .http
        .post(format!("{}/sfn/{function}", app.base))
        .header("origin", &app.base)
        .header("accept", "text/html")
        .header("referer", format!("{}/admin/users", app.base))
        .form(fields);
    if let Some(s) = session {
        req = req.header("cookie", s.cookie());
    }
    req.send().await.unwrap().status()
}

async fn login(app: &TestApp, email: &str) -> (StatusCode, Value) {
    app.post(
        "/api/auth/login",
        json!({"email": email, "password": PASSWORD}),
        None,
    )
    .await
}

async fn me_with_key(app: &TestApp, key: &str) -> StatusCode {
    app.http
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .status()
}

fn id(session: &Session) -> String {
    session.user["id"].as_str().unwrap().to_string()
}

/// The first account (site admin) and a second one, and an org of the admin's.
async fn admin_and_bob(app: &TestApp) -> (Session, Session) {
    let admin = app.sign_up("admin@example.test").await;
    let bob = app.sign_up("bob@example.test").await;
    app.create_org(&admin, "acme").await;
    (admin, bob)
}

on_each_backend!(outsiders_get_404_on_every_admin_page_and_function, |app| {
    let (admin, bob) = admin_and_bob(&app).await;
    for path in PAGES {
        let (status, page) = app.page(path, Some(&admin)).await;
        assert_eq!(status, StatusCode::OK, "{path} for the site admin");
        assert!(page.contains("admin-nav"), "{path}");
        for who in [None, Some(&bob)] {
            let (status, page) = app.page(path, who).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path} for {who:?}");
            assert!(
                page.contains("Not found") && !page.contains("admin-nav"),
                "{path}"
            );
            assert!(!page.contains("admin@example.test"), "{path} leaks nothing");
        }
    }
    let (admin_id, bob_id) = (id(&admin), id(&bob));
    let functions: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("admin_overview", vec![]),
        ("admin_set_signups", vec![]),
        ("admin_users", vec![("q", "admin")]),
        ("admin_set_role", vec![("user", &bob_id), ("role", "admin")]),
        (
            "admin_set_role",
            vec![("user", &bob_id), ("role", "nonsense")],
        ),
        ("admin_ban", vec![("user", &admin_id), ("reason", "coup")]),
        ("admin_ban", vec![("user", &admin_id), ("reason", "")]),
        ("admin_unban", vec![("user", &admin_id)]),
        ("admin_revoke_sessions", vec![("user", &admin_id)]),
        ("admin_orgs", vec![]),
        ("admin_org", vec![("slug", "acme")]),
        (
            "admin_delete_org",
            vec![("slug", "acme"), ("confirm", "acme")],
        ),
        (
            "admin_delete_org",
            vec![("slug", "acme"), ("confirm", "nope")],
        ),
        ("admin_connections", vec![]),
    ];
    for (function, fields) in &functions {
        for who in [None, Some(&bob)] {
            let (status, body) = call(&app, who, function, fields).await;
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "{function} for {who:?}: {body}"
            );
            let status = form(&app, who, function, fields).await;
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "{function} as a form, {who:?}"
            );
        }
    }
    // Nothing of it happened.
    assert_eq!(app.get("/api/v1/me", Some(&admin)).await.0, StatusCode::OK);
    let (_, me) = app.get("/api/v1/me", Some(&bob)).await;
    assert_eq!(me["user"]["siteAdmin"], false, "{me}");
    assert_eq!(
        app.get("/api/v1/orgs/acme", Some(&admin)).await.0,
        StatusCode::OK
    );
    let (_, overview) = call(&app, Some(&admin), "admin_overview", &[]).await;
    assert_eq!(overview["settings"]["signupsOpen"], true, "{overview}");
    // Only site admins see the way there.
    assert!(
        app.page("/", Some(&admin))
            .await
            .1
            .contains(r#"href="/admin""#)
    );
    assert!(
        !app.page("/", Some(&bob))
            .await
            .1
            .contains(r#"href="/admin""#)
    );
});

on_each_backend!(
    a_banned_user_is_signed_out_and_refused_until_unbanned,
    |app| {
        let (admin, bob) = admin_and_bob(&app).await;
        let (status, key) = app
            .post("/api/v1/me/api-keys", json!({"name": "bot"}), Some(&bob))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{key}");
        let key = key["key"].as_str().unwrap().to_string();
        assert_eq!(me_with_key(&app, &key).await, StatusCode::OK);

        let (status, found) = call(&app, Some(&admin), "admin_users", &[("q", "BOB@")]).await;
        assert_eq!(status, StatusCode::OK, "{found}");
        assert_eq!(found["total"], 1, "{found}");
        assert_eq!(found["rows"][0]["email"], "bob@example.test");
        assert_eq!(found["rows"][0]["ban"], Value::Null);

        let (status, banned) = call(
            &app,
            Some(&admin),
            "admin_ban",
            &[("user", &id(&bob)), ("reason", "spamming the board")],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{banned}");
        assert_eq!(banned["ban"]["reason"], "spamming the board");
        assert_eq!(banned["ban"]["until"], Value::Null, "no end");

        assert_eq!(
            app.get("/api/v1/me", Some(&bob)).await.0,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(me_with_key(&app, &key).await, StatusCode::UNAUTHORIZED);
        let (status, refused) = login(&app, "bob@example.test").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("banned") && message.contains("spamming the board"),
            "{message}"
        );
        // A wrong password learns nothing about the ban.
        let (status, _) = app
            .post(
                "/api/auth/login",
                json!({"email": "bob@example.test", "password": "wrong password!"}),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (_, page) = app.page("/admin/users?q=bob", Some(&admin)).await;
        assert!(
            page.contains("spamming the board"),
            "the list shows the ban"
        );
        let (_, overview) = call(&app, Some(&admin), "admin_overview", &[]).await;
        assert_eq!(overview["banned"], 1, "{overview}");

        // Admins cannot lock themselves out.
        let (status, _) = call(
            &app,
            Some(&admin),
            "admin_ban",
            &[("user", &id(&admin)), ("reason", "oops")],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        assert_eq!(
            form(&app, Some(&admin), "admin_unban", &[("user", &id(&bob))]).await,
            StatusCode::FOUND
        );
        let (status, _) = login(&app, "bob@example.test").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            me_with_key(&app, &key).await,
            StatusCode::OK,
            "the key works again"
        );
    }
);

on_each_backend!(an_expired_ban_no_longer_applies, |app| {
    let (admin, bob) = admin_and_bob(&app).await;
    let (status, body) = call(
        &app,
        Some(&admin),
        "admin_ban",
        &[
            ("user", &id(&bob)),
            ("reason", "cool off"),
            ("until", "2001-01-01"),
        ],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a ban ends in the future: {body}"
    );

    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let (status, banned) = call(
        &app,
        Some(&admin),
        "admin_ban",
        &[
            ("user", &id(&bob)),
            ("reason", "cool off"),
            ("until", &tomorrow),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{banned}");
    assert!(
        banned["ban"]["until"]
            .as_str()
            .unwrap()
            .starts_with(&tomorrow)
    );
    let (status, refused) = login(&app, "bob@example.test").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&tomorrow)
    );

    // Time passes: the ban's end is now behind us.
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let db = &app.db().await;
    let row = entity::user::Entity::find_by_id(uuid::Uuid::parse_str(&id(&bob)).unwrap())
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut row: entity::user::ActiveModel = row.into();
    row.banned_until = Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)));
    row.update(db).await.unwrap();

    let (status, _) = login(&app, "bob@example.test").await;
    assert_eq!(status, StatusCode::OK);
    let (_, found) = call(&app, Some(&admin), "admin_users", &[("q", "bob")]).await;
    assert_eq!(found["rows"][0]["ban"], Value::Null, "{found}");
});

on_each_backend!(site_admins_set_roles_and_the_last_one_stays, |app| {
    let (admin, bob) = admin_and_bob(&app).await;
    let (status, bob_now) = call(
        &app,
        Some(&admin),
        "admin_set_role",
        &[("user", &id(&bob)), ("role", "admin")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{bob_now}");
    assert_eq!(bob_now["siteAdmin"], true);
    assert_eq!(app.page("/admin", Some(&bob)).await.0, StatusCode::OK);

    let (status, _) = call(
        &app,
        Some(&bob),
        "admin_set_role",
        &[("user", &id(&admin)), ("role", "user")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.page("/admin", Some(&admin)).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, body) = call(
        &app,
        Some(&bob),
        "admin_set_role",
        &[("user", &id(&bob)), ("role", "user")],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "the last site admin stays: {body}"
    );
    let (status, _) = call(
        &app,
        Some(&bob),
        "admin_set_role",
        &[("user", &id(&bob)), ("role", "owner")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
});

on_each_backend!(revoking_sessions_signs_the_user_out_everywhere, |app| {
    let (admin, bob) = admin_and_bob(&app).await;
    login(&app, "bob@example.test").await;
    let (status, ended) = call(
        &app,
        Some(&admin),
        "admin_revoke_sessions",
        &[("user", &id(&bob))],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ended, 2, "both of bob's sessions");
    assert_eq!(
        app.get("/api/v1/me", Some(&bob)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.get("/api/v1/me", Some(&admin)).await.0, StatusCode::OK);
    let (status, _) = login(&app, "bob@example.test").await;
    assert_eq!(status, StatusCode::OK, "not a ban");
});

on_each_backend!(
    a_banned_members_socket_leaves_private_rooms_at_once,
    |app| {
        let (admin, bob) = admin_and_bob(&app).await;
        app.add_member(&admin, "acme", &bob).await;
        let (_, org) = app.get("/api/v1/orgs/acme", Some(&admin)).await;
        let org_id = org["org"]["id"].as_str().unwrap().to_string();
        let mut ws = app.socket(Some(&bob), "").await;
        ws.next().await;
        ws.next().await;
        ws.send(&ClientMessage::Subscribe {
            org_id: org_id.clone(),
            channel: Channel::Tasks,
        })
        .await;
        assert!(matches!(
            ws.next().await.event,
            ServerEvent::Subscribed { .. }
        ));

        let (status, _) = call(
            &app,
            Some(&admin),
            "admin_ban",
            &[("user", &id(&bob)), ("reason", "leaks")],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let moved = ws.next().await;
        assert!(
            matches!(moved.event, ServerEvent::WaitingRoom { .. }),
            "{moved:?}"
        );
        app.post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "secret"}),
            Some(&admin),
        )
        .await;
        assert!(ws.silent_for(std::time::Duration::from_millis(300)).await);
    }
);

on_each_backend!(deleting_an_org_through_the_admin_removes_it, |app| {
    let (admin, bob) = admin_and_bob(&app).await;
    app.create_org(&bob, "bobco").await;
    let (_, orgs) = call(&app, Some(&admin), "admin_orgs", &[("q", "BOBC")]).await;
    assert_eq!(orgs["total"], 1, "{orgs}");
    assert_eq!(orgs["rows"][0]["slug"], "bobco");
    assert_eq!(orgs["rows"][0]["members"], 1);
    let (status, page) = app.page("/admin/orgs/bobco", Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("bob@example.test") && page.contains("Administrators"));

    let (status, _) = call(
        &app,
        Some(&admin),
        "admin_delete_org",
        &[("slug", "bobco"), ("confirm", "acme")],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the confirmation must match"
    );
    assert_eq!(
        app.get("/api/v1/orgs/bobco", Some(&bob)).await.0,
        StatusCode::OK
    );

    let res = app
        .http
        .post(format!("{}/sfn/admin_delete_org", app.base))
        .header("cookie", admin.cookie())
        .header("origin", &app.base)
        .header("accept", "text/html")
        .header("referer", format!("{}/admin/orgs/bobco", app.base))
        .form(&[("slug", "bobco"), ("confirm", "bobco")])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection());
    assert_eq!(res.headers()["location"], "/admin/orgs");
    assert_eq!(
        app.get("/api/v1/orgs/bobco", Some(&bob)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.page("/admin/orgs/bobco", Some(&admin)).await.0,
        StatusCode::NOT_FOUND
    );
});

on_each_backend!(closing_sign_up_at_run_time_refuses_new_accounts, |app| {
    let (admin, _bob) = admin_and_bob(&app).await;
    let signup = |email: &'static str| {
        app.post(
            "/api/auth/signup",
            json!({"email": email, "password": PASSWORD, "name": "New"}),
            None,
        )
    };
    let (status, settings) = call(&app, Some(&admin), "admin_set_signups", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(settings["signupsOpen"], false);
    let (status, refused) = signup("carol@example.test").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert_eq!(refused["error"]["code"], "forbidden");
    let (_, page) = app.page("/admin", Some(&admin)).await;
    assert!(page.contains("Open sign-up"));
    let (_, page) = app.page("/signup", None).await;
    assert!(page.contains("signup-closed"), "the sign-up page says so");

    let (status, _) = call(&app, Some(&admin), "admin_set_signups", &[("open", "on")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = signup("carol@example.test").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, page) = app.page("/signup", None).await;
    assert!(!page.contains("signup-closed"));
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_sign_up_in_the_config_is_the_same_refusal_and_admins_may_open_it() {
    let app = TestApp::spawn_with(common::Backend::Sqlite, |config| config.signup = false).await;
    let admin = app.sign_up("admin@example.test").await;
    let body = json!({"email": "carol@example.test", "password": PASSWORD, "name": "Carol"});
    let (status, refused) = app.post("/api/auth/signup", body.clone(), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(refused["error"]["code"], "forbidden");
    let (_, overview) = call(&app, Some(&admin), "admin_overview", &[]).await;
    assert_eq!(overview["settings"]["signupsOpen"], false, "{overview}");
    call(&app, Some(&admin), "admin_set_signups", &[("open", "on")]).await;
    let (status, _) = app.post("/api/auth/signup", body, None).await;
    assert_eq!(status, StatusCode::CREATED);
}

on_each_backend!(the_connections_page_counts_open_sockets, |app| {
    let (admin, _bob) = admin_and_bob(&app).await;
    let (_, org) = app.get("/api/v1/orgs/acme", Some(&admin)).await;
    let org_id = org["org"]["id"].as_str().unwrap().to_string();
    let (_, before) = call(&app, Some(&admin), "admin_connections", &[]).await;
    assert_eq!(before["openSockets"], 0, "{before}");

    let mut ws = app.socket(Some(&admin), "").await;
    ws.next().await;
    ws.next().await;
    ws.send(&ClientMessage::Subscribe {
        org_id,
        channel: Channel::Tasks,
    })
    .await;
    assert!(matches!(
        ws.next().await.event,
        ServerEvent::Subscribed { .. }
    ));
    let _waiting = app.socket(None, "").await;

    let mut now = Value::Null;
    for _ in 0..50 {
        now = call(&app, Some(&admin), "admin_connections", &[]).await.1;
        if now["openSockets"] == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(now["openSockets"], 2, "{now}");
    assert_eq!(now["waiting"], 1, "{now}");
    assert_eq!(now["rooms"][0]["orgSlug"], "acme", "{now}");
    assert_eq!(now["rooms"][0]["channel"], "tasks");
    assert_eq!(now["rooms"][0]["sockets"], 1);
    let (_, page) = app.page("/admin/connections", Some(&admin)).await;
    assert!(page.contains("this instance") && page.contains("Org acme"));
});

on_each_backend!(a_demoted_admins_socket_loses_what_it_had_as_admin, |app| {
    let (admin, bob) = admin_and_bob(&app).await;
    call(
        &app,
        Some(&admin),
        "admin_set_role",
        &[("user", &id(&bob)), ("role", "admin")],
    )
    .await;
    let (_, org) = app.get("/api/v1/orgs/acme", Some(&admin)).await;
    let org_id = org["org"]["id"].as_str().unwrap().to_string();
    let mut ws = app.socket(Some(&bob), "").await;
    ws.next().await;
    ws.next().await;
    let subscribe = ClientMessage::Subscribe {
        org_id,
        channel: Channel::Admin,
    };
    ws.send(&subscribe).await;
    let joined = ws.next().await;
    assert!(
        matches!(joined.event, ServerEvent::Subscribed { .. }),
        "a site admin may listen to any org's admin room: {joined:?}"
    );

    let (status, _) = call(
        &app,
        Some(&admin),
        "admin_set_role",
        &[("user", &id(&bob)), ("role", "user")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let moved = ws.next().await;
    assert!(
        matches!(moved.event, ServerEvent::WaitingRoom { .. }),
        "{moved:?}"
    );
    ws.send(&subscribe).await;
    let refused = ws.next().await;
    assert!(
        matches!(refused.event, ServerEvent::Error { .. }),
        "{refused:?}"
    );
    assert_eq!(
        app.get("/api/v1/me", Some(&bob)).await.0,
        StatusCode::OK,
        "still signed in"
    );
});
