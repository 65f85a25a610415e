use super::*;
use crate::testing::{acme, member, on_each_database};
use domain::dto::{BulkChange, Health, NewTask, OrgSettings, TaskPatch, Visibility as V};

fn named(name: &str) -> NewRelease {
    NewRelease {
        name: name.into(),
        ..Default::default()
    }
}

async fn task(svc: &Services, owner: &Actor, title: &str, visibility: V) -> i64 {
    let input = NewTask {
        title: title.into(),
        visibility: Some(visibility),
        ..Default::default()
    };
    crate::task::create(svc, owner, "acme", input, None)
        .await
        .unwrap()
        .number
}

async fn move_to(
    svc: &Services,
    actor: &Actor,
    number: i64,
    release: Option<&str>,
) -> Result<domain::dto::Task> {
    let current = crate::task::get(svc, actor, "acme", number).await?;
    let patch = TaskPatch {
        version: current.version,
        release: Some(release.map(str::to_string)),
        ..Default::default()
    };
    crate::task::update(svc, actor, "acme", number, patch, None).await
}

on_each_database!(releases_are_made_by_those_who_manage_them, |svc| {
    let owner = acme(&svc, Default::default()).await;
    let bo = member(&svc, &owner, "bo@example.test").await;
    let err = create(&svc, &bo, "acme", named("Spring"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");

    let made = create(&svc, &owner, "acme", named("Version 1.2"), None)
        .await
        .unwrap();
    assert_eq!(
        (made.slug.as_str(), made.status),
        ("version-1.2", ReleaseStatus::Planned)
    );
    let err = create(&svc, &owner, "acme", named("version 1.2"), None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, DomainError::Conflict { .. }),
        "the slug is taken: {err:?}"
    );
    let bad = NewRelease {
        name: " ".into(),
        slug: Some("Not A Slug".into()),
        lead_id: bo.user_id(),
        ..Default::default()
    };
    let err = create(&svc, &owner, "acme", bad, None).await.unwrap_err();
    assert!(
        matches!(&err, DomainError::Invalid(f) if f.contains_key("name") && f.contains_key("slug")),
        "{err:?}"
    );
    let stranger = crate::testing::person(&svc, "zed@example.test").await;
    let led = NewRelease {
        lead_id: stranger.user_id(),
        ..named("Led")
    };
    let err = create(&svc, &owner, "acme", led, None).await.unwrap_err();
    assert!(
        matches!(&err, DomainError::Invalid(f) if f.contains_key("leadId")),
        "{err:?}"
    );

    let update_by_bo = ReleasePatch {
        status: Some(ReleaseStatus::Released),
        ..Default::default()
    };
    let err = update(&svc, &bo, "acme", "version-1.2", update_by_bo, None)
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
    let health = NewReleaseUpdate {
        health: Health::AtRisk,
        body: "QA found two blockers".into(),
    };
    let err = post_update(&svc, &bo, "acme", "version-1.2", health.clone(), None)
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
    post_update(&svc, &owner, "acme", "version-1.2", health, None)
        .await
        .unwrap();
    let shown = get(&svc, &bo, "acme", "version-1.2").await.unwrap();
    assert_eq!(
        shown.release.health.as_ref().map(|h| h.health),
        Some(Health::AtRisk)
    );
    assert_eq!(shown.updates.len(), 1);
    assert!(shown.updates[0].body_html.contains("blockers"));
});

on_each_database!(
    tasks_move_into_a_release_and_count_towards_its_progress,
    |svc| {
        let owner = acme(&svc, Default::default()).await;
        create(&svc, &owner, "acme", named("v1"), None)
            .await
            .unwrap();
        let a = task(&svc, &owner, "A", V::Private).await;
        let b = task(&svc, &owner, "B", V::Private).await;
        let c = task(&svc, &owner, "C", V::Private).await;
        assert_eq!(
            move_to(&svc, &owner, a, Some("v1"))
                .await
                .unwrap()
                .release
                .as_deref(),
            Some("v1")
        );
        let err = move_to(&svc, &owner, b, Some("v9")).await.unwrap_err();
        assert!(
            matches!(&err, DomainError::Invalid(f) if f.get("release").is_some_and(|m| m.contains("v9"))),
            "{err:?}"
        );
        let change = BulkChange {
            status: Some(TaskStatus::Done),
            release: Some(Some("v1".into())),
            ..Default::default()
        };
        let done = crate::task::bulk_update(&svc, &owner, "acme", &[b, c], change, None)
            .await
            .unwrap();
        assert_eq!(done.updated.len(), 2, "{:?}", done.refused);
        let v1 = get(&svc, &owner, "acme", "v1").await.unwrap();
        assert_eq!(
            (v1.release.progress.total, v1.release.progress.done),
            (3, 2)
        );
        assert_eq!(v1.tasks.len(), 3);
        // The timeline says so, for members (the release is not released).
        let timeline = crate::timeline::list(&svc, &owner, "acme", a)
            .await
            .unwrap();
        assert!(
            timeline.iter().any(|e| e.kind == "release_change"),
            "{timeline:?}"
        );

        move_to(&svc, &owner, a, None).await.unwrap();
        let v1 = get(&svc, &owner, "acme", "v1").await.unwrap();
        assert_eq!(v1.release.progress.total, 2);

        // Deleting the release leaves its tasks in none.
        delete(&svc, &owner, "acme", "v1", None).await.unwrap();
        assert_eq!(
            crate::task::get(&svc, &owner, "acme", b)
                .await
                .unwrap()
                .release,
            None
        );
        assert!(matches!(
            get(&svc, &owner, "acme", "v1").await,
            Err(DomainError::NotFound)
        ));
    }
);

on_each_database!(
    visitors_see_released_releases_and_their_public_tasks_only,
    |svc| {
        let settings = OrgSettings {
            public_page: true,
            ..Default::default()
        };
        let owner = acme(&svc, settings).await;
        let bo = member(&svc, &owner, "bo@example.test").await;
        let visitor = Actor::anonymous();
        let with_lead = NewRelease {
            lead_id: bo.user_id(),
            ..named("v1")
        };
        create(&svc, &owner, "acme", with_lead, None).await.unwrap();
        create(&svc, &owner, "acme", named("v2"), None)
            .await
            .unwrap();
        let public = task(&svc, &owner, "Dark mode", V::Public).await;
        let private = task(&svc, &owner, "Internal tooling", V::Private).await;
        for n in [public, private] {
            move_to(&svc, &owner, n, Some("v1")).await.unwrap();
        }
        let health = NewReleaseUpdate {
            health: Health::OffTrack,
            body: "internal worry".into(),
        };
        post_update(&svc, &owner, "acme", "v1", health, None)
            .await
            .unwrap();

        assert!(
            list(&svc, &visitor, "acme").await.unwrap().is_empty(),
            "nothing released yet"
        );
        assert!(matches!(
            get(&svc, &visitor, "acme", "v1").await,
            Err(DomainError::NotFound)
        ));
        assert_eq!(
            crate::task::get(&svc, &visitor, "acme", public)
                .await
                .unwrap()
                .release,
            None
        );

        let release = ReleasePatch {
            status: Some(ReleaseStatus::Released),
            ..Default::default()
        };
        let released = update(&svc, &owner, "acme", "v1", release, None)
            .await
            .unwrap();
        assert!(released.released_at.is_some());

        let seen = list(&svc, &visitor, "acme").await.unwrap();
        assert_eq!(seen.len(), 1, "v2 is planned, not shown");
        let v1 = get(&svc, &visitor, "acme", "v1").await.unwrap();
        assert_eq!(v1.release.progress.total, 1, "public tasks only");
        assert!(v1.release.lead.is_none() && v1.release.health.is_none() && v1.updates.is_empty());
        let titles: Vec<_> = v1.tasks.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(titles, ["Dark mode"]);
        assert_eq!(
            crate::task::get(&svc, &visitor, "acme", public)
                .await
                .unwrap()
                .release
                .as_deref(),
            Some("v1")
        );
        // Moving back to in progress forgets when it was released, and hides it again.
        let back = ReleasePatch {
            status: Some(ReleaseStatus::InProgress),
            ..Default::default()
        };
        assert!(
            update(&svc, &owner, "acme", "v1", back, None)
                .await
                .unwrap()
                .released_at
                .is_none()
        );
        assert!(list(&svc, &visitor, "acme").await.unwrap().is_empty());
    }
);
