//! What an attacker tries: stuffed votes, floods, spoofed addresses, guessing in parallel,
//! sneaking private numbers out, filling the disk. Each test fails on the code before the
//! limits existed.

use crate::common::{Session, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use server::config::Config;
use services::limit::Limits;

fn limits(config: &mut Config, spec: &str) {
    config.limits = Some(Limits::parse(spec).unwrap());
}

/// A sign-up whose request says it was forwarded for `forwarded`.
async fn signup_via(app: &TestApp, email: &str, forwarded: &str) -> reqwest::Response {
    app.http
        .post(format!("{}/api/auth/signup", app.base))
        .header("x-forwarded-for", forwarded)
        .json(&json!({"email": email, "password": "correct horse battery", "name": "F"}))
        .send()
        .await
        .unwrap()
}

async fn vote_count(app: &TestApp, owner: &Session, n: i64) -> i64 {
    let (_, body) = app
        .get(&format!("/api/v1/orgs/acme/tasks/{n}"), Some(owner))
        .await;
    body["task"]["voteCount"].as_i64().unwrap()
}

on_each_backend!(
    votes_cannot_be_stuffed_by_dropping_the_visitor_cookie,
    config = |c| limits(c, "anonymous-vote-task=3/1d"),
    |app| {
        let (owner, n) = app.public_org().await;
        let url = format!("{}/api/v1/orgs/acme/tasks/{n}/vote", app.base);
        let mut refused = 0;
        for _ in 0..20 {
            // No cookie: a fresh anonymous visitor every time.
            let res = app.http.put(&url).send().await.unwrap();
            match res.status() {
                StatusCode::OK => {}
                StatusCode::TOO_MANY_REQUESTS => {
                    assert!(res.headers().contains_key("retry-after"));
                    let body: Value = res.json().await.unwrap();
                    assert_eq!(body["error"]["code"], "rate_limited");
                    refused += 1;
                }
                other => panic!("unexpected {other}"),
            }
        }
        assert_eq!(refused, 17);
        assert_eq!(
            vote_count(&app, &owner, n).await,
            3,
            "one address, three votes"
        );

        // Signed-in people are people: their votes are not an address's.
        for i in 0..5 {
            let voter = app.sign_up(&format!("v{i}@example.test")).await;
            let (status, body) = app
                .request(
                    Method::PUT,
                    &format!("/api/v1/orgs/acme/tasks/{n}/vote"),
                    None,
                    Some(&voter),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        assert_eq!(vote_count(&app, &owner, n).await, 8);
    }
);

on_each_backend!(
    a_cross_site_vote_through_the_server_function_is_refused,
    |app| {
        let (owner, n) = app.public_org().await;
        for (header, value) in [
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
            ("origin", "null"),
        ] {
            let res = app
                .http
                .post(format!("{}/sfn/vote", app.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .header(header, value)
                .body(format!("slug=acme&number={n}&up=true"))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{header}: {value}");
        }
        assert_eq!(vote_count(&app, &owner, n).await, 0);
    }
);

on_each_backend!(
    a_budget_holds_under_200_parallel_requests,
    config = |c| limits(c, "signup=10/1h"),
    |app| {
        let attempts = (0..200).map(|i| {
            let app = &app;
            async move {
                let res = app
                    .http
                    .post(format!("{}/api/auth/signup", app.base))
                    .json(&json!({"email": format!("u{i}@example.test"), "password": "correct horse battery", "name": "U"}))
                    .send()
                    .await
                    .unwrap();
                let headers = res.headers().clone();
                (res.status(), headers)
            }
        });
        let answers = futures::future::join_all(attempts).await;
        let created = answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::CREATED)
            .count();
        let limited: Vec<_> = answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
            .collect();
        assert_eq!(created, 10, "exactly the budget");
        assert_eq!(limited.len(), 190);
        let (_, h) = limited[0];
        assert_eq!(h["ratelimit-limit"], "10");
        assert_eq!(h["ratelimit-remaining"], "0");
        let retry: u64 = h["retry-after"].to_str().unwrap().parse().unwrap();
        assert!(
            (1..=360).contains(&retry),
            "one sign-up comes back every 6 minutes: {retry}"
        );
        let (_, ok) = answers
            .iter()
            .find(|(s, _)| *s == StatusCode::CREATED)
            .unwrap();
        assert_eq!(
            ok["ratelimit-limit"], "10",
            "limited routes say where the caller stands"
        );
    }
);

on_each_backend!(
    forwarded_addresses_count_only_from_a_trusted_proxy,
    config = |c| limits(c, "signup=2/1h"),
    |app| {
        let signup = |i: u32, forwarded: &'static str| {
            let app = &app;
            async move {
                signup_via(app, &format!("f{i}@example.test"), forwarded)
                    .await
                    .status()
            }
        };
        // Not behind a trusted proxy: whatever the client claims, it is 127.0.0.1.
        assert_eq!(signup(1, "198.51.100.1").await, StatusCode::CREATED);
        assert_eq!(signup(2, "198.51.100.2").await, StatusCode::CREATED);
        assert_eq!(
            signup(3, "198.51.100.3").await,
            StatusCode::TOO_MANY_REQUESTS
        );
    }
);

on_each_backend!(
    behind_a_trusted_proxy_the_client_is_the_forwarded_address,
    config = |c| {
        limits(c, "signup=2/1h");
        c.trusted_proxies = Some(edge::TrustedProxies::parse("127.0.0.1/32, ::1").unwrap());
    },
    |app| {
        let signup = |i: u32, forwarded: &'static str| {
            let app = &app;
            async move { signup_via(app, &format!("p{i}@example.test"), forwarded).await }
        };
        for i in 0..2 {
            assert_eq!(signup(i, "203.0.113.7").await.status(), StatusCode::CREATED);
        }
        assert_eq!(
            signup(2, "203.0.113.7").await.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "the forwarded client's budget is spent"
        );
        // A client prepending its own entry does not get a new budget.
        assert_eq!(
            signup(3, "1.2.3.4, 203.0.113.7").await.status(),
            StatusCode::TOO_MANY_REQUESTS
        );
        let other = signup(4, "203.0.113.8").await;
        assert_eq!(
            other.status(),
            StatusCode::CREATED,
            "another client behind the proxy"
        );
        let session = Session::from_response(other).await;
        let (_, sessions) = app.get("/api/auth/sessions", Some(&session)).await;
        assert_eq!(
            sessions[0]["ip"], "203.0.113.8",
            "the session list shows the client"
        );
    }
);

on_each_backend!(parallel_guesses_cannot_pass_the_sign_in_throttle, |app| {
    let owner = app.sign_up("ada@example.test").await;
    let _ = owner;
    let guesses = (0..40).map(|i| {
        let app = &app;
        async move {
            app.http
                .post(format!("{}/api/auth/login", app.base))
                .json(&json!({"email": "ada@example.test", "password": format!("guess {i}")}))
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let answers = futures::future::join_all(guesses).await;
    let checked = answers
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let limited = answers
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(
        checked,
        services::throttle::PER_ACCOUNT as usize,
        "no more guesses were checked than the throttle allows"
    );
    assert_eq!(checked + limited, 40);
});

on_each_backend!(
    the_owner_signs_in_from_a_known_device_while_guessers_are_locked_out,
    |app| {
        // Ada signs up in her browser, which keeps the device cookie.
        let res = app
        .http
        .post(format!("{}/api/auth/signup", app.base))
        .json(&json!({"email": "ada@example.test", "password": "correct horse battery", "name": "Ada"}))
        .send()
        .await
        .unwrap();
        let device = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|c| c.starts_with("sayr_device="))
            .expect("a device cookie");
        assert!(
            device.contains("HttpOnly") && device.contains("SameSite=Strict"),
            "{device}"
        );
        let device = device.split(';').next().unwrap().to_string();
        let login = |password: &'static str, cookie: Option<String>| {
            let app = &app;
            async move {
                let mut req = app
                    .http
                    .post(format!("{}/api/auth/login", app.base))
                    .json(&json!({"email": "ada@example.test", "password": password}));
                if let Some(c) = cookie {
                    req = req.header("cookie", c);
                }
                req.send().await.unwrap().status()
            }
        };
        for _ in 0..services::throttle::PER_ACCOUNT {
            assert_eq!(login("wrong", None).await, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(
            login("correct horse battery", None).await,
            StatusCode::TOO_MANY_REQUESTS,
            "an unknown device waits, even with the password"
        );
        assert_eq!(
            login("correct horse battery", Some(device.clone())).await,
            StatusCode::OK,
            "Ada's own browser is not locked out by someone else's guesses"
        );
        let forged = format!("sayr_device=00{}", &device["sayr_device=".len() + 2..]);
        assert_eq!(
            login("correct horse battery", Some(forged)).await,
            StatusCode::TOO_MANY_REQUESTS,
            "a forged device cookie is an unknown device"
        );
        // The known device has a counter of its own.
        for _ in 0..services::throttle::PER_ACCOUNT {
            login("wrong", Some(device.clone())).await;
        }
        assert_eq!(
            login("correct horse battery", Some(device)).await,
            StatusCode::TOO_MANY_REQUESTS
        );
    }
);

on_each_backend!(reactions_are_one_of_a_fixed_set, |app| {
    let (owner, n) = app.public_org().await;
    let (status, body) = app
        .post(
            &format!("/api/v1/orgs/acme/tasks/{n}/comments"),
            json!({"body": "Ship it"}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["comment"]["id"].as_str().unwrap().to_string();
    let react = |emoji: &'static str| {
        let app = &app;
        let path = format!("/api/v1/orgs/acme/comments/{id}/reactions");
        let owner = owner.clone();
        async move {
            app.post(&path, json!({ "emoji": emoji }), Some(&owner))
                .await
        }
    };
    for text in ["hello", "💩", "👍👍"] {
        let (status, body) = react(text).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}: {body}");
        assert!(
            body["error"]["fields"]["emoji"]
                .as_str()
                .unwrap()
                .contains("👍")
        );
    }
    let (status, body) = react("🚀").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["comment"]["reactions"][0]["emoji"], "🚀");
    assert_eq!(body["comment"]["reactions"][0]["count"], 1);
});

on_each_backend!(search_text_and_cursors_out_of_range_are_bad_input, |app| {
    let (owner, _) = app.public_org().await;
    let long = "x".repeat(201);
    let (status, body) = app
        .get(&format!("/api/v1/orgs/acme/tasks?q={long}"), Some(&owner))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error"]["fields"]["q"].is_string(), "{body}");
    let (status, _) = app
        .get(
            &format!("/api/v1/orgs/acme/tasks?q={}", "x".repeat(200)),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .get(
            "/api/v1/orgs/acme/tasks?sort=votes&cursor=o:9223372036854775808",
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "not a 500: {body}");
});

on_each_backend!(
    private_parents_and_subtasks_stay_unnamed_for_visitors,
    |app| {
        let (owner, public) = app.public_org().await;
        let (_, secret) = app
            .post(
                "/api/v1/orgs/acme/tasks",
                json!({"title": "Secret epic", "visibility": "private"}),
                Some(&owner),
            )
            .await;
        let secret = secret["task"]["number"].as_i64().unwrap();
        let mut socket = app.socket(None, "").await;
        socket.next().await;
        socket.next().await;
        let org_id = {
            let (_, org) = app.get("/api/v1/orgs/acme", Some(&owner)).await;
            org["org"]["id"]
                .as_str()
                .or(org["id"].as_str())
                .unwrap_or_else(|| panic!("{org}"))
                .to_string()
        };
        socket
            .send(&domain::realtime::ClientMessage::Subscribe {
                org_id,
                channel: domain::realtime::Channel::Public,
            })
            .await;
        socket.next().await; // SUBSCRIBED
        let (_, current) = app
            .get(&format!("/api/v1/orgs/acme/tasks/{public}"), Some(&owner))
            .await;
        let (status, body) = app
            .request(
                Method::PATCH,
                &format!("/api/v1/orgs/acme/tasks/{public}"),
                Some(json!({"parentNumber": secret, "version": current["task"]["version"]})),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // The public room hears of the change, without the private parent's number.
        let event = loop {
            let m = socket.next().await;
            if let domain::realtime::ServerEvent::UpdateTask(task) = m.event {
                break task;
            }
        };
        assert_eq!(event.parent_number, None, "{event:?}");
        let (_, timeline) = app
            .get(&format!("/api/v1/orgs/acme/tasks/{public}/timeline"), None)
            .await;
        let text = timeline.to_string();
        assert!(!text.contains("parent_added"), "{text}");
        let (_, timeline) = app
            .get(
                &format!("/api/v1/orgs/acme/tasks/{public}/timeline"),
                Some(&owner),
            )
            .await;
        assert!(
            timeline.to_string().contains("parent_added"),
            "members see it"
        );
        let (_, task) = app
            .get(&format!("/api/v1/orgs/acme/tasks/{public}"), None)
            .await;
        assert!(task["task"]["parentNumber"].is_null(), "{task}");
    }
);

on_each_backend!(
    an_orgs_files_stay_within_its_quota,
    config = |c| c.storage.org_storage_quota = 1024 * 1024,
    |app| {
        let (owner, _) = app.public_org().await;
        let upload = |name: &'static str| {
            let app = &app;
            let owner = owner.clone();
            async move {
                app.upload(
                    Method::POST,
                    "/api/v1/orgs/acme/files",
                    Some(&owner),
                    name,
                    &crate::common::png(600 * 1024),
                    None,
                )
                .await
            }
        };
        let (status, body) = upload("a.png").await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, body) = upload("b.png").await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
        assert!(
            body["error"]["message"].as_str().unwrap().contains("1 MiB"),
            "{body}"
        );
        assert_eq!(app.file_rows().await, 1, "the refused file left no row");
        assert_eq!(app.stored_keys().await.len(), 1, "nor an object");
    }
);

on_each_backend!(
    uploads_per_person_per_day_are_bounded,
    config = |c| c.storage.user_upload_daily = 1024 * 1024,
    |app| {
        let (owner, _) = app.public_org().await;
        let png = crate::common::png(700 * 1024);
        let (status, _) = app
            .upload(
                Method::POST,
                "/api/v1/orgs/acme/files",
                Some(&owner),
                "a.png",
                &png,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let res = app
            .upload(
                Method::POST,
                "/api/v1/orgs/acme/files",
                Some(&owner),
                "b.png",
                &png,
                None,
            )
            .await;
        assert_eq!(res.0, StatusCode::TOO_MANY_REQUESTS, "{}", res.1);
        assert_eq!(app.file_rows().await, 1);
    }
);

on_each_backend!(
    a_visitors_upload_is_public_only_once_attached_to_what_they_submit,
    |app| {
        let (_, _) = app.public_org().await;
        let visitor = app.sign_up("eve@example.test").await;
        let (status, file) = app
            .upload(
                Method::POST,
                "/api/v1/orgs/acme/files",
                Some(&visitor),
                "shot.png",
                &crate::common::png(2048),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{file}");
        let url = file["url"].as_str().unwrap().to_string();
        let fetch = |who: Option<&Session>| {
            let mut req = app.http.get(format!("{}{url}", app.base));
            if let Some(s) = who {
                req = req.header("cookie", s.cookie());
            }
            async move { req.send().await.unwrap().status() }
        };
        assert_eq!(fetch(None).await, StatusCode::NOT_FOUND, "not free hosting");
        assert_eq!(
            fetch(Some(&visitor)).await,
            StatusCode::OK,
            "its uploader sees it"
        );
        let (status, body) = app
            .post(
                "/api/v1/orgs/acme/tasks",
                json!({"title": "Broken layout", "description": format!("![shot]({url})")}),
                Some(&visitor),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(
            fetch(None).await,
            StatusCode::OK,
            "attached to a public suggestion"
        );
    }
);

on_each_backend!(a_body_of_the_wrong_json_shape_is_refused, |app| {
    let (owner, _) = app.public_org().await;
    for body in [json!([null, null]), json!("acme"), json!(42), json!(true)] {
        let (status, answer) = app
            .request(
                Method::PATCH,
                "/api/v1/orgs/acme",
                Some(body.clone()),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(answer["error"]["message"], "the body must be a JSON object");
    }
    let (status, answer) = app
        .request(
            Method::PUT,
            "/api/v1/me/notification-settings",
            Some(json!({"kind": "mention"})),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["error"]["message"], "the body must be a JSON array");
    let (status, answer) = app
        .request(
            Method::PATCH,
            "/api/v1/orgs/acme",
            Some(json!({"name": "Acme Inc"})),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "objects still pass: {answer}");
});
