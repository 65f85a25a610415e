//! Notifications: who is told what (and who is not), the inbox, watching, mentions by id,
//! and the live badge over the user's private room.

use crate::common;

use common::{Session, TestApp};
use domain::realtime::ServerEvent;
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use std::time::Duration;

/// Waits until no notification job is queued or running: what was to be told is told.
async fn settle(app: &TestApp) {
    let db = app.db().await;
    for _ in 0..200 {
        let pending = entity::job::Entity::find()
            .filter(entity::job::Column::Kind.eq("notify"))
            .count(&db)
            .await
            .unwrap();
        if pending == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the notification jobs did not finish");
}

async fn inbox(app: &TestApp, who: &Session, query: &str) -> Value {
    settle(app).await;
    let (status, body) = app
        .get(&format!("/api/v1/me/notifications{query}"), Some(who))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// The types of the inbox's items, newest first.
fn kinds(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["type"].as_str().unwrap().to_string())
        .collect()
}

fn id(who: &Session) -> String {
    who.user["id"].as_str().unwrap().to_string()
}

fn mention(who: &Session, name: &str) -> String {
    format!("@[{name}](user:{})", id(who))
}

async fn new_task(app: &TestApp, who: &Session, body: Value) -> i64 {
    let (status, res) = app.post("/api/v1/orgs/acme/tasks", body, Some(who)).await;
    assert_eq!(status, StatusCode::CREATED, "{res}");
    res["task"]["number"].as_i64().unwrap()
}

async fn comment(app: &TestApp, who: &Session, number: i64, body: Value) -> Value {
    let (status, res) = app
        .post(
            &format!("/api/v1/orgs/acme/tasks/{number}/comments"),
            body,
            Some(who),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{res}");
    res
}

async fn set_status(app: &TestApp, who: &Session, number: i64, status: &str) {
    let path = format!("/api/v1/orgs/acme/tasks/{number}");
    let (_, task) = app.get(&path, Some(who)).await;
    let (code, res) = app
        .request(
            Method::PATCH,
            &path,
            Some(json!({"version": task["task"]["version"], "status": status})),
            Some(who),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{res}");
}

/// The owner of acme with bob and carol as members, and eve from outside.
async fn setup(app: &TestApp) -> (Session, Session, Session, Session) {
    app.sign_up("root@example.test").await;
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    let bob = app.sign_up("bob@example.test").await;
    app.add_member(&owner, "acme", &bob).await;
    let carol = app.sign_up("carol@example.test").await;
    app.add_member(&owner, "acme", &carol).await;
    let eve = app.sign_up("eve@example.test").await;
    (owner, bob, carol, eve)
}

on_each_backend!(
    assignments_mentions_comments_and_status_reach_whom_they_concern_once,
    |app| {
        let (owner, bob, carol, _eve) = setup(&app).await;
        let n = new_task(
            &app,
            &owner,
            json!({"title": "Ship it", "assigneeIds": [id(&bob)]}),
        )
        .await;
        let bobs = inbox(&app, &bob, "").await;
        assert_eq!(kinds(&bobs), ["assigned"]);
        let first = &bobs["items"][0];
        assert_eq!(first["task"]["number"], n);
        assert_eq!(first["task"]["title"], "Ship it");
        assert_eq!(first["org"]["slug"], "acme");
        assert_eq!(first["actor"]["id"], owner.user["id"]);
        assert_eq!(bobs["unreadCount"], 1);
        assert_eq!(
            kinds(&inbox(&app, &owner, "").await),
            Vec::<String>::new(),
            "not for your own act"
        );

        // Bob mentions carol in an internal comment: carol is mentioned, the owner (who
        // created the task, so watches it) hears of the comment, bob of nothing.
        let body = format!("{} can you look?", mention(&carol, "Carol"));
        let written = comment(&app, &bob, n, json!({"body": body})).await;
        let html = written["comment"]["bodyHtml"].as_str().unwrap();
        // Shown under her name as it is (not as typed).
        assert!(
            html.contains(&format!(r#"data-user="{}">@carol</span>"#, id(&carol))),
            "{html}"
        );
        assert_eq!(kinds(&inbox(&app, &carol, "").await), ["mentioned"]);
        assert_eq!(kinds(&inbox(&app, &owner, "").await), ["commented"]);
        assert_eq!(kinds(&inbox(&app, &bob, "").await), ["assigned"]);

        // The owner mentions bob, who watches (assignee, commenter): one notification,
        // the strongest reason.
        let body = format!("thanks {}", mention(&bob, "Bob"));
        comment(&app, &owner, n, json!({"body": body})).await;
        assert_eq!(
            kinds(&inbox(&app, &bob, "").await),
            ["mentioned", "assigned"]
        );
        // Carol watches since she was mentioned: she hears of the comment.
        assert_eq!(
            kinds(&inbox(&app, &carol, "").await),
            ["commented", "mentioned"]
        );

        // Carol moves it: everyone watching but her hears, with the change.
        set_status(&app, &carol, n, "in-progress").await;
        let bobs = inbox(&app, &bob, "").await;
        assert_eq!(kinds(&bobs), ["status_changed", "mentioned", "assigned"]);
        assert_eq!(
            bobs["items"][0]["status"],
            json!({"from": "backlog", "to": "in-progress"})
        );
        assert_eq!(bobs["items"][0]["task"]["status"], "in-progress");
        assert_eq!(
            kinds(&inbox(&app, &owner, "").await),
            ["status_changed", "commented"]
        );
        assert_eq!(
            kinds(&inbox(&app, &carol, "").await),
            ["commented", "mentioned"]
        );

        // Renaming carol renames her in the stored comment as readers see it.
        {
            use sea_orm::{ActiveModelTrait, Set};
            let carol_id = uuid::Uuid::parse_str(&id(&carol)).unwrap();
            entity::user::ActiveModel {
                id: Set(carol_id),
                name: Set("Carol <Lee>".into()),
                ..Default::default()
            }
            .update(&app.db().await)
            .await
            .unwrap();
        }
        let (_, comments) = app
            .get(
                &format!("/api/v1/orgs/acme/tasks/{n}/comments"),
                Some(&owner),
            )
            .await;
        let html = comments[0]["bodyHtml"].as_str().unwrap();
        assert!(html.contains("@Carol &lt;Lee&gt;</span>"), "{comments}");

        // An edit that adds nobody tells nobody again.
        let before = inbox(&app, &carol, "").await["items"]
            .as_array()
            .unwrap()
            .len();
        let cid = written["comment"]["id"].as_str().unwrap();
        let (status, _) = app
            .request(
                Method::PATCH,
                &format!("/api/v1/orgs/acme/comments/{cid}"),
                Some(
                    json!({"body": format!("{} can you look? (edited)", mention(&carol, "Carol"))}),
                ),
                Some(&bob),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            inbox(&app, &carol, "").await["items"]
                .as_array()
                .unwrap()
                .len(),
            before
        );
    }
);

on_each_backend!(the_inbox_reads_archives_and_pages, |app| {
    let (owner, bob, _carol, eve) = setup(&app).await;
    for i in 0..5 {
        new_task(
            &app,
            &owner,
            json!({"title": format!("t{i}"), "assigneeIds": [id(&bob)]}),
        )
        .await;
    }
    let all = inbox(&app, &bob, "?limit=2").await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    assert_eq!(all["unreadCount"], 5);
    assert_eq!(all["items"][0]["task"]["title"], "t4", "newest first");
    let cursor = all["nextCursor"].as_str().unwrap();
    let next = inbox(&app, &bob, &format!("?limit=2&cursor={cursor}")).await;
    assert_eq!(next["items"][0]["task"]["title"], "t2");
    let last = inbox(&app, &bob, "?limit=5").await;
    assert!(last["nextCursor"].is_null(), "{last}");

    let first = all["items"][0]["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/me/notifications/{first}");
    let (status, read) = app
        .request(
            Method::PATCH,
            &path,
            Some(json!({"read": true})),
            Some(&bob),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert!(read["readAt"].is_string());
    assert_eq!(
        inbox(&app, &bob, "?unread=true").await["items"]
            .as_array()
            .unwrap()
            .len(),
        4
    );

    // Archiving reads; the archive lists it; unread takes it back to the inbox.
    let second = all["items"][1]["id"].as_str().unwrap().to_string();
    let path2 = format!("/api/v1/me/notifications/{second}");
    app.request(
        Method::PATCH,
        &path2,
        Some(json!({"archived": true})),
        Some(&bob),
    )
    .await;
    let archived = inbox(&app, &bob, "?archived=true").await;
    assert_eq!(archived["items"].as_array().unwrap().len(), 1);
    assert!(archived["items"][0]["readAt"].is_string());
    assert_eq!(
        inbox(&app, &bob, "").await["items"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert_eq!(inbox(&app, &bob, "").await["unreadCount"], 3);
    app.request(
        Method::PATCH,
        &path2,
        Some(json!({"read": false})),
        Some(&bob),
    )
    .await;
    assert_eq!(
        inbox(&app, &bob, "?archived=true").await["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    let (status, _) = app
        .post("/api/v1/me/notifications/read-all", json!({}), Some(&bob))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(inbox(&app, &bob, "").await["unreadCount"], 0);

    // Someone else's notification does not exist for you; bad input is named.
    let (status, _) = app
        .request(
            Method::PATCH,
            &path,
            Some(json!({"read": false})),
            Some(&eve),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = app
        .get("/api/v1/me/notifications?cursor=nope", Some(&bob))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "invalid_input");
    let (status, _) = app
        .get("/api/v1/me/notifications?limit=0", Some(&bob))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = app
        .request(
            Method::PATCH,
            &path,
            Some(json!({"read": "yes"})),
            Some(&bob),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = app.get("/api/v1/me/notifications", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
});

on_each_backend!(
    visitors_hear_of_status_but_never_of_internal_things,
    |app| {
        let (owner, bob, _carol, eve) = setup(&app).await;
        let (status, _) = app
            .request(
                Method::PATCH,
                "/api/v1/orgs/acme",
                Some(json!({"settings": {"publicPage": true, "publicActions": true}})),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        // Eve suggests a task from the public side: she follows it.
        let n = new_task(
            &app,
            &eve,
            json!({"title": "Dark mode", "visibility": "public"}),
        )
        .await;
        // An internal comment, with a mention of her: she hears of neither.
        comment(
            &app,
            &owner,
            n,
            json!({"body": format!("{} asked", mention(&eve, "Eve")), "visibility": "internal"}),
        )
        .await;
        comment(
            &app,
            &bob,
            n,
            json!({"body": "public reply", "visibility": "public"}),
        )
        .await;
        assert_eq!(kinds(&inbox(&app, &eve, "").await), Vec::<String>::new());

        set_status(&app, &owner, n, "todo").await;
        let eves = inbox(&app, &eve, "").await;
        assert_eq!(kinds(&eves), ["submission_updated"]);
        assert_eq!(eves["items"][0]["status"]["to"], "todo");

        // A private task cannot be followed from outside, nor its existence learnt.
        let private = new_task(&app, &owner, json!({"title": "secret"})).await;
        let (status, _) = app
            .request(
                Method::PUT,
                &format!("/api/v1/orgs/acme/tasks/{private}/watch"),
                None,
                Some(&eve),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Made private, the task she followed tells her nothing more, and its old news is gone.
        let path = format!("/api/v1/orgs/acme/tasks/{n}");
        let (_, task) = app.get(&path, Some(&owner)).await;
        app.request(
            Method::PATCH,
            &path,
            Some(json!({"version": task["task"]["version"], "visibility": "private"})),
            Some(&owner),
        )
        .await;
        set_status(&app, &owner, n, "done").await;
        let eves = inbox(&app, &eve, "").await;
        assert_eq!(kinds(&eves), Vec::<String>::new(), "{eves}");
        assert_eq!(eves["unreadCount"], 0);
    }
);

on_each_backend!(watching_is_chosen_and_an_unwatch_sticks, |app| {
    let (owner, bob, carol, _eve) = setup(&app).await;
    let n = new_task(&app, &owner, json!({"title": "Watch me"})).await;
    let watch = format!("/api/v1/orgs/acme/tasks/{n}/watch");
    assert_eq!(app.get(&watch, Some(&carol)).await.1["watching"], false);
    let (status, _) = app.request(Method::PUT, &watch, None, Some(&carol)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&watch, Some(&carol)).await.1["watching"], true);
    comment(&app, &bob, n, json!({"body": "first"})).await;
    assert_eq!(kinds(&inbox(&app, &carol, "").await), ["commented"]);

    // The owner unwatches the task they created; taking part again does not re-watch.
    settle(&app).await;
    let (status, _) = app
        .request(Method::DELETE, &watch, None, Some(&owner))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let before = inbox(&app, &owner, "").await["items"]
        .as_array()
        .unwrap()
        .len();
    comment(&app, &owner, n, json!({"body": "mine"})).await;
    comment(&app, &bob, n, json!({"body": "second"})).await;
    set_status(&app, &bob, n, "todo").await;
    assert_eq!(
        inbox(&app, &owner, "").await["items"]
            .as_array()
            .unwrap()
            .len(),
        before
    );
    assert_eq!(app.get(&watch, Some(&owner)).await.1["watching"], false);
    // Not signed in, a private task does not exist.
    let (status, _) = app.request(Method::PUT, &watch, None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

on_each_backend!(
    a_member_who_left_is_told_nothing_more_and_sees_no_old_news,
    |app| {
        let (owner, bob, _carol, _eve) = setup(&app).await;
        let n = new_task(
            &app,
            &owner,
            json!({"title": "Private", "assigneeIds": [id(&bob)]}),
        )
        .await;
        assert_eq!(kinds(&inbox(&app, &bob, "").await), ["assigned"]);
        let (status, _) = app
            .request(
                Method::DELETE,
                &format!("/api/v1/orgs/acme/members/{}", id(&bob)),
                None,
                Some(&owner),
            )
            .await;
        assert!(status.is_success(), "{status}");
        comment(&app, &owner, n, json!({"body": "after bob left"})).await;
        set_status(&app, &owner, n, "done").await;
        let bobs = inbox(&app, &bob, "").await;
        assert_eq!(kinds(&bobs), Vec::<String>::new(), "{bobs}");
        assert_eq!(bobs["unreadCount"], 0);
        let rows = entity::notification::Entity::find()
            .filter(
                entity::notification::Column::UserId.eq(uuid::Uuid::parse_str(&id(&bob)).unwrap()),
            )
            .count(&app.db().await)
            .await
            .unwrap();
        assert_eq!(
            rows, 0,
            "what he was told there went when he left, and nothing came after"
        );
    }
);

on_each_backend!(an_invitation_and_a_task_reference_are_told, |app| {
    let (owner, bob, _carol, eve) = setup(&app).await;
    let (status, _) = app
        .post(
            "/api/v1/orgs/acme/invites",
            json!({"email": "eve@example.test"}),
            Some(&owner),
        )
        .await;
    assert!(status.is_success());
    let eves = inbox(&app, &eve, "").await;
    assert_eq!(kinds(&eves), ["invited"]);
    assert!(eves["items"][0]["task"].is_null());
    assert_eq!(
        eves["items"][0]["org"]["name"],
        owner_org_name(&app, &owner).await
    );

    // `#1` in a private task's description: task 1's timeline says so, to members only.
    let target = new_task(
        &app,
        &owner,
        json!({"title": "Target", "visibility": "public"}),
    )
    .await;
    let from = new_task(
        &app,
        &bob,
        json!({"title": "Refers", "description": format!("see #{target}")}),
    )
    .await;
    let (_, timeline) = app
        .get(
            &format!("/api/v1/orgs/acme/tasks/{target}/timeline"),
            Some(&owner),
        )
        .await;
    let text = timeline.to_string();
    assert!(
        text.contains("\"mentioned\"") && text.contains(&format!("\"number\":{from}")),
        "{timeline}"
    );
    let (status, _) = app
        .request(
            Method::PATCH,
            "/api/v1/orgs/acme",
            Some(json!({"settings": {"publicPage": true}})),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, public) = app
        .get(&format!("/api/v1/orgs/acme/tasks/{target}/timeline"), None)
        .await;
    assert!(!public.to_string().contains("\"mentioned\""), "{public}");
});

async fn owner_org_name(app: &TestApp, owner: &Session) -> Value {
    app.get("/api/v1/orgs/acme", Some(owner)).await.1["org"]["name"].clone()
}

on_each_backend!(the_badge_moves_live_on_every_socket_of_the_user, |app| {
    let (owner, bob, _carol, eve) = setup(&app).await;
    let mut bobs_socket = app.socket(Some(&bob), "").await;
    let mut eves_socket = app.socket(Some(&eve), "").await;
    // CONNECTION_STATUS and WAITING_ROOM first.
    bobs_socket.next().await;
    bobs_socket.next().await;
    eves_socket.next().await;
    eves_socket.next().await;
    new_task(
        &app,
        &owner,
        json!({"title": "Live", "assigneeIds": [id(&bob)]}),
    )
    .await;
    let msg = bobs_socket.next().await;
    let ServerEvent::Notification {
        notification,
        unread_count,
    } = msg.event
    else {
        panic!("expected NOTIFICATION, got {msg:?}");
    };
    assert_eq!(unread_count, 1);
    assert_eq!(notification.task.unwrap().title, "Live");
    assert_eq!(
        serde_json::to_value(&msg.scope).unwrap(),
        json!("INDIVIDUAL")
    );
    app.post("/api/v1/me/notifications/read-all", json!({}), Some(&bob))
        .await;
    let msg = bobs_socket.next().await;
    assert!(
        matches!(
            msg.event,
            ServerEvent::NotificationsRead { unread_count: 0 }
        ),
        "{msg:?}"
    );
    assert!(
        eves_socket.silent_for(Duration::from_millis(500)).await,
        "nobody else hears"
    );
});

// ---- Mail ----

use common::SmtpServer;

/// The notification mails (those with an unsubscribe link) to `to` whose subject contains
/// `subject`.
fn mails_to(smtp: &SmtpServer, to: &str, subject: &str) -> Vec<common::CaughtMail> {
    smtp.mails()
        .into_iter()
        .filter(|m| m.to.contains(to) && m.subject.contains(subject))
        .filter(|m| m.header("List-Unsubscribe").is_some())
        .collect()
}

/// Waits until nothing about notifications is left to mail before `within` has passed.
async fn mail_settled(app: &TestApp) {
    let db = app.db().await;
    for _ in 0..200 {
        let pending = entity::job::Entity::find()
            .filter(entity::job::Column::Kind.is_in(["notify", "notify_mail", "send_mail"]))
            .count(&db)
            .await
            .unwrap();
        if pending == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the mail jobs did not finish");
}

with_smtp!(
    what_comes_within_the_window_is_one_mail_and_one_click_unsubscribes,
    0,
    tweak = |c| c.notify_mail_delay = Duration::from_secs(2),
    |app, smtp| {
        let (owner, bob, _carol, _eve) = setup(&app).await;
        let n = new_task(
            &app,
            &owner,
            json!({"title": "Batch", "assigneeIds": [id(&bob)]}),
        )
        .await;
        for i in 0..3 {
            let body = format!("ping {i} {}", mention(&bob, "Bob"));
            comment(&app, &owner, n, json!({"body": body})).await;
        }
        let mail = smtp
            .wait_for_subject("bob@example.test", "new notifications")
            .await;
        assert!(
            mail.subject.starts_with("4 new notifications"),
            "{}",
            mail.subject
        );
        assert!(mail.text.contains("owner assigned you"), "{}", mail.text);
        assert_eq!(
            mail.text.matches("owner mentioned you in").count(),
            3,
            "{}",
            mail.text
        );
        assert!(
            mail.text.contains(&format!("/orgs/acme/tasks/{n}")),
            "{}",
            mail.text
        );
        mail_settled(&app).await;
        assert_eq!(
            mails_to(&smtp, "bob@example.test", "notification").len(),
            1,
            "one mail"
        );
        assert!(mails_to(&smtp, "owner@example.test", "notification").is_empty());

        // One click (RFC 8058) from the header: mail of those types stops, no sign-in needed.
        assert_eq!(
            mail.header("List-Unsubscribe-Post").as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
        let link = mail.header("List-Unsubscribe").unwrap();
        let link = link
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string();
        assert!(
            link.starts_with(&format!("{}/unsubscribe?token=", app.base))
                || link.contains("/unsubscribe?token="),
            "{link}"
        );
        let path = &link[link.find("/unsubscribe").unwrap()..];
        let forged = path.replace("assigned", "commented");
        let res = app
            .http
            .post(format!("{}{forged}", app.base))
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::GONE, "a changed link is refused");
        let res = app
            .http
            .post(format!("{}{path}", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let (_, settings) = app
            .get("/api/v1/me/notification-settings", Some(&bob))
            .await;
        let mode = |kind: &str| {
            settings
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["type"] == kind)
                .unwrap()["mail"]
                .clone()
        };
        assert_eq!(mode("assigned"), "off");
        assert_eq!(mode("mentioned"), "off");
        assert_eq!(mode("commented"), "daily", "untouched");

        // Off means no mail, but the inbox still has it.
        let m = new_task(
            &app,
            &owner,
            json!({"title": "Quiet", "assigneeIds": [id(&bob)]}),
        )
        .await;
        mail_settled(&app).await;
        tokio::time::sleep(Duration::from_millis(2500)).await;
        mail_settled(&app).await;
        assert_eq!(mails_to(&smtp, "bob@example.test", "Quiet").len(), 0);
        assert_eq!(inbox(&app, &bob, "").await["items"][0]["task"]["number"], m);
    }
);

with_smtp!(
    the_daily_digest_and_settings,
    0,
    tweak = |c| c.notify_mail_delay = Duration::from_secs(2),
    |app, smtp| {
        let (owner, bob, _carol, _eve) = setup(&app).await;
        // Bob wants status changes now and nothing about comments.
        let settings = |body: Value| {
            app.request(
                Method::PUT,
                "/api/v1/me/notification-settings",
                Some(body),
                Some(&bob),
            )
        };
        let (status, body) = settings(json!([
            {"type": "commented", "mail": "off"},
            {"type": "status_changed", "mail": "daily"}
        ]))
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // An invitation has no setting; a mode must be one of the three.
        let (status, body) = settings(json!([{"type": "invited", "mail": "now"}])).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let (status, _) = settings(json!([{"type": "assigned", "mail": "sometimes"}])).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        let n = new_task(&app, &owner, json!({"title": "Digest me"})).await;
        app.request(
            Method::PUT,
            &format!("/api/v1/orgs/acme/tasks/{n}/watch"),
            None,
            Some(&bob),
        )
        .await;
        comment(
            &app,
            &owner,
            n,
            json!({"body": "a comment bob does not want mailed"}),
        )
        .await;
        set_status(&app, &owner, n, "todo").await;
        settle(&app).await;
        let svc = &app.app_state.services;
        services::jobs::enqueue(svc, &services::notify::NotifyDigest)
            .await
            .unwrap();
        mail_settled(&app).await;
        assert!(
            mails_to(&smtp, "bob@example.test", "").is_empty(),
            "nothing waited a day yet"
        );

        // A day later the digest goes out, with the status change only.
        {
            use sea_orm::sea_query::Expr;
            entity::notification::Entity::update_many()
                .col_expr(
                    entity::notification::Column::CreatedAt,
                    Expr::value(chrono::Utc::now() - chrono::Duration::hours(25)),
                )
                .exec(&app.db().await)
                .await
                .unwrap();
        }
        services::jobs::enqueue(svc, &services::notify::NotifyDigest)
            .await
            .unwrap();
        let mail = smtp.wait_for_subject("bob@example.test", "moved").await;
        assert!(
            mail.subject.starts_with("owner moved ABC-"),
            "{}",
            mail.subject
        );
        assert!(mail.text.contains("from Backlog to Todo"), "{}", mail.text);
        assert!(!mail.text.contains("commented"), "{}", mail.text);
        mail_settled(&app).await;
        services::jobs::enqueue(svc, &services::notify::NotifyDigest)
            .await
            .unwrap();
        mail_settled(&app).await;
        assert_eq!(
            mails_to(&smtp, "bob@example.test", "").len(),
            1,
            "mailed once"
        );
    }
);

with_smtp!(
    a_visitor_unfollows_from_the_mail_and_a_member_who_left_gets_nothing,
    0,
    tweak = |c| c.notify_mail_delay = Duration::from_secs(2),
    |app, smtp| {
        let (owner, bob, _carol, eve) = setup(&app).await;
        app.request(
            Method::PATCH,
            "/api/v1/orgs/acme",
            Some(json!({"settings": {"publicPage": true, "publicActions": true}})),
            Some(&owner),
        )
        .await;
        let n = new_task(
            &app,
            &eve,
            json!({"title": "Please add", "visibility": "public"}),
        )
        .await;
        set_status(&app, &owner, n, "todo").await;
        let mail = smtp.wait_for_subject("eve@example.test", "moved").await;
        assert!(mail.text.contains("from Backlog to Todo"), "{}", mail.text);
        let unfollow = mail
            .text
            .lines()
            .find_map(|l| l.trim().strip_prefix("Stop following this task: "))
            .expect("an unfollow link")
            .to_string();
        let path = &unfollow[unfollow.find("/unsubscribe").unwrap()..];
        // The page says what it stops, and stops nothing until the button.
        let (status, html) = {
            let res = app
                .http
                .get(format!("{}{path}", app.base))
                .send()
                .await
                .unwrap();
            (res.status(), res.text().await.unwrap())
        };
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Please add"), "{html}");
        let watch = format!("/api/v1/orgs/acme/tasks/{n}/watch");
        assert_eq!(app.get(&watch, Some(&eve)).await.1["watching"], true);
        let res = app
            .http
            .post(format!("{}{path}", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.get(&watch, Some(&eve)).await.1["watching"], false);
        set_status(&app, &owner, n, "done").await;
        settle(&app).await;
        assert_eq!(
            kinds(&inbox(&app, &eve, "").await),
            ["submission_updated"],
            "only the first"
        );

        // Bob is mentioned, then removed before the mail goes: he gets none.
        let m = new_task(&app, &owner, json!({"title": "Private"})).await;
        comment(
            &app,
            &owner,
            m,
            json!({"body": format!("{} look", mention(&bob, "Bob"))}),
        )
        .await;
        settle(&app).await;
        app.request(
            Method::DELETE,
            &format!("/api/v1/orgs/acme/members/{}", id(&bob)),
            None,
            Some(&owner),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(2500)).await;
        mail_settled(&app).await;
        assert!(mails_to(&smtp, "bob@example.test", "").is_empty());
    }
);

on_each_backend!(the_unread_count_stops_at_a_thousand, |app| {
    let (owner, bob, _carol, _eve) = setup(&app).await;
    let n = new_task(&app, &owner, json!({"title": "Noisy"})).await;
    settle(&app).await;
    let db = app.db().await;
    let task = entity::task::Entity::find()
        .filter(entity::task::Column::Number.eq(n))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let bob_id = uuid::Uuid::parse_str(&id(&bob)).unwrap();
    let rows: Vec<entity::notification::ActiveModel> = (0..1005)
        .map(|_| {
            use sea_orm::Set;
            entity::notification::ActiveModel {
                id: Set(uuid::Uuid::now_v7()),
                user_id: Set(bob_id),
                org_id: Set(task.org_id),
                task_id: Set(Some(task.id)),
                comment_id: Set(None),
                kind: Set("commented".into()),
                actor_id: Set(None),
                detail: Set(None),
                mail: Set(None),
                created_at: Set(chrono::Utc::now()),
                read_at: Set(None),
                archived_at: Set(None),
            }
        })
        .collect();
    for chunk in rows.chunks(200) {
        entity::notification::Entity::insert_many(chunk.to_vec())
            .exec(&db)
            .await
            .unwrap();
    }
    let list = inbox(&app, &bob, "?limit=1").await;
    assert_eq!(list["unreadCount"], 1000, "1,000 means 1,000 or more");
    app.post("/api/v1/me/notifications/read-all", json!({}), Some(&bob))
        .await;
    assert_eq!(inbox(&app, &bob, "").await["unreadCount"], 0);
});
