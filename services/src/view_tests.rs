use super::*;
use crate::testing::{acme, member, on_each_database};
use domain::dto::{Grouping, Layout};

fn new(name: &str, shared: bool) -> NewView {
    NewView {
        name: name.into(),
        shared,
        filter: Filter::parse(r#"{"field":"status","op":"anyOf","value":["todo","in-progress"]}"#)
            .unwrap(),
        group_by: Some(Grouping::Assignee),
        sub_group_by: Some(Grouping::Priority),
        layout: Some(Layout::List),
        ..Default::default()
    }
}

on_each_database!(
    members_keep_their_own_views_and_share_with_manage_views,
    |svc| {
        let owner = acme(&svc, Default::default()).await;
        let bo = member(&svc, &owner, "bo@example.test").await;

        let mine = create(&svc, &bo, "acme", new("My week", false), None)
            .await
            .unwrap();
        assert_eq!(mine.sub_group_by, Some(Grouping::Priority));
        assert_eq!(
            mine.filter,
            new("x", false).filter,
            "the tree is kept as given"
        );
        let refused = create(&svc, &bo, "acme", new("Team", true), None)
            .await
            .unwrap_err();
        assert!(matches!(refused, DomainError::Forbidden(_)), "{refused:?}");

        let team = create(&svc, &owner, "acme", new("Team", true), None)
            .await
            .unwrap();
        let owners = create(&svc, &owner, "acme", new("Owner's own", false), None)
            .await
            .unwrap();

        let names = |views: Vec<View>| views.into_iter().map(|v| v.name).collect::<Vec<_>>();
        assert_eq!(
            names(list(&svc, &bo, "acme").await.unwrap()),
            ["My week", "Team"]
        );
        assert_eq!(
            names(list(&svc, &owner, "acme").await.unwrap()),
            ["Owner's own", "Team"]
        );
        // Someone else's personal view is not there at all.
        for err in [
            get(&svc, &bo, "acme", owners.id).await.unwrap_err(),
            delete(&svc, &bo, "acme", owners.id, None)
                .await
                .unwrap_err(),
        ] {
            assert!(matches!(err, DomainError::NotFound), "{err:?}");
        }
        // A shared view is the sharers' to change.
        let patch = ViewPatch {
            name: Some("Renamed".into()),
            ..Default::default()
        };
        let err = update(&svc, &bo, "acme", team.id, patch.clone(), None)
            .await
            .unwrap_err();
        assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
        let err = delete(&svc, &bo, "acme", team.id, None).await.unwrap_err();
        assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
        // Nor may a member share their own.
        let share = ViewPatch {
            shared: Some(true),
            ..Default::default()
        };
        let err = update(&svc, &bo, "acme", mine.id, share, None)
            .await
            .unwrap_err();
        assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
        let renamed = update(&svc, &bo, "acme", mine.id, patch, None)
            .await
            .unwrap();
        assert_eq!(renamed.name, "Renamed");
        delete(&svc, &bo, "acme", mine.id, None).await.unwrap();
        assert_eq!(names(list(&svc, &bo, "acme").await.unwrap()), ["Team"]);

        // Visitors and people outside have no views.
        let err = list(&svc, &Actor::anonymous(), "acme").await.unwrap_err();
        assert!(
            matches!(err, DomainError::NotFound | DomainError::Unauthenticated),
            "{err:?}"
        );
    }
);

on_each_database!(one_shared_view_is_the_default, |svc| {
    let owner = acme(&svc, Default::default()).await;
    let mut first = new("First", true);
    first.is_default = true;
    let first = create(&svc, &owner, "acme", first, None).await.unwrap();
    let mut second = new("Second", true);
    second.is_default = true;
    let second = create(&svc, &owner, "acme", second, None).await.unwrap();
    let views = list(&svc, &owner, "acme").await.unwrap();
    let defaults: Vec<_> = views
        .iter()
        .filter(|v| v.is_default)
        .map(|v| v.id)
        .collect();
    assert_eq!(
        defaults,
        [second.id],
        "the newer default replaces the older"
    );
    assert_eq!(views[0].id, second.id, "the default comes first");

    let mut personal = new("Mine", false);
    personal.is_default = true;
    let err = create(&svc, &owner, "acme", personal, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DomainError::Invalid(f) if f.contains_key("isDefault")),
        "{err:?}"
    );
    // Unsharing the default unsets it; making the first the default again moves it back.
    let unshare = ViewPatch {
        shared: Some(false),
        ..Default::default()
    };
    let second = update(&svc, &owner, "acme", second.id, unshare, None)
        .await
        .unwrap();
    assert!(!second.is_default && !second.shared);
    let again = ViewPatch {
        is_default: Some(true),
        ..Default::default()
    };
    assert!(
        update(&svc, &owner, "acme", first.id, again, None)
            .await
            .unwrap()
            .is_default
    );
    let empty = ViewPatch {
        name: Some("  ".into()),
        ..Default::default()
    };
    let err = update(&svc, &owner, "acme", first.id, empty, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DomainError::Invalid(f) if f.contains_key("name")),
        "{err:?}"
    );
});
