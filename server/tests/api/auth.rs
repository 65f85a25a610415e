//! Signing in: one answer for every mismatch, throttling, sessions.

use reqwest::{Method, StatusCode};
use serde_json::json;

on_each_backend!(login_failures_look_the_same_and_are_throttled, |app| {
    app.sign_up("ada@example.test").await;
    let login = |email: &'static str, password: &'static str| {
        let app = &app;
        async move {
            app.post(
                "/api/auth/login",
                json!({"email": email, "password": password}),
                None,
            )
            .await
        }
    };
    let (status, wrong_password) = login("ada@example.test", "not the password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, no_account) = login("nobody@example.test", "not the password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong_password, no_account,
        "an unknown e-mail is not revealed"
    );

    for _ in 1..services::throttle::PER_ACCOUNT {
        login("ada@example.test", "still wrong").await;
    }
    let res = app
        .http
        .post(format!("{}/api/auth/login", app.base))
        .json(&json!({"email": "ada@example.test", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");

    app.sign_up("bob@example.test").await;
    let (status, _) = login("bob@example.test", "correct horse battery").await;
    assert_eq!(status, StatusCode::OK, "other accounts are not locked");
});

on_each_backend!(sessions_are_listed_and_revoked_at_once, |app| {
    let first = app.sign_up("ada@example.test").await;
    let res = app
        .http
        .post(format!("{}/api/auth/login", app.base))
        .header("user-agent", "second-browser")
        .json(&json!({"email": "ada@example.test", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    let second = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let (status, sessions) = app.get("/api/auth/sessions", Some(&first)).await;
    assert_eq!(status, StatusCode::OK);
    let sessions = sessions.as_array().unwrap().clone();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    let other = sessions
        .iter()
        .find(|s| s["userAgent"] == "second-browser")
        .unwrap();
    assert_eq!(other["current"], false);
    assert!(
        !sessions
            .iter()
            .any(|s| s.to_string().contains(&first.token)),
        "tokens are never listed"
    );

    let id = other["id"].as_str().unwrap();
    let (status, _) = app
        .request(
            Method::DELETE,
            &format!("/api/auth/sessions/{id}"),
            None,
            Some(&first),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let res = app
        .http
        .get(format!("{}/api/v1/me", app.base))
        .header("cookie", second)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "the revoked session stops working at once"
    );
    let (status, _) = app
        .request(
            Method::DELETE,
            &format!("/api/auth/sessions/{id}"),
            None,
            Some(&first),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

// Login CSRF: a page elsewhere posts the login form (no cookie is sent with it, SameSite),
// to sign the visitor in as the attacker. Refused whether or not a cookie came along.
on_each_backend!(a_login_posted_from_another_site_is_refused, |app| {
    app.sign_up("mallory@example.test").await;
    let form = [
        ("email", "mallory@example.test"),
        ("password", "correct horse battery"),
    ];
    let cross = |path: &str, headers: &[(&'static str, &'static str)]| {
        let mut req = app.http.post(format!("{}{path}", app.base)).form(&form);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send()
    };
    for headers in [
        &[("origin", "https://evil.example")][..],
        &[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ][..],
    ] {
        let res = cross("/sfn/login", headers).await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{headers:?}");
        assert!(
            res.headers().get("set-cookie").is_none(),
            "no session handed out"
        );
        let res = app
            .http
            .post(format!("{}/api/auth/login", app.base))
            .header("origin", "https://evil.example")
            .json(&json!({"email": "mallory@example.test", "password": "correct horse battery"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(res.headers().get("set-cookie").is_none());
    }
    // From the instance's own pages it works.
    let own = app.base.clone();
    let res = app
        .http
        .post(format!("{}/sfn/login", app.base))
        .header("origin", own)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().get("set-cookie").is_some());
});

// Cross-site WebSocket hijacking: another site's page opens /ws with this instance's
// cookie and would read the private rooms. Refused when a cookie comes with a foreign
// Origin; a cookie-less socket (public) and the instance's own pages connect.
on_each_backend!(
    a_socket_opened_from_another_site_with_a_cookie_is_refused,
    |app| {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let ada = app.sign_up("ada@example.test").await;
        let open = |cookie: Option<String>, origin: String| {
            let addr = app.addr;
            async move {
                let mut req = format!("ws://{addr}/ws").into_client_request().unwrap();
                if let Some(cookie) = cookie {
                    req.headers_mut().insert("cookie", cookie.parse().unwrap());
                }
                req.headers_mut().insert("origin", origin.parse().unwrap());
                match tokio_tungstenite::connect_async(req).await {
                    Ok(_) => 101,
                    Err(tokio_tungstenite::tungstenite::Error::Http(res)) => res.status().as_u16(),
                    Err(e) => panic!("unexpected: {e}"),
                }
            }
        };
        let evil = "https://evil.example".to_string();
        let refused = StatusCode::FORBIDDEN.as_u16();
        assert_eq!(
            open(Some(ada.cookie()), evil.clone()).await,
            refused,
            "session cookie, foreign origin"
        );
        assert_eq!(
            open(
                Some(format!("sayr_visitor={}", "ab".repeat(16))),
                evil.clone()
            )
            .await,
            refused,
            "visitor cookie, foreign origin"
        );
        assert_eq!(open(None, evil).await, 101, "no cookie: nothing to hijack");
        assert_eq!(
            open(Some(ada.cookie()), app.base.clone()).await,
            101,
            "the instance's own page"
        );
    }
);
