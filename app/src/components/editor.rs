//! The Markdown editor: a labelled textarea that takes files. Pasting or dropping a file,
//! or choosing one with "Attach file", uploads it into the org (with progress) and puts a
//! link to it at the cursor: `![name](url)` for images, `[name](url)` for anything else.
//! Saving the text attaches the linked files to the task or comment. Without JavaScript it
//! is a plain textarea in its form.

use super::upload::{files_of, send};
use domain::dto::FileInfo;
use leptos::html;
use leptos::prelude::*;

/// An upload under way, for the status line.
#[derive(Clone, Debug, PartialEq)]
struct Pending {
    key: u32,
    name: String,
    percent: u32,
}

/// Brackets would end the link text early.
fn link_text(name: &str) -> String {
    name.replace(['[', ']'], "")
}

/// What stands in the text while a file uploads; unique per upload.
fn stand_in_for(key: u32, name: &str) -> String {
    format!("![Uploading {}… #{key}]()", link_text(name))
}

/// The link the text gets for an uploaded file.
fn markdown_link(file: &FileInfo) -> String {
    let bang = if file.content_type.starts_with("image/") {
        "!"
    } else {
        ""
    };
    format!("{bang}[{}]({})", link_text(&file.name), file.url)
}

/// `text` with `insert` put at the UTF-16 offsets `start..end` (a textarea's selection),
/// and the UTF-16 offset just after it.
pub(super) fn splice_utf16(text: &str, start: u32, end: u32, insert: &str) -> (String, u32) {
    let units: Vec<u16> = text.encode_utf16().collect();
    let end = (end as usize).min(units.len());
    let start = (start as usize).min(end);
    let inserted: Vec<u16> = insert.encode_utf16().collect();
    let mut out = Vec::with_capacity(units.len() + inserted.len());
    out.extend_from_slice(&units[..start]);
    out.extend_from_slice(&inserted);
    out.extend_from_slice(&units[end..]);
    (
        String::from_utf16_lossy(&out),
        (start + inserted.len()) as u32,
    )
}

/// Sets the textarea's text and tells its listeners (a bound signal) with an `input` event.
pub(super) fn set_text(area: &web_sys::HtmlTextAreaElement, text: &str) {
    area.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    if let Ok(ev) = web_sys::Event::new_with_event_init_dict("input", &init) {
        let _ = area.dispatch_event(&ev);
    }
}

