use super::*;
use crate::dto::{Category, Label, Task, UserRef, Visibility};
use crate::{CategoryId, LabelId, OrgId, TaskId, UserId};
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    "2026-12-06T12:00:00Z".parse().unwrap()
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn task() -> Task {
    let now = now();
    Task {
        id: TaskId(id(100)),
        org_id: OrgId(id(1)),
        number: 1,
        key: "A-1".into(),
        title: "Login fails on Safari".into(),
        description: "Steps: open the **sign-in** page".into(),
        description_html: String::new(),
        status: TaskStatus::Todo,
        priority: TaskPriority::High,
        visibility: Visibility::Public,
        category: Some(Category {
            id: CategoryId(id(3)),
            org_id: OrgId(id(1)),
            name: "Web".into(),
            color: "#000".into(),
            icon: None,
        }),
        labels: vec![Label {
            id: LabelId(id(2)),
            org_id: OrgId(id(1)),
            name: "bug".into(),
            color: "#f00".into(),
            visibility: Visibility::Public,
        }],
        assignees: vec![UserRef {
            id: UserId(id(7)),
            name: "Ada".into(),
        }],
        parent_number: None,
        subtask_count: 0,
        vote_count: 0,
        comment_count: 0,
        created_by: Some(UserId(id(8))),
        created_at: now - Duration::days(3),
        updated_at: now - Duration::hours(1),
        version: 1,
        rank: String::new(),
        pull_requests: Vec::new(),
        release: Some("v1.2".into()),
        release_public: true,
        parent_public: false,
    }
}

fn ada() -> Subject {
    Subject {
        me: Some(UserId(id(7))),
        now: now(),
    }
}

fn check(json: &str) -> bool {
    Filter::parse(json).unwrap().matches(&task(), ada())
}

