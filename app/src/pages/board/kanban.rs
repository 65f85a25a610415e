//! The kanban: a column per group, cards that drag between and within columns (the team's
//! order when grouped by status) and move with Alt+arrow keys.

use super::BoardState;
use super::edit::{move_task, set_priority, set_status};
use super::filter::{Group, GroupBy};
use super::view::{arrow_keys, card_meta, focus_task, open_on_click, tasks_href};
use crate::components::keys::{self, Action, Scope};
use domain::dto::{TaskPriority, ViewSort};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys;

/// Where a card dropped on `order` (a column's tasks, top to bottom) at `target` goes: the
/// tasks it lands between. On a card's upper half it goes above that card, else below;
/// off the cards, at the bottom.
fn drop_between(
    order: &[i64],
    moving: i64,
    target: Option<(i64, bool)>,
) -> (Option<i64>, Option<i64>) {
    let rest: Vec<i64> = order.iter().copied().filter(|n| *n != moving).collect();
    let at = match target {
        Some((n, upper)) if n != moving => match rest.iter().position(|x| *x == n) {
            Some(i) if upper => i,
            Some(i) => i + 1,
            None => rest.len(),
        },
        // On itself: where it is.
        Some(_) => return (None, None),
        None => rest.len(),
    };
    let below = at.checked_sub(1).and_then(|i| rest.get(i).copied());
    (below, rest.get(at).copied())
}

/// A signal that follows `f`: cheap to read once per card. In the browser an effect keeps
/// it current; on the server, where nothing changes during a render, it holds `f`'s value.
fn follow<T>(f: impl Fn() -> T + Send + Sync + 'static) -> ReadSignal<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let (read, write) = signal(untrack(&f));
    Effect::new(move |_| {
        let now = f();
        if read.with_untracked(|v| *v != now) {
            write.set(now);
        }
    });
    read
}

