//! Members, invitations, teams and what their permissions allow.

use crate::common;

use common::{Session, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// An owner (not a site admin: the instance's first account is) with an org `acme`.
async fn org_with_owner(app: &TestApp) -> Session {
    app.sign_up("root@example.test").await;
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    owner
}

/// Invites `email` to `acme` and accepts as that new account.
async fn join(app: &TestApp, owner: &Session, email: &str) -> Session {
    let who = app.sign_up(email).await;
    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/invites",
            json!({"email": email}),
            Some(owner),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let code = body["invite"]["code"].as_str().unwrap().to_string();
    let (status, body) = app
        .post(
            &format!("/api/v1/invites/{code}/accept"),
            json!({}),
            Some(&who),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    who
}

fn user_id(s: &Session) -> String {
    s.user["id"].as_str().unwrap().to_string()
}

on_each_backend!(
    a_new_org_has_an_administrators_team_holding_its_creator,
    |app| {
        let owner = org_with_owner(&app).await;
        let (status, teams) = app.get("/api/v1/orgs/acme/teams", Some(&owner)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(teams.as_array().unwrap().len(), 1);
        assert_eq!(teams[0]["name"], "Administrators");
        assert_eq!(teams[0]["system"], true);
        assert_eq!(teams[0]["memberIds"], json!([user_id(&owner)]));
        let (_, perms) = app.get("/api/v1/orgs/acme/permissions", Some(&owner)).await;
        assert_eq!(perms["admin"]["administrator"], true);
        assert_eq!(perms["moderation"]["manageVotes"], true);
    }
);

on_each_backend!(an_invited_member_in_no_team_has_the_defaults, |app| {
    let owner = org_with_owner(&app).await;
    let bob = join(&app, &owner, "bob@example.test").await;
    let (_, perms) = app.get("/api/v1/orgs/acme/permissions", Some(&bob)).await;
    assert_eq!(
        perms["tasks"],
        json!({"create": true, "editAny": false, "deleteAny": false, "assign": false, "changeStatus": true, "changePriority": true})
    );
    assert_eq!(perms["admin"]["manageSettings"], false);

    let (status, _) = app
        .post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "by bob"}),
            Some(&bob),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = app
        .request(
            Method::PATCH,
            "/api/v1/orgs/acme",
            Some(json!({"name": "Bob's"})),
            Some(&bob),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = app
        .post(
            "/api/v1/orgs/acme/invites",
            json!({"email": "eve@example.test"}),
            Some(&bob),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, members) = app.get("/api/v1/orgs/acme/members", Some(&bob)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(members.as_array().unwrap().len(), 2);
    assert!(
        members.to_string().find("@example.test").is_none(),
        "no e-mail addresses: {members}"
    );
});

on_each_backend!(invitations_are_single_use_and_personal, |app| {
    let owner = org_with_owner(&app).await;
    let bob = app.sign_up("bob@example.test").await;
    let eve = app.sign_up("eve@example.test").await;
    let (_, body) = app
        .post(
            "/api/v1/orgs/acme/invites",
            json!({"email": "Bob@Example.test"}),
            Some(&owner),
        )
        .await;
    let code = body["invite"]["code"].as_str().unwrap().to_string();
    let accept = format!("/api/v1/invites/{code}/accept");

    let (status, _) = app.post(&accept, json!({}), Some(&eve)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "someone else's invitation");
    let (status, _) = app.post(&accept, json!({}), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = app.post(&accept, json!({}), Some(&bob)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["org"]["slug"], "acme");
    let (status, body) = app.post(&accept, json!({}), Some(&bob)).await;
    assert_eq!(status, StatusCode::GONE);
    assert_eq!(body["error"]["code"], "gone");

    // An expired invitation is gone too.
    let (_, body) = app
        .post(
            "/api/v1/orgs/acme/invites",
            json!({"email": "eve@example.test"}),
            Some(&owner),
        )
        .await;
    let code = body["invite"]["code"].as_str().unwrap().to_string();
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    entity::invite::Entity::update_many()
        .col_expr(
            entity::invite::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::hours(1)),
        )
        .filter(entity::invite::Column::Code.eq(code.clone()))
        .exec(&app.db().await)
        .await
        .unwrap();
    let (status, _) = app
        .post(
            &format!("/api/v1/invites/{code}/accept"),
            json!({}),
            Some(&eve),
        )
        .await;
    assert_eq!(status, StatusCode::GONE);
    let (status, _) = app.get("/api/v1/orgs/acme/tasks", Some(&eve)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "eve did not get in");
});

on_each_backend!(
    managing_teams_does_not_let_anyone_grant_more_than_they_hold,
    |app| {
        let owner = org_with_owner(&app).await;
        let bob = join(&app, &owner, "bob@example.test").await;
        let (status, body) = app
        .post("/api/v1/orgs/acme/teams", json!({"name": "Leads", "permissions": {"admin": {"manageTeams": true}, "tasks": {"assign": true}}}), Some(&owner))
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let leads = body["team"]["id"].as_str().unwrap().to_string();
        let (status, _) = app
            .request(
                Method::PUT,
                &format!("/api/v1/orgs/acme/teams/{leads}/members/{}", user_id(&bob)),
                None,
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK);

        let (_, perms) = app.get("/api/v1/orgs/acme/permissions", Some(&bob)).await;
        assert_eq!(perms["admin"]["manageTeams"], true);
        assert_eq!(
            perms["tasks"]["create"], false,
            "in a team, only the teams' permissions count"
        );

        let (status, _) = app
            .post(
                "/api/v1/orgs/acme/teams",
                json!({"name": "Root", "permissions": {"admin": {"administrator": true}}}),
                Some(&bob),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app
            .post(
                "/api/v1/orgs/acme/teams",
                json!({"name": "Triage", "permissions": {"tasks": {"assign": true}}}),
                Some(&bob),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = app
            .post(
                "/api/v1/orgs/acme/teams",
                json!({"name": "Triage"}),
                Some(&bob),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "team names are unique per org"
        );

        let (_, teams) = app.get("/api/v1/orgs/acme/teams", Some(&bob)).await;
        let admins = teams
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["system"] == true)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let (status, _) = app
            .request(
                Method::PUT,
                &format!("/api/v1/orgs/acme/teams/{admins}/members/{}", user_id(&bob)),
                None,
                Some(&bob),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "bob cannot make himself an administrator"
        );
        let (status, _) = app
            .request(
                Method::PATCH,
                &format!("/api/v1/orgs/acme/teams/{leads}"),
                Some(json!({"permissions": {"admin": {"administrator": true}}})),
                Some(&bob),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app
            .request(
                Method::DELETE,
                &format!("/api/v1/orgs/acme/teams/{admins}"),
                None,
                Some(&owner),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "the Administrators team stays"
        );
        let (_, perms) = app.get("/api/v1/orgs/acme/permissions", Some(&bob)).await;
        assert_eq!(perms["admin"]["administrator"], false);
    }
);

on_each_backend!(members_leave_and_are_removed_but_the_creator_stays, |app| {
    let owner = org_with_owner(&app).await;
    let bob = join(&app, &owner, "bob@example.test").await;
    let carol = join(&app, &owner, "carol@example.test").await;
    let path = |s: &Session| format!("/api/v1/orgs/acme/members/{}", user_id(s));

    let (status, _) = app
        .request(Method::DELETE, &path(&carol), None, Some(&bob))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "bob may not remove carol");
    let (status, _) = app
        .request(Method::DELETE, &path(&owner), None, Some(&owner))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the creator cannot leave");
    let (status, _) = app
        .request(Method::DELETE, &path(&bob), None, Some(&bob))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "bob leaves");
    let (status, _) = app.get("/api/v1/orgs/acme/tasks", Some(&bob)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .request(Method::DELETE, &path(&carol), None, Some(&owner))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, members) = app.get("/api/v1/orgs/acme/members", Some(&owner)).await;
    assert_eq!(members.as_array().unwrap().len(), 1);
});

on_each_backend!(only_the_creator_or_a_site_admin_deletes_an_org, |app| {
    let root = app.sign_up("root@example.test").await;
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    app.create_org(&owner, "beta").await;
    let bob = join(&app, &owner, "bob@example.test").await;
    let (_, teams) = app.get("/api/v1/orgs/acme/teams", Some(&owner)).await;
    let admins = teams[0]["id"].as_str().unwrap().to_string();
    app.request(
        Method::PUT,
        &format!("/api/v1/orgs/acme/teams/{admins}/members/{}", user_id(&bob)),
        None,
        Some(&owner),
    )
    .await;

    let (status, _) = app
        .request(Method::DELETE, "/api/v1/orgs/acme", None, Some(&bob))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "an administrator is not the creator"
    );
    let (status, _) = app
        .request(Method::DELETE, "/api/v1/orgs/acme", None, Some(&owner))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.get("/api/v1/orgs/acme", Some(&owner)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .request(Method::DELETE, "/api/v1/orgs/beta", None, Some(&root))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "a site admin may");
});

on_each_backend!(an_api_key_acts_as_its_user_until_deleted, |app| {
    let owner = org_with_owner(&app).await;
    let (status, created) = app
        .post("/api/v1/me/api-keys", json!({"name": "CI"}), Some(&owner))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let key = created["key"].as_str().unwrap().to_string();
    assert!(key.starts_with("sayr_") && key.len() >= 45, "{key}");
    let with_key = |method: Method, path: &str| {
        app.http
            .request(method, format!("{}{path}", app.base))
            .bearer_auth(&key)
    };

    // The key works like the session, and needs no origin check.
    let res = with_key(Method::POST, "/api/v1/orgs/acme/tasks")
        .header("origin", "https://elsewhere.example")
        .json(&json!({"title": "via key"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let (_, keys) = app.get("/api/v1/me/api-keys", Some(&owner)).await;
    assert_eq!(keys[0]["prefix"], &key[..11]);
    assert!(keys[0]["lastUsedAt"].is_string(), "use is recorded: {keys}");
    assert!(
        keys.to_string().find(&key).is_none(),
        "the key is never shown again"
    );

    // A key cannot mint keys.
    let res = with_key(Method::POST, "/api/v1/me/api-keys")
        .json(&json!({"name": "more"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let id = created["id"].as_str().unwrap();
    let (status, _) = app
        .request(
            Method::DELETE,
            &format!("/api/v1/me/api-keys/{id}"),
            None,
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let res = with_key(Method::GET, "/api/v1/orgs/acme/tasks")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "a deleted key stops working at once"
    );
    let res = app
        .http
        .get(format!("{}/api/v1/me", app.base))
        .bearer_auth("sayr_not-a-key")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
});

/// A team with `permissions`, holding `who`; returns its id.
async fn team_of(
    app: &TestApp,
    owner: &Session,
    name: &str,
    permissions: serde_json::Value,
    who: &[&Session],
) -> String {
    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/teams",
            json!({"name": name, "permissions": permissions}),
            Some(owner),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["team"]["id"].as_str().unwrap().to_string();
    for s in who {
        let (status, body) = app
            .request(
                Method::PUT,
                &format!("/api/v1/orgs/acme/teams/{id}/members/{}", user_id(s)),
                None,
                Some(owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    id
}

on_each_backend!(
    emptying_or_deleting_a_restrictive_team_hands_out_nothing_the_actor_lacks,
    |app| {
        let owner = org_with_owner(&app).await;
        let bob = join(&app, &owner, "bob@example.test").await;
        let carol = join(&app, &owner, "carol@example.test").await;
        // Bob manages teams and nothing else; Carol is in a team that may not even create.
        team_of(
            &app,
            &owner,
            "Team admins",
            json!({"admin": {"manageTeams": true}}),
            &[&bob],
        )
        .await;
        let readers = team_of(&app, &owner, "Readers", json!({}), &[&carol]).await;
        let (_, perms) = app.get("/api/v1/orgs/acme/permissions", Some(&carol)).await;
        assert_eq!(perms["tasks"]["create"], false);

        let member = format!(
            "/api/v1/orgs/acme/teams/{readers}/members/{}",
            user_id(&carol)
        );
        let (status, body) = app.request(Method::DELETE, &member, None, Some(&bob)).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "out of Readers, Carol would get the defaults: {body}"
        );
        let team = format!("/api/v1/orgs/acme/teams/{readers}");
        let (status, _) = app.request(Method::DELETE, &team, None, Some(&bob)).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "deleting the team is the same"
        );
        let (_, perms) = app.get("/api/v1/orgs/acme/permissions", Some(&carol)).await;
        assert_eq!(perms["tasks"]["create"], false, "nothing changed");

        // Whoever holds the defaults may hand them out.
        let (status, _) = app
            .request(Method::DELETE, &member, None, Some(&owner))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, perms) = app.get("/api/v1/orgs/acme/permissions", Some(&carol)).await;
        assert_eq!(perms["tasks"]["create"], true);
    }
);

on_each_backend!(
    managing_members_alone_does_not_remove_an_administrator,
    |app| {
        let owner = org_with_owner(&app).await;
        let bob = join(&app, &owner, "bob@example.test").await;
        let carol = join(&app, &owner, "carol@example.test").await;
        let dave = join(&app, &owner, "dave@example.test").await;
        team_of(
            &app,
            &owner,
            "HR",
            json!({"admin": {"manageMembers": true}}),
            &[&bob],
        )
        .await;
        let (_, teams) = app.get("/api/v1/orgs/acme/teams", Some(&owner)).await;
        let admins = teams
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "Administrators")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        app.request(
            Method::PUT,
            &format!(
                "/api/v1/orgs/acme/teams/{admins}/members/{}",
                user_id(&carol)
            ),
            None,
            Some(&owner),
        )
        .await;
        let path = |s: &Session| format!("/api/v1/orgs/acme/members/{}", user_id(s));
        let (status, body) = app
            .request(Method::DELETE, &path(&carol), None, Some(&bob))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, body) = app
            .request(Method::DELETE, &path(&dave), None, Some(&bob))
            .await;
        assert_eq!(
            status,
            StatusCode::NO_CONTENT,
            "a member with the defaults only: {body}"
        );
        let (_, members) = app.get("/api/v1/orgs/acme/members", Some(&owner)).await;
        assert_eq!(members.as_array().unwrap().len(), 3, "owner, bob, carol");
    }
);
