//! The second factor over HTTP: TOTP setup, sign-in in two steps (no cookie before the
//! code), codes used once and only near now, backup codes, the throttle, turning it off,
//! an org that requires it, and the site admin's reset. Codes are computed here from the
//! secret (RFC 6238 over hmac and sha1), not with the server's own code.

use crate::common::{Session, TestApp};
use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const PASSWORD: &str = "correct horse battery";

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The current 30-second step, after waiting out the end of one that has less than
/// `margin` seconds left (so that what follows happens within one step).
pub(crate) async fn steady_step(margin: u64) -> i64 {
    let left = 30 - unix_now() % 30;
    if left < margin {
        tokio::time::sleep(Duration::from_secs(left) + Duration::from_millis(200)).await;
    }
    (unix_now() / 30) as i64
}

/// The six-digit code of the base32 `secret` for `step`.
pub(crate) fn totp(secret: &str, step: i64) -> String {
    let key = data_encoding::BASE32_NOPAD
        .decode(secret.as_bytes())
        .expect("the secret is base32");
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).unwrap();
    mac.update(&(step as u64).to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[19] & 0x0f) as usize;
    let word = u32::from_be_bytes(digest[offset..offset + 4].try_into().unwrap()) & 0x7fff_ffff;
    format!("{:06}", word % 1_000_000)
}

/// Starts the setup; returns the secret.
async fn set_up(app: &TestApp, session: &Session) -> String {
    let (status, body) = app
        .post("/api/auth/2fa/totp/setup", json!({}), Some(session))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["secret"].as_str().unwrap().to_string()
}

/// Turns TOTP on with the code of the step before now; returns the secret and the backup
/// codes.
pub(crate) async fn turn_on(app: &TestApp, session: &Session) -> (String, Vec<String>) {
    let secret = set_up(app, session).await;
    let step = steady_step(3).await - 1;
    let (status, body) = app
        .post(
            "/api/auth/2fa/totp/enable",
            json!({"code": totp(&secret, step)}),
            Some(session),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let codes = body["backupCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    (secret, codes)
}

/// Logs in with the password; the raw answer, to look at its headers.
async fn login(app: &TestApp, email: &str) -> reqwest::Response {
    app.http
        .post(format!("{}/api/auth/login", app.base))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
}

/// Logs in and returns the challenge (and checks that no cookie came with it).
async fn challenge(app: &TestApp, email: &str) -> String {
    let res = login(app, email).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers().get("set-cookie").is_none(),
        "no cookie before the second factor"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["twoFactorRequired"], true, "{body}");
    assert!(body.get("user").is_none());
    body["challenge"].as_str().unwrap().to_string()
}

/// The second step; the status, and the session when it succeeded.
async fn second_step(
    app: &TestApp,
    challenge: &str,
    code: &str,
) -> (StatusCode, Value, Option<Session>) {
    let res = app
        .http
        .post(format!("{}/api/auth/login/2fa", app.base))
        .json(&json!({"challenge": challenge, "code": code}))
        .send()
        .await
        .unwrap();
    let status = res.status();
    if status == StatusCode::OK {
        let session = Session::from_response(res).await;
        let user = session.user.clone();
        return (status, user, Some(session));
    }
    assert!(res.headers().get("set-cookie").is_none());
    (status, res.json().await.unwrap(), None)
}

on_each_backend!(
    a_sign_in_with_a_second_factor_sets_no_cookie_until_a_fresh_code,
    |app| {
        let ada = app.sign_up("ada@example.test").await;
        let secret = set_up(&app, &ada).await;
        let (_, me) = app.get("/api/v1/me", Some(&ada)).await;
        assert_eq!(me["user"]["twoFactor"], false, "pending: not on yet");
        let res = login(&app, "ada@example.test").await;
        assert!(
            res.headers().get("set-cookie").is_some(),
            "a pending setup asks nothing"
        );

        // Enabling takes a code of now or one step either side, not two.
        let s = steady_step(5).await;
        for (code, what) in [
            ("12345", "too short"),
            (totp(&secret, s - 2).as_str(), "two steps old"),
            (totp(&secret, s + 2).as_str(), "two steps ahead"),
        ] {
            let (status, body) = app
                .post(
                    "/api/auth/2fa/totp/enable",
                    json!({"code": code}),
                    Some(&ada),
                )
                .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
            assert_eq!(body["error"]["code"], "invalid_input");
            assert!(body["error"]["fields"]["code"].is_string(), "{body}");
        }
        let (status, body) = app
            .post(
                "/api/auth/2fa/totp/enable",
                json!({"code": totp(&secret, s - 1)}),
                Some(&ada),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "one step old: {body}");
        let backup: Vec<String> = serde_json::from_value(body["backupCodes"].clone()).unwrap();
        assert_eq!(backup.len(), 10);
        let (_, me) = app.get("/api/v1/me", Some(&ada)).await;
        assert_eq!(me["user"]["twoFactor"], true);

        let challenge_1 = challenge(&app, "ada@example.test").await;
        let s = steady_step(5).await;
        let (status, body, _) = second_step(&app, &challenge_1, &totp(&secret, s + 2)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "two steps ahead: {body}");
        assert!(body["error"]["fields"]["code"].is_string());
        let (status, user, session) = second_step(&app, &challenge_1, &totp(&secret, s + 1)).await;
        assert_eq!(status, StatusCode::OK, "one step ahead: {user}");
        assert_eq!(user["twoFactor"], true);
        let (status, _) = app.get("/api/auth/session", session.as_ref()).await;
        assert_eq!(status, StatusCode::OK, "the cookie signs in");

        let (status, body, _) = second_step(&app, &challenge_1, &backup[0]).await;
        assert_eq!(status, StatusCode::GONE, "a challenge is used once: {body}");
        assert_eq!(body["error"]["code"], "gone");

        // The code just used, and any of an earlier step, count no more.
        let challenge_2 = challenge(&app, "ada@example.test").await;
        for step in [s + 1, s] {
            let (status, body, _) = second_step(&app, &challenge_2, &totp(&secret, step)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "step {step} again: {body}");
        }

        // A backup code works once, whatever its case.
        let (status, _, _) = second_step(&app, &challenge_2, &backup[0].to_uppercase()).await;
        assert_eq!(status, StatusCode::OK);
        let challenge_3 = challenge(&app, "ada@example.test").await;
        let (status, _, _) = second_step(&app, &challenge_3, &backup[0]).await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "a backup code is used once"
        );
        let (status, _, _) = second_step(&app, &challenge_3, &backup[1]).await;
        assert_eq!(status, StatusCode::OK);
    }
);