/// A Markdown textarea that uploads pasted, dropped and attached files into the org `slug`.
#[component]
pub fn MarkdownEditor(
    /// The textarea's id; the label points at it.
    #[prop(into)]
    id: String,
    #[prop(into)] label: String,
    /// Show the label to screen readers only.
    #[prop(optional)]
    hide_label: bool,
    /// The org the files go to.
    #[prop(into)]
    slug: String,
    /// Whether what is being written is public (a public task's description, a public
    /// comment): its files are then public too, private otherwise.
    #[prop(into)]
    public: Signal<bool>,
    /// The form field's name, for forms that post without JavaScript.
    #[prop(optional, into)]
    name: Option<String>,
    /// The text, when the form is handled in code; otherwise the textarea keeps its own.
    #[prop(optional)]
    value: Option<RwSignal<String>>,
    #[prop(default = 5)] rows: u32,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] placeholder: Option<String>,
    /// `data-testid` of the textarea.
    #[prop(optional, into)]
    testid: Option<String>,
    /// Offer the org's members after `@` and its tasks after `#` (for members writing).
    #[prop(optional)]
    mentions: bool,
) -> impl IntoView {
    let text = value.unwrap_or_else(|| RwSignal::new(String::new()));
    let area = NodeRef::<html::Textarea>::new();
    let pending = RwSignal::new(Vec::<Pending>::new());
    let done = RwSignal::new(None::<String>);
    let errors = RwSignal::new(Vec::<String>::new());
    let next_key = StoredValue::new(0u32);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    // While a file uploads its link is not in the text yet: the form may not be sent.
    Effect::new(move |_| {
        let busy = !pending.with(Vec::is_empty);
        if let Some(el) = area.get() {
            el.set_custom_validity(if busy {
                "Wait until the upload has finished."
            } else {
                ""
            });
        }
    });
    let endpoint = StoredValue::new(format!("/api/v1/orgs/{slug}/files"));
    let file_input_id = format!("{id}-attach");
    let offer = mentions;
    let mentions = super::mention::Mentions::new(slug.clone(), area, &id);

    let upload = move |file: web_sys::File| {
        let Some(el) = area.get_untracked() else {
            return;
        };
        let key = next_key.get_value() + 1;
        next_key.set_value(key);
        let name = file.name();
        let stand_in = stand_in_for(key, &name);
        let value = el.value();
        let len = value.encode_utf16().count() as u32;
        let start = el.selection_start().ok().flatten().unwrap_or(len);
        let end = el.selection_end().ok().flatten().unwrap_or(start);
        let (with_stand_in, cursor) = splice_utf16(&value, start, end, &stand_in);
        set_text(&el, &with_stand_in);
        let _ = el.set_selection_range(cursor, cursor);
        pending.update(|p| {
            p.push(Pending {
                key,
                name: name.clone(),
                percent: 0,
            })
        });
        done.set(None);
        let visibility = if public.get_untracked() {
            "public"
        } else {
            "private"
        };
        let replace = move |with: &str| {
            if let Some(el) = area.get_untracked() {
                let now = el.value();
                if now.contains(&stand_in) {
                    set_text(&el, &now.replacen(&stand_in, with, 1));
                } else if !with.is_empty() {
                    // The stand-in was edited away: the link goes at the end.
                    let sep = if now.is_empty() || now.ends_with('\n') {
                        ""
                    } else {
                        "\n"
                    };
                    set_text(&el, &format!("{now}{sep}{with}"));
                }
            }
        };
        send(
            "POST",
            &endpoint.get_value(),
            &file,
            Some(visibility),
            move |percent| {
                pending.update(|p| {
                    if let Some(x) = p.iter_mut().find(|x| x.key == key) {
                        x.percent = percent;
                    }
                })
            },
            move |outcome| {
                pending.update(|p| p.retain(|x| x.key != key));
                match outcome.and_then(|body| {
                    serde_json::from_value::<FileInfo>(body)
                        .map_err(|_| "the server's answer was not understood".to_string())
                }) {
                    Ok(file) => {
                        replace(&markdown_link(&file));
                        done.set(Some(format!("Uploaded {}", file.name)));
                    }
                    Err(message) => {
                        replace("");
                        errors.update(|e| e.push(format!("{name}: {message}")));
                    }
                }
            },
        );
    };
    let upload_all = move |files: Vec<web_sys::File>| {
        errors.set(Vec::new());
        for file in files {
            upload(file);
        }
    };

    let on_paste = move |ev: leptos::ev::ClipboardEvent| {
        let files = files_of(ev.clipboard_data().and_then(|d| d.files()));
        if !files.is_empty() {
            ev.prevent_default();
            upload_all(files);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        let files = files_of(ev.data_transfer().and_then(|d| d.files()));
        if !files.is_empty() {
            ev.prevent_default();
            if let Some(el) = area.get_untracked() {
                let _ = el.focus();
            }
            upload_all(files);
        }
    };
    let on_choose = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let files = files_of(input.files());
        input.set_value("");
        upload_all(files);
    };

    view! {
        <div class="editor" data-uploading=move || (!pending.with(Vec::is_empty)).to_string()>
            <label for=id.clone() class=if hide_label { "sr-only" } else { "editor-label" }>{label}</label>
            <textarea id=id node_ref=area name=name rows=rows required=required placeholder=placeholder
                data-testid=testid bind:value=text
                // A textarea takes no combobox role, so no aria-expanded: the suggestions it
                // controls are named while they are open.
                aria-autocomplete=offer.then_some("list")
                aria-controls=move || mentions.expanded().then(|| mentions.list_id())
                aria-activedescendant=move || mentions.active_id()
                on:input=move |_| if offer { mentions.on_input() } on:click=move |_| if offer { mentions.on_input() }
                on:keydown=move |ev| mentions.on_keydown(&ev) on:blur=move |_| mentions.close()
                on:paste=on_paste on:drop=on_drop on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default()></textarea>
            <super::mention::MentionList mentions/>
            <Show when=move || hydrated.get()>
                <div class="row small editor-tools">
                    <label class="link" for=file_input_id.clone()>"Attach file"</label>
                    <input id=file_input_id.clone() class="sr-only" type="file" multiple on:change=on_choose data-testid="attach-input"/>
                    <span class="muted">"or paste or drop files"</span>
                </div>
            </Show>
            <p class="small upload-status" role="status" data-testid="upload-status">
                {move || pending.get().into_iter().map(|p| view! {
                    <span class="muted">{format!("Uploading {}… {}%", p.name, p.percent)}</span>
                }).collect_view()}
                {move || pending.with(Vec::is_empty).then(|| done.get()).flatten()}
            </p>
            {move || errors.get().into_iter().map(|m| view! {
                <p class="error small" role="alert" data-testid="upload-error">{m}</p>
            }).collect_view()}
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::dto::Visibility;

    #[test]
    fn links_go_at_the_selection_counted_in_utf16() {
        assert_eq!(splice_utf16("ab", 1, 1, "X"), ("aXb".into(), 2));
        assert_eq!(splice_utf16("héllo", 0, 5, "Y"), ("Y".into(), 1));
        // 😀 is two UTF-16 units.
        assert_eq!(splice_utf16("😀z", 2, 2, "!"), ("😀!z".into(), 3));
        assert_eq!(splice_utf16("abc", 9, 12, "?"), ("abc?".into(), 4));
    }

    #[test]
    fn images_are_embedded_and_other_files_linked() {
        let mut file = FileInfo {
            id: uuid::Uuid::nil(),
            url: "/files/x/shot%20[1].png".into(),
            name: "shot [1].png".into(),
            content_type: "image/png".into(),
            size: 10,
            visibility: Visibility::Private,
        };
        assert_eq!(
            markdown_link(&file),
            "![shot 1.png](/files/x/shot%20[1].png)"
        );
        file.content_type = "application/pdf".into();
        file.name = "plan.pdf".into();
        assert!(markdown_link(&file).starts_with("[plan.pdf]("));
        assert_ne!(stand_in_for(1, "a.png"), stand_in_for(2, "a.png"));
    }
}
