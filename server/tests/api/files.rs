//! Files end to end: uploads stream into the store and come back byte for byte, with the
//! headers that keep browsers safe; private files stay with their org; refused uploads
//! leave neither a row nor an object; deletes and the sweep clean up. Every case runs on
//! the local directory store and on a real S3-compatible server (`s3s-fs`, started per
//! test when installed), each on SQLite and (when configured) PostgreSQL.

use crate::common;

use common::{Backend, S3Server, Session, TestApp, png};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Generates one test per store and database: `local_sqlite`, `local_postgres`,
/// `s3_sqlite`, `s3_postgres`.
macro_rules! on_each_store {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            use super::*;
            async fn run($app: TestApp) $body

            async fn s3(backend: Backend) {
                let Some(s3) = S3Server::start().await else {
                    println!("SKIPPED s3 (s3s-fs not installed)");
                    return;
                };
                let app = TestApp::spawn_with(backend, |c| s3.configure(c)).await;
                run(app).await;
                drop(s3);
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn local_sqlite() {
                run(TestApp::spawn(Backend::Sqlite).await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn local_postgres() {
                if common::postgres_url().is_none() {
                    return;
                }
                run(TestApp::spawn(Backend::Postgres).await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn s3_sqlite() {
                s3(Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn s3_postgres() {
                if common::postgres_url().is_none() {
                    return;
                }
                s3(Backend::Postgres).await;
            }
        }
    };
}

const MIB: usize = 1024 * 1024;

/// An org `acme` owned by the returned session.
async fn org(app: &TestApp) -> Session {
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    owner
}

async fn upload(
    app: &TestApp,
    who: Option<&Session>,
    name: &str,
    bytes: &[u8],
    visibility: Option<&str>,
) -> (StatusCode, Value) {
    app.upload(
        Method::POST,
        "/api/v1/orgs/acme/files",
        who,
        name,
        bytes,
        visibility,
    )
    .await
}

async fn download(app: &TestApp, url: &str, who: Option<&Session>) -> reqwest::Response {
    let mut req = app.http.get(format!("{}{url}", app.base));
    if let Some(s) = who {
        req = req.header("cookie", s.cookie());
    }
    req.send().await.unwrap()
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> &'a str {
    res.headers()
        .get(name)
        .unwrap_or_else(|| panic!("{name} is set"))
        .to_str()
        .unwrap()
}

on_each_store!(
    an_upload_comes_back_byte_for_byte_with_safe_headers,
    |app| {
        let owner = org(&app).await;
        // Past the multipart threshold of both stores (1 MiB local, 5 MiB parts on S3).
        let mut zip = b"PK\x03\x04".to_vec();
        zip.extend((0..7 * MIB).map(|i| (i * 7 % 256) as u8));
        let (status, body) = upload(&app, Some(&owner), "../report v2.zip", &zip, None).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["name"], "report v2.zip");
        assert_eq!(body["contentType"], "application/zip");
        assert_eq!(body["size"], zip.len());
        assert_eq!(body["visibility"], "private");
        let url = body["url"].as_str().unwrap();
        assert_eq!(
            url,
            format!("/files/{}/report%20v2.zip", body["id"].as_str().unwrap())
        );

        let res = download(&app, url, Some(&owner)).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(header(&res, "content-type"), "application/zip");
        assert_eq!(header(&res, "x-content-type-options"), "nosniff");
        assert!(header(&res, "content-disposition").starts_with("attachment;"));
        assert!(header(&res, "cache-control").starts_with("private"));
        let etag = header(&res, "etag").to_string();
        assert_eq!(res.bytes().await.unwrap().as_ref(), zip.as_slice());

        let again = app
            .http
            .get(format!("{}{url}", app.base))
            .header("cookie", owner.cookie())
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(header(&again, "etag"), etag);

        let image = png(300 * 1024);
        let (status, body) = upload(&app, Some(&owner), "shot.png", &image, Some("public")).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let res = download(&app, body["url"].as_str().unwrap(), None).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(header(&res, "content-type"), "image/png");
        assert!(header(&res, "content-disposition").starts_with("inline;"));
        assert!(header(&res, "cache-control").contains("max-age=31536000"));
        assert_eq!(res.bytes().await.unwrap().as_ref(), image.as_slice());

        let text = "Meeting notes\n- ship files\n".as_bytes();
        let (status, body) = upload(&app, Some(&owner), "notes.txt", text, None).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["contentType"], "text/plain; charset=utf-8");
        assert_eq!(app.file_rows().await, 3);
        assert_eq!(app.stored_keys().await.len(), 3);
    }
);

on_each_store!(private_files_are_for_members_only, |app| {
    let owner = org(&app).await;
    let member = app.sign_up("member@example.test").await;
    app.add_member(&owner, "acme", &member).await;
    let outsider = app.sign_up("outsider@example.test").await;
    let (status, body) = upload(&app, Some(&owner), "plan.pdf", b"%PDF-1.7\n...", None).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let url = body["url"].as_str().unwrap();
    assert_eq!(
        download(&app, url, Some(&member)).await.status(),
        StatusCode::OK
    );
    for who in [Some(&outsider), None] {
        let res = download(&app, url, who).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found");
    }
    // An id nobody uploaded answers the same.
    let unknown = format!("/files/{}/plan.pdf", uuid::Uuid::new_v4());
    assert_eq!(
        download(&app, &unknown, Some(&owner)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        download(&app, "/files/nope/x", None).await.status(),
        StatusCode::NOT_FOUND
    );
});

on_each_store!(a_public_file_is_readable_by_anyone, |app| {
    let owner = org(&app).await;
    let (status, body) = upload(
        &app,
        Some(&owner),
        "logo.gif",
        b"GIF89a\x01\0\x01\0",
        Some("public"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["visibility"], "public");
    let res = download(&app, body["url"].as_str().unwrap(), None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "content-type"), "image/gif");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"GIF89a\x01\0\x01\0");
});

on_each_store!(an_oversize_upload_is_refused_and_nothing_is_stored, |app| {
    let owner = org(&app).await;
    let (status, body) = upload(&app, Some(&owner), "huge.png", &png(10 * MIB + 1), None).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(body["error"]["code"], "too_large");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("10 MiB")
    );
    // Exactly at the limit is fine; then gone again for the check below.
    let (status, body) = upload(&app, Some(&owner), "edge.png", &png(10 * MIB), None).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["id"].as_str().unwrap();
    let (status, _) = app
        .request(
            Method::DELETE,
            &format!("/api/v1/orgs/acme/files/{id}"),
            None,
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(app.file_rows().await, 0);
    assert_eq!(app.stored_keys().await, Vec::<String>::new());
});

on_each_store!(html_named_png_is_refused_as_unsupported, |app| {
    let owner = org(&app).await;
    let html = b"<!doctype html><html><script>alert(document.cookie)</script></html>";
    let (status, body) = upload(&app, Some(&owner), "cat.png", html, None).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
    assert_eq!(body["error"]["code"], "unsupported_media_type");
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>";
    let (status, _) = upload(&app, Some(&owner), "icon.svg", svg, None).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // A logo must be an image even where PDFs are accepted.
    let (status, _) = app
        .upload(
            Method::PUT,
            "/api/v1/orgs/acme/logo",
            Some(&owner),
            "l.pdf",
            b"%PDF-1.4",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, body) = upload(&app, Some(&owner), "empty.txt", b"", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(app.file_rows().await, 0);
    assert_eq!(app.stored_keys().await, Vec::<String>::new());
});

on_each_store!(
    the_uploader_may_delete_a_file_and_another_plain_member_may_not,
    |app| {
        let owner = org(&app).await;
        let alice = app.sign_up("alice@example.test").await;
        let bob = app.sign_up("bob@example.test").await;
        app.add_member(&owner, "acme", &alice).await;
        app.add_member(&owner, "acme", &bob).await;
        let (status, body) = upload(&app, Some(&alice), "a.png", &png(1000), None).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let id = body["id"].as_str().unwrap();
        let path = format!("/api/v1/orgs/acme/files/{id}");
        let (status, body) = app.request(Method::DELETE, &path, None, Some(&bob)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(app.stored_keys().await.len(), 1);
        let (status, _) = app.request(Method::DELETE, &path, None, Some(&alice)).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(app.file_rows().await, 0);
        assert_eq!(app.stored_keys().await, Vec::<String>::new());
        let url = body_url(id, "a.png");
        assert_eq!(
            download(&app, &url, Some(&alice)).await.status(),
            StatusCode::NOT_FOUND
        );
        // A settings manager may delete anyone's file.
        let (_, body) = upload(&app, Some(&bob), "b.png", &png(1000), None).await;
        let path = format!("/api/v1/orgs/acme/files/{}", body["id"].as_str().unwrap());
        let (status, _) = app.request(Method::DELETE, &path, None, Some(&owner)).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
);

fn body_url(id: &str, name: &str) -> String {
    format!("/files/{id}/{name}")
}

on_each_store!(
    deleting_a_task_removes_its_files_and_its_comments_files,
    |app| {
        let owner = org(&app).await;
        let (_, first) = upload(&app, Some(&owner), "a.png", &png(2000), None).await;
        let (_, second) = upload(&app, Some(&owner), "b.png", &png(2000), None).await;
        let (_, kept) = upload(&app, Some(&owner), "c.png", &png(2000), None).await;
        let description = format!("Broken layout: ![shot]({})", first["url"].as_str().unwrap());
        let (status, task) = app
            .post(
                "/api/v1/orgs/acme/tasks",
                json!({"title": "Layout", "description": description}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{task}");
        let number = task["task"]["number"].as_i64().unwrap();
        let comment = format!("Also [this]({})", second["url"].as_str().unwrap());
        let (status, body) = app
            .post(
                &format!("/api/v1/orgs/acme/tasks/{number}/comments"),
                json!({"body": comment}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        // Linked files are attached: the sweep leaves them.
        let services = &app.app_state.services;
        let swept = services::file::sweep_unattached(services, chrono::Duration::zero())
            .await
            .unwrap();
        assert_eq!(swept, 1, "only the unlinked file goes");
        assert_eq!(app.stored_keys().await.len(), 2);
        let _ = kept;

        let (status, _) = app
            .request(
                Method::DELETE,
                &format!("/api/v1/orgs/acme/tasks/{number}"),
                None,
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(app.file_rows().await, 0);
        assert_eq!(app.stored_keys().await, Vec::<String>::new());
        let res = download(&app, first["url"].as_str().unwrap(), Some(&owner)).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }
);

on_each_store!(deleting_a_comment_or_an_org_removes_their_files, |app| {
    let owner = org(&app).await;
    let (_, task) = app
        .post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "T"}),
            Some(&owner),
        )
        .await;
    let number = task["task"]["number"].as_i64().unwrap();
    let (_, file) = upload(&app, Some(&owner), "a.png", &png(2000), None).await;
    let (_, comment) = app
        .post(
            &format!("/api/v1/orgs/acme/tasks/{number}/comments"),
            json!({"body": "first"}),
            Some(&owner),
        )
        .await;
    let comment_id = comment["comment"]["id"].as_str().unwrap();
    // Linked by an edit.
    let edited = format!("see {}", file["url"].as_str().unwrap());
    let (status, body) = app
        .request(
            Method::PATCH,
            &format!("/api/v1/orgs/acme/comments/{comment_id}"),
            Some(json!({"body": edited})),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = app
        .request(
            Method::DELETE,
            &format!("/api/v1/orgs/acme/comments/{comment_id}"),
            None,
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(app.file_rows().await, 0);
    assert_eq!(app.stored_keys().await, Vec::<String>::new());

    upload(&app, Some(&owner), "b.png", &png(2000), None).await;
    let (status, body) = app
        .upload(
            Method::PUT,
            "/api/v1/orgs/acme/logo",
            Some(&owner),
            "logo.png",
            &png(500),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.stored_keys().await.len(), 2);
    let (status, _) = app
        .request(Method::DELETE, "/api/v1/orgs/acme", None, Some(&owner))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(app.file_rows().await, 0);
    assert_eq!(app.stored_keys().await, Vec::<String>::new());
});

on_each_store!(the_sweep_removes_stale_unattached_files_only, |app| {
    let owner = org(&app).await;
    let (_, stale) = upload(&app, Some(&owner), "stale.png", &png(1000), None).await;
    let (_, linked) = upload(&app, Some(&owner), "linked.png", &png(1000), None).await;
    app.post(
        "/api/v1/orgs/acme/tasks",
        json!({"title": "T", "description": format!("![x]({})", linked["url"].as_str().unwrap())}),
        Some(&owner),
    )
    .await;
    let (status, body) = app
        .upload(
            Method::PUT,
            "/api/v1/me/avatar",
            Some(&owner),
            "me.webp",
            b"RIFF\x10\0\0\0WEBPVP8 \0\0",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let services = &app.app_state.services;
    let sweep = |age| services::file::sweep_unattached(services, age);
    assert_eq!(
        sweep(chrono::Duration::hours(24)).await.unwrap(),
        0,
        "a fresh file stays"
    );
    assert_eq!(sweep(chrono::Duration::zero()).await.unwrap(), 1);
    assert_eq!(app.file_rows().await, 2);
    let keys = app.stored_keys().await;
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(
        keys.iter().any(|k| k.starts_with("users/")),
        "the avatar stays: {keys:?}"
    );
    let res = download(&app, stale["url"].as_str().unwrap(), Some(&owner)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = download(&app, linked["url"].as_str().unwrap(), Some(&owner)).await;
    assert_eq!(res.status(), StatusCode::OK);
});

on_each_store!(
    logos_banners_and_avatars_are_public_images_that_replace_the_last,
    |app| {
        let owner = org(&app).await;
        let put = |path: &'static str, name: &'static str, bytes: Vec<u8>| {
            let app = &app;
            let owner = &owner;
            async move {
                app.upload(Method::PUT, path, Some(owner), name, &bytes, None)
                    .await
            }
        };
        let (status, first) = put("/api/v1/orgs/acme/logo", "logo.png", png(800)).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        let (status, second) = put("/api/v1/orgs/acme/logo", "logo2.png", png(900)).await;
        assert_eq!(status, StatusCode::OK, "{second}");
        let (status, banner) = put(
            "/api/v1/orgs/acme/banner",
            "banner.jpg",
            b"\xff\xd8\xff\xe0 jpeg".to_vec(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{banner}");
        let (status, avatar) = put("/api/v1/me/avatar", "me.png", png(700)).await;
        assert_eq!(status, StatusCode::OK, "{avatar}");
        assert_eq!(app.stored_keys().await.len(), 3, "the first logo is gone");
        let res = download(&app, first["url"].as_str().unwrap(), None).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        for image in [&second, &banner, &avatar] {
            let res = download(&app, image["url"].as_str().unwrap(), None).await;
            assert_eq!(res.status(), StatusCode::OK, "{image}");
        }
    }
);

/// The store is down: the upload answers 503 and leaves no row. No s3s-fs needed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_store_answers_503_and_records_nothing() {
    let port = common::closed_port();
    let app = TestApp::spawn_with(Backend::Sqlite, |c| common::configure_s3(c, port)).await;
    let owner = org(&app).await;
    for bytes in [png(1000), png(6 * MIB)] {
        let (status, body) = upload(&app, Some(&owner), "a.png", &bytes, None).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert_eq!(body["error"]["code"], "unavailable");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("storage")
        );
    }
    assert_eq!(app.file_rows().await, 0);
}

/// Visitors of an org with public actions may upload for their public comments; their
/// files are public. Outsiders of a private org are told nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn visitors_upload_public_files_only_where_public_actions_are_on() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let owner = org(&app).await;
    let visitor = app.sign_up("visitor@example.test").await;
    let (status, _) = upload(&app, Some(&visitor), "v.png", &png(100), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let settings = json!({"settings": {"publicPage": true, "publicActions": true}});
    let (status, body) = app
        .request(
            Method::PATCH,
            "/api/v1/orgs/acme",
            Some(settings),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = upload(&app, Some(&visitor), "v.png", &png(100), Some("public")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        body["visibility"], "private",
        "public only once attached to what the visitor submits (abuse.rs)"
    );
    let (status, _) = upload(&app, None, "v.png", &png(100), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// The files in a task's description follow the task's visibility when it changes: shown
/// to the public once the task is made public, hidden again when it goes back. A
/// comment's file keeps the comment's visibility.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tasks_files_follow_its_visibility() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let owner = org(&app).await;
    let settings = json!({"settings": {"publicPage": true}});
    let (status, body) = app
        .request(
            Method::PATCH,
            "/api/v1/orgs/acme",
            Some(settings),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, shot) = upload(&app, Some(&owner), "shot.png", &png(500), None).await;
    let (_, note) = upload(&app, Some(&owner), "note.png", &png(500), None).await;
    let shot_url = shot["url"].as_str().unwrap();
    let note_url = note["url"].as_str().unwrap();
    let description = format!("Broken: ![shot]({shot_url})");
    let (status, task) = app
        .post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "Layout", "description": description, "visibility": "private"}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    let number = task["task"]["number"].as_i64().unwrap();
    let (status, body) = app
        .post(
            &format!("/api/v1/orgs/acme/tasks/{number}/comments"),
            json!({"body": format!("internal ![note]({note_url})"), "visibility": "internal"}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        download(&app, shot_url, None).await.status(),
        StatusCode::NOT_FOUND
    );

    let path = format!("/api/v1/orgs/acme/tasks/{number}");
    let mut version = task["task"]["version"].clone();
    for (visibility, shown) in [
        ("public", StatusCode::OK),
        ("private", StatusCode::NOT_FOUND),
    ] {
        let patch = json!({"visibility": visibility, "version": version});
        let (status, body) = app
            .request(Method::PATCH, &path, Some(patch), Some(&owner))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        version = body["task"]["version"].clone();
        assert_eq!(
            download(&app, shot_url, None).await.status(),
            shown,
            "{visibility}"
        );
        assert_eq!(
            download(&app, note_url, None).await.status(),
            StatusCode::NOT_FOUND,
            "an internal comment's file stays private"
        );
        assert_eq!(
            download(&app, shot_url, Some(&owner)).await.status(),
            StatusCode::OK
        );
    }
}

/// With a CDN for public files, their links redirect there; private files still stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_files_redirect_to_the_cdn_when_one_is_set() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.storage.files_public_url = Some("https://cdn.example/sayr/".into());
    })
    .await;
    let owner = org(&app).await;
    let (_, public) = upload(&app, Some(&owner), "a.png", &png(100), Some("public")).await;
    let res = download(&app, public["url"].as_str().unwrap(), None).await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let keys = app.stored_keys().await;
    assert_eq!(
        header(&res, "location"),
        format!("https://cdn.example/sayr/{}", keys[0])
    );
    assert!(keys[0].starts_with("orgs/"), "{keys:?}");
    let (_, private) = upload(&app, Some(&owner), "b.png", &png(100), None).await;
    let res = download(&app, private["url"].as_str().unwrap(), Some(&owner)).await;
    assert_eq!(res.status(), StatusCode::OK);
}
