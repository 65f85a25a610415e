use super::*;
use crate::testing::{acme, member, on_each_database, person};
use crate::{category, label, task};
use domain::dto::{NewCategory, NewLabel, OrgSettings, PublicTaskFields, TaskPriority};

/// A label (`private` or public) and a category of acme, made by its owner.
async fn label_and_category(svc: &Services, owner: &Actor, private: bool) -> (LabelId, CategoryId) {
    let visibility = Some(if private {
        Visibility::Private
    } else {
        Visibility::Public
    });
    let label = label::create(
        svc,
        owner,
        "acme",
        NewLabel {
            name: "bug".into(),
            color: "#ff0000".into(),
            visibility,
        },
        None,
    )
    .await
    .unwrap();
    let category = category::create(
        svc,
        owner,
        "acme",
        NewCategory {
            name: "Web".into(),
            color: "#00ff00".into(),
            icon: None,
        },
        None,
    )
    .await
    .unwrap();
    (label.id, category.id)
}

fn bug_report(label: LabelId, category: CategoryId, for_visitors: bool) -> NewTemplate {
    NewTemplate {
        name: "Bug report".into(),
        title: "Bug: ".into(),
        description: "## Steps\n\n## Expected".into(),
        priority: Some(TaskPriority::High),
        category_id: Some(category),
        label_ids: vec![label],
        for_visitors,
    }
}

fn invalid_field(err: &DomainError) -> Vec<String> {
    match err {
        DomainError::Invalid(fields) => fields.keys().cloned().collect(),
        other => panic!("not invalid input: {other:?}"),
    }
}

on_each_database!(admins_keep_templates_and_members_only_use_them, |svc| {
    let owner = acme(&svc, Default::default()).await;
    let bo = member(&svc, &owner, "bo@example.test").await;
    let (bug, web) = label_and_category(&svc, &owner, false).await;

    let refused = create(&svc, &bo, "acme", bug_report(bug, web, false))
        .await
        .unwrap_err();
    assert!(matches!(refused, DomainError::Forbidden(_)), "{refused:?}");
    let made = create(&svc, &owner, "acme", bug_report(bug, web, false))
        .await
        .unwrap();
    assert_eq!(made.label_ids, [bug]);
    assert_eq!(made.category, Some(web));
    assert_eq!(list(&svc, &bo, "acme").await.unwrap(), [made.clone()]);

    let rename = TemplatePatch {
        name: Some("Bug".into()),
        priority: Some(None),
        label_ids: Some(vec![]),
        ..Default::default()
    };
    let err = update(&svc, &bo, "acme", made.id, rename.clone())
        .await
        .unwrap_err();
    assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
    let err = delete(&svc, &bo, "acme", made.id).await.unwrap_err();
    assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
    let changed = update(&svc, &owner, "acme", made.id, rename).await.unwrap();
    assert_eq!(
        (
            changed.name.as_str(),
            changed.priority,
            changed.label_ids.len()
        ),
        ("Bug", None, 0)
    );
    assert_eq!(changed.category, Some(web), "what is not given stays");

    delete(&svc, &owner, "acme", made.id).await.unwrap();
    assert!(list(&svc, &bo, "acme").await.unwrap().is_empty());
    let gone = get(&svc, &bo, "acme", made.id).await.unwrap_err();
    assert!(matches!(gone, DomainError::NotFound), "{gone:?}");
});

on_each_database!(bad_template_input_names_every_bad_field, |svc| {
    let owner = acme(&svc, Default::default()).await;
    let input = NewTemplate {
        name: "  ".into(),
        title: "x".repeat(201),
        ..Default::default()
    };
    let err = create(&svc, &owner, "acme", input).await.unwrap_err();
    assert_eq!(invalid_field(&err), ["name", "title"]);

    let stranger = NewTemplate {
        name: "Stray".into(),
        label_ids: vec![Uuid::new_v4().into()],
        ..Default::default()
    };
    let err = create(&svc, &owner, "acme", stranger).await.unwrap_err();
    assert_eq!(invalid_field(&err), ["labelIds"]);
    let stranger = NewTemplate {
        name: "Stray".into(),
        category_id: Some(Uuid::new_v4().into()),
        ..Default::default()
    };
    let err = create(&svc, &owner, "acme", stranger).await.unwrap_err();
    assert_eq!(invalid_field(&err), ["categoryId"]);
});

on_each_database!(
    a_task_from_a_template_takes_what_its_input_leaves_unset,
    |svc| {
        let owner = acme(&svc, Default::default()).await;
        let bo = member(&svc, &owner, "bo@example.test").await;
        let (bug, web) = label_and_category(&svc, &owner, true).await;
        let template = create(&svc, &owner, "acme", bug_report(bug, web, false))
            .await
            .unwrap();

        let input = NewTask {
            title: String::new(),
            template_id: Some(template.id),
            ..Default::default()
        };
        let made = task::create(&svc, &bo, "acme", input, None).await.unwrap();
        assert_eq!(made.title, "Bug:");
        assert_eq!(made.description, "## Steps\n\n## Expected");
        assert_eq!(made.priority, TaskPriority::High);
        assert_eq!(made.category.map(|c| c.id), Some(web));
        assert_eq!(made.labels.iter().map(|l| l.id).collect::<Vec<_>>(), [bug]);

        let own = NewTask {
            title: "Crash on save".into(),
            description: Some("It crashes".into()),
            priority: Some(TaskPriority::Low),
            template_id: Some(template.id),
            ..Default::default()
        };
        let made = task::create(&svc, &bo, "acme", own, None).await.unwrap();
        assert_eq!(
            (
                made.title.as_str(),
                made.description.as_str(),
                made.priority
            ),
            ("Crash on save", "It crashes", TaskPriority::Low)
        );

        let unknown = NewTask {
            title: "Lost".into(),
            template_id: Some(Uuid::new_v4().into()),
            ..Default::default()
        };
        let err = task::create(&svc, &bo, "acme", unknown, None)
            .await
            .unwrap_err();
        assert_eq!(invalid_field(&err), ["templateId"]);
    }
);