on_each_backend!(an_unknown_or_expired_challenge_is_gone, |app| {
    let ada = app.sign_up("ada@example.test").await;
    let (_, backup) = turn_on(&app, &ada).await;
    let (status, body, _) = second_step(&app, "not-a-challenge", &backup[0]).await;
    assert_eq!(status, StatusCode::GONE, "{body}");
    assert_eq!(body["error"]["code"], "gone");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("sign in again")
    );

    let waiting = challenge(&app, "ada@example.test").await;
    {
        use sea_orm::{EntityTrait, sea_query::Expr};
        entity::login_challenge::Entity::update_many()
            .col_expr(
                entity::login_challenge::Column::ExpiresAt,
                Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
            )
            .exec(&app.db().await)
            .await
            .unwrap();
    }
    let (status, _, _) = second_step(&app, &waiting, &backup[0]).await;
    assert_eq!(status, StatusCode::GONE, "after 5 minutes");
    let (status, body) = app
        .post("/api/auth/login/2fa", json!({"challenge": 1}), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
});

on_each_backend!(wrong_codes_are_throttled_like_logins, |app| {
    let ada = app.sign_up("ada@example.test").await;
    let (_, backup) = turn_on(&app, &ada).await;
    let waiting = challenge(&app, "ada@example.test").await;
    // The password that made the challenge was one attempt; codes are the others.
    for _ in 1..services::throttle::PER_ACCOUNT {
        let (status, _, _) = second_step(&app, &waiting, "aaaaa-aaaaa").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    let (status, body, _) = second_step(&app, &waiting, &backup[0]).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "even a right code waits: {body}"
    );
    assert_eq!(body["error"]["code"], "rate_limited");
    let res = login(&app, "ada@example.test").await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the password does not reset the count"
    );
});

