//! Files as the app uses them: where logos, banners and avatars show up in the JSON, the
//! attachments of a task and who sees and deletes them, and deleting an account with its
//! files, sessions and sockets.

use crate::common;

use common::{Session, TestApp, png};
use domain::realtime::{Channel, ClientMessage, ServerEvent};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn put_image(app: &TestApp, who: &Session, path: &str, name: &str) -> String {
    let (status, body) = app
        .upload(Method::PUT, path, Some(who), name, &png(600), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body["url"].as_str().unwrap().to_string()
}

async fn upload(app: &TestApp, who: &Session, name: &str, bytes: &[u8], vis: &str) -> Value {
    let (status, body) = app
        .upload(
            Method::POST,
            "/api/v1/orgs/acme/files",
            Some(who),
            name,
            bytes,
            Some(vis),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

async fn fetch(app: &TestApp, url: &str, who: Option<&Session>) -> reqwest::Response {
    let mut req = app.http.get(format!("{}{url}", app.base));
    if let Some(s) = who {
        req = req.header("cookie", s.cookie());
    }
    req.send().await.unwrap()
}

fn names(files: &Value) -> Vec<&str> {
    let mut names: Vec<&str> = files
        .as_array()
        .unwrap_or_else(|| panic!("a list: {files}"))
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    names.sort();
    names
}

on_each_backend!(
    image_urls_appear_in_the_json_once_uploaded_and_are_served,
    |app| {
        let owner = app.sign_up("owner@example.test").await;
        let org = app.create_org(&owner, "acme").await;
        assert_eq!(org["logoUrl"], Value::Null, "{org}");
        assert_eq!(org["bannerUrl"], Value::Null);
        let (_, me) = app.get("/api/v1/me", Some(&owner)).await;
        assert_eq!(me["user"]["avatarUrl"], Value::Null, "{me}");

        let logo = put_image(&app, &owner, "/api/v1/orgs/acme/logo", "logo.png").await;
        let banner = put_image(&app, &owner, "/api/v1/orgs/acme/banner", "banner.png").await;
        let avatar = put_image(&app, &owner, "/api/v1/me/avatar", "me.png").await;

        let (status, body) = app.get("/api/v1/orgs/acme", Some(&owner)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["org"]["logoUrl"], logo.as_str(), "{body}");
        assert_eq!(body["org"]["bannerUrl"], banner.as_str());
        let (_, me) = app.get("/api/v1/me", Some(&owner)).await;
        assert_eq!(me["user"]["avatarUrl"], avatar.as_str(), "{me}");
        assert_eq!(me["organizations"][0]["logoUrl"], logo.as_str(), "{me}");
        let (_, members) = app.get("/api/v1/orgs/acme/members", Some(&owner)).await;
        assert_eq!(members[0]["avatarUrl"], avatar.as_str(), "{members}");

        // A new logo replaces the old one in the JSON too.
        let second = put_image(&app, &owner, "/api/v1/orgs/acme/logo", "logo2.png").await;
        assert_ne!(second, logo);
        let (_, body) = app.get("/api/v1/orgs/acme", Some(&owner)).await;
        assert_eq!(body["org"]["logoUrl"], second.as_str());

        // Public images: anyone may load them, the org's visitors see the URLs.
        for url in [&second, &banner, &avatar] {
            let res = fetch(&app, url, None).await;
            assert_eq!(res.status(), StatusCode::OK, "{url}");
            assert_eq!(res.headers()["content-type"], "image/png");
        }
        app.request(
            Method::PATCH,
            "/api/v1/orgs/acme",
            Some(json!({"settings": {"publicPage": true}})),
            Some(&owner),
        )
        .await;
        let (status, body) = app.get("/api/v1/orgs/acme", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["org"]["logoUrl"], second.as_str(), "{body}");
    }
);

/// Acme with a public page; a public task by Alice whose description links a public image
/// and a private PDF, with a public and an internal comment each linking a file.
async fn task_with_files(app: &TestApp) -> (Session, Session, Session) {
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    let alice = app.sign_up("alice@example.test").await;
    let bob = app.sign_up("bob@example.test").await;
    app.add_member(&owner, "acme", &alice).await;
    app.add_member(&owner, "acme", &bob).await;
    app.request(
        Method::PATCH,
        "/api/v1/orgs/acme",
        Some(json!({"settings": {"publicPage": true}})),
        Some(&owner),
    )
    .await;
    let shot = upload(app, &alice, "shot.png", &png(900), "public").await;
    let plan = upload(app, &alice, "plan.pdf", b"%PDF-1.7\n...", "private").await;
    let description = format!(
        "![shot]({}) and [plan]({})",
        shot["url"].as_str().unwrap(),
        plan["url"].as_str().unwrap()
    );
    let (status, task) = app
        .post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "Layout", "description": description, "visibility": "public"}),
            Some(&alice),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    for (name, vis, comment_vis) in [
        ("public-comment.png", "public", "public"),
        ("internal-comment.png", "private", "internal"),
    ] {
        let file = upload(app, &alice, name, &png(700), vis).await;
        let (status, body) = app
            .post(
                "/api/v1/orgs/acme/tasks/1/comments",
                json!({"body": format!("see {}", file["url"].as_str().unwrap()), "visibility": comment_vis}),
                Some(&alice),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // Uploaded but linked nowhere: not an attachment.
    upload(app, &alice, "stray.png", &png(500), "public").await;
    (owner, alice, bob)
}

on_each_backend!(
    members_see_every_attachment_and_outsiders_only_public_ones,
    |app| {
        let (owner, alice, bob) = task_with_files(&app).await;
        let (status, files) = app.get("/api/v1/orgs/acme/tasks/1/files", Some(&bob)).await;
        assert_eq!(status, StatusCode::OK, "{files}");
        assert_eq!(
            names(&files),
            vec![
                "internal-comment.png",
                "plan.pdf",
                "public-comment.png",
                "shot.png"
            ]
        );
        let shot = files
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "shot.png")
            .unwrap();
        assert_eq!(shot["size"], 900);
        assert_eq!(shot["contentType"], "image/png");
        assert_eq!(shot["commentId"], Value::Null);
        assert_eq!(shot["uploadedBy"], alice.user["id"]);
        assert_eq!(
            shot["mayDelete"], false,
            "bob neither uploaded it nor manages settings"
        );
        let (_, files) = app
            .get("/api/v1/orgs/acme/tasks/1/files", Some(&alice))
            .await;
        assert!(
            files
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["mayDelete"] == true)
        );
        let (_, files) = app
            .get("/api/v1/orgs/acme/tasks/1/files", Some(&owner))
            .await;
        assert!(
            files
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["mayDelete"] == true)
        );

        let outsider = app.sign_up("outsider@example.test").await;
        for who in [Some(&outsider), None] {
            let (status, files) = app.get("/api/v1/orgs/acme/tasks/1/files", who).await;
            assert_eq!(status, StatusCode::OK, "{files}");
            assert_eq!(names(&files), vec!["public-comment.png", "shot.png"]);
            assert!(
                files
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|f| f["mayDelete"] == false)
            );
        }

        // A task without files or comments has an empty list.
        let (status, _) = app
            .post(
                "/api/v1/orgs/acme/tasks",
                json!({"title": "Bare"}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, files) = app.get("/api/v1/orgs/acme/tasks/2/files", Some(&bob)).await;
        assert_eq!(status, StatusCode::OK, "{files}");
        assert_eq!(files, json!([]));

        // A private task shows outsiders nothing, not even that it exists.
        let (_, task) = app.get("/api/v1/orgs/acme/tasks/1", Some(&owner)).await;
        let (status, body) = app
            .request(
                Method::PATCH,
                "/api/v1/orgs/acme/tasks/1",
                Some(json!({"visibility": "private", "version": task["task"]["version"]})),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = app.get("/api/v1/orgs/acme/tasks/1/files", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = app
            .get("/api/v1/orgs/acme/tasks/1/files", Some(&outsider))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
);

on_each_backend!(
    only_the_uploader_or_a_settings_manager_deletes_an_attachment,
    |app| {
        let (owner, alice, bob) = task_with_files(&app).await;
        let (_, files) = app.get("/api/v1/orgs/acme/tasks/1/files", Some(&bob)).await;
        let ids: Vec<String> = files
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect();
        let keys = app.stored_keys().await.len();
        let path = |id: &str| format!("/api/v1/orgs/acme/files/{id}");
        let (status, body) = app
            .request(Method::DELETE, &path(&ids[0]), None, Some(&bob))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"]["code"], "forbidden");
        assert_eq!(app.stored_keys().await.len(), keys, "nothing was removed");
        let outsider = app.sign_up("outsider@example.test").await;
        let (status, _) = app
            .request(Method::DELETE, &path(&ids[0]), None, Some(&outsider))
            .await;
        assert!(
            status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
            "{status}"
        );
        let (status, _) = app
            .request(Method::DELETE, &path(&ids[0]), None, Some(&alice))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = app
            .request(Method::DELETE, &path(&ids[1]), None, Some(&owner))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, files) = app.get("/api/v1/orgs/acme/tasks/1/files", Some(&bob)).await;
        assert_eq!(files.as_array().unwrap().len(), ids.len() - 2);
        assert_eq!(app.stored_keys().await.len(), keys - 2);
    }
);

on_each_backend!(
    deleting_an_account_takes_its_avatar_and_stray_uploads_and_keeps_attached_files,
    |app| {
        let owner = app.sign_up("owner@example.test").await;
        app.create_org(&owner, "acme").await;
        let alice = app.sign_up("alice@example.test").await;
        app.add_member(&owner, "acme", &alice).await;
        let avatar = put_image(&app, &alice, "/api/v1/me/avatar", "alice.png").await;
        let attached = upload(&app, &alice, "shot.png", &png(800), "private").await;
        let stray = upload(&app, &alice, "stray.png", &png(800), "private").await;
        let (status, _) = app
        .post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "T", "description": format!("![s]({})", attached["url"].as_str().unwrap())}),
            Some(&alice),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        let owners_own = upload(&app, &owner, "owner.png", &png(800), "private").await;
        let (status, vote) = app
            .request(
                Method::PUT,
                "/api/v1/orgs/acme/tasks/1/vote",
                None,
                Some(&alice),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{vote}");
        assert_eq!(app.stored_keys().await.len(), 4);
        assert_eq!(app.file_rows().await, 4);

        let (status, body) = app
            .request(Method::DELETE, "/api/v1/me", None, Some(&alice))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

        let keys = app.stored_keys().await;
        assert_eq!(
            keys.len(),
            2,
            "the avatar and the stray upload are gone: {keys:?}"
        );
        assert!(keys.iter().all(|k| k.starts_with("orgs/")), "{keys:?}");
        assert_eq!(app.file_rows().await, 2);
        assert_eq!(
            fetch(&app, &avatar, None).await.status(),
            StatusCode::NOT_FOUND
        );
        let url = stray["url"].as_str().unwrap();
        assert_eq!(
            fetch(&app, url, Some(&owner)).await.status(),
            StatusCode::NOT_FOUND
        );
        for kept in [&attached, &owners_own] {
            let url = kept["url"].as_str().unwrap();
            assert_eq!(
                fetch(&app, url, Some(&owner)).await.status(),
                StatusCode::OK,
                "{url}"
            );
        }
        let (_, files) = app
            .get("/api/v1/orgs/acme/tasks/1/files", Some(&owner))
            .await;
        assert_eq!(files[0]["uploadedBy"], Value::Null, "{files}");

        // The old session is dead at once; so is signing in again.
        let (status, body) = app.get("/api/v1/me", Some(&alice)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        let (status, _) = app
            .post(
                "/api/auth/login",
                json!({"email": "alice@example.test", "password": "correct horse battery"}),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (_, members) = app.get("/api/v1/orgs/acme/members", Some(&owner)).await;
        assert_eq!(members.as_array().unwrap().len(), 1, "{members}");
        let (_, task) = app.get("/api/v1/orgs/acme/tasks/1", Some(&owner)).await;
        assert_eq!(task["task"]["createdBy"], Value::Null, "{task}");
        assert_eq!(task["task"]["voteCount"], 0, "their vote went with them");
    }
);

on_each_backend!(
    an_account_that_created_an_org_is_kept_until_the_org_is_gone,
    |app| {
        let owner = app.sign_up("owner@example.test").await;
        app.create_org(&owner, "acme").await;
        let (status, body) = app
            .request(Method::DELETE, "/api/v1/me", None, Some(&owner))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["code"], "conflict");
        assert!(
            body["error"]["message"].as_str().unwrap().contains("acme"),
            "the message names the org: {body}"
        );
        let (status, _) = app.get("/api/v1/me", Some(&owner)).await;
        assert_eq!(status, StatusCode::OK, "nothing was deleted");

        let (status, _) = app
            .request(Method::DELETE, "/api/v1/orgs/acme", None, Some(&owner))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, body) = app
            .request(Method::DELETE, "/api/v1/me", None, Some(&owner))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let (status, _) = app.get("/api/v1/me", Some(&owner)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
);

on_each_backend!(
    only_the_user_deletes_their_account_and_not_with_an_api_key,
    |app| {
        let alice = app.sign_up("alice@example.test").await;
        let bob = app.sign_up("bob@example.test").await;
        let services = &app.app_state.services;
        let bob_id: domain::UserId = serde_json::from_value(bob.user["id"].clone()).unwrap();
        let alice_id: domain::UserId = serde_json::from_value(alice.user["id"].clone()).unwrap();
        let as_alice = services::Actor::User(services::UserActor {
            id: alice_id,
            site_admin: false,
            session: None,
            api_key: None,
        });
        let refused = services::user::delete(services, &as_alice, bob_id).await;
        assert!(
            matches!(refused, Err(services::DomainError::Forbidden(_))),
            "{refused:?}"
        );
        let (status, _) = app.request(Method::DELETE, "/api/v1/me", None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        let (status, key) = app
            .post("/api/v1/me/api-keys", json!({"name": "ci"}), Some(&alice))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{key}");
        let res = app
            .http
            .delete(format!("{}/api/v1/me", app.base))
            .bearer_auth(key["key"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let (status, _) = app.get("/api/v1/me", Some(&alice)).await;
        assert_eq!(status, StatusCode::OK);

        // The operator's path: the system deletes anyone.
        services::user::delete(services, &services::Actor::System, bob_id)
            .await
            .unwrap();
        let (status, _) = app.get("/api/v1/me", Some(&bob)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
);

on_each_backend!(
    the_sockets_of_a_deleted_account_leave_private_rooms_at_once,
    |app| {
        let owner = app.sign_up("owner@example.test").await;
        let org = app.create_org(&owner, "acme").await;
        let org_id = org["id"].as_str().unwrap().to_string();
        let alice = app.sign_up("alice@example.test").await;
        app.add_member(&owner, "acme", &alice).await;
        let mut ws = app.socket(Some(&alice), "").await;
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

        let (status, _) = app
            .request(Method::DELETE, "/api/v1/me", None, Some(&alice))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let moved = loop {
            let m = ws.next().await;
            if !matches!(
                m.event,
                ServerEvent::UserSubscribed(_)
                    | ServerEvent::UserUnsubscribed(_)
                    | ServerEvent::MemberActions { .. }
            ) {
                break m;
            }
        };
        assert!(
            matches!(moved.event, ServerEvent::WaitingRoom { .. }),
            "{moved:?}"
        );
        app.post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "after"}),
            Some(&owner),
        )
        .await;
        assert!(
            ws.silent_for(std::time::Duration::from_millis(400)).await,
            "no more of the org's events"
        );
    }
);