fn public(fields: PublicTaskFields, must: bool) -> OrgSettings {
    OrgSettings {
        public_page: true,
        public_actions: true,
        public_task_fields: fields,
        visitors_must_use_template: must,
        framing: Vec::new(),
        members_must_use_two_factor: false,
        accent_color: None,
    }
}

on_each_database!(visitors_see_and_use_only_the_templates_for_them, |svc| {
    let owner = acme(&svc, public(Default::default(), false)).await;
    let (bug, web) = label_and_category(&svc, &owner, true).await;
    let inside = create(&svc, &owner, "acme", bug_report(bug, web, false))
        .await
        .unwrap();
    let outside = NewTemplate {
        name: "Idea".into(),
        ..bug_report(bug, web, true)
    };
    let outside = create(&svc, &owner, "acme", outside).await.unwrap();
    let visitor = person(&svc, "visitor@example.test").await;

    for who in [&visitor, &Actor::anonymous()] {
        let seen = list(&svc, who, "acme").await.unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].id, outside.id);
        assert!(seen[0].label_ids.is_empty(), "a private label is not shown");
    }
    let err = get(&svc, &visitor, "acme", inside.id).await.unwrap_err();
    assert!(matches!(err, DomainError::NotFound), "{err:?}");
    let input = NewTask {
        title: "Sneaky".into(),
        template_id: Some(inside.id),
        ..Default::default()
    };
    let err = task::create(&svc, &visitor, "acme", input, None)
        .await
        .unwrap_err();
    assert_eq!(invalid_field(&err), ["templateId"]);
});

on_each_database!(templates_of_a_private_org_are_hidden_from_visitors, |svc| {
    let owner = acme(&svc, Default::default()).await;
    let (bug, web) = label_and_category(&svc, &owner, false).await;
    create(&svc, &owner, "acme", bug_report(bug, web, true))
        .await
        .unwrap();
    let visitor = person(&svc, "visitor@example.test").await;
    let err = list(&svc, &visitor, "acme").await.unwrap_err();
    assert!(matches!(err, DomainError::NotFound), "{err:?}");
});

on_each_database!(
    a_visitors_template_gives_only_the_fields_the_public_may_set,
    |svc| {
        let fields = PublicTaskFields {
            labels: false,
            category: true,
            priority: false,
        };
        let owner = acme(&svc, public(fields, false)).await;
        let (bug, web) = label_and_category(&svc, &owner, false).await;
        let template = create(&svc, &owner, "acme", bug_report(bug, web, true))
            .await
            .unwrap();
        let visitor = person(&svc, "visitor@example.test").await;
        let input = NewTask {
            title: "Crash on save".into(),
            template_id: Some(template.id),
            ..Default::default()
        };
        let made = task::create(&svc, &visitor, "acme", input, None)
            .await
            .unwrap();
        assert_eq!(made.description, "## Steps\n\n## Expected");
        assert_eq!(
            made.category.map(|c| c.id),
            Some(web),
            "category is allowed"
        );
        assert_eq!(made.priority, TaskPriority::None, "priority is not");
        assert!(made.labels.is_empty(), "nor are labels");
        assert_eq!(made.visibility, Visibility::Public);

        // The visitor's own fields stay under the same rules, template or not.
        let own = NewTask {
            title: "Urgent!".into(),
            priority: Some(TaskPriority::Urgent),
            template_id: Some(template.id),
            ..Default::default()
        };
        let err = task::create(&svc, &visitor, "acme", own, None)
            .await
            .unwrap_err();
        assert!(matches!(err, DomainError::Forbidden(_)), "{err:?}");
    }
);

on_each_database!(
    an_org_may_require_visitors_but_not_members_to_use_a_template,
    |svc| {
        let owner = acme(&svc, public(Default::default(), true)).await;
        let (bug, web) = label_and_category(&svc, &owner, false).await;
        let template = create(&svc, &owner, "acme", bug_report(bug, web, true))
            .await
            .unwrap();
        let visitor = person(&svc, "visitor@example.test").await;
        let bare = NewTask {
            title: "Just an idea".into(),
            ..Default::default()
        };
        let err = task::create(&svc, &visitor, "acme", bare.clone(), None)
            .await
            .unwrap_err();
        assert_eq!(invalid_field(&err), ["templateId"]);

        let with = NewTask {
            template_id: Some(template.id),
            ..bare.clone()
        };
        let made = task::create(&svc, &visitor, "acme", with, None)
            .await
            .unwrap();
        assert_eq!(made.title, "Just an idea");
        let bo = member(&svc, &owner, "bo@example.test").await;
        task::create(&svc, &bo, "acme", bare, None)
            .await
            .expect("members are never held to it");
    }
);

on_each_database!(deleting_a_label_takes_it_out_of_templates, |svc| {
    let owner = acme(&svc, Default::default()).await;
    let (bug, web) = label_and_category(&svc, &owner, false).await;
    let template = create(&svc, &owner, "acme", bug_report(bug, web, false))
        .await
        .unwrap();
    label::delete(&svc, &owner, "acme", bug, None)
        .await
        .unwrap();
    category::delete(&svc, &owner, "acme", web, None)
        .await
        .unwrap();
    let after = get(&svc, &owner, "acme", template.id).await.unwrap();
    assert!(after.label_ids.is_empty());
    assert_eq!(after.category, None);
});
