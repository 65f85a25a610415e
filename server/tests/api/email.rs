//! Accounts proven by e-mail, against a real SMTP server (aiosmtpd): the mails, their
//! links (once, then 410), the invitation hole, password reset, and delivery through an
//! SMTP server that refuses at first.

use crate::common::{Backend, Session, TestApp};
use reqwest::StatusCode;
use serde_json::json;

fn token_of(link: &str) -> String {
    link.split("token=")
        .nth(1)
        .expect("a token in the link")
        .to_string()
}

with_smtp!(
    sign_up_mails_a_link_that_proves_the_address_once,
    0,
    |app, smtp| {
        let ada = app.sign_up_unverified("ada@example.test").await;
        assert_eq!(ada.user["emailVerified"], false);
        let mail = smtp.wait_for("ada@example.test").await;
        assert!(
            mail.subject.contains("Confirm your e-mail address"),
            "{}",
            mail.subject
        );
        assert!(mail.header("From").unwrap().contains("sayr@example.test"));
        assert!(
            !mail.html.is_empty() && mail.html.contains("<a href"),
            "an HTML part with the link"
        );
        let link = mail
            .link(&format!("{}/verify-email?token=", app.base))
            .expect("the link in the text part");
        assert!(
            mail.html.contains(&link),
            "the same link in the HTML part: {link}\n{}\n{}",
            mail.html,
            mail.raw
        );

        let (status, body) = app
            .post(
                "/api/auth/verify-email",
                json!({"token": token_of(&link)}),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["user"]["emailVerified"], true);
        let (_, me) = app.get("/api/auth/session", Some(&ada)).await;
        assert_eq!(me["user"]["emailVerified"], true);

        let (status, body) = app
            .post(
                "/api/auth/verify-email",
                json!({"token": token_of(&link)}),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::GONE, "a link works once");
        assert_eq!(body["error"]["code"], "gone");
        let (status, _) = app
            .post(
                "/api/auth/verify-email",
                json!({"token": "0".repeat(64)}),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::GONE, "an unknown token is gone too");
    }
);

