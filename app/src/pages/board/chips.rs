//! The filter bar: the board's conditions as chips (each removes itself), and a line to
//! type more (`status:todo,done`, `-label:bug`, `assignee:me`, `release:v1.2`,
//! `created:>-7d`); names of labels, categories, members and releases read as what they
//! name. Enter adds the chip to the URL; a bad one says why and changes nothing.

use super::BoardState;
use super::filter::BoardFilter;
use crate::api::BoardData;
use domain::filter::{Chip, parse_chip};
use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// What a chip's key says, in words.
fn key_label(key: &str) -> String {
    let (negated, name) = match key.strip_prefix('-') {
        Some(name) => (true, name),
        None => (false, key),
    };
    let field = match name {
        "status" => "Status",
        "priority" => "Priority",
        "label" => "Label",
        "assignee" => "Assignee",
        "category" => "Category",
        "creator" => "Creator",
        "release" => "Release",
        "created" => "Created",
        "updated" => "Updated",
        other => other,
    };
    if negated {
        format!("{field} is not")
    } else {
        field.to_string()
    }
}

/// One value as the board names it: a label's or member's name for its id, `me`, …
fn value_label(data: &BoardData, key: &str, value: &str) -> String {
    let name = key.trim_start_matches('-');
    let one = |v: &str| -> String {
        let v = v.trim();
        let found = match name {
            "label" => data
                .labels
                .iter()
                .find(|l| l.id.to_string() == v)
                .map(|l| l.name.clone()),
            "category" => data
                .categories
                .iter()
                .find(|c| c.id.to_string() == v)
                .map(|c| c.name.clone()),
            "assignee" | "creator" if v == "me" => Some("me".into()),
            "assignee" | "creator" => data
                .members
                .iter()
                .find(|m| m.id.to_string() == v)
                .map(|m| m.name.clone()),
            "status" => v
                .parse::<domain::dto::TaskStatus>()
                .ok()
                .map(|s| s.label().to_string()),
            "priority" => v
                .parse::<domain::dto::TaskPriority>()
                .ok()
                .map(|p| crate::components::text::priority_label(p).to_string()),
            "created" | "updated" => Some(match v.split_at(v.len().min(1)) {
                (">", t) => format!("after {t}"),
                ("<", t) => format!("before {t}"),
                _ => v.to_string(),
            }),
            _ => None,
        };
        found.unwrap_or_else(|| v.to_string())
    };
    value.split(',').map(one).collect::<Vec<_>>().join(", ")
}

/// Reads what was typed as a chip: names become ids; `None` with the reason when it does
/// not read.
pub(super) fn typed_chip(data: &BoardData, text: &str) -> Result<Chip, String> {
    let text = text.trim();
    let (key, value) = text
        .split_once(':')
        .ok_or_else(|| "write field:value, for example status:todo or -label:bug".to_string())?;
    let key = key.trim().to_lowercase();
    let name = key.trim_start_matches('-');
    let resolve = |v: &str| -> Result<String, String> {
        let v = v.trim().trim_matches('"');
        let lower = v.to_lowercase();
        let by_name = match name {
            "label" => data
                .labels
                .iter()
                .find(|l| l.name.to_lowercase() == lower)
                .map(|l| l.id.to_string()),
            "category" => data
                .categories
                .iter()
                .find(|c| c.name.to_lowercase() == lower)
                .map(|c| c.id.to_string()),
            "assignee" | "creator" if lower == "me" => Some("me".into()),
            "assignee" | "creator" => data
                .members
                .iter()
                .find(|m| m.name.to_lowercase() == lower)
                .map(|m| m.id.to_string()),
            "status" => Some(match lower.as_str() {
                "in progress" | "inprogress" | "doing" => "in-progress".into(),
                _ => lower.clone(),
            }),
            "priority" | "release" => Some(lower.clone()),
            _ => None,
        };
        Ok(by_name.unwrap_or_else(|| v.to_string()))
    };
    let value = if matches!(name, "created" | "updated") || value.trim() == "none" {
        value.trim().to_string()
    } else {
        value
            .split(',')
            .map(resolve)
            .collect::<Result<Vec<_>, _>>()?
            .join(",")
    };
    match parse_chip(&key, &value) {
        None => Err(format!(
            "\"{key}\" is not a filter: use status, priority, label, assignee, category, creator, release, created or updated (- in front for \"is not\")"
        )),
        Some(Err(why)) => Err(why),
        Some(Ok(c)) => domain::filter::chip(&c).ok_or_else(|| "this has no short form".into()),
    }
}

