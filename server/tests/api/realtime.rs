//! The first part of the realtime protocol: connection status, subscribing, task events.

use crate::common;

use domain::realtime::{Channel, ClientMessage, ServerEvent, codes};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

on_each_backend!(a_member_sees_tasks_created_elsewhere, |app| {
    let owner = app.sign_up("owner@example.test").await;
    let org = app.create_org(&owner, "acme").await;
    let org_id = org["id"].as_str().unwrap().to_string();

    let mut ws = app.socket(Some(&owner), "").await;
    let hello = ws.next().await;
    let ServerEvent::ConnectionStatus {
        authenticated,
        ws_client_id,
    } = hello.event
    else {
        panic!("{hello:?}")
    };
    assert!(authenticated && !ws_client_id.is_empty());
    assert!(matches!(
        ws.next().await.event,
        ServerEvent::WaitingRoom { .. }
    ));

    ws.send(&ClientMessage::Subscribe {
        org_id: org_id.clone(),
        channel: Channel::Tasks,
    })
    .await;
    let sub = ws.next().await;
    assert_eq!(
        sub.event,
        ServerEvent::Subscribed {
            org_id: org_id.parse().unwrap(),
            channel: Channel::Tasks
        }
    );

    let (status, _) = app
        .post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "Live one"}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let event = ws.next().await;
    let ServerEvent::CreateTask(task) = event.event else {
        panic!("{event:?}")
    };
    assert_eq!(task.title, "Live one");
    assert_eq!(event.meta.channel, Some(Channel::Tasks));

    ws.send(&ClientMessage::Subscribe {
        org_id,
        channel: Channel::Tasks,
    })
    .await;
    let again = ws.next().await;
    assert!(
        matches!(again.event, ServerEvent::Error { ref code, .. } if code == codes::ALREADY_SUBSCRIBED),
        "{again:?}"
    );
});

on_each_backend!(outsiders_cannot_join_a_private_orgs_rooms, |app| {
    let owner = app.sign_up("owner@example.test").await;
    let outsider = app.sign_up("outsider@example.test").await;
    let org = app.create_org(&owner, "acme").await;
    let org_id = org["id"].as_str().unwrap().to_string();

    for who in [None, Some(&outsider)] {
        let mut ws = app.socket(who, "").await;
        ws.next().await;
        ws.next().await;
        for (org, channel) in [
            (org_id.as_str(), Channel::Tasks),
            (org_id.as_str(), Channel::Public),
            (org_id.as_str(), Channel::Admin),
            ("00000000-0000-0000-0000-000000000000", Channel::Tasks),
            ("not-a-uuid", Channel::Tasks),
        ] {
            ws.send(&ClientMessage::Subscribe {
                org_id: org.to_string(),
                channel,
            })
            .await;
            let answer = ws.next().await;
            assert!(
                matches!(answer.event, ServerEvent::Error { ref code, .. } if code == codes::FORBIDDEN),
                "{answer:?}"
            );
        }
        app.post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "not for you"}),
            Some(&owner),
        )
        .await;
        assert!(
            ws.silent_for(Duration::from_millis(300)).await,
            "no event reaches an outsider"
        );
    }
});

on_each_backend!(garbage_is_answered_and_the_socket_keeps_serving, |app| {
    let owner = app.sign_up("owner@example.test").await;
    let org = app.create_org(&owner, "acme").await;
    let mut ws = app.socket(Some(&owner), "").await;
    ws.next().await;
    ws.next().await;
    for junk in ["{nope", r#"{"type":"HELLO"}"#, &"x".repeat(17 * 1024)] {
        ws.send_text(junk).await;
        let answer = ws.next().await;
        assert!(
            matches!(answer.event, ServerEvent::Error { ref code, .. } if code == codes::BAD_MESSAGE),
            "{answer:?}"
        );
    }
    // Offences 4 and 5 are dropped without an answer.
    futures::SinkExt::send(
        &mut ws.ws,
        tokio_tungstenite::tungstenite::Message::binary(vec![1, 2, 3]),
    )
    .await
    .unwrap();
    assert!(ws.silent_for(Duration::from_millis(300)).await);
    ws.send(&ClientMessage::Subscribe {
        org_id: org["id"].as_str().unwrap().into(),
        channel: Channel::Tasks,
    })
    .await;
    assert!(matches!(
        ws.next().await.event,
        ServerEvent::Subscribed { .. }
    ));
});

