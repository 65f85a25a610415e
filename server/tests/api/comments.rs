//! Comments, reactions, votes and relations: what members, outsiders and anonymous
//! visitors may read and do, and what they must never learn.

use crate::common;

use common::{Session, TestApp};
use domain::realtime::{Channel, ClientMessage, ServerEvent};
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::{Value, json};
use std::time::Duration;

/// Makes `email` a member of acme (in no team) and returns their session.
async fn join(app: &TestApp, owner: &Session, email: &str) -> Session {
    let who = app.sign_up(email).await;
    let (_, body) = app
        .post(
            "/api/v1/orgs/acme/invites",
            json!({ "email": email }),
            Some(owner),
        )
        .await;
    let code = body["invite"]["code"].as_str().unwrap().to_string();
    let (status, _) = app
        .post(
            &format!("/api/v1/invites/{code}/accept"),
            json!({}),
            Some(&who),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    who
}

/// root (site admin), the owner of `acme`, bob (a member in no team) and eve (an outsider).
async fn setup(app: &TestApp) -> (Session, Session, Session) {
    app.sign_up("root@example.test").await;
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    let bob = join(app, &owner, "bob@example.test").await;
    let eve = app.sign_up("eve@example.test").await;
    (owner, bob, eve)
}

async fn public(app: &TestApp, owner: &Session, page: bool, actions: bool) {
    let (status, body) = app
        .request(
            Method::PATCH,
            "/api/v1/orgs/acme",
            Some(json!({"settings": {"publicPage": page, "publicActions": actions}})),
            Some(owner),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn task(app: &TestApp, who: &Session, title: &str, visibility: &str) -> i64 {
    let (status, res) = app
        .post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": title, "visibility": visibility}),
            Some(who),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{res}");
    res["task"]["number"].as_i64().unwrap()
}

async fn comment(
    app: &TestApp,
    who: Option<&Session>,
    number: i64,
    body: Value,
) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/orgs/acme/tasks/{number}/comments"),
        body,
        who,
    )
    .await
}

/// Writes a comment that must succeed and returns it.
async fn say(app: &TestApp, who: &Session, number: i64, body: Value) -> Value {
    let (status, res) = comment(app, Some(who), number, body).await;
    assert_eq!(status, StatusCode::CREATED, "{res}");
    res["comment"].clone()
}

async fn comments(app: &TestApp, who: Option<&Session>, number: i64) -> Vec<Value> {
    let (status, body) = app
        .get(&format!("/api/v1/orgs/acme/tasks/{number}/comments"), who)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array().unwrap().clone()
}

async fn comment_count(app: &TestApp, who: Option<&Session>, number: i64) -> i64 {
    let (status, body) = app
        .get(&format!("/api/v1/orgs/acme/tasks/{number}"), who)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["task"]["commentCount"].as_i64().unwrap()
}

async fn vote(app: &TestApp, method: Method, who: &Session, number: i64) -> (StatusCode, Value) {
    app.request(
        method,
        &format!("/api/v1/orgs/acme/tasks/{number}/vote"),
        None,
        Some(who),
    )
    .await
}

async fn edit(app: &TestApp, who: &Session, id: &str, body: &str) -> (StatusCode, Value) {
    app.request(
        Method::PATCH,
        &format!("/api/v1/orgs/acme/comments/{id}"),
        Some(json!({ "body": body })),
        Some(who),
    )
    .await
}

async fn react(app: &TestApp, who: Option<&Session>, id: &str, emoji: &str) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/orgs/acme/comments/{id}/reactions"),
        json!({ "emoji": emoji }),
        who,
    )
    .await
}

/// Adds (POST) or removes (DELETE) the relation `n → target` of type `kind`.
async fn link(
    app: &TestApp,
    method: Method,
    who: Option<&Session>,
    n: i64,
    target: i64,
    kind: &str,
) -> (StatusCode, Value) {
    app.request(
        method,
        &format!("/api/v1/orgs/acme/tasks/{n}/relations"),
        Some(json!({"targetNumber": target, "type": kind})),
        who,
    )
    .await
}

