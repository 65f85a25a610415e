//! The filter table: each tree runs as SQL on SQLite and PostgreSQL and in memory over the
//! same tasks (as the live board runs it); all three must list the same tasks.

use super::*;
use crate::task::{TaskQuery, TaskSort, list};
use crate::testing::{acme, on_each_database};
use crate::{Actor, Services};
use chrono::Duration;
use domain::dto::{NewCategory, NewLabel, NewTask, OrgSettings, Task};
use domain::filter::Subject;
use entity::release;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

struct World {
    owner: Actor,
    bug: String,
    secret: String,
    web: String,
    me: String,
}

async fn release(svc: &Services, slug: &str, status: ReleaseStatus) -> Uuid {
    let org = entity::organization::Entity::find()
        .one(&svc.db)
        .await
        .unwrap()
        .unwrap();
    let now = Utc::now();
    release::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org.id),
        slug: Set(slug.into()),
        name: Set(slug.into()),
        status: Set(status),
        target_date: Set(None),
        released_at: Set(None),
        lead_id: Set(None),
        description: Set(String::new()),
        description_html: Set(String::new()),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&svc.db)
    .await
    .unwrap()
    .id
}

/// Six tasks, numbered 1 to 6:
/// 1 todo, high, bug, web, assigned to the owner, in v1 (released), public, 10 days old
/// 2 in-progress, urgent, bug + secret, public, in v2 (planned)
/// 3 done, low, secret, web, private
/// 4 backlog, no priority, nothing, public, "Login fails" in the description
/// 5 canceled, medium, assigned, private
/// 6 todo, no priority, web, public, title "Sign-in page"
async fn world(svc: &Services) -> World {
    let settings = OrgSettings {
        public_page: true,
        ..Default::default()
    };
    let owner = acme(svc, settings).await;
    let label = |name: &str, visibility: Visibility| NewLabel {
        name: name.into(),
        color: "#ff0000".into(),
        visibility: Some(visibility),
    };
    let bug = crate::label::create(svc, &owner, "acme", label("bug", Visibility::Public), None)
        .await
        .unwrap()
        .id;
    let secret = crate::label::create(
        svc,
        &owner,
        "acme",
        label("secret", Visibility::Private),
        None,
    )
    .await
    .unwrap()
    .id;
    let web = crate::category::create(
        svc,
        &owner,
        "acme",
        NewCategory {
            name: "Web".into(),
            color: "#0000ff".into(),
            icon: None,
        },
        None,
    )
    .await
    .unwrap()
    .id;
    let me = owner.user_id().unwrap();
    let v1 = release(svc, "v1", ReleaseStatus::Released).await;
    let v2 = release(svc, "v2", ReleaseStatus::Planned).await;
    use domain::dto::TaskPriority::{High, Low, Medium, Urgent};
    let no = domain::dto::TaskPriority::None;
    use domain::dto::TaskStatus::*;
    let public = Visibility::Public;
    let private = Visibility::Private;
    #[rustfmt::skip]
    let specs = [
        ("Fix the crash", "", Todo, High, vec![bug], Some(web), vec![me], Some(v1), public),
        ("Speed up sync", "", InProgress, Urgent, vec![bug, secret], None, vec![], Some(v2), public),
        ("Rotate keys", "", Done, Low, vec![secret], Some(web), vec![], None, private),
        ("Support report", "Login fails on Safari", Backlog, no, vec![], None, vec![], None, public),
        ("Old idea", "", Canceled, Medium, vec![], None, vec![me], None, private),
        ("Sign-in page", "", Todo, no, vec![], Some(web), vec![], None, public),
    ];
    for (
        i,
        (title, description, status, priority, labels, category, assignees, release, visibility),
    ) in specs.into_iter().enumerate()
    {
        let input = NewTask {
            title: title.into(),
            description: Some(description.into()),
            status: Some(status),
            priority: Some(priority),
            visibility: Some(visibility),
            label_ids: Some(labels),
            assignee_ids: Some(assignees),
            category_id: category,
            parent_number: None,
            release: None,
            template_id: None,
        };
        let created = crate::task::create(svc, &owner, "acme", input, None)
            .await
            .unwrap();
        let row = task::Entity::find_by_id(created.id.0)
            .one(&svc.db)
            .await
            .unwrap()
            .unwrap();
        let mut row: task::ActiveModel = row.into();
        row.release_id = Set(release);
        if i == 0 {
            row.created_at = Set(Utc::now() - Duration::days(10));
        }
        row.update(&svc.db).await.unwrap();
    }
    World {
        owner,
        bug: bug.to_string(),
        secret: secret.to_string(),
        web: web.to_string(),
        me: me.to_string(),
    }
}