on_each_backend!(the_senders_own_socket_can_be_skipped, |app| {
    let owner = app.sign_up("owner@example.test").await;
    let org = app.create_org(&owner, "acme").await;
    let org_id = org["id"].as_str().unwrap().to_string();
    let mut mine = app.socket(Some(&owner), "").await;
    let ServerEvent::ConnectionStatus { ws_client_id, .. } = mine.next().await.event else {
        panic!()
    };
    mine.next().await;
    let mut other = app.socket(Some(&owner), "").await;
    other.next().await;
    other.next().await;
    for ws in [&mut mine, &mut other] {
        ws.send(&ClientMessage::Subscribe {
            org_id: org_id.clone(),
            channel: Channel::Tasks,
        })
        .await;
        assert!(matches!(
            ws.next().await.event,
            ServerEvent::Subscribed { .. }
        ));
    }
    // `other` joined second, so `mine` heard it arrive.
    assert!(matches!(
        mine.next().await.event,
        ServerEvent::UserSubscribed(_)
    ));
    let res = app
        .http
        .post(format!("{}/api/v1/orgs/acme/tasks", app.base))
        .header("cookie", owner.cookie())
        .header("x-ws-client-id", &ws_client_id)
        .json(&json!({"title": "quiet for me"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(matches!(
        other.next().await.event,
        ServerEvent::CreateTask(_)
    ));
    assert!(
        mine.silent_for(Duration::from_millis(300)).await,
        "the sender's socket was skipped"
    );
});

on_each_backend!(
    a_flood_is_warned_then_ignored_then_cut_off_and_others_are_served,
    |app| {
        let owner = app.sign_up("owner@example.test").await;
        let org = app.create_org(&owner, "acme").await;
        let org_id = org["id"].as_str().unwrap().to_string();
        let mut flood = app.socket(Some(&owner), "").await;
        flood.next().await;
        flood.next().await;
        let subscribe = serde_json::to_string(&ClientMessage::Subscribe {
            org_id: org_id.clone(),
            channel: Channel::Tasks,
        })
        .unwrap();
        for _ in 0..7 {
            flood.send_text(&subscribe).await;
        }
        assert!(
            matches!(flood.next().await.event, ServerEvent::Subscribed { .. }),
            "the first message is served"
        );
        for _ in 0..3 {
            let answer = flood.next().await;
            assert!(
                matches!(answer.event, ServerEvent::Error { ref code, .. } if code == codes::SLOW_DOWN),
                "{answer:?}"
            );
        }
        let answer = flood.next().await;
        assert!(
            matches!(answer.event, ServerEvent::Error { ref code, .. } if code == codes::RATE_LIMITED),
            "{answer:?}"
        );
        let bye = flood.next().await;
        assert!(
            matches!(bye.event, ServerEvent::Disconnected { ref reason } if reason == "rate_limited"),
            "{bye:?}"
        );
        let closed = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                match futures::StreamExt::next(&mut flood.ws).await {
                    None
                    | Some(Err(_))
                    | Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_))) => break,
                    Some(Ok(_)) => {}
                }
            }
        })
        .await;
        assert!(closed.is_ok(), "the server closed the flooding socket");

        let mut calm = app.socket(Some(&owner), "").await;
        calm.next().await;
        calm.next().await;
        calm.send(&ClientMessage::Subscribe {
            org_id,
            channel: Channel::Tasks,
        })
        .await;
        assert!(
            matches!(calm.next().await.event, ServerEvent::Subscribed { .. }),
            "others are still served"
        );
    }
);