on_each_backend!(internal_comments_never_reach_outsiders, |app| {
    let (owner, bob, eve) = setup(&app).await;
    public(&app, &owner, true, true).await;
    let n = task(&app, &owner, "Dark mode", "public").await;
    let secret = say(&app, &bob, n, json!({"body": "the client is *Initech*"})).await;
    assert_eq!(
        secret["visibility"], "internal",
        "members default to internal"
    );
    let open = say(
        &app,
        &owner,
        n,
        json!({"body": "Coming **soon**", "visibility": "public"}),
    )
    .await;
    assert_eq!(open["bodyHtml"], "<p>Coming <strong>soon</strong></p>\n");
    let theirs = say(&app, &eve, n, json!({"body": "Please!"})).await;
    assert_eq!(theirs["visibility"], "public");

    let seen = comments(&app, Some(&bob), n).await;
    assert_eq!(seen.len(), 3);
    assert_eq!(
        seen.iter().map(|c| c["id"].clone()).collect::<Vec<_>>(),
        [
            secret["id"].clone(),
            open["id"].clone(),
            theirs["id"].clone()
        ],
        "oldest first"
    );
    for who in [Some(&eve), None] {
        let seen = comments(&app, who, n).await;
        assert_eq!(
            seen.iter().map(|c| c["id"].clone()).collect::<Vec<_>>(),
            [open["id"].clone(), theirs["id"].clone()]
        );
        let text = serde_json::to_string(&seen).unwrap();
        assert!(!text.contains("Initech") && !text.contains("@example.test"));
        assert_eq!(seen[0]["author"]["name"], "owner");
        assert_eq!(seen[0]["team"], true);
        assert_eq!(seen[1]["author"]["name"], "eve");
        assert_eq!(seen[1]["team"], false);
        assert_eq!(comment_count(&app, who, n).await, 2);
        let (_, list) = app.get("/api/v1/orgs/acme/tasks", who).await;
        assert_eq!(list["items"][0]["commentCount"], 2);
        let (_, timeline) = app
            .get(&format!("/api/v1/orgs/acme/tasks/{n}/timeline"), who)
            .await;
        let entries = timeline.as_array().unwrap();
        assert_eq!(entries.iter().filter(|e| e["type"] == "comment").count(), 2);
    }
    assert_eq!(comment_count(&app, Some(&bob), n).await, 3);
    let (_, timeline) = app
        .get(&format!("/api/v1/orgs/acme/tasks/{n}/timeline"), Some(&bob))
        .await;
    let entries = timeline.as_array().unwrap();
    let internal: Vec<&Value> = entries.iter().filter(|e| e["type"] == "comment").collect();
    assert_eq!(internal.len(), 3);
    assert_eq!(internal[0]["visibility"], "internal");

    // An internal comment's id leads nowhere for an outsider, not even to a 403.
    let id = secret["id"].as_str().unwrap();
    let (status, _) = edit(&app, &eve, id, "mine now").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = react(&app, Some(&eve), id, "👀").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A private task's comments do not exist for outsiders.
    let hidden = task(&app, &owner, "Acquisition", "private").await;
    say(
        &app,
        &owner,
        hidden,
        json!({"body": "x", "visibility": "public"}),
    )
    .await;
    let (status, _) = app
        .get(
            &format!("/api/v1/orgs/acme/tasks/{hidden}/comments"),
            Some(&eve),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = comment(&app, Some(&eve), hidden, json!({"body": "hi"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

on_each_backend!(
    replies_take_their_parents_visibility_and_go_one_level_deep,
    |app| {
        let (owner, bob, eve) = setup(&app).await;
        public(&app, &owner, true, true).await;
        let n = task(&app, &owner, "Exports", "public").await;
        let other = task(&app, &owner, "Imports", "public").await;
        let top = say(&app, &bob, n, json!({"body": "internal thread"})).await;
        let reply = say(
            &app,
            &owner,
            n,
            json!({"body": "agreed", "visibility": "public", "parentId": top["id"]}),
        )
        .await;
        assert_eq!(reply["visibility"], "internal", "a reply inherits");
        assert_eq!(reply["parentId"], top["id"]);

        let (status, body) = comment(
            &app,
            Some(&owner),
            n,
            json!({"body": "deeper", "parentId": reply["id"]}),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["error"]["fields"]["parentId"].is_string(), "{body}");
        let (status, body) = comment(
            &app,
            Some(&owner),
            other,
            json!({"body": "elsewhere", "parentId": top["id"]}),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["error"]["fields"]["parentId"].is_string());
        // An outsider cannot answer (or find) an internal comment.
        let (status, body) = comment(
            &app,
            Some(&eve),
            n,
            json!({"body": "me too", "parentId": top["id"]}),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["error"]["fields"]["parentId"].is_string());

        let open = say(
            &app,
            &owner,
            n,
            json!({"body": "q&a", "visibility": "public"}),
        )
        .await;
        let answer = say(&app, &eve, n, json!({"body": "a", "parentId": open["id"]})).await;
        assert_eq!(answer["visibility"], "public");
        let internal_answer = say(
            &app,
            &bob,
            n,
            json!({"body": "b", "visibility": "internal", "parentId": open["id"]}),
        )
        .await;
        assert_eq!(
            internal_answer["visibility"], "public",
            "whatever was asked"
        );
        assert_eq!(comments(&app, Some(&eve), n).await.len(), 3);
        assert_eq!(comment_count(&app, Some(&bob), n).await, 5);

        // Deleting a thread takes its replies along, and the counts follow.
        let id = open["id"].as_str().unwrap();
        let (status, _) = app
            .request(
                Method::DELETE,
                &format!("/api/v1/orgs/acme/comments/{id}"),
                None,
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(comment_count(&app, Some(&bob), n).await, 2);
        assert_eq!(comment_count(&app, Some(&eve), n).await, 0);
        assert_eq!(comments(&app, Some(&bob), n).await.len(), 2);
    }
);

on_each_backend!(
    edits_keep_history_and_only_author_or_moderator_may_change,
    |app| {
        let (owner, bob, _) = setup(&app).await;
        let carol = join(&app, &owner, "carol@example.test").await;
        let n = task(&app, &owner, "Billing", "private").await;
        let c = say(&app, &bob, n, json!({"body": "first"})).await;
        let id = c["id"].as_str().unwrap().to_string();
        let path = format!("/api/v1/orgs/acme/comments/{id}");

        let (status, _) = edit(&app, &carol, &id, "carol was here").await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "members may not edit others' comments"
        );
        let (status, body) = edit(&app, &bob, &id, "   ").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["error"]["fields"]["body"].is_string(), "{body}");
        let (status, body) = edit(&app, &bob, &id, "second").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["comment"]["body"], "second");
        assert_eq!(body["comment"]["edited"], true);
        assert_eq!(c["edited"], false);
        let (status, body) = edit(&app, &owner, &id, "moderated").await;
        assert_eq!(status, StatusCode::OK, "moderators may edit: {body}");

        let db = &app.db().await;
        let history = entity::task_comment_edit::Entity::find()
            .filter(
                entity::task_comment_edit::Column::CommentId.eq(id.parse::<uuid::Uuid>().unwrap()),
            )
            .order_by_asc(entity::task_comment_edit::Column::CreatedAt)
            .all(db)
            .await
            .unwrap();
        assert_eq!(
            history.iter().map(|e| e.body.as_str()).collect::<Vec<_>>(),
            ["first", "second"],
            "each edit keeps the body it replaced"
        );
        let bob_id: uuid::Uuid = bob.user["id"].as_str().unwrap().parse().unwrap();
        assert_eq!(history[0].edited_by, Some(bob_id));

        let (status, _) = app.request(Method::DELETE, &path, None, Some(&carol)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(comment_count(&app, Some(&bob), n).await, 1);
        let (status, _) = app.request(Method::DELETE, &path, None, Some(&bob)).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(comment_count(&app, Some(&bob), n).await, 0);
        assert!(comments(&app, Some(&bob), n).await.is_empty());
        let (status, _) = edit(&app, &bob, &id, "too late").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
);

on_each_backend!(reactions_toggle_per_person, |app| {
    let (owner, bob, eve) = setup(&app).await;
    public(&app, &owner, true, false).await;
    let n = task(&app, &owner, "Search", "public").await;
    let c = say(
        &app,
        &owner,
        n,
        json!({"body": "shipped", "visibility": "public"}),
    )
    .await;
    let id = c["id"].as_str().unwrap();

    let (status, body) = react(&app, Some(&bob), id, "🎉").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["comment"]["reactions"],
        json!([{"emoji": "🎉", "count": 1, "reacted": true}])
    );
    let (_, body) = react(&app, Some(&eve), id, "🎉").await;
    assert_eq!(
        body["comment"]["reactions"],
        json!([{"emoji": "🎉", "count": 2, "reacted": true}]),
        "anyone signed in who can read it may react"
    );
    let (_, body) = react(&app, Some(&bob), id, "🎉").await;
    assert_eq!(
        body["comment"]["reactions"],
        json!([{"emoji": "🎉", "count": 1, "reacted": false}]),
        "the second time takes it back"
    );
    let seen = comments(&app, None, n).await;
    assert_eq!(seen[0]["reactions"][0]["count"], 1);
    assert_eq!(seen[0]["reactions"][0]["reacted"], false);

    let (status, body) = react(&app, Some(&bob), id, "two words").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["emoji"].is_string());
    let (status, _) = react(&app, Some(&bob), id, &"x".repeat(17)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = react(&app, None, id, "🎉").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
});

on_each_backend!(
    outsiders_take_part_only_when_allowed_and_not_when_blocked,
    |app| {
        let (owner, _, eve) = setup(&app).await;
        let n = task(&app, &owner, "Roadmap", "public").await;
        let (status, _) = comment(&app, Some(&eve), n, json!({"body": "hello"})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "the org is not public yet");

        public(&app, &owner, true, false).await;
        let (status, body) = comment(&app, Some(&eve), n, json!({"body": "hello"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, _) = comment(&app, None, n, json!({"body": "hello"})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        // Votes from signed-in users do not depend on public actions (the contract).
        let (status, body) = vote(&app, Method::PUT, &eve, n).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, json!({"voteCount": 1, "voted": true}));

        public(&app, &owner, true, true).await;
        let c = say(&app, &eve, n, json!({"body": "hello"})).await;
        assert_eq!(c["visibility"], "public");
        assert_eq!(c["team"], false);
        let (status, _) = comment(
            &app,
            Some(&eve),
            n,
            json!({"body": "psst", "visibility": "internal"}),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "only members write internal comments"
        );

        let db = &app.db().await;
        let org = entity::organization::Entity::find()
            .filter(entity::organization::Column::Slug.eq("acme"))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        entity::blocked_user::ActiveModel {
            id: Set(uuid::Uuid::new_v4()),
            org_id: Set(org.id),
            user_id: Set(eve.user["id"].as_str().unwrap().parse().unwrap()),
            blocked_by: Set(None),
            reason: Set("spam".into()),
            created_at: Set(chrono::Utc::now()),
        }
        .insert(db)
        .await
        .unwrap();
        let (status, _) = comment(&app, Some(&eve), n, json!({"body": "again"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = vote(&app, Method::PUT, &eve, 1).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let id = c["id"].as_str().unwrap();
        let (status, _) = edit(&app, &eve, id, "edited spam").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = react(&app, Some(&eve), id, "👎").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(
            comments(&app, Some(&eve), n).await.len(),
            1,
            "they may still read"
        );
    }
);

on_each_backend!(votes_are_one_per_user_and_counted_on_the_task, |app| {
    let (owner, bob, eve) = setup(&app).await;
    let n = task(&app, &owner, "Webhooks", "private").await;
    for _ in 0..2 {
        let (status, body) = vote(&app, Method::PUT, &bob, n).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, json!({"voteCount": 1, "voted": true}));
    }
    // Racing votes of one user still count once.
    let racing = (0..8).map(|_| vote(&app, Method::PUT, &owner, n));
    for (status, body) in futures::future::join_all(racing).await {
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (_, body) = vote(&app, Method::PUT, &owner, n).await;
    assert_eq!(body["voteCount"], 2);
    let (_, task) = app
        .get(&format!("/api/v1/orgs/acme/tasks/{n}"), Some(&bob))
        .await;
    assert_eq!(task["task"]["voteCount"], 2);
    for _ in 0..2 {
        let (status, body) = vote(&app, Method::DELETE, &bob, n).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, json!({"voteCount": 1, "voted": false}));
    }
    public(&app, &owner, true, true).await;
    let (status, _) = vote(&app, Method::PUT, &eve, n).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a private task cannot be voted on"
    );
    let (status, _) = vote(&app, Method::PUT, &bob, 99).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

on_each_backend!(anonymous_votes_count_once_per_visitor, |app| {
    let (owner, _, _) = setup(&app).await;
    let n = task(&app, &owner, "Offline mode", "public").await;
    public(&app, &owner, true, true).await;
    let url = format!("{}/api/v1/orgs/acme/tasks/{n}/vote", app.base);
    let send = |method: Method, cookie: Option<String>| {
        let mut req = app
            .http
            .request(method, &url)
            .header("user-agent", "test-browser/1.0");
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        async move {
            let res = req.send().await.unwrap();
            let status = res.status();
            let set = res
                .headers()
                .get("set-cookie")
                .map(|v| v.to_str().unwrap().to_string());
            let body: Value = res.json().await.unwrap();
            (status, set, body)
        }
    };

    let (status, set, body) = send(Method::PUT, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["voteCount"], 1);
    let set = set.expect("a visitor cookie is handed out");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let first = set.split(';').next().unwrap().to_string();
    assert!(first.starts_with("sayr_visitor="), "{first}");

    let (_, again, body) = send(Method::PUT, Some(first.clone())).await;
    assert_eq!(body["voteCount"], 1, "the same visitor counts once");
    assert!(again.is_none(), "a known visitor keeps their cookie");
    let second = format!("sayr_visitor={}", "ab".repeat(16));
    let (_, _, body) = send(Method::PUT, Some(second.clone())).await;
    assert_eq!(body["voteCount"], 2, "another visitor counts");
    let (_, _, body) = send(Method::DELETE, Some(first.clone())).await;
    assert_eq!(body, json!({"voteCount": 1, "voted": false}));
    let (_, _, body) = send(Method::DELETE, Some(first.clone())).await;
    assert_eq!(
        body["voteCount"], 1,
        "taking back twice is taking back once"
    );

    public(&app, &owner, true, false).await;
    let (status, _, body) = send(Method::PUT, Some(first)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, _, _) = send(Method::DELETE, Some(second)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, task) = app
        .get(&format!("/api/v1/orgs/acme/tasks/{n}"), Some(&owner))
        .await;
    assert_eq!(task["task"]["voteCount"], 1);
});

on_each_backend!(relations_need_permission_and_stay_in_the_org, |app| {
    let (owner, bob, eve) = setup(&app).await;
    let one = task(&app, &owner, "One", "public").await;
    let two = task(&app, &owner, "Two", "private").await;
    let three = task(&app, &bob, "Three", "public").await;
    let path = |n: i64| format!("/api/v1/orgs/acme/tasks/{n}/relations");

    let (status, _) = link(&app, Method::POST, Some(&bob), one, three, "related").await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "bob neither made nor works on task one"
    );
    let (status, body) = link(&app, Method::POST, Some(&bob), three, one, "related").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        (
            &body["relation"]["type"],
            &body["relation"]["sourceNumber"],
            &body["relation"]["targetNumber"]
        ),
        (&json!("related"), &json!(three), &json!(one))
    );
    let (status, _) = link(&app, Method::POST, Some(&owner), one, two, "blocking").await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = link(&app, Method::POST, Some(&owner), one, two, "blocking").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, _) = link(&app, Method::POST, Some(&owner), one, three, "duplicate").await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = link(&app, Method::POST, Some(&owner), one, one, "related").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["fields"]["targetNumber"].is_string());
    let (status, _) = link(&app, Method::POST, Some(&owner), one, three, "sibling").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Another org's task is not addressable: its number means nothing here.
    let other = app.sign_up("other@example.test").await;
    app.create_org(&other, "beta").await;
    for i in 0..5 {
        let (status, _) = app
            .post(
                "/api/v1/orgs/beta/tasks",
                json!({"title": format!("beta {i}")}),
                Some(&other),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (status, body) = link(&app, Method::POST, Some(&owner), one, 5, "related").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error"]["fields"]["targetNumber"].is_string());

    let (_, all) = app.get(&path(one), Some(&bob)).await;
    assert_eq!(all.as_array().unwrap().len(), 3, "{all}");
    public(&app, &owner, true, true).await;
    let (status, _) = link(&app, Method::POST, None, one, three, "related").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = link(&app, Method::POST, Some(&eve), one, three, "related").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for who in [Some(&eve), None] {
        let (status, seen) = app.get(&path(one), who).await;
        assert_eq!(status, StatusCode::OK);
        let seen = seen.as_array().unwrap();
        assert_eq!(seen.len(), 2, "only links between public tasks: {seen:?}");
        assert!(seen.iter().all(|r| r["targetNumber"] != two));
        let (status, _) = app.get(&path(two), who).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, timeline) = app
            .get(&format!("/api/v1/orgs/acme/tasks/{one}/timeline"), who)
            .await;
        let added = timeline
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["type"] == "relation_added")
            .count();
        assert_eq!(added, 1, "the link to the private task is internal");
    }

    let (status, _) = link(&app, Method::DELETE, Some(&bob), one, two, "blocking").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = link(&app, Method::DELETE, Some(&owner), one, two, "blocking").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = link(&app, Method::DELETE, Some(&owner), one, two, "blocking").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, all) = app.get(&path(one), Some(&bob)).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let (_, timeline) = app
        .get(
            &format!("/api/v1/orgs/acme/tasks/{one}/timeline"),
            Some(&bob),
        )
        .await;
    assert!(
        timeline
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["type"] == "relation_removed" && e["from"]["number"] == two)
    );
});

on_each_backend!(public_rooms_hear_public_comments_only, |app| {
    let owner = app.sign_up("owner@example.test").await;
    let org = app.create_org(&owner, "acme").await;
    let org_id = org["id"].as_str().unwrap().to_string();
    public(&app, &owner, true, true).await;
    let n = task(&app, &owner, "Live", "public").await;
    let hidden = task(&app, &owner, "Hidden", "private").await;

    let mut outside = app.socket(None, &format!("?orgId={org_id}")).await;
    outside.next().await;
    assert!(matches!(
        outside.next().await.event,
        ServerEvent::Subscribed {
            channel: Channel::Public,
            ..
        }
    ));
    let mut inside = app.socket(Some(&owner), "").await;
    inside.next().await;
    inside.next().await;
    inside
        .send(&ClientMessage::Subscribe {
            org_id,
            channel: Channel::Tasks,
        })
        .await;
    assert!(matches!(
        inside.next().await.event,
        ServerEvent::Subscribed { .. }
    ));

    say(&app, &owner, n, json!({"body": "team only"})).await;
    let heard = inside.next().await;
    let ServerEvent::UpdateTaskComments {
        number, comment, ..
    } = heard.event
    else {
        panic!("{heard:?}")
    };
    assert_eq!((number, comment.body.as_str()), (n, "team only"));
    say(
        &app,
        &owner,
        hidden,
        json!({"body": "hidden task", "visibility": "public"}),
    )
    .await;
    assert!(matches!(
        inside.next().await.event,
        ServerEvent::UpdateTaskComments { .. }
    ));
    vote(&app, Method::PUT, &owner, hidden).await;
    assert!(matches!(
        inside.next().await.event,
        ServerEvent::UpdateTaskVote { vote_count: 1, .. }
    ));

    say(
        &app,
        &owner,
        n,
        json!({"body": "for everyone", "visibility": "public"}),
    )
    .await;
    let heard = outside.next().await;
    let ServerEvent::UpdateTaskComments {
        number, comment, ..
    } = heard.event
    else {
        panic!("the first thing the public hears is the public comment: {heard:?}")
    };
    assert_eq!((number, comment.body.as_str()), (n, "for everyone"));
    let ServerEvent::UpdateTaskComments { comment, .. } = inside.next().await.event else {
        panic!()
    };
    assert_eq!(comment.body, "for everyone");
    assert!(
        outside.silent_for(Duration::from_millis(300)).await,
        "nothing else reaches the public room"
    );
});