/// The numbers the list finds for `json`, checked against the filter run in memory.
async fn found(svc: &Services, actor: &Actor, json: &str) -> Vec<i64> {
    let filter = domain::filter::Filter::parse(json).unwrap();
    let query = TaskQuery {
        filter: filter.clone(),
        sort: TaskSort::Newest,
        ..Default::default()
    };
    let mut sql: Vec<i64> = list(svc, actor, "acme", query)
        .await
        .unwrap_or_else(|e| panic!("{json}: {e}"))
        .tasks
        .iter()
        .map(|t| t.number)
        .collect();
    sql.sort();
    // Every task the reader may see, unfiltered, run through the same tree in memory.
    let all: Vec<Task> = list(svc, actor, "acme", TaskQuery::default())
        .await
        .unwrap()
        .tasks;
    let subject = Subject {
        me: actor.user_id(),
        now: Utc::now(),
    };
    let mut memory: Vec<i64> = all
        .iter()
        .filter(|t| filter.matches(t, subject))
        .map(|t| t.number)
        .collect();
    memory.sort();
    assert_eq!(sql, memory, "{json}: SQL and memory disagree");
    sql
}

on_each_database!(
    filter_trees_find_the_same_tasks_in_sql_and_in_memory,
    |svc| {
        let w = world(&svc).await;
        let (bug, secret, web, me) = (&w.bug, &w.secret, &w.web, &w.me);
        let cases: Vec<(String, Vec<i64>)> = vec![
        (r#"{"field":"status","op":"is","value":"todo"}"#.into(), vec![1, 6]),
        (r#"{"field":"status","op":"noneOf","value":["done","canceled"]}"#.into(), vec![1, 2, 4, 6]),
        (r#"{"field":"priority","op":"anyOf","value":["high","urgent"]}"#.into(), vec![1, 2]),
        (r#"{"field":"priority","op":"isEmpty"}"#.into(), vec![4, 6]),
        (r#"{"field":"priority","op":"isNot","value":"none"}"#.into(), vec![1, 2, 3, 5]),
        (format!(r#"{{"field":"label","op":"is","value":"{bug}"}}"#), vec![1, 2]),
        (format!(r#"{{"field":"label","op":"noneOf","value":["{bug}","{secret}"]}}"#), vec![4, 5, 6]),
        (r#"{"field":"label","op":"isEmpty"}"#.into(), vec![4, 5, 6]),
        (r#"{"field":"assignee","op":"is","value":"me"}"#.into(), vec![1, 5]),
        (format!(r#"{{"field":"assignee","op":"isNot","value":"{me}"}}"#), vec![2, 3, 4, 6]),
        (r#"{"field":"assignee","op":"isNotEmpty"}"#.into(), vec![1, 5]),
        (r#"{"field":"creator","op":"is","value":"me"}"#.into(), vec![1, 2, 3, 4, 5, 6]),
        (format!(r#"{{"field":"category","op":"is","value":"{web}"}}"#), vec![1, 3, 6]),
        (format!(r#"{{"field":"category","op":"isNot","value":"{web}"}}"#), vec![2, 4, 5]),
        (r#"{"field":"category","op":"isEmpty"}"#.into(), vec![2, 4, 5]),
        (r#"{"field":"release","op":"is","value":"v1"}"#.into(), vec![1]),
        (r#"{"field":"release","op":"noneOf","value":["v1"]}"#.into(), vec![2, 3, 4, 5, 6]),
        (r#"{"field":"release","op":"isNotEmpty"}"#.into(), vec![1, 2]),
        (r#"{"field":"release","op":"is","value":"v9"}"#.into(), vec![]),
        (r#"{"field":"createdAt","op":"before","value":"-7d"}"#.into(), vec![1]),
        (r#"{"field":"createdAt","op":"after","value":"-1d"}"#.into(), vec![2, 3, 4, 5, 6]),
        (r#"{"field":"updatedAt","op":"after","value":"2000-01-01"}"#.into(), vec![1, 2, 3, 4, 5, 6]),
        (r#"{"field":"text","op":"contains","value":"LOGIN"}"#.into(), vec![4]),
        (r#"{"field":"text","op":"contains","value":"sign-in"}"#.into(), vec![6]),
        (r#"{"field":"text","op":"contains","value":"100%"}"#.into(), vec![]),
        (
            format!(
                r#"{{"and":[{{"field":"status","op":"anyOf","value":["todo","in-progress"]}},{{"or":[{{"field":"label","op":"is","value":"{bug}"}},{{"field":"category","op":"is","value":"{web}"}}]}},{{"field":"assignee","op":"isEmpty"}}]}}"#
            ),
            vec![2, 6],
        ),
        (
            r#"{"or":[{"field":"priority","op":"is","value":"urgent"},{"and":[{"field":"status","op":"is","value":"backlog"},{"field":"text","op":"contains","value":"safari"}]}]}"#.into(),
            vec![2, 4],
        ),
        (r#"{"or":[]}"#.into(), vec![1, 2, 3, 4, 5, 6]),
    ];
        for (json, expected) in cases {
            assert_eq!(found(&svc, &w.owner, &json).await, expected, "{json}");
        }
    }
);

on_each_database!(visitors_filter_as_if_private_things_were_not_there, |svc| {
    let w = world(&svc).await;
    let visitor = Actor::anonymous();
    let (bug, secret) = (&w.bug, &w.secret);
    // Visitors see the public tasks 1, 2, 4 and 6.
    for (json, expected) in [
        (
            format!(r#"{{"field":"label","op":"is","value":"{bug}"}}"#),
            vec![1, 2],
        ),
        (
            format!(r#"{{"field":"label","op":"is","value":"{secret}"}}"#),
            vec![],
        ),
        (
            format!(r#"{{"field":"label","op":"noneOf","value":["{secret}"]}}"#),
            vec![1, 2, 4, 6],
        ),
        (
            format!(r#"{{"field":"label","op":"isNot","value":"{bug}"}}"#),
            vec![4, 6],
        ),
        (r#"{"field":"label","op":"isEmpty"}"#.into(), vec![4, 6]),
        (
            r#"{"field":"release","op":"is","value":"v2"}"#.into(),
            vec![],
        ),
        (
            r#"{"field":"release","op":"isEmpty"}"#.into(),
            vec![2, 4, 6],
        ),
        (
            r#"{"field":"release","op":"is","value":"v1"}"#.into(),
            vec![1],
        ),
    ] {
        assert_eq!(found(&svc, &visitor, &json).await, expected, "{json}");
    }
    for field in ["assignee", "creator"] {
        let json = format!(r#"{{"field":"{field}","op":"isEmpty"}}"#);
        let query = TaskQuery {
            filter: domain::filter::Filter::parse(&json).unwrap(),
            ..Default::default()
        };
        let err = list(&svc, &visitor, "acme", query).await.unwrap_err();
        let says = format!("only members may filter by {field}");
        assert!(
            matches!(&err, crate::DomainError::Invalid(f) if f.get("filter") == Some(&says)),
            "{err:?}"
        );
    }
    let shown = crate::task::get(&svc, &visitor, "acme", 2).await.unwrap();
    assert_eq!(
        shown.release, None,
        "an unreleased release is not shown to visitors"
    );
    let shown = crate::task::get(&svc, &visitor, "acme", 1).await.unwrap();
    assert_eq!(shown.release.as_deref(), Some("v1"));
});