on_each_backend!(
    a_cut_off_client_learns_why_before_the_socket_closes,
    |app| {
        let owner = app.sign_up("owner@example.test").await;
        let org = app.create_org(&owner, "acme").await;
        let org_id = org["id"].as_str().unwrap().to_string();
        let mut flood = app.socket(Some(&owner), "").await;
        flood.next().await;
        flood.next().await;
        let subscribe = serde_json::to_string(&ClientMessage::Subscribe {
            org_id,
            channel: Channel::Tasks,
        })
        .unwrap();
        // Far more than the ladder reads before it cuts the socket off: the rest are still
        // unread when it does.
        for _ in 0..40 {
            flood.send_text(&subscribe).await;
        }
        let mut seen = Vec::new();
        let outcome = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                match futures::StreamExt::next(&mut flood.ws).await {
                    Some(Ok(tokio_tungstenite::tungstenite::Message::Text(text))) => {
                        seen.push(text.to_string())
                    }
                    Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_))) => return Ok(()),
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Err(format!("{e}")),
                    None => return Err("ended without a Close frame".into()),
                }
            }
        })
        .await
        .expect("the socket ends within 10 s");
        assert_eq!(
            outcome,
            Ok(()),
            "a closing handshake, not a reset; saw {seen:?}"
        );
        let seen = seen.join("\n");
        for expected in ["slow_down", "rate_limited", "DISCONNECTED"] {
            assert!(seen.contains(expected), "{expected} in {seen}");
        }
    }
);

mod heartbeat {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn pings_carry_the_round_trip_and_silent_sockets_are_closed() {
        let app = common::TestApp::spawn_with(common::Backend::Sqlite, |c| {
            c.ws_ping_interval = Duration::from_millis(200);
            c.ws_timeout = Duration::from_millis(700);
        })
        .await;
        let mut ws = app.socket(None, "").await;
        ws.next().await;
        ws.next().await;
        let ping = ws.next().await;
        assert_eq!(ping.event, ServerEvent::Ping {});
        ws.send(&ClientMessage::Pong {
            ts: Some(ping.meta.ts),
        })
        .await;
        let next = ws.next().await;
        assert_eq!(next.event, ServerEvent::Ping {});
        assert!(
            next.meta.last_latency.is_some(),
            "the round trip is measured: {next:?}"
        );
        // Stop answering: the server gives up after the timeout.
        let bye = loop {
            let m = ws.next().await;
            if m.event != (ServerEvent::Ping {}) {
                break m;
            }
        };
        assert!(
            matches!(bye.event, ServerEvent::Disconnected { ref reason } if reason == "timeout"),
            "{bye:?}"
        );
    }
}

/// Subscribes `ws` to the org's tasks room and checks it got in.
async fn into_tasks_room(ws: &mut common::Socket, org_id: &str) {
    ws.next().await;
    ws.next().await;
    ws.send(&ClientMessage::Subscribe {
        org_id: org_id.into(),
        channel: Channel::Tasks,
    })
    .await;
    assert!(matches!(
        ws.next().await.event,
        ServerEvent::Subscribed { .. }
    ));
}

