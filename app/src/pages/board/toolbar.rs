//! Above the tasks: the toolbar (view, grouping and filters), the one-line task entry and
//! the new-task dialog.

use super::BoardState;
use super::filter::{BoardFilter, GroupBy, PullFilter, View, group_label, sort_label};
use crate::api::{CreateTask, load_templates};
use crate::components::MarkdownEditor;
use crate::components::prefs::COMPACT;
use crate::components::text::priority_label;
use crate::components::{Command, CommandAction, Palette};
use domain::dto::{TaskPriority, TaskStatus, ViewSort};
use leptos::html;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys;
use leptos_router::components::Form;

/// View, grouping, closed tasks and the filters: a GET form, so every state is a URL and
/// it works without JavaScript; with it, any change applies at once.
#[component]
pub(super) fn Toolbar(state: BoardState, search: NodeRef<html::Input>) -> impl IntoView {
    let data = state.data.get_value();
    let base = move || format!("/orgs/{}/tasks", state.slug.get());
    let with_view = move |view: View| {
        let mut f = state.filter.get();
        f.view = view;
        state.href(&f)
    };
    let submit = move |ev: leptos::ev::Event| {
        if let Some(form) = ev
            .target()
            .and_then(|t| JsCast::dyn_into::<web_sys::Element>(t).ok())
            .and_then(|el| el.closest("form").ok().flatten())
            .and_then(|f| JsCast::dyn_into::<web_sys::HtmlFormElement>(f).ok())
        {
            let _ = form.request_submit();
        }
    };
    let checked = move |key: &'static str, value: String| {
        move || {
            state.filter.with(|f| match key {
                "status" => f.statuses.iter().any(|s| s.as_str() == value),
                "priority" => f.priorities.iter().any(|p| p.as_str() == value),
                "label" => f.labels.iter().any(|l| l.to_string() == value),
                "assignee" => f.assignees.iter().any(|a| a.to_string() == value),
                "category" => f.categories.iter().any(|c| c.to_string() == value),
                "pr" => f.pulls.iter().any(|p| p.as_str() == value),
                _ => false,
            })
        }
    };
    let choice = move |key: &'static str, value: String, label: String| {
        view! {
            <label class="check">
                <input type="checkbox" name=key value=value.clone() prop:checked=checked(key, value) on:change=submit/>
                {label}
            </label>
        }
    };
    let statuses: Vec<_> = TaskStatus::ALL
        .iter()
        .map(|s| choice("status", s.as_str().into(), s.label().into()))
        .collect();
    let priorities: Vec<_> = TaskPriority::ALL
        .iter()
        .rev()
        .map(|p| choice("priority", p.as_str().into(), priority_label(*p).into()))
        .collect();
    let labels: Vec<_> = data
        .labels
        .iter()
        .map(|l| choice("label", l.id.to_string(), l.name.clone()))
        .collect();
    let assignees: Vec<_> = data
        .members
        .iter()
        .map(|m| choice("assignee", m.id.to_string(), m.name.clone()))
        .collect();
    let categories: Vec<_> = data
        .categories
        .iter()
        .map(|c| choice("category", c.id.to_string(), c.name.clone()))
        .collect();
    // Only where pull requests are a thing: some task has one, or the filter asks. A memo,
    // so the menu appears when the first one arrives live and is not rebuilt (closing it)
    // on every other change.
    let has_pulls = Memo::new(move |_| {
        state
            .tasks
            .with(|t| t.iter().any(|t| !t.pull_requests.is_empty()))
            || state.filter.with(|f| !f.pulls.is_empty())
    });
    let pulls = move || {
        PullFilter::ALL
            .iter()
            .map(|p| choice("pr", p.as_str().into(), p.label().into()))
            .collect::<Vec<_>>()
    };
    let menu = |title: &'static str, items: Vec<AnyView>, testid: &'static str| {
        (!items.is_empty()).then(|| {
            view! {
                <details class="menu" data-testid=testid>
                    <summary>{title}</summary>
                    <div class="menu-items">{items}</div>
                </details>
            }
        })
    };
    let any = |v: Vec<_>| {
        v.into_iter()
            .map(IntoAny::into_any)
            .collect::<Vec<AnyView>>()
    };
    view! {
        <div class="toolbar">
            <nav class="segmented" aria-label="View">
                <a href=move || with_view(View::Board) aria-current=move || (state.filter.with(|f| f.view) == View::Board).then_some("page") data-testid="view-board">"Board"</a>
                <a href=move || with_view(View::List) aria-current=move || (state.filter.with(|f| f.view) == View::List).then_some("page") data-testid="view-list">"List"</a>
            </nav>
            // A personal choice, not part of the view: outside the form and its URL.
            <label class="check density" title="More tasks a screen, with less room around each">
                <input type="checkbox" id="density-compact" checked=COMPACT.get()
                    on:change=move |ev| COMPACT.set(event_target_checked(&ev)) data-testid="compact"/>
                "Compact"
            </label>
            <Form method="GET" action=base attr:class="filters" attr:role="search" attr:data-testid="filters">
                {move || (state.filter.with(|f| f.view) == View::List).then(|| view! { <input type="hidden" name="view" value="list"/> })}
                // What the menus do not show rides along: the chips, a tree, the view.
                {move || state.filter.with(|f| {
                    let mut hidden: Vec<(String, String)> =
                        f.chips.iter().map(|c| (c.key.clone(), c.value.clone())).collect();
                    if let Some(tree) = &f.tree { hidden.push(("filter".into(), tree.clone())); }
                    if let Some(id) = f.saved { hidden.push(("v".into(), id.to_string())); }
                    hidden.into_iter().map(|(k, v)| view! { <input type="hidden" name=k value=v/> }).collect_view()
                })}
                <label class="sr-only" for="board-search">"Search tasks"</label>
                <input id="board-search" node_ref=search type="search" name="q" placeholder="Search  /" aria-keyshortcuts="/"
                    prop:value=move || state.filter.with(|f| f.text.clone()) data-testid="search"/>
                <label class="inline">"Group by "
                    <select name="group" on:change=submit data-testid="group-by">
                        {GroupBy::ALL.iter().map(|g| view! {
                            <option value=g.as_str() selected=move || state.filter.with(|f| f.group) == *g>{group_label(*g)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="inline">"then "
                    <select name="sub" on:change=submit data-testid="sub-group-by" aria-label="Sub-group by">
                        <option value="" selected=move || state.filter.with(|f| f.sub.is_none())>"nothing"</option>
                        {GroupBy::ALL.iter().map(|g| view! {
                            <option value=g.as_str() selected=move || state.filter.with(|f| f.sub) == Some(*g)>{group_label(*g)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="inline">"Sort "
                    <select name="sort" on:change=submit data-testid="sort-by">
                        {ViewSort::ALL.iter().map(|s| view! {
                            <option value=s.as_str() selected=move || state.filter.with(|f| f.sort) == *s>{sort_label(*s)}</option>
                        }).collect_view()}
                    </select>
                </label>
                {menu("Status", any(statuses), "filter-status")}
                {menu("Priority", any(priorities), "filter-priority")}
                {menu("Label", any(labels), "filter-label")}
                {menu("Assignee", any(assignees), "filter-assignee")}
                {menu("Category", any(categories), "filter-category")}
                {move || has_pulls.get().then(|| menu("Pull request", any(pulls()), "filter-pr"))}
                <label class="check">
                    <input type="checkbox" name="closed" value="1" prop:checked=move || state.filter.with(|f| f.show_closed) on:change=submit data-testid="show-closed"/>
                    "Done & canceled"
                </label>
                <button type="submit" class="button">"Apply"</button>
                {move || state.filter.with(BoardFilter::is_filtering).then(|| view! {
                    <a href=move || { let f = state.filter.get(); state.href(&BoardFilter { view: f.view, group: f.group, sub: f.sub, sort: f.sort, show_closed: f.show_closed, all: true, ..Default::default() }) } data-testid="clear-filters">"Clear"</a>
                })}
            </Form>
        </div>
    }
    .into_any()
}

/// One-line task entry: a plain form, so it works without JavaScript.
#[component]
pub(super) fn QuickAdd(state: BoardState, create: ServerAction<CreateTask>) -> impl IntoView {
    let form = NodeRef::<html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get()
            && let Some(form) = form.get()
        {
            form.reset();
        }
    });
    view! {
        <ActionForm action=create node_ref=form attr:class="new-task" attr:data-testid="new-task-form">
            <input type="hidden" name="slug" value=move || state.slug.get()/>
            <label class="grow">
                <span class="sr-only">"Title"</span>
                <input name="title" required maxlength="200" placeholder="Add a task…" autocomplete="off"/>
            </label>
            <label>
                <span class="sr-only">"Visibility"</span>
                <select name="visibility">
                    <option value="private" selected>"Private"</option>
                    <option value="public">"Public"</option>
                </select>
            </label>
            <button type="submit" class="button">"Add"</button>
        </ActionForm>
    }
    .into_any()
}

/// The full new-task form in a dialog (`c`).
#[component]
pub(super) fn NewTaskDialog(
    state: BoardState,
    create: ServerAction<CreateTask>,
    dialog: NodeRef<html::Dialog>,
) -> impl IntoView {
    let data = state.data.get_value();
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let status = RwSignal::new(String::from("todo"));
    let priority = RwSignal::new(String::from("none"));
    let visibility = RwSignal::new(String::from("private"));
    let category = RwSignal::new(String::new());
    let labels = RwSignal::new(Vec::<String>::new());
    let assignees = RwSignal::new(Vec::<String>::new());
    let (template, templates, choose) =
        templates(state, [title, description, priority, category], labels);
    Palette::on_request(move |action| {
        if let CommandAction::NewTaskFromTemplate(id) = action {
            choose(id.to_string());
            if let Some(d) = dialog.get_untracked() {
                let _ = d.show_modal();
            }
        }
    });
    let close = move || {
        if let Some(d) = dialog.get_untracked() {
            d.close();
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            title.set(String::new());
            description.set(String::new());
            labels.set(Vec::new());
            assignees.set(Vec::new());
            template.set(String::new());
            close();
        }
    });
    let toggle = |list: RwSignal<Vec<String>>, id: String| {
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            list.update(|l| {
                l.retain(|x| *x != id);
                if on {
                    l.push(id.clone());
                }
            });
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        fn parse<T: std::str::FromStr>(l: Vec<String>) -> Option<Vec<T>> {
            Some(l.iter().filter_map(|s| s.parse().ok()).collect())
        }
        create.dispatch(CreateTask {
            slug: state.slug.get_untracked(),
            title: title.get_untracked(),
            visibility: Some(visibility.get_untracked()),
            description: Some(description.get_untracked()).filter(|d| !d.trim().is_empty()),
            status: Some(status.get_untracked()),
            priority: Some(priority.get_untracked()),
            category: category.get_untracked().parse().ok(),
            labels: parse(labels.get_untracked()),
            assignees: parse(assignees.get_untracked()),
            release: None,
            template: template.get_untracked().parse().ok(),
        });
    };
    view! {
        <dialog node_ref=dialog class="dialog" aria-labelledby="new-task-title" data-testid="new-task-dialog">
            <form class="stack wide" on:submit=submit>
                <h2 id="new-task-title">"New task"</h2>
                {move || templates.get().filter(|l| !l.is_empty()).map(|list| view! {
                    <label>"Template" <select prop:value=move || template.get() on:change=move |ev| choose(event_target_value(&ev)) data-testid="dialog-template">
                        <option value="">"None"</option>
                        {list.into_iter().map(|t| view! { <option value=t.id.to_string()>{t.name}</option> }).collect_view()}
                    </select></label>
                })}
                <label>"Title" <input required maxlength="200" bind:value=title autofocus data-testid="dialog-title"/></label>
                <MarkdownEditor id="dialog-description" label="Description (Markdown)" slug=state.slug.get_untracked() value=description mentions=true
                    public=Signal::derive(move || visibility.get() == "public") testid="dialog-description"/>
                <div class="row wrap">
                    <label>"Status" <select bind:value=status>
                        {TaskStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                    </select></label>
                    <label>"Priority" <select bind:value=priority>
                        {TaskPriority::ALL.iter().map(|p| view! { <option value=p.as_str()>{priority_label(*p)}</option> }).collect_view()}
                    </select></label>
                    <label>"Visibility" <select bind:value=visibility>
                        <option value="private">"Private"</option>
                        <option value="public">"Public"</option>
                    </select></label>
                    {(!data.categories.is_empty()).then(|| view! {
                        <label>"Category" <select bind:value=category>
                            <option value="">"None"</option>
                            {data.categories.iter().map(|c| view! { <option value=c.id.to_string()>{c.name.clone()}</option> }).collect_view()}
                        </select></label>
                    })}
                </div>
                {(!data.labels.is_empty()).then(|| view! {
                    <fieldset><legend>"Labels"</legend>
                        {data.labels.iter().map(|l| { let id = l.id.to_string(); view! { <label class="check"><input type="checkbox" prop:checked={ let id = id.clone(); move || labels.with(|l| l.contains(&id)) } on:change=toggle(labels, id)/>{l.name.clone()}</label> }}).collect_view()}
                    </fieldset>
                })}
                {(!data.members.is_empty()).then(|| view! {
                    <fieldset><legend>"Assignees"</legend>
                        {data.members.iter().map(|m| view! { <label class="check"><input type="checkbox" on:change=toggle(assignees, m.id.to_string())/>{m.name.clone()}</label> }).collect_view()}
                    </fieldset>
                })}
                <div class="row">
                    <button type="submit" class="button primary" data-testid="dialog-create">"Create task"</button>
                    <button type="button" class="button" on:click=move |_| close()>"Cancel"</button>
                </div>
            </form>
        </dialog>
    }
    .into_any()
}

/// The org's templates for the dialog: the chosen one's id, the list (loaded in the
/// browser), and what choosing one does: fill the dialog's title (when the template has
/// one), description, priority, category and labels. Each template is also a palette
/// command.
#[allow(clippy::type_complexity)]
fn templates(
    state: BoardState,
    [title, description, priority, category]: [RwSignal<String>; 4],
    labels: RwSignal<Vec<String>>,
) -> (
    RwSignal<String>,
    Signal<Option<Vec<domain::dto::Template>>>,
    impl Fn(String) + Copy + 'static,
) {
    let chosen = RwSignal::new(String::new());
    // Loaded in the browser only: on the server a local resource never resolves, and reading
    // one inside the board's Transition would hold (and re-run) the board's render.
    #[cfg(feature = "hydrate")]
    let list = {
        let loaded = LocalResource::new(move || load_templates(state.slug.get()));
        Signal::derive(move || loaded.get().and_then(|r| r.ok()))
    };
    #[cfg(not(feature = "hydrate"))]
    let list = {
        let _ = (state, load_templates);
        Signal::stored(None::<Vec<domain::dto::Template>>)
    };
    Effect::new(move |_| {
        let commands = list
            .get()
            .unwrap_or_default()
            .into_iter()
            .map(|t| Command {
                label: format!("New task from template: {}", t.name),
                action: CommandAction::NewTaskFromTemplate(t.id),
            })
            .collect();
        Palette::register(commands);
    });
    let choose = move |id: String| {
        chosen.set(id.clone());
        let all = list.get_untracked().unwrap_or_default();
        let Some(t) = all.into_iter().find(|t| t.id.to_string() == id) else {
            return;
        };
        if !t.title.is_empty() {
            title.set(t.title);
        }
        description.set(t.description);
        if let Some(p) = t.priority {
            priority.set(p.as_str().to_string());
        }
        category.set(t.category.map(|c| c.to_string()).unwrap_or_default());
        labels.set(t.label_ids.iter().map(|l| l.to_string()).collect());
    };
    (chosen, list, choose)
}