#[test]
fn conditions_read_each_field_as_the_set_of_values_a_task_has() {
    let l = id(2);
    let other = id(99);
    for (json, expected) in [
        (r#"{"field":"status","op":"is","value":"todo"}"#.to_string(), true),
        (r#"{"field":"status","op":"isNot","value":"todo"}"#.into(), false),
        (r#"{"field":"status","op":"anyOf","value":["done","todo"]}"#.into(), true),
        (r#"{"field":"status","op":"noneOf","value":["done","canceled"]}"#.into(), true),
        (r#"{"field":"priority","op":"is","value":"high"}"#.into(), true),
        (r#"{"field":"priority","op":"isEmpty"}"#.into(), false),
        (format!(r#"{{"field":"label","op":"is","value":"{l}"}}"#), true),
        (format!(r#"{{"field":"label","op":"noneOf","value":["{other}"]}}"#), true),
        (format!(r#"{{"field":"label","op":"noneOf","value":["{l}","{other}"]}}"#), false),
        (r#"{"field":"label","op":"isNotEmpty"}"#.into(), true),
        (r#"{"field":"assignee","op":"is","value":"me"}"#.into(), true),
        (r#"{"field":"creator","op":"is","value":"me"}"#.into(), false),
        (r#"{"field":"category","op":"isEmpty"}"#.into(), false),
        (format!(r#"{{"field":"category","op":"isNot","value":"{other}"}}"#), true),
        (r#"{"field":"release","op":"is","value":"v1.2"}"#.into(), true),
        (r#"{"field":"release","op":"isNot","value":"v1.3"}"#.into(), true),
        (r#"{"field":"createdAt","op":"after","value":"-7d"}"#.into(), true),
        (r#"{"field":"createdAt","op":"after","value":"-2d"}"#.into(), false),
        (r#"{"field":"updatedAt","op":"before","value":"-1w"}"#.into(), false),
        (r#"{"field":"createdAt","op":"after","value":"2020-01-01"}"#.into(), true),
        (r#"{"field":"text","op":"contains","value":"SAFARI"}"#.into(), true),
        (r#"{"field":"text","op":"contains","value":"sign-in"}"#.into(), true),
        (r#"{"field":"text","op":"contains","value":"chrome"}"#.into(), false),
        (r#"{"and":[]}"#.into(), true),
        (r#"{"or":[]}"#.into(), true),
        (
            r#"{"or":[{"field":"status","op":"is","value":"done"},{"field":"priority","op":"is","value":"high"}]}"#.into(),
            true,
        ),
        (
            r#"{"and":[{"field":"status","op":"is","value":"todo"},{"or":[{"field":"priority","op":"is","value":"low"},{"field":"text","op":"contains","value":"nope"}]}]}"#.into(),
            false,
        ),
    ] {
        assert_eq!(check(&json), expected, "{json}");
    }
}

#[test]
fn an_empty_category_or_release_is_none_of_any_value() {
    let mut t = task();
    t.category = None;
    t.release = None;
    t.priority = TaskPriority::None;
    let f = |json: &str| Filter::parse(json).unwrap().matches(&t, ada());
    assert!(f(r#"{"field":"category","op":"isEmpty"}"#));
    assert!(f(&format!(
        r#"{{"field":"category","op":"noneOf","value":["{}"]}}"#,
        id(3)
    )));
    assert!(!f(&format!(
        r#"{{"field":"category","op":"is","value":"{}"}}"#,
        id(3)
    )));
    assert!(f(r#"{"field":"release","op":"isNot","value":"v1.2"}"#));
    assert!(f(r#"{"field":"priority","op":"isEmpty"}"#));
    assert!(f(r#"{"field":"priority","op":"is","value":"none"}"#));
}

#[test]
fn me_matches_nothing_for_a_visitor() {
    let visitor = Subject {
        me: None,
        now: now(),
    };
    let f = Filter::parse(r#"{"field":"assignee","op":"is","value":"me"}"#).unwrap();
    assert!(!f.matches(&task(), visitor));
    let f = Filter::parse(r#"{"field":"assignee","op":"isNot","value":"me"}"#).unwrap();
    assert!(f.matches(&task(), visitor));
}

#[test]
fn bad_trees_are_refused_saying_where_and_why() {
    for (json, says) in [
        ("[]", "filter: must be an object"),
        ("nope", "is not JSON"),
        (
            r#"{"field":"colour","op":"is","value":"x"}"#,
            "filter.field: \"colour\" must be one of",
        ),
        (
            r#"{"field":"status","op":"before","value":"x"}"#,
            "status takes is, isNot, anyOf, noneOf, not before",
        ),
        (
            r#"{"field":"status","op":"is","value":"doing"}"#,
            "filter.value: status \"doing\" must be one of",
        ),
        (
            r#"{"field":"status","op":"is","value":["todo"]}"#,
            "is takes one value as text",
        ),
        (
            r#"{"field":"status","op":"anyOf","value":[]}"#,
            "must list 1 to 100 values",
        ),
        (
            r#"{"field":"label","op":"is","value":"bug"}"#,
            "\"bug\" is not an id",
        ),
        (
            r#"{"field":"assignee","op":"is","value":"you"}"#,
            "is not an id or \"me\"",
        ),
        (
            r#"{"field":"label","op":"isEmpty","value":"x"}"#,
            "isEmpty takes no value",
        ),
        (
            r#"{"field":"createdAt","op":"after","value":"last week"}"#,
            "is not a time",
        ),
        (
            r#"{"field":"createdAt","op":"after","value":"-7y"}"#,
            "is not a time",
        ),
        (
            r#"{"field":"text","op":"contains","value":"  "}"#,
            "must be text of 1 to 200",
        ),
        (
            r#"{"field":"text","op":"contains","value":"x","extra":1}"#,
            "unknown key \"extra\"",
        ),
        (
            r#"{"and":[{"field":"status"}]}"#,
            "filter.and[0].op: is required",
        ),
        (
            r#"{"and":{"field":"status"}}"#,
            "filter.and: must be a list",
        ),
        (r#"{"and":[],"or":[]}"#, "a group holds only"),
        (
            r#"{"and":[{"or":[{"and":[{"or":[{"and":[]}]}]}]}]}"#,
            "nest at most 4 deep",
        ),
    ] {
        let err = Filter::parse(json).unwrap_err().0;
        assert!(err.contains(says), "{json}: {err}");
    }
    let many: Vec<String> = (0..51)
        .map(|_| r#"{"field":"status","op":"is","value":"todo"}"#.to_string())
        .collect();
    let err = Filter::parse(&format!(r#"{{"and":[{}]}}"#, many.join(",")))
        .unwrap_err()
        .0;
    assert!(err.contains("more than 50 conditions"), "{err}");
    assert!(
        Filter::parse(&"x".repeat(MAX_JSON + 1))
            .unwrap_err()
            .0
            .contains("longer")
    );
}

#[test]
fn a_tree_reads_back_from_its_json() {
    let json = format!(
        r#"{{"and":[{{"field":"status","op":"anyOf","value":["todo","in-progress"]}},{{"or":[{{"field":"label","op":"is","value":"{}"}},{{"field":"category","op":"isEmpty"}}]}},{{"field":"createdAt","op":"after","value":"-7d"}},{{"field":"updatedAt","op":"before","value":"2026-01-31"}},{{"field":"text","op":"contains","value":"login"}}]}}"#,
        id(2)
    );
    let tree = Filter::parse(&json).unwrap();
    assert_eq!(tree.to_json().to_string(), json);
    let again: Filter = serde_json::from_str(&serde_json::to_string(&tree).unwrap()).unwrap();
    assert_eq!(again, tree);
    assert_eq!(tree.conditions().len(), 6);
}

#[test]
fn chips_are_the_short_form_of_simple_trees() {
    let pairs = [
        ("status", "todo,in-progress"),
        ("-label", &*id(2).to_string()),
        ("category", "none"),
        ("-release", "none"),
        ("created", ">-7d"),
        ("updated", "<2026-01-31"),
        ("assignee", "me"),
        ("view", "list"),
        ("status", "doing"),
    ];
    let tree = parse_chips(pairs.iter().map(|(k, v)| (*k, *v)));
    assert_eq!(
        tree.conditions().len(),
        7,
        "the unknown key and the bad value are left out"
    );
    let back: Vec<(String, String)> = chips(&tree)
        .unwrap()
        .into_iter()
        .map(|c| (c.key, c.value))
        .collect();
    let expected: Vec<(String, String)> = pairs[..7]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(back, expected);
    assert!(matches!(
        parse_chip("-created", ">-7d"),
        Some(Err(e)) if e.contains("not -")
    ));
    assert!(matches!(parse_chip("label", "bug"), Some(Err(e)) if e.starts_with("label: ")));
    assert!(parse_chip("view", "list").is_none());

    let or = Filter::parse(r#"{"or":[{"field":"status","op":"is","value":"todo"},{"field":"priority","op":"is","value":"high"}]}"#).unwrap();
    assert!(chips(&or).is_none(), "an or of two has no short form");
    let json = or.to_json().to_string();
    assert_eq!(
        parse_chips([("filter", json.as_str())]),
        Filter::And(vec![or])
    );
}

#[test]
fn and_joins_filters_leaving_out_empty_ones() {
    let a = Filter::parse(r#"{"field":"status","op":"is","value":"todo"}"#).unwrap();
    assert_eq!(Filter::default().and(a.clone()), a);
    assert_eq!(a.clone().and(Filter::default()), a);
    assert_eq!(
        a.clone().and(a.clone()),
        Filter::And(vec![a.clone(), a.clone()])
    );
    assert!(Filter::And(vec![Filter::Or(vec![])]).is_empty());
}
