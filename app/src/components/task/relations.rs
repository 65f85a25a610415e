//! A task's relations to others (related, blocking, duplicate): listed from either end,
//! added and removed by members.

use crate::api::{AddRelation, RemoveRelation};
use crate::components::text::error_text;
use domain::dto::{RelationKind, TaskRelation};
use leptos::prelude::*;

/// How a relation reads from task `number`'s side: the words and the other task.
fn describe(r: &TaskRelation, number: i64) -> (&'static str, i64) {
    let outgoing = r.source_number == number;
    let other = if outgoing {
        r.target_number
    } else {
        r.source_number
    };
    let words = match (r.kind, outgoing) {
        (RelationKind::Related, _) => "related to",
        (RelationKind::Blocking, true) => "blocks",
        (RelationKind::Blocking, false) => "blocked by",
        (RelationKind::Duplicate, true) => "duplicates",
        (RelationKind::Duplicate, false) => "duplicated by",
    };
    (words, other)
}

#[component]
pub(super) fn Relations(
    slug: String,
    number: i64,
    initial: Vec<TaskRelation>,
    member: bool,
) -> impl IntoView {
    let list = RwSignal::new(initial);
    let add = ServerAction::<AddRelation>::new();
    let remove = ServerAction::<RemoveRelation>::new();
    let removing = StoredValue::new(None::<TaskRelation>);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(r)) = add.value().get() {
            list.update(|l| {
                l.retain(|x| x.id != r.id);
                l.push(r);
            });
            if let Some(f) = form_ref.get() {
                f.reset();
            }
        }
    });
    // Removal shows at once; a refusal puts the relation back.
    Effect::new(move |_| {
        if let Some(Err(_)) = remove.value().get()
            && let Some(r) = removing.get_value()
        {
            removing.set_value(None);
            list.update(|l| l.push(r));
        }
    });
    let slug = StoredValue::new(slug);
    view! {
        <Show when=move || member || list.with(|l| !l.is_empty())>
            <div class="prop" data-testid="relations"><span class="muted">"Relations"</span>
                <ul class="plain">
                    <For each=move || list.get() key=|r| r.id let:r>
                        {
                            let (words, other) = describe(&r, number);
                            let gone = r.clone();
                            view! {
                                <li data-testid="relation" data-type=r.kind.as_str()>{words}" "
                                    <a href=format!("/orgs/{}/tasks/{other}", slug.get_value())>{format!("#{other}")}</a>
                                    {member.then(|| view! {
                                        <button type="button" class="link small" aria-label=format!("Remove: {words} #{other}")
                                            on:click=move |_| {
                                                let r = gone.clone();
                                                list.update(|l| l.retain(|x| x.id != r.id));
                                                removing.set_value(Some(r.clone()));
                                                remove.dispatch(RemoveRelation { slug: slug.get_value(), source: r.source_number, target: r.target_number, kind: r.kind.as_str().into() });
                                            }>"Remove"</button>
                                    })}
                                </li>
                            }
                        }
                    </For>
                </ul>
                {member.then(|| view! {
                    <ActionForm action=add node_ref=form_ref attr:class="row wrap" attr:data-testid="relation-form">
                        <input type="hidden" name="slug" value=slug.get_value()/>
                        <input type="hidden" name="number" value=number/>
                        <label class="sr-only" for="relation-kind">"Relation type"</label>
                        <select id="relation-kind" name="kind">
                            <option value="related">"related to"</option>
                            <option value="blocking">"blocks"</option>
                            <option value="duplicate">"duplicates"</option>
                        </select>
                        <label class="sr-only" for="relation-target">"Other task"</label>
                        <input id="relation-target" name="target" required size="8" placeholder="#12 or ACM-12" autocomplete="off"/>
                        <button type="submit" class="button small">"Link"</button>
                    </ActionForm>
                })}
                {move || add.value().get().and_then(|r| r.err()).or_else(|| remove.value().get().and_then(|r| r.err()))
                    .map(|e| view! { <p class="error small" role="alert">{error_text(&e)}</p> })}
            </div>
        </Show>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relation_reads_from_either_end() {
        let r = TaskRelation {
            id: uuid::Uuid::nil(),
            kind: RelationKind::Blocking,
            source_number: 1,
            target_number: 2,
            created_at: Default::default(),
        };
        assert_eq!(describe(&r, 1), ("blocks", 2));
        assert_eq!(describe(&r, 2), ("blocked by", 1));
    }
}