/// Columns of the current grouping; a card dropped on a status or priority column takes
/// that status or priority.
#[component]
pub(super) fn Kanban(state: BoardState, groups: Memo<Vec<Group>>) -> impl IntoView {
    let dragging = RwSignal::new(None::<i64>);
    let over = RwSignal::new(None::<String>);
    // The card a drag is over, and whether over its upper half.
    let over_card = RwSignal::new(None::<(i64, bool)>);
    let movable = follow(move || {
        state
            .filter
            .with(|f| matches!(f.group, GroupBy::Status | GroupBy::Priority))
    });
    // Columns are in the team's order only when grouped by status, in the manual sort,
    // without sub-groups.
    let orderable = follow(move || {
        state
            .filter
            .with(|f| f.group == GroupBy::Status && f.sort == ViewSort::Manual && f.sub.is_none())
    });
    // A card moved with the keyboard keeps the focus while its column is drawn again.
    let keep_focus = RwSignal::new(None::<i64>);
    Effect::new(move |_| {
        groups.track();
        if let Some(n) = keep_focus.get_untracked() {
            let lost = document()
                .active_element()
                .is_none_or(|el| el.tag_name() == "BODY");
            if lost {
                focus_task(n);
            }
        }
    });
    // On a phone the board shows one column at a time (swipe, or these links).
    let switcher = move || {
        groups.with(|all| {
            all.iter()
                .map(|g| {
                    view! { <a href=format!("#{}", column_id(&g.key))>{g.title.clone()}<span class="count">{g.tasks.len()}</span></a> }
                })
                .collect_view()
        })
    };
    view! {
        <nav class="column-switch" aria-label="Columns" data-testid="column-switch">{switcher}</nav>
        <div class="kanban" data-testid="kanban" on:keydown=arrow_keys
            on:focusout=move |ev| { if ev.related_target().is_some() { keep_focus.set(None); } }>
            <For each=move || groups.get() key=|g| (g.key.clone(), g.hidden, g.tasks.iter().map(|t| (t.number, t.version)).collect::<Vec<_>>()) let:group>
                {
                    let key = group.key.clone();
                    let key_over = key.clone();
                    let key_leave = key.clone();
                    let status = group.status;
                    let priority: Option<TaskPriority> = key.strip_prefix("priority:").and_then(|p| p.parse().ok());
                    let count = group.tasks.len();
                    let hidden = group.hidden;
                    let order: Vec<i64> = group.tasks.iter().map(|t| t.number).collect();
                    let order = StoredValue::new(order);
                    let base = tasks_href(&state);
                    let show_closed = {
                        let mut f = state.filter.get_untracked();
                        f.show_closed = true;
                        state.href(&f)
                    };
                    view! {
                        <section class="column" data-testid="column" data-group=key.clone() id=column_id(&key)
                            class:drop=move || over.get().as_deref() == Some(key.as_str())
                            aria-label=format!("{} ({count})", group.title)
                            on:dragover=move |ev| {
                                if !movable.get() || dragging.get_untracked().is_none() { return; }
                                ev.prevent_default();
                                over.set(Some(key_over.clone()));
                                // Off the cards (a card's own handler ran first when on one).
                                let on_card = ev.target()
                                    .and_then(|t| JsCast::dyn_into::<web_sys::Element>(t).ok())
                                    .and_then(|el| el.closest("[data-testid=task-card]").ok().flatten())
                                    .is_some();
                                if !on_card && over_card.get_untracked().is_some() { over_card.set(None); }
                            }
                            on:dragleave=move |_| { if over.get_untracked().as_deref() == Some(key_leave.as_str()) { over.set(None); } }
                            on:drop=move |ev| {
                                ev.prevent_default();
                                over.set(None);
                                let number = dragging.get_untracked().or_else(|| {
                                    ev.data_transfer().and_then(|d| d.get_data("text/plain").ok()).and_then(|n| n.parse().ok())
                                });
                                dragging.set(None);
                                let target = over_card.get_untracked();
                                over_card.set(None);
                                let Some(number) = number else { return };
                                if orderable.get() {
                                    let (below, above) = order.with_value(|o| drop_between(o, number, target));
                                    move_task(&state, number, status, below, above);
                                    return;
                                }
                                if let Some(s) = status { set_status(&state, number, s); }
                                if let Some(p) = priority { set_priority(&state, number, p); }
                            }>
                            <h2 class="column-head">{group.title.clone()}<span class="count">{count}</span></h2>
                            <ul class="cards" role="list">
                                {group.tasks.into_iter().enumerate().map(|(i, task)| {
                                    let head = group.subs.iter().find(|(at, _)| *at == i).map(|(_, title)| view! {
                                        <li class="subgroup-head" data-testid="subgroup">{title.clone()}</li>
                                    });
                                    let number = task.number;
                                    let href = format!("{base}{number}");
                                    view! {
                                        {head}
                                        <li class="card-task" draggable=move || if movable.get() { "true" } else { "false" }
                                            data-testid="task-card" data-number=number
                                            class:pending=move || state.pending.with(|p| p.contains_key(&task.id))
                                            class:drop-above=move || orderable.get() && over_card.get() == Some((number, true))
                                            class:drop-below=move || orderable.get() && over_card.get() == Some((number, false))
                                            on:dragstart=move |ev| {
                                                dragging.set(Some(number));
                                                if let Some(d) = ev.data_transfer() { let _ = d.set_data("text/plain", &number.to_string()); }
                                            }
                                            on:dragover=move |ev| {
                                                if dragging.get_untracked().is_none() { return; }
                                                let Some(el) = ev.current_target().and_then(|t| JsCast::dyn_into::<web_sys::Element>(t).ok()) else { return };
                                                let rect = el.get_bounding_client_rect();
                                                let upper = f64::from(ev.client_y()) < rect.top() + rect.height() / 2.0;
                                                if over_card.get_untracked() != Some((number, upper)) { over_card.set(Some((number, upper))); }
                                            }
                                            on:dragend=move |_| { dragging.set(None); over_card.set(None); }
                                            on:keydown=move |ev| {
                                                let up = match keys::action(Scope::Board, &ev) { Some(Action::MoveUp) => true, Some(Action::MoveDown) => false, _ => return };
                                                if !orderable.get() { return; }
                                                ev.prevent_default();
                                                let (below, above) = order.with_value(|o| {
                                                    let i = o.iter().position(|n| *n == number).unwrap_or(0);
                                                    if up {
                                                        (i.checked_sub(2).map(|j| o[j]), i.checked_sub(1).map(|j| o[j]))
                                                    } else {
                                                        (o.get(i + 1).copied(), o.get(i + 2).copied())
                                                    }
                                                });
                                                if below.is_none() && above.is_none() { return; }
                                                // At the top or bottom already: nothing to pass.
                                                if (up && above.is_none()) || (!up && below.is_none()) { return; }
                                                keep_focus.set(Some(number));
                                                move_task(&state, number, None, below, above);
                                            }>
                                            <a href=href class="card-title" aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown"
                                                on:click=open_on_click(state, number)><span class="key">{task.key.clone()}</span>" "{task.title.clone()}</a>
                                            <div class="card-meta">{card_meta(&task)}</div>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            {(hidden > 0).then(|| view! { <a class="small muted hidden-note" href=show_closed>{format!("{hidden} hidden")}</a> })}
                        </section>
                    }
                }
            </For>
        </div>
    }
    .into_any()
}

/// The id of a column, for the phone's column links: `column-todo`, `column-priority-high`.
fn column_id(key: &str) -> String {
    let safe: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("column-{safe}")
}

#[cfg(test)]
mod tests {
    use super::drop_between;

    #[test]
    fn a_drop_lands_between_the_cards_around_the_pointer() {
        let column = [3, 2, 1];
        assert_eq!(drop_between(&column, 1, Some((3, true))), (None, Some(3)));
        assert_eq!(
            drop_between(&column, 1, Some((3, false))),
            (Some(3), Some(2))
        );
        assert_eq!(drop_between(&column, 3, Some((1, false))), (Some(1), None));
        assert_eq!(
            drop_between(&column, 3, None),
            (Some(1), None),
            "off the cards: bottom"
        );
        assert_eq!(
            drop_between(&column, 2, Some((2, true))),
            (None, None),
            "on itself"
        );
        assert_eq!(drop_between(&[], 7, None), (None, None), "an empty column");
        assert_eq!(
            drop_between(&column, 9, Some((2, true))),
            (Some(3), Some(2)),
            "from another column"
        );
    }
}