/// `ws` was moved to the waiting room, hears nothing more of the org, and cannot go back.
async fn shut_out(
    app: &common::TestApp,
    ws: &mut common::Socket,
    owner: &common::Session,
    org_id: &str,
) {
    let moved = loop {
        let m = ws.next().await;
        if !matches!(
            m.event,
            ServerEvent::UserSubscribed(_) | ServerEvent::UserUnsubscribed(_)
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
        Some(owner),
    )
    .await;
    assert!(
        ws.silent_for(Duration::from_millis(300)).await,
        "no more events"
    );
    ws.send(&ClientMessage::Subscribe {
        org_id: org_id.into(),
        channel: Channel::Tasks,
    })
    .await;
    let answer = ws.next().await;
    assert!(
        matches!(answer.event, ServerEvent::Error { ref code, .. } if code == codes::FORBIDDEN),
        "{answer:?}"
    );
}

on_each_backend!(a_revoked_session_leaves_private_rooms_at_once, |app| {
    let owner = app.sign_up("owner@example.test").await;
    let org = app.create_org(&owner, "acme").await;
    let org_id = org["id"].as_str().unwrap().to_string();
    let res = app
        .http
        .post(format!("{}/api/auth/login", app.base))
        .header("user-agent", "the-other-tab")
        .json(&json!({"email": "owner@example.test", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let other = common::Session {
        token: cookie.trim_start_matches("sayr_session=").to_string(),
        user: owner.user.clone(),
    };
    let mut ws = app.socket(Some(&other), "").await;
    into_tasks_room(&mut ws, &org_id).await;
    let mut still_in = app.socket(Some(&owner), "").await;
    into_tasks_room(&mut still_in, &org_id).await;

    let (_, sessions) = app.get("/api/auth/sessions", Some(&owner)).await;
    let id = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["userAgent"] == "the-other-tab")
        .unwrap()["id"]
        .clone();
    let (status, _) = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/auth/sessions/{}", id.as_str().unwrap()),
            None,
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    shut_out(&app, &mut ws, &owner, &org_id).await;
    assert!(
        matches!(
            still_in.next().await.event,
            ServerEvent::UserUnsubscribed(_)
        ),
        "the other socket stays"
    );
});

on_each_backend!(a_deleted_key_leaves_private_rooms_at_once, |app| {
    let owner = app.sign_up("owner@example.test").await;
    let org = app.create_org(&owner, "acme").await;
    let org_id = org["id"].as_str().unwrap().to_string();
    let (_, key) = app
        .post("/api/v1/me/api-keys", json!({"name": "bot"}), Some(&owner))
        .await;
    let mut ws = app.socket_with_key(key["key"].as_str().unwrap()).await;
    into_tasks_room(&mut ws, &org_id).await;
    let path = format!("/api/v1/me/api-keys/{}", key["id"].as_str().unwrap());
    let (status, _) = app
        .request(reqwest::Method::DELETE, &path, None, Some(&owner))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    shut_out(&app, &mut ws, &owner, &org_id).await;
});

on_each_backend!(
    a_removed_member_leaves_the_orgs_private_rooms_at_once,
    |app| {
        let owner = app.sign_up("owner@example.test").await;
        let org = app.create_org(&owner, "acme").await;
        let org_id = org["id"].as_str().unwrap().to_string();
        let bob = app.sign_up("bob@example.test").await;
        let (_, invite) = app
            .post(
                "/api/v1/orgs/acme/invites",
                json!({"email": "bob@example.test"}),
                Some(&owner),
            )
            .await;
        let code = invite["invite"]["code"].as_str().unwrap().to_string();
        app.post(
            &format!("/api/v1/invites/{code}/accept"),
            json!({}),
            Some(&bob),
        )
        .await;
        let mut ws = app.socket(Some(&bob), "").await;
        into_tasks_room(&mut ws, &org_id).await;
        let path = format!(
            "/api/v1/orgs/acme/members/{}",
            bob.user["id"].as_str().unwrap()
        );
        let (status, _) = app
            .request(reqwest::Method::DELETE, &path, None, Some(&owner))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        shut_out(&app, &mut ws, &owner, &org_id).await;
    }
);

on_each_backend!(org_changes_reach_the_public_room_as_public_fields, |app| {
    let owner = app.sign_up("owner@example.test").await;
    let org = app.create_org(&owner, "acme").await;
    let org_id = org["id"].as_str().unwrap().to_string();
    let settings = json!({"settings": {"publicPage": true}});
    app.request(
        reqwest::Method::PATCH,
        "/api/v1/orgs/acme",
        Some(settings),
        Some(&owner),
    )
    .await;
    let mut visitor = app.socket(None, &format!("?orgId={org_id}")).await;
    visitor.next().await;
    assert!(matches!(
        visitor.next().await.event,
        ServerEvent::Subscribed {
            channel: Channel::Public,
            ..
        }
    ));
    let (status, _) = app
        .request(
            reqwest::Method::PATCH,
            "/api/v1/orgs/acme",
            Some(json!({"description": "Now public"})),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The first change's own event may still be on its way when the socket joins: skip it.
    loop {
        let update = visitor.next().await;
        let ServerEvent::UpdateOrg(seen) = update.event else {
            panic!("{update:?}")
        };
        assert_eq!(seen.created_by, None, "no member ids for the public");
        if seen.description == "Now public" {
            break;
        }
    }
});

/// The next message on `ws` that is not about presence.
async fn next_event(ws: &mut common::Socket) -> ServerEvent {
    loop {
        let message = ws.next().await;
        if !matches!(
            message.event,
            ServerEvent::UserSubscribed(_) | ServerEvent::UserUnsubscribed(_)
        ) {
            return message.event;
        }
    }
}

on_each_backend!(admins_hear_members_join_change_teams_and_leave, |app| {
    use domain::realtime::MemberAction;
    let owner = app.sign_up("owner@example.test").await;
    let org = app.create_org(&owner, "acme").await;
    let org_id = org["id"].as_str().unwrap().to_string();
    let carol = app.sign_up("carol@example.test").await;
    app.add_member(&owner, "acme", &carol).await;
    let mut admin = app.socket(Some(&owner), "").await;
    admin.next().await;
    admin.next().await;
    admin
        .send(&ClientMessage::Subscribe {
            org_id: org_id.clone(),
            channel: Channel::Admin,
        })
        .await;
    assert!(matches!(
        admin.next().await.event,
        ServerEvent::Subscribed {
            channel: Channel::Admin,
            ..
        }
    ));
    let mut member = app.socket(Some(&carol), "").await;
    into_tasks_room(&mut member, &org_id).await;

    let bob = app.sign_up("bob@example.test").await;
    let bob_id: domain::UserId = serde_json::from_value(bob.user["id"].clone()).unwrap();
    app.add_member(&owner, "acme", &bob).await;
    assert_eq!(
        next_event(&mut admin).await,
        ServerEvent::MemberActions {
            action: MemberAction::Joined,
            user_id: bob_id
        }
    );

    let (status, team) = app
        .post(
            "/api/v1/orgs/acme/teams",
            json!({"name": "Support"}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{team}");
    let team_id = team["team"]["id"].as_str().unwrap().to_string();
    let (status, _) = app
        .request(
            reqwest::Method::PUT,
            &format!(
                "/api/v1/orgs/acme/teams/{team_id}/members/{}",
                bob.user["id"].as_str().unwrap()
            ),
            None,
            Some(&owner),
        )
        .await;
    assert!(status.is_success(), "{status}");
    assert_eq!(
        next_event(&mut admin).await,
        ServerEvent::MemberActions {
            action: MemberAction::TeamChanged,
            user_id: bob_id
        }
    );

    let (status, _) = app
        .request(
            reqwest::Method::DELETE,
            &format!(
                "/api/v1/orgs/acme/members/{}",
                bob.user["id"].as_str().unwrap()
            ),
            None,
            Some(&bob),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        next_event(&mut admin).await,
        ServerEvent::MemberActions {
            action: MemberAction::Left,
            user_id: bob_id
        }
    );

    let carol_id: domain::UserId = serde_json::from_value(carol.user["id"].clone()).unwrap();
    let (status, _) = app
        .request(
            reqwest::Method::DELETE,
            &format!(
                "/api/v1/orgs/acme/members/{}",
                carol.user["id"].as_str().unwrap()
            ),
            None,
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        next_event(&mut admin).await,
        ServerEvent::MemberActions {
            action: MemberAction::Removed,
            user_id: carol_id
        }
    );
    // The tasks room heard none of it (carol's socket only learns it left the room).
    loop {
        let message = member.next().await;
        assert!(
            !matches!(message.event, ServerEvent::MemberActions { .. }),
            "members' rooms do not get MEMBER_ACTIONS"
        );
        if matches!(message.event, ServerEvent::WaitingRoom { .. }) {
            break;
        }
    }
});

/// Subscribes a fresh socket of `session` (or an anonymous one) to a room; true when it got in.
async fn joined(
    app: &common::TestApp,
    session: Option<&common::Session>,
    org_id: &str,
    channel: Channel,
) -> common::Socket {
    let mut ws = app.socket(session, "").await;
    ws.next().await;
    ws.next().await;
    ws.send(&ClientMessage::Subscribe {
        org_id: org_id.into(),
        channel,
    })
    .await;
    let answer = next_event(&mut ws).await;
    assert!(
        matches!(answer, ServerEvent::Subscribed { .. }),
        "{answer:?}"
    );
    ws
}

on_each_backend!(
    losing_a_permission_or_the_public_page_empties_the_room_at_once,
    |app| {
        let owner = app.sign_up("owner@example.test").await;
        let org = app.create_org(&owner, "acme").await;
        let org_id = org["id"].as_str().unwrap().to_string();
        let dana = app.sign_up("dana@example.test").await;
        app.add_member(&owner, "acme", &dana).await;
        let (status, team) = app
            .post(
                "/api/v1/orgs/acme/teams",
                json!({"name": "Moderators", "permissions": {"admin": {"manageMembers": true}}}),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{team}");
        let team_id = team["team"]["id"].as_str().unwrap().to_string();
        let dana_id = dana.user["id"].as_str().unwrap().to_string();
        let (status, _) = app
            .request(
                reqwest::Method::PUT,
                &format!("/api/v1/orgs/acme/teams/{team_id}/members/{dana_id}"),
                None,
                Some(&owner),
            )
            .await;
        assert!(status.is_success());
        let mut admin_room = joined(&app, Some(&dana), &org_id, Channel::Admin).await;
        let mut tasks_room = joined(&app, Some(&dana), &org_id, Channel::Tasks).await;

        // The team loses its admin permission: Dana's admin socket leaves, her tasks socket stays.
        let (status, body) = app
            .request(
                reqwest::Method::PATCH,
                &format!("/api/v1/orgs/acme/teams/{team_id}"),
                Some(json!({"permissions": {"tasks": {"create": true}}})),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let moved = next_event(&mut admin_room).await;
        assert!(
            matches!(moved, ServerEvent::WaitingRoom { .. }),
            "{moved:?}"
        );
        app.post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "still heard"}),
            Some(&owner),
        )
        .await;
        let heard = next_event(&mut tasks_room).await;
        assert!(matches!(heard, ServerEvent::CreateTask(_)), "{heard:?}");

        // The public page goes off: its room empties.
        app.request(
            reqwest::Method::PATCH,
            "/api/v1/orgs/acme",
            Some(json!({"settings": {"publicPage": true}})),
            Some(&owner),
        )
        .await;
        let mut visitor = joined(&app, None, &org_id, Channel::Public).await;
        app.request(
            reqwest::Method::PATCH,
            "/api/v1/orgs/acme",
            Some(json!({"settings": {"publicPage": false}})),
            Some(&owner),
        )
        .await;
        loop {
            match next_event(&mut visitor).await {
                ServerEvent::WaitingRoom { .. } => break,
                // The settings change itself may arrive first.
                ServerEvent::UpdateOrg(_) => continue,
                other => panic!("{other:?}"),
            }
        }
    }
);

// A changed password ends the other sessions and their sockets; a reset from the mailed
// link ends every session, this one's socket too.
on_each_backend!(a_new_password_shuts_the_old_sessions_sockets_out, |app| {
    let owner = app.sign_up("owner@example.test").await;
    let org = app.create_org(&owner, "acme").await;
    let org_id = org["id"].as_str().unwrap().to_string();
    let other = app
        .sign_in_session("owner@example.test", "correct horse battery")
        .await;
    let mut elsewhere = app.socket(Some(&other), "").await;
    into_tasks_room(&mut elsewhere, &org_id).await;
    let mut here = app.socket(Some(&owner), "").await;
    into_tasks_room(&mut here, &org_id).await;

    let (status, body) = app
        .post(
            "/api/auth/password",
            json!({"current": "correct horse battery", "new": "a brand new password"}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    shut_out(&app, &mut elsewhere, &owner, &org_id).await;
    // This session's socket stays in the room: it hears the task `shut_out` created.
    let heard = loop {
        let m = here.next().await;
        if !matches!(
            m.event,
            ServerEvent::UserSubscribed(_) | ServerEvent::UserUnsubscribed(_)
        ) {
            break m;
        }
    };
    assert!(
        matches!(heard.event, ServerEvent::CreateTask(ref t) if t.title == "after"),
        "{heard:?}"
    );

    // The reset link from the outbox (no SMTP here); the owner is the site admin.
    let (status, _) = app
        .post(
            "/api/auth/password-reset/request",
            json!({"email": "owner@example.test"}),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let admin = services::Actor::User(services::UserActor {
        id: serde_json::from_value(owner.user["id"].clone()).unwrap(),
        site_admin: true,
        session: None,
        api_key: None,
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let token = loop {
        let mails = services::mail::outbox(&app.app_state.services, &admin)
            .await
            .unwrap();
        let link = mails
            .iter()
            .find(|m| m.subject.contains("Reset"))
            .and_then(|m| m.text.split("token=").nth(1))
            .map(|t| t.split_whitespace().next().unwrap().to_string());
        if let Some(token) = link {
            break token;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the reset mail reaches the outbox"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let (status, _) = app
        .post(
            "/api/auth/password-reset",
            json!({"token": token, "password": "yet another password"}),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let moved = loop {
        let m = here.next().await;
        if !matches!(
            m.event,
            ServerEvent::UserSubscribed(_) | ServerEvent::UserUnsubscribed(_)
        ) {
            break m;
        }
    };
    assert!(
        matches!(moved.event, ServerEvent::WaitingRoom { .. }),
        "{moved:?}"
    );
    assert_eq!(
        app.get("/api/auth/session", Some(&owner)).await.0,
        StatusCode::UNAUTHORIZED
    );
});