/// The chips of the board's filter, and the line that adds one.
#[component]
pub(super) fn FilterBar(state: BoardState) -> impl IntoView {
    let input = NodeRef::<html::Input>::new();
    let error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let go = move |filter: BoardFilter| {
        navigate(&state.href(&filter), Default::default());
    };
    let add = {
        let go = go.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(el) = input.get() else { return };
            let text = el.value();
            if text.trim().is_empty() {
                return;
            }
            let chip = state.data.with_value(|d| typed_chip(d, &text));
            match chip {
                Ok(chip) => {
                    error.set(None);
                    el.set_value("");
                    // Read back through the URL: what a menu holds goes to the menu.
                    let f = state.filter.get_untracked();
                    let mut pairs = crate::components::text::query_pairs(&f.to_query());
                    pairs.retain(|(k, _)| *k != chip.key);
                    pairs.push((chip.key, chip.value));
                    pairs.push(("all".into(), "1".into()));
                    go(BoardFilter::from_pairs(
                        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                    ));
                }
                Err(why) => error.set(Some(why)),
            }
        }
    };
    let chips = move || {
        let f = state.filter.get();
        let data = state.data.get_value();
        let mut out: Vec<AnyView> = Vec::new();
        // What the menus hold shows as chips too; removing one clears that menu.
        let menus: [(&str, Vec<String>, fn(&mut BoardFilter)); 5] = [
            (
                "status",
                f.statuses.iter().map(|s| s.to_string()).collect(),
                |f| f.statuses.clear(),
            ),
            (
                "priority",
                f.priorities.iter().map(|s| s.to_string()).collect(),
                |f| f.priorities.clear(),
            ),
            (
                "label",
                f.labels.iter().map(|s| s.to_string()).collect(),
                |f| f.labels.clear(),
            ),
            (
                "assignee",
                f.assignees.iter().map(|s| s.to_string()).collect(),
                |f| f.assignees.clear(),
            ),
            (
                "category",
                f.categories.iter().map(|s| s.to_string()).collect(),
                |f| f.categories.clear(),
            ),
        ];
        for (key, values, clear) in menus {
            if values.is_empty() {
                continue;
            }
            let mut without = f.clone();
            clear(&mut without);
            without.all = true;
            let text = format!(
                "{}: {}",
                key_label(key),
                value_label(&data, key, &values.join(","))
            );
            out.push(view! {
                <a class="filter-chip" href=state.href(&without) data-testid="filter-chip" title="Remove this filter">
                    {text}<span aria-hidden="true">" ×"</span>
                </a>
            }.into_any());
        }
        for (i, chip) in f.chips.iter().enumerate() {
            let mut without = f.clone();
            without.chips.remove(i);
            without.all = true;
            let text = format!(
                "{}: {}",
                key_label(&chip.key),
                value_label(&data, &chip.key, &chip.value)
            );
            out.push(view! {
                <a class="filter-chip" href=state.href(&without) data-testid="filter-chip" title="Remove this filter">
                    {text}<span aria-hidden="true">" ×"</span>
                </a>
            }.into_any());
        }
        if f.tree.is_some() {
            let mut without = f.clone();
            without.tree = None;
            without.all = true;
            out.push(view! {
                <a class="filter-chip" href=state.href(&without) data-testid="filter-chip">"Advanced filter"<span aria-hidden="true">" ×"</span></a>
            }.into_any());
        }
        out
    };
    view! {
        <div class="filter-bar" data-testid="filter-bar">
            {chips}
            <form class="filter-add" on:submit=add>
                <label class="sr-only" for="filter-input">"Add a filter"</label>
                <input id="filter-input" node_ref=input list="filter-keys" autocomplete="off"
                    placeholder="Filter: status:todo  -label:bug  assignee:me  created:>-7d   (f)"
                    aria-keyshortcuts="f" data-testid="filter-input"/>
                <datalist id="filter-keys">
                    {move || {
                        let data = state.data.get_value();
                        let mut keys: Vec<String> = ["status:", "-status:", "priority:", "label:", "-label:", "assignee:me", "-assignee:", "category:", "creator:me", "release:", "-release:none", "created:>-7d", "updated:>-1d"]
                            .iter().map(|k| k.to_string()).collect();
                        keys.extend(data.labels.iter().map(|l| format!("label:{}", l.name)));
                        keys.extend(data.releases.iter().map(|r| format!("release:{}", r.slug)));
                        keys.into_iter().map(|k| view! { <option value=k/> }).collect_view()
                    }}
                </datalist>
            </form>
            {move || error.get().map(|e| view! { <p class="error small" role="alert" data-testid="filter-error">{e}</p> })}
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::dto::{Label, UserRef, Visibility};
    use domain::{LabelId, OrgId, UserId};

    fn data() -> BoardData {
        let org: domain::dto::Org = serde_json::from_value(serde_json::json!({
            "id": uuid::Uuid::from_u128(1), "name": "Acme", "slug": "acme", "shortId": "ACME",
            "description": "", "settings": {"publicPage": false, "publicActions": false},
            "createdBy": null, "createdAt": "2026-01-01T00:00:00Z"
        }))
        .unwrap();
        BoardData {
            org,
            tasks: vec![],
            signed_in: true,
            viewer: None,
            permissions: None,
            labels: vec![Label {
                id: LabelId(uuid::Uuid::from_u128(2)),
                org_id: OrgId(uuid::Uuid::from_u128(1)),
                name: "Needs design".into(),
                color: "#f00".into(),
                visibility: Visibility::Public,
            }],
            categories: vec![],
            members: vec![UserRef {
                id: UserId(uuid::Uuid::from_u128(3)),
                name: "Ada".into(),
            }],
            counts: vec![],
            views: vec![],
            releases: vec![],
        }
    }

    #[test]
    fn typed_filters_read_names_as_what_they_name() {
        let d = data();
        let chip = |t: &str| typed_chip(&d, t).map(|c| (c.key, c.value));
        let label = uuid::Uuid::from_u128(2).to_string();
        assert_eq!(
            chip("-label:\"needs design\""),
            Ok(("-label".into(), label))
        );
        assert_eq!(
            chip("assignee:ada,me"),
            Ok((
                "assignee".into(),
                format!("{},me", uuid::Uuid::from_u128(3))
            ))
        );
        assert_eq!(
            chip("status:Todo,in progress"),
            Ok(("status".into(), "todo,in-progress".into()))
        );
        assert_eq!(chip("created:>-7d"), Ok(("created".into(), ">-7d".into())));
        assert_eq!(chip("release:none"), Ok(("release".into(), "none".into())));
        assert!(chip("label:nope").unwrap_err().contains("not an id"));
        assert!(chip("mood:happy").unwrap_err().contains("is not a filter"));
        assert!(chip("status").unwrap_err().contains("field:value"));
        assert_eq!(
            value_label(&d, "-label", &uuid::Uuid::from_u128(2).to_string()),
            "Needs design"
        );
        assert_eq!(key_label("-label"), "Label is not");
    }
}
