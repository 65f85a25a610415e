//! The org's task templates, in its settings (admin.manageSettings): each one's form to
//! change or delete it, and one to make a new one. Plain forms, so they work without
//! JavaScript.

use crate::api::{DeleteTemplate, SaveTemplate};
use crate::components::text::{error_text, priority_label};
use domain::dto::{Category, Label, TaskPriority, Template};
use leptos::prelude::*;

/// The section at `#templates`; the page shows it only to those who manage the settings.
#[component]
pub(super) fn TemplateSettings(
    slug: String,
    labels: Vec<Label>,
    categories: Vec<Category>,
    /// Loaded with the settings page (a resource of its own here upset its hydration).
    templates: Vec<Template>,
    /// The page's: saving or deleting one loads the page's data again.
    save: ServerAction<SaveTemplate>,
    delete: ServerAction<DeleteTemplate>,
) -> impl IntoView {
    let failure = move || {
        let errors = [
            save.value().get().and_then(|r| r.err()),
            delete.value().get().and_then(|r| r.err()),
        ];
        errors.into_iter().flatten().next().map(|e| {
            view! { <p class="notice-bar" role="alert" data-testid="templates-error">{error_text(&e)}</p> }
        })
    };
    let form = TemplateForm {
        slug: slug.clone(),
        labels,
        categories,
    };
    let blank = form.clone();
    view! {
        <section id="templates" data-testid="template-settings">
            <h2>"Task templates"</h2>
            <p class="muted small">"Offered in the new-task dialog and the palette; those for visitors also on the public page's suggest form, where only the fields visitors may set apply."</p>
            {failure}
            <ul class="list" data-testid="templates">
                {templates.into_iter().map(|t| {
                    let (slug, id) = (form.slug.clone(), t.id);
                    view! {
                        <li>
                            <details>
                                <summary>{t.name.clone()}{t.for_visitors.then_some(" · for visitors")}</summary>
                                {form.clone().view(save, Some(t.clone()))}
                                <button type="button" class="link" data-testid="template-delete" on:click=move |_| {
                                    delete.dispatch(DeleteTemplate { slug: slug.clone(), id });
                                }>"Delete"</button>
                            </details>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <h3>"New template"</h3>
            {blank.view(save, None)}
        </section>
    }
}

/// What every template form offers.
#[derive(Clone)]
struct TemplateForm {
    slug: String,
    labels: Vec<Label>,
    categories: Vec<Category>,
}

impl TemplateForm {
    /// The form for `template`, or a blank one that makes a new template.
    fn view(self, save: ServerAction<SaveTemplate>, t: Option<Template>) -> impl IntoView {
        let TemplateForm {
            slug,
            labels,
            categories,
        } = self;
        let button = if t.is_some() {
            "Save template"
        } else {
            "Add template"
        };
        let name = t.as_ref().map(|t| t.name.clone()).unwrap_or_default();
        let title = t.as_ref().map(|t| t.title.clone()).unwrap_or_default();
        let description = t
            .as_ref()
            .map(|t| t.description.clone())
            .unwrap_or_default();
        let priority = t.as_ref().and_then(|t| t.priority);
        let category = t.as_ref().and_then(|t| t.category);
        let chosen = t.as_ref().map(|t| t.label_ids.clone()).unwrap_or_default();
        let for_visitors = t.as_ref().is_some_and(|t| t.for_visitors);
        let testid = if t.is_some() {
            "template-form"
        } else {
            "new-template-form"
        };
        view! {
            <ActionForm action=save attr:class="stack" attr:data-testid=testid>
                <input type="hidden" name="slug" value=slug/>
                {t.map(|t| view! { <input type="hidden" name="id" value=t.id.to_string()/> })}
                <label>"Name" <input name="name" required maxlength="80" value=name/></label>
                <label>"Title starts with" <input name="title" maxlength="200" value=title placeholder="Bug: "/></label>
                <label>"Description (Markdown)" <textarea name="description" rows="4">{description}</textarea></label>
                <div class="row wrap">
                    <label>"Priority" <select name="priority">
                        <option value="" selected=priority.is_none()>"Not set"</option>
                        {TaskPriority::ALL.iter().map(|p| view! { <option value=p.as_str() selected=priority == Some(*p)>{priority_label(*p)}</option> }).collect_view()}
                    </select></label>
                    {(!categories.is_empty()).then(|| view! {
                        <label>"Category" <select name="category">
                            <option value="" selected=category.is_none()>"None"</option>
                            {categories.iter().map(|c| view! { <option value=c.id.to_string() selected=category == Some(c.id)>{c.name.clone()}</option> }).collect_view()}
                        </select></label>
                    })}
                </div>
                {(!labels.is_empty()).then(|| view! {
                    <fieldset><legend>"Labels"</legend>
                        {labels.iter().enumerate().map(|(i, l)| view! {
                            <label class="check"><input type="checkbox" name=format!("labels[{i}]") value=l.id.to_string() checked=chosen.contains(&l.id)/>{l.name.clone()}</label>
                        }).collect_view()}
                    </fieldset>
                })}
                <label class="check"><input type="checkbox" name="for_visitors" value="on" checked=for_visitors/>"For visitors: offered on the public suggest form"</label>
                <button type="submit" class="button">{button}</button>
            </ActionForm>
        }
    }
}