on_each_backend!(turning_it_off_takes_a_code, |app| {
    let ada = app.sign_up("ada@example.test").await;
    let (_, backup) = turn_on(&app, &ada).await;
    let off = |code: &str| {
        app.request(
            Method::DELETE,
            "/api/auth/2fa/totp",
            Some(json!({"code": code})),
            Some(&ada),
        )
    };
    let (status, body) = off("aaaaa-aaaaa").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error"]["fields"]["code"].is_string());
    let (status, _) = app
        .request(
            Method::DELETE,
            "/api/auth/2fa/totp",
            Some(json!({})),
            Some(&ada),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no code at all");
    let (status, _) = app
        .request(
            Method::DELETE,
            "/api/auth/2fa/totp",
            Some(json!({"code": backup[0]})),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = off(&backup[0]).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, me) = app.get("/api/v1/me", Some(&ada)).await;
    assert_eq!(me["user"]["twoFactor"], false);
    let res = login(&app, "ada@example.test").await;
    assert!(res.headers().get("set-cookie").is_some(), "one step again");
    let (status, _) = off(&backup[1]).await;
    assert_eq!(status, StatusCode::CONFLICT, "nothing left to turn off");
});

/// Sets the org's settings as its owner.
async fn require_second_factor(app: &TestApp, owner: &Session, on: bool) -> (StatusCode, Value) {
    app.request(
        Method::PATCH,
        "/api/v1/orgs/acme",
        Some(json!({"settings": {"membersMustUseTwoFactor": on}})),
        Some(owner),
    )
    .await
}

on_each_backend!(
    an_org_that_requires_a_second_factor_holds_back_members_without_one,
    |app| {
        // The first account is the site admin, whom the requirement does not hold back.
        app.sign_up("root@example.test").await;
        let bob = app.sign_up("bob@example.test").await;
        let owner = app.sign_up("owner@example.test").await;
        app.create_org(&owner, "acme").await;
        app.add_member(&owner, "acme", &bob).await;

        let (status, body) = require_second_factor(&app, &owner, true).await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "the owner turns on their own first"
        );
        assert!(
            body["error"]["fields"]["settings.membersMustUseTwoFactor"].is_string(),
            "{body}"
        );
        turn_on(&app, &owner).await;
        let (status, body) = require_second_factor(&app, &owner, true).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["org"]["settings"]["membersMustUseTwoFactor"], true);

        for path in [
            "/api/v1/orgs/acme/members",
            "/api/v1/orgs/acme",
            "/api/v1/orgs/acme/tasks",
        ] {
            let (status, body) = app.get(path, Some(&bob)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
            assert_eq!(body["error"]["code"], "two_factor_required", "{path}");
            assert!(
                body["error"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("second factor")
            );
        }
        let (status, _) = app
            .post(
                "/api/v1/orgs/acme/tasks",
                json!({"title": "Sneak in"}),
                Some(&bob),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let page = app
            .http
            .get(format!("{}/orgs/acme/tasks", app.base))
            .header("cookie", bob.cookie())
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::FORBIDDEN);
        assert!(
            page.text()
                .await
                .unwrap()
                .contains("data-testid=\"two-factor-required\"")
        );
        let (status, _) = app.get("/api/v1/orgs/acme/members", Some(&owner)).await;
        assert_eq!(status, StatusCode::OK, "the owner has one");

        turn_on(&app, &bob).await;
        let (status, body) = app.get("/api/v1/orgs/acme/members", Some(&bob)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = app
            .post(
                "/api/v1/orgs/acme/tasks",
                json!({"title": "Now in"}),
                Some(&bob),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
);

on_each_backend!(a_site_admin_resets_a_lost_second_factor, |app| {
    let root = app.sign_up("root@example.test").await;
    let bob = app.sign_up("bob@example.test").await;
    turn_on(&app, &bob).await;
    let bob_id = bob.user["id"].as_str().unwrap().to_string();
    let reset = |who: &Session| {
        let req = app
            .http
            .post(format!("{}/sfn/admin_reset_two_factor", app.base))
            .header("origin", &app.base)
            .header("cookie", who.cookie())
            .form(&[("user", bob_id.as_str())]);
        async move {
            let res = req.send().await.unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let (status, _) = reset(&bob).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "only a site admin");
    let res = login(&app, "bob@example.test").await;
    assert!(res.headers().get("set-cookie").is_none(), "still on");

    let (status, body) = reset(&root).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let user: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(user["twoFactor"], false);
    let res = login(&app, "bob@example.test").await;
    assert!(
        res.headers().get("set-cookie").is_some(),
        "the password alone again"
    );
    let (_, me) = app.get("/api/v1/me", Some(&bob)).await;
    assert_eq!(me["user"]["twoFactor"], false);
});
