//! The files attached to a task's description and comments, on the task page: name, size,
//! type, a download link, and a delete button where the viewer may delete. Reloads when
//! the task or its comments change (a saved text may attach new files).

use crate::api::{DeleteAttachment, load_attachments};
use crate::components::text::error_text;
use crate::components::upload::human_size;
use domain::dto::file::Attachment;
use domain::dto::{Comment, Task};
use leptos::prelude::*;

/// `image/png` → `PNG image`, `application/pdf` → `PDF` …
fn kind_of(content_type: &str) -> String {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    match essence {
        "application/pdf" => "PDF".into(),
        "application/zip" => "ZIP archive".into(),
        "text/plain" => "Text".into(),
        other => match other.strip_prefix("image/") {
            Some(sub) => format!("{} image", sub.to_uppercase()),
            None => other.to_string(),
        },
    }
}

#[component]
pub fn Attachments(
    slug: String,
    number: i64,
    task: RwSignal<Task>,
    comments: RwSignal<Vec<Comment>>,
) -> impl IntoView {
    let remove = ServerAction::<DeleteAttachment>::new();
    let list = Resource::new(
        move || {
            (
                task.with(|t| t.version),
                comments.with(|c| {
                    c.iter()
                        .map(|c| c.updated_at.timestamp_millis())
                        .sum::<i64>()
                        + c.len() as i64
                }),
                remove.version().get(),
            )
        },
        {
            let slug = slug.clone();
            move |_| load_attachments(slug.clone(), number)
        },
    );
    let slug = StoredValue::new(slug);
    let row = move |file: Attachment| {
        let size = human_size(file.size);
        let kind = kind_of(&file.content_type);
        view! {
            <li class="row spread" data-testid="attachment">
                <span class="grow">
                    <a href=file.url.clone() download=file.name.clone() data-testid="attachment-link">{file.name.clone()}</a>
                    <span class="muted small">" · "{size}" · "{kind}
                        {(file.visibility.as_str() == "private").then_some(" · team only")}
                        {file.comment_id.map(|_| " · in a comment")}
                    </span>
                </span>
                {file.may_delete.then(|| view! {
                    <ActionForm action=remove>
                        <input type="hidden" name="slug" value=slug.get_value()/>
                        <input type="hidden" name="id" value=file.id.to_string()/>
                        <button type="submit" class="link small" aria-label=format!("Delete {}", file.name)>"Delete"</button>
                    </ActionForm>
                })}
            </li>
        }
    };
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(files) if files.is_empty() => ().into_any(),
                    Ok(files) => view! {
                        <section aria-labelledby="files-h" class="attachments">
                            <h2 id="files-h">"Files"</h2>
                            <ul class="list" data-testid="attachments">
                                {files.into_iter().map(row).collect_view()}
                            </ul>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <p class="error small">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Transition>
        {move || remove.value().get().and_then(|r| r.err()).map(|e| view! {
            <p class="error small" role="alert" data-testid="attachment-error">{error_text(&e)}</p>
        })}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_read_as_people_say_them() {
        assert_eq!(kind_of("image/png"), "PNG image");
        assert_eq!(kind_of("text/plain; charset=utf-8"), "Text");
        assert_eq!(kind_of("application/pdf"), "PDF");
    }
}
