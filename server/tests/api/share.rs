//! What pages carry in `<head>` for people and the tools that read them: each page its own
//! title, the pages people share (an org's public page, a public task, a release) the card a
//! link shows in chat, and nothing of what a visitor may not see; the web app manifest; an
//! org's own colour on its public page.

use crate::common::{self, Backend, TestApp};

use reqwest::{Method, StatusCode};
use serde_json::json;

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The page's `<head>`.
fn head(page: &str) -> &str {
    let end = page.find("</head>").expect("a head");
    &page[..end]
}

/// The one `<title>`'s text.
fn title(page: &str) -> String {
    let head = head(page);
    assert_eq!(head.matches("<title>").count(), 1, "one title:\n{head}");
    let start = head.find("<title>").unwrap() + "<title>".len();
    let end = head[start..].find("</title>").unwrap();
    unescape(&head[start..start + end])
}

/// The `content` of the head's `<meta {attr}="{key}" …>`, if there is one (and only one).
fn meta(page: &str, attr: &str, key: &str) -> Option<String> {
    let marker = format!(r#"{attr}="{key}""#);
    let tags: Vec<&str> = head(page)
        .split("<meta")
        .skip(1)
        .map(|t| &t[..t.find('>').unwrap()])
        .filter(|t| t.contains(&marker))
        .collect();
    assert!(tags.len() <= 1, "{key} once: {tags:?}");
    let tag = tags.first()?;
    let start = tag.find(r#"content=""#).expect("content") + r#"content=""#.len();
    let end = tag[start..].find('"').unwrap();
    Some(unescape(&tag[start..start + end]))
}

fn og(page: &str, key: &str) -> Option<String> {
    meta(page, "property", &format!("og:{key}"))
}

on_each_backend!(pages_have_titles_and_public_ones_a_card_for_chat, |app| {
    let (owner, number) = app.public_org().await;
    let base = app.base.clone();
    let name = r#"Rock & "Roll" <Co>"#;
    let (status, body) = app
        .request(
            Method::PATCH,
            "/api/v1/orgs/acme",
            Some(json!({"name": name, "description": "We build **rockets**.\n\nAnd more."})),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The public page, as a visitor (a chat app's crawler) sees it.
    let (status, page) = app.page("/orgs/acme", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(title(&page), name, "the org's own name, escaped and whole");
    assert_eq!(og(&page, "title").as_deref(), Some(name));
    assert_eq!(og(&page, "site_name").as_deref(), Some(name));
    assert_eq!(
        og(&page, "description").as_deref(),
        Some("We build rockets.")
    );
    assert_eq!(
        meta(&page, "name", "description").as_deref(),
        Some("We build rockets.")
    );
    assert_eq!(og(&page, "url"), Some(format!("{base}/orgs/acme")));
    assert_eq!(og(&page, "image"), None, "no logo yet");
    assert_eq!(
        meta(&page, "name", "twitter:card").as_deref(),
        Some("summary")
    );

    // With a logo, the card shows it; with a banner too, the banner, large.
    let (status, logo) = app
        .upload(
            Method::PUT,
            "/api/v1/orgs/acme/logo",
            Some(&owner),
            "logo.png",
            &common::png(500),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{logo}");
    let (_, page) = app.page("/orgs/acme", None).await;
    let image = og(&page, "image").expect("the logo");
    assert!(image.starts_with(&format!("{base}/files/")), "{image}");
    assert_eq!(meta(&page, "name", "twitter:image"), Some(image.clone()));
    let served = app.http.get(&image).send().await.unwrap();
    assert_eq!(
        served.status(),
        StatusCode::OK,
        "the card's image is reachable: {image}"
    );
    let (status, _) = app
        .upload(
            Method::PUT,
            "/api/v1/orgs/acme/banner",
            Some(&owner),
            "banner.png",
            &common::png(900),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, page) = app.page("/orgs/acme", None).await;
    let banner = og(&page, "image").expect("the banner");
    assert_ne!(banner, image, "the banner, not the logo");
    assert_eq!(
        meta(&page, "name", "twitter:card").as_deref(),
        Some("summary_large_image")
    );

    // A public task: its key and title, and words of its own or about the org.
    let path = format!("/orgs/acme/tasks/{number}");
    let (status, page) = app.page(&path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(title(&page), format!("ABC-{number} Dark mode"));
    assert_eq!(og(&page, "title"), Some(format!("ABC-{number} Dark mode")));
    assert_eq!(og(&page, "url"), Some(format!("{base}{path}")));
    assert_eq!(
        og(&page, "description"),
        Some(format!("A task on {name}'s public board."))
    );

    // A private task: not found, and nothing of it in the head.
    let (status, private) = app
        .post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "Secret acquisition", "description": "Buy the rival."}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{private}");
    let secret = format!("/orgs/acme/tasks/{}", private["task"]["number"]);
    let (status, page) = app.page(&secret, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(title(&page), "Not found · Sayr");
    assert!(!page.contains("Secret acquisition") && !page.contains("Buy the rival"));
    assert_eq!(og(&page, "title"), None);

    // Members get titles that say where they are, and no card: their pages are not shared.
    let (_, page) = app.page("/orgs/acme/tasks", Some(&owner)).await;
    assert_eq!(title(&page), format!("Tasks · {name} · Sayr"));
    assert_eq!(og(&page, "title"), None);
    let (_, page) = app.page(&secret, Some(&owner)).await;
    assert_eq!(
        title(&page),
        format!(
            "ABC-{} Secret acquisition · {name} · Sayr",
            private["task"]["number"]
        )
    );
    assert_eq!(
        og(&page, "description"),
        None,
        "a member's page carries no card"
    );
    let (_, page) = app.page("/orgs/acme/settings", Some(&owner)).await;
    assert_eq!(title(&page), format!("Settings · {name} · Sayr"));
    let (_, page) = app.page("/login", None).await;
    assert_eq!(title(&page), "Sign in · Sayr");
    let (_, page) = app.page("/inbox", Some(&owner)).await;
    assert_eq!(title(&page), "Inbox · Sayr");

    // A release: visitors see it in the changelog, with a card.
    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/releases",
            json!({"name": "Spring", "description": "Faster *everything*."}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let slug = body["slug"].as_str().unwrap().to_string();
    let (status, body) = app
        .request(
            Method::PATCH,
            &format!("/api/v1/orgs/acme/releases/{slug}"),
            Some(json!({"status": "released"})),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let path = format!("/orgs/acme/releases/{slug}");
    let (status, page) = app.page(&path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(og(&page, "title"), Some(format!("Spring · {name}")));
    assert_eq!(
        og(&page, "description").as_deref(),
        Some("Faster everything.")
    );
    assert_eq!(og(&page, "url"), Some(format!("{base}{path}")));
    let (_, page) = app.page("/orgs/acme/releases", None).await;
    assert_eq!(og(&page, "title"), Some(format!("{name} · Changelog")));
    assert!(
        head(&page).contains(r#"type="application/atom+xml""#),
        "feed readers find the feed in the head"
    );
});

on_each_backend!(
    an_orgs_colour_shows_on_its_public_page_and_bad_ones_are_refused,
    |app| {
        let (owner, _) = app.public_org().await;
        let patch = |accent: serde_json::Value| json!({"settings": {"publicPage": true, "publicActions": true, "accentColor": accent}});
        for bad in ["teal", "#12345", "#0f766e; color: red", "url(x)", "#ggg"] {
            let (status, body) = app
                .request(
                    Method::PATCH,
                    "/api/v1/orgs/acme",
                    Some(patch(json!(bad))),
                    Some(&owner),
                )
                .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
            assert!(
                body["error"]["fields"]["settings.accentColor"].is_string(),
                "{bad}: {body}"
            );
        }
        let (_, page) = app.page("/orgs/acme", None).await;
        assert!(
            !page.contains("--brand"),
            "a refused colour changed nothing"
        );

        let (status, body) = app
            .request(
                Method::PATCH,
                "/api/v1/orgs/acme",
                Some(patch(json!("#0F766E"))),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["org"]["settings"]["accentColor"], "#0f766e");
        // Public: the public page shows it.
        let (status, body) = app.get("/api/v1/orgs/acme", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["org"]["settings"]["accentColor"], "#0f766e");
        let (_, page) = app.page("/orgs/acme", None).await;
        assert!(
            page.contains("--brand: #0f766e; --brand-fg: #ffffff"),
            "the colour, with white on it"
        );
        assert!(page.contains(r#"class="portal branded""#));

        // A light colour gets black text; a settings object without it goes back to Sayr's.
        app.request(
            Method::PATCH,
            "/api/v1/orgs/acme",
            Some(patch(json!("#fde047"))),
            Some(&owner),
        )
        .await;
        let (_, page) = app.page("/orgs/acme", None).await;
        assert!(page.contains("--brand: #fde047; --brand-fg: #000000"));
        let (status, body) = app
            .request(
                Method::PATCH,
                "/api/v1/orgs/acme",
                Some(json!({"settings": {"publicPage": true}})),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body["org"]["settings"]["accentColor"],
            serde_json::Value::Null
        );
        let (_, page) = app.page("/orgs/acme", None).await;
        assert!(!page.contains("--brand"));
    }
);

/// The app can be installed: a manifest the pages link, with icons that are there.
#[tokio::test]
async fn the_app_can_be_installed() {
    if !crate::shipping::site_expected() {
        return;
    }
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.site_root = None).await;
    let (_, page) = app.page("/login", None).await;
    assert!(head(&page).contains(r#"<link rel="manifest" href="/manifest.webmanifest">"#));
    let res = app
        .http
        .get(format!("{}/manifest.webmanifest", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/manifest+json");
    let manifest: serde_json::Value = res.json().await.unwrap();
    assert_eq!(manifest["name"], "Sayr");
    assert_eq!(manifest["display"], "standalone");
    let icons = manifest["icons"].as_array().unwrap();
    // What browsers ask of an installable app: a 192 and a 512 pixel PNG.
    for size in ["192x192", "512x512"] {
        assert!(
            icons
                .iter()
                .any(|i| i["sizes"] == size && i["type"] == "image/png"),
            "{size}"
        );
    }
    for icon in icons {
        let src = icon["src"].as_str().unwrap();
        let res = app
            .http
            .get(format!("{}{src}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{src}");
        assert_eq!(
            res.headers()["content-type"],
            icon["type"].as_str().unwrap(),
            "{src}"
        );
        let bytes = res.bytes().await.unwrap();
        if icon["type"] == "image/png" {
            // The PNG's own width and height (IHDR) are what the manifest says.
            let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
            let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
            assert_eq!(format!("{w}x{h}"), icon["sizes"].as_str().unwrap(), "{src}");
        }
    }
}

/// The saved views (`data-testid="sidebar-view"`) a page's sidebar lists, by name.
fn sidebar_views(page: &str) -> Vec<String> {
    // Erased views mark dynamic text with `<!>`: not part of a name.
    page.replace("<!>", "")
        .split(r#"data-testid="sidebar-view""#)
        .skip(1)
        .filter_map(|rest| {
            let text = rest.split("nav-text\">").nth(1)?;
            Some(unescape(&text[..text.find('<')?]))
        })
        .collect()
}

on_each_backend!(the_sidebar_lists_the_views_each_member_may_see, |app| {
    let (owner, _) = app.public_org().await;
    let carol = app.sign_up("carol@example.test").await;
    app.add_member(&owner, "acme", &carol).await;
    let outsider = app.sign_up("olga@example.test").await;
    for (name, shared) in [("Triage", true), ("Mine <only>", false)] {
        let (status, body) = app
            .post(
                "/api/v1/orgs/acme/views",
                json!({"name": name, "shared": shared}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (_, page) = app.page("/orgs/acme/tasks", Some(&owner)).await;
    let mut seen = sidebar_views(&page);
    seen.sort();
    assert_eq!(
        seen,
        ["Mine <only>", "Triage"],
        "the owner: the shared view and their own"
    );
    // On the org's other pages too, and linked to the board with the view.
    let (_, page) = app.page("/orgs/acme/settings", Some(&owner)).await;
    assert_eq!(sidebar_views(&page).len(), 2);
    assert!(page.contains("/orgs/acme/tasks?v="));
    let (_, page) = app.page("/orgs/acme/tasks", Some(&carol)).await;
    assert_eq!(
        sidebar_views(&page),
        ["Triage"],
        "another member: not the owner's own"
    );
    // Someone outside the org, and a visitor, on its public page: no views at all.
    let (_, page) = app.page("/orgs/acme", Some(&outsider)).await;
    assert_eq!(sidebar_views(&page), Vec::<String>::new());
    assert!(!page.contains("Triage"));
    let (_, page) = app.page("/orgs/acme", None).await;
    assert!(!page.contains("Triage") && !page.contains("sidebar-view"));
});
