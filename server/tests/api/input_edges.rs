//! Answers that schemathesis (`make api-fuzz`) showed were wrong or undocumented, pinned
//! here so that they stay right on both databases: writes that take an account say 401
//! before looking anything up, a release whose name makes no slug still gets one, a
//! password-reset request for something that is not an address is 400, and an upload form
//! takes only the parts it names.

use crate::common::{self, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// `acme`, public with public actions, with a public task carrying one internal comment.
async fn public_org_with_comment(app: &TestApp) -> (common::Session, String) {
    let (owner, n) = app.public_org().await;
    let (status, body) = app
        .post(
            &format!("/api/v1/orgs/acme/tasks/{n}/comments"),
            json!({"body": "Soon", "visibility": "internal"}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (owner, body["comment"]["id"].as_str().unwrap().to_string())
}

on_each_backend!(
    anonymous_comment_writes_are_401_whether_or_not_the_comment_exists,
    |app| {
        let (owner, id) = public_org_with_comment(&app).await;
        let unknown = uuid::Uuid::new_v4().to_string();
        for target in [&id, &unknown] {
            let edit = app
                .request(
                    Method::PATCH,
                    &format!("/api/v1/orgs/acme/comments/{target}"),
                    Some(json!({"body": "changed"})),
                    None,
                )
                .await;
            let delete = app
                .request(
                    Method::DELETE,
                    &format!("/api/v1/orgs/acme/comments/{target}"),
                    None,
                    None,
                )
                .await;
            let react = app
                .post(
                    &format!("/api/v1/orgs/acme/comments/{target}/reactions"),
                    json!({"emoji": "👍"}),
                    None,
                )
                .await;
            for (status, body) in [edit, delete, react] {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{target}: {body}");
                assert_eq!(body["error"]["code"], "unauthenticated");
            }
        }
        let (status, body) = app
            .request(
                Method::DELETE,
                &format!("/api/v1/orgs/acme/files/{unknown}"),
                None,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        // The internal comment is untouched, and still hidden from visitors.
        let (_, list) = app
            .get("/api/v1/orgs/acme/tasks/1/comments", Some(&owner))
            .await;
        assert_eq!(list[0]["body"], "Soon");
        let (_, public) = app.get("/api/v1/orgs/acme/tasks/1/comments", None).await;
        assert_eq!(public.as_array().unwrap().len(), 0, "{public}");
    }
);

on_each_backend!(a_release_named_without_latin_letters_gets_a_slug, |app| {
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/releases",
            json!({"name": "🚀"}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let slug = body["slug"].as_str().unwrap();
    assert!(slug.len() == 16 && slug.starts_with("release-"), "{slug}");
    let (status, again) = app
        .get(&format!("/api/v1/orgs/acme/releases/{slug}"), Some(&owner))
        .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["name"], "🚀");
    // A name with letters still makes its own.
    let (_, named) = app
        .post(
            "/api/v1/orgs/acme/releases",
            json!({"name": "Version 2.1"}),
            Some(&owner),
        )
        .await;
    assert_eq!(named["slug"], "version-2.1");
});

on_each_backend!(a_reset_request_for_something_not_an_address_is_400, |app| {
    let (status, body) = app
        .post(
            "/api/auth/password-reset/request",
            json!({"email": "00000"}),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error"]["fields"]["email"].is_string(), "{body}");
    // An address with no account still gets the same answer as one with an account.
    let (status, body) = app
        .post(
            "/api/auth/password-reset/request",
            json!({"email": "nobody@example.test"}),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
});

on_each_backend!(
    an_upload_with_a_part_it_does_not_take_is_400_and_stores_nothing,
    |app| {
        let owner = app.sign_up("owner@example.test").await;
        app.create_org(&owner, "acme").await;
        let png = common::png(64);
        for parts in [
            vec![
                ("file", Some("a.png"), png.as_slice()),
                ("title", None, b"x".as_slice()),
            ],
            vec![
                ("file", Some("a.png"), png.as_slice()),
                ("file", Some("b.png"), png.as_slice()),
            ],
        ] {
            let (content_type, body) = common::multipart(&parts);
            let res = app
                .http
                .post(format!("{}/api/v1/orgs/acme/files", app.base))
                .header("content-type", content_type)
                .header("cookie", owner.cookie())
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::BAD_REQUEST);
            let body: serde_json::Value = res.json().await.unwrap();
            assert_eq!(body["error"]["code"], "invalid_input", "{body}");
        }
        assert_eq!(app.file_rows().await, 0);
        assert!(app.stored_keys().await.is_empty());
        // The form the app sends is taken.
        let (status, body) = app
            .upload(
                Method::POST,
                "/api/v1/orgs/acme/files",
                Some(&owner),
                "a.png",
                &png,
                Some("public"),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
);