with_smtp!(
    asking_again_invalidates_the_previous_link,
    0,
    |app, smtp| {
        let ada = app.sign_up_unverified("ada@example.test").await;
        let first = smtp.wait_for("ada@example.test").await;
        let (status, _) = app
            .post("/api/auth/verify-email/resend", json!({}), Some(&ada))
            .await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while smtp.mails().len() < 2 {
            assert!(
                std::time::Instant::now() < deadline,
                "the second mail arrives"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let second = smtp.mails().pop().unwrap();
        let prefix = format!("{}/verify-email?token=", app.base);
        let (old, new) = (first.link(&prefix).unwrap(), second.link(&prefix).unwrap());
        assert_ne!(old, new);
        let (status, _) = app
            .post(
                "/api/auth/verify-email",
                json!({"token": token_of(&old)}),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::GONE, "the first link stopped working");
        let (status, _) = app
            .post(
                "/api/auth/verify-email",
                json!({"token": token_of(&new)}),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = app
            .post("/api/auth/verify-email/resend", json!({}), None)
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
);

// The attack from the issue: an admin invites an address; someone else signs up with it.
with_smtp!(
    an_unproven_address_cannot_take_an_invitation_meant_for_it,
    0,
    |app, smtp| {
        let owner = app.sign_up("owner@example.test").await;
        app.create_org(&owner, "acme").await;
        let (status, invite) = app
            .post(
                "/api/v1/orgs/acme/invites",
                json!({"email": "newhire@corp.test"}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{invite}");
        let code = invite["invite"]["code"].as_str().unwrap().to_string();

        let intruder: Session = app.sign_up_unverified("newhire@corp.test").await;
        let (status, me) = app.get("/api/v1/me", Some(&intruder)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            !me.to_string().contains(&code),
            "the invitation's code is not shown: {me}"
        );
        let (status, body) = app
            .post(
                &format!("/api/v1/invites/{code}/accept"),
                json!({}),
                Some(&intruder),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"]["code"], "email_unverified");
        let (status, _) = app.get("/api/v1/orgs/acme/tasks", Some(&intruder)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "still no member");

        // The real owner of the mailbox proves it, then accepts.
        let mail = smtp.wait_for_subject("newhire@corp.test", "Confirm").await;
        let link = mail
            .link(&format!("{}/verify-email?token=", app.base))
            .unwrap();
        let (status, _) = app
            .post(
                "/api/auth/verify-email",
                json!({"token": token_of(&link)}),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = app
            .post(
                &format!("/api/v1/invites/{code}/accept"),
                json!({}),
                Some(&intruder),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
);

with_smtp!(
    a_forgotten_password_is_reset_by_a_link_that_ends_every_session,
    0,
    |app, smtp| {
        let ada = app.sign_up("ada@example.test").await;
        let (status, _) = app
            .post(
                "/api/auth/password-reset/request",
                json!({"email": "nobody@example.test"}),
                None,
            )
            .await;
        assert_eq!(
            status,
            StatusCode::ACCEPTED,
            "the same answer for an unknown address"
        );
        let (status, _) = app
            .post(
                "/api/auth/password-reset/request",
                json!({"email": "ADA@example.test"}),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let mail = smtp
            .wait_for_subject("ada@example.test", "Reset your")
            .await;
        assert!(
            smtp.mails().iter().all(|m| !m.to.contains("nobody")),
            "no mail to an unknown address"
        );
        let link = mail
            .link(&format!("{}/reset-password?token=", app.base))
            .unwrap();

        let (status, body) = app
            .post(
                "/api/auth/password-reset",
                json!({"token": token_of(&link), "password": "short"}),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let (status, _) = app
            .post(
                "/api/auth/password-reset",
                json!({"token": token_of(&link), "password": "a brand new password"}),
                None,
            )
            .await;
        assert_eq!(
            status,
            StatusCode::NO_CONTENT,
            "a refused password did not use the link up"
        );
        let (status, _) = app.get("/api/auth/session", Some(&ada)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the old session ended");
        let (status, _) = app
            .post(
                "/api/auth/password-reset",
                json!({"token": token_of(&link), "password": "yet another password"}),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::GONE);
        let login = |password: &'static str| {
            let app = &app;
            async move {
                app.post(
                    "/api/auth/login",
                    json!({"email": "ada@example.test", "password": password}),
                    None,
                )
                .await
                .0
            }
        };
        assert_eq!(
            login("correct horse battery").await,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(login("a brand new password").await, StatusCode::OK);
    }
);

with_smtp!(
    changing_the_password_needs_the_current_one_and_ends_the_other_sessions,
    0,
    |app, _smtp| {
        let here = app.sign_up("ada@example.test").await;
        let (_, other) = app
            .post(
                "/api/auth/login",
                json!({"email": "ada@example.test", "password": "correct horse battery"}),
                None,
            )
            .await;
        assert!(other["user"].is_object());
        let elsewhere = app
            .sign_in_session("ada@example.test", "correct horse battery")
            .await;
        let (status, body) = app
            .post(
                "/api/auth/password",
                json!({"current": "wrong password", "new": "a brand new password"}),
                Some(&here),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["error"]["fields"]["current"].is_string());
        let (status, _) = app
            .post(
                "/api/auth/password",
                json!({"current": "correct horse battery", "new": "a brand new password"}),
                Some(&here),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(
            app.get("/api/auth/session", Some(&here)).await.0,
            StatusCode::OK,
            "this session goes on"
        );
        assert_eq!(
            app.get("/api/auth/session", Some(&elsewhere)).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
);

with_smtp!(
    a_new_address_counts_once_proven_and_the_old_one_is_told,
    0,
    |app, smtp| {
        let ada = app.sign_up("ada@example.test").await;
        app.sign_up("taken@example.test").await;
        let change = |email: &'static str, password: &'static str| {
            let (app, ada) = (&app, &ada);
            async move {
                app.post(
                    "/api/auth/email",
                    json!({"email": email, "password": password}),
                    Some(ada),
                )
                .await
            }
        };
        assert_eq!(
            change("new@example.test", "wrong password").await.0,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            change("taken@example.test", "correct horse battery")
                .await
                .0,
            StatusCode::CONFLICT
        );
        assert_eq!(
            change("new@example.test", "correct horse battery").await.0,
            StatusCode::ACCEPTED
        );
        let told = smtp
            .wait_for_subject("ada@example.test", "is changing")
            .await;
        assert!(told.text.contains("new@example.test"), "{}", told.text);
        let (_, me) = app.get("/api/auth/session", Some(&ada)).await;
        assert_eq!(
            me["user"]["email"], "ada@example.test",
            "not before the new address is proven"
        );
        let mail = smtp.wait_for("new@example.test").await;
        let link = mail
            .link(&format!("{}/verify-email?token=", app.base))
            .unwrap();
        let (status, body) = app
            .post(
                "/api/auth/verify-email",
                json!({"token": token_of(&link)}),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["user"]["email"], "new@example.test");
        assert_eq!(body["user"]["emailVerified"], true);
    }
);

with_smtp!(
    mail_survives_an_smtp_server_that_refuses_at_first,
    2,
    tweak = |c| c.metrics_token = Some(server::config::Secret::new("metrics-test-token")),
    |app, smtp| {
        app.sign_up_unverified("ada@example.test").await;
        let mail = smtp.wait_for("ada@example.test").await;
        assert!(mail.subject.contains("Confirm"));
        assert_eq!(smtp.mails().len(), 1, "delivered once, after two refusals");
        let metrics = app
            .http
            .get(format!("{}/metrics", app.base))
            .bearer_auth("metrics-test-token")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            metrics.contains("sayr_job_attempts_total{kind=\"send_mail\",outcome=\"failed\"} 2"),
            "{metrics}"
        );
        assert!(metrics.contains("sayr_job_attempts_total{kind=\"send_mail\",outcome=\"done\"} 1"));
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_mail_lands_in_the_outbox_for_the_site_admin() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let admin = app.sign_up("admin@example.test").await;
    app.sign_up_unverified("ada@example.test").await;
    let svc = &app.app_state.services;
    let actor = services::Actor::User(services::UserActor {
        id: serde_json::from_value(admin.user["id"].clone()).unwrap(),
        site_admin: true,
        session: None,
        api_key: None,
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mails = loop {
        let mails = services::mail::outbox(svc, &actor).await.unwrap();
        if mails.iter().any(|m| m.to == "ada@example.test") {
            break mails;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the mail reaches the outbox"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let mail = mails.iter().find(|m| m.to == "ada@example.test").unwrap();
    assert!(mail.text.contains("/verify-email?token="));
    let nobody = services::Actor::anonymous();
    assert!(
        services::mail::outbox(svc, &nobody).await.is_err(),
        "the site admin's only"
    );
}

/// Posts a server function's form as the instance's own page would.
async fn form(
    app: &TestApp,
    session: &Session,
    function: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    app.http
        .post(format!("{}/sfn/{function}", app.base))
        .header("cookie", session.cookie())
        .header("origin", &app.base)
        .header("accept", "text/html")
        .header("referer", format!("{}/", app.base))
        .form(fields)
        .send()
        .await
        .unwrap()
}

with_smtp!(
    the_invitation_mail_carries_a_link_that_proves_the_address_and_joins,
    0,
    |app, smtp| {
        let owner = app.sign_up("owner@example.test").await;
        app.create_org(&owner, "acme").await;
        let (status, logo) = app
            .upload(
                reqwest::Method::PUT,
                "/api/v1/orgs/acme/logo",
                Some(&owner),
                "logo.png",
                &crate::common::png(300),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{logo}");
        let (status, invite) = app
            .post(
                "/api/v1/orgs/acme/invites",
                json!({"email": "newhire@corp.test"}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let code = invite["invite"]["code"].as_str().unwrap().to_string();
        let mail = smtp
            .wait_for_subject("newhire@corp.test", "invited you")
            .await;
        assert!(
            mail.subject.contains("owner invited you to"),
            "{}",
            mail.subject
        );
        let logo_url = logo["url"].as_str().unwrap();
        let logo_url = if logo_url.starts_with('/') {
            format!("{}{logo_url}", app.base)
        } else {
            logo_url.to_string()
        };
        assert!(
            mail.html.contains(&format!(r#"<img src="{logo_url}""#)),
            "the org's logo, absolute: {}",
            mail.html
        );
        let link = mail
            .link(&format!("{}/invite?token=", app.base))
            .expect("an accept link");
        assert!(
            !link.contains(&code),
            "the link is not the code the admins see"
        );
        let token = token_of(&link);

        // The page names the org and the address, to anyone holding the link.
        let page = app
            .http
            .get(&link)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("newhire@corp.test") && page.contains("Join"),
            "{page}"
        );

        // Someone signed in with another address cannot use it.
        let other = app.sign_up("other@example.test").await;
        let res = form(&app, &other, "accept_invite_link", &[("token", &token)]).await;
        assert!(!res.status().is_redirection() || res.headers()["location"] != "/orgs/acme/tasks");
        assert_eq!(
            app.get("/api/v1/orgs/acme/tasks", Some(&other)).await.0,
            StatusCode::NOT_FOUND
        );

        // The invitee signs up (unproven), follows the link: proven and a member, no second step.
        let newhire = app.sign_up_unverified("newhire@corp.test").await;
        let res = form(&app, &newhire, "accept_invite_link", &[("token", &token)]).await;
        assert_eq!(
            res.headers().get("location").map(|l| l.to_str().unwrap()),
            Some("/orgs/acme/tasks")
        );
        assert_eq!(
            app.get("/api/v1/orgs/acme/tasks", Some(&newhire)).await.0,
            StatusCode::OK
        );
        let (_, me) = app.get("/api/auth/session", Some(&newhire)).await;
        assert_eq!(me["user"]["emailVerified"], true);
        // The link worked once.
        let res = form(&app, &newhire, "accept_invite_link", &[("token", &token)]).await;
        assert_ne!(
            res.headers().get("location").map(|l| l.to_str().unwrap()),
            Some("/orgs/acme/tasks")
        );
    }
);

/// A page as a browser gets it (status, HTML).
async fn page(app: &TestApp, path: &str, session: &Session) -> (StatusCode, String) {
    let res = app
        .http
        .get(format!("{}{path}", app.base))
        .header("cookie", session.cookie())
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

with_smtp!(
    the_site_admin_sees_failed_jobs_and_retries_or_discards_them,
    100,
    |app, smtp| {
        let admin = app.sign_up("admin@example.test").await;
        let someone = app.sign_up("someone@example.test").await;
        // Every attempt is refused; the retries are quick in tests. Wait for a failed attempt.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let failed_job = loop {
            let (status, html) = page(&app, "/admin/jobs", &admin).await;
            assert_eq!(status, StatusCode::OK);
            if html.contains(r#"data-testid="failed-job""#) {
                break html;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "a failed mail job is listed: {html}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        };
        assert!(
            failed_job.contains("send_mail") && failed_job.contains("try again later"),
            "{failed_job}"
        );
        let (status, _) = page(&app, "/admin/jobs", &someone).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "site admins only");
        drop(smtp);

        let svc = &app.app_state.services;
        let actor = |s: &Session| {
            services::Actor::User(services::UserActor {
                id: serde_json::from_value(s.user["id"].clone()).unwrap(),
                site_admin: s.user["siteAdmin"] == true,
                session: None,
                api_key: None,
            })
        };
        let failed = services::jobs::failed_jobs(svc, &actor(&admin))
            .await
            .unwrap();
        assert!(!failed.is_empty());
        let id = failed[0].id.to_string();
        let res = form(&app, &someone, "admin_discard_job", &[("id", &id)]).await;
        assert!(
            res.status().is_client_error()
                || res
                    .headers()
                    .get("location")
                    .is_some_and(|l| l != "/admin/jobs")
        );
        assert!(
            services::jobs::failed_jobs(svc, &actor(&admin))
                .await
                .unwrap()
                .iter()
                .any(|j| j.id == failed[0].id),
            "not discarded by a non-admin"
        );
        form(&app, &admin, "admin_discard_job", &[("id", &id)]).await;
        assert!(
            !services::jobs::failed_jobs(svc, &actor(&admin))
                .await
                .unwrap()
                .iter()
                .any(|j| j.id == failed[0].id),
            "discarded"
        );
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_page_lists_the_mail_for_the_site_admin() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let admin = app.sign_up("admin@example.test").await;
    let someone = app.sign_up("someone@example.test").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let (status, html) = page(&app, "/admin/mail", &admin).await;
        assert_eq!(status, StatusCode::OK);
        if html.contains("someone@example.test") {
            assert!(
                html.contains("Confirm your e-mail address")
                    && html.contains("/verify-email?token=")
            );
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the outbox lists the mail: {html}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        page(&app, "/admin/mail", &someone).await.0,
        StatusCode::NOT_FOUND
    );
}

with_smtp!(
    asking_for_links_is_throttled_per_address,
    0,
    |app, _smtp| {
        app.sign_up("ada@example.test").await;
        let ask = || {
            app.post(
                "/api/auth/password-reset/request",
                json!({"email": "ada@example.test"}),
                None,
            )
        };
        for _ in 0..services::throttle::PER_ACCOUNT {
            assert_eq!(ask().await.0, StatusCode::ACCEPTED);
        }
        let (status, body) = ask().await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        // Another address is not held back by ada's.
        let (status, _) = app
            .post(
                "/api/auth/password-reset/request",
                json!({"email": "bob@example.test"}),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED);
    }
);
