//! Sending a file from the browser, with progress: XMLHttpRequest, because `fetch` reports
//! no upload progress. The session cookie signs the request in and, being same-origin, it
//! passes the server's Origin check. Also the image picker of logos, banners and avatars.

use leptos::prelude::*;

/// What an upload answered: its JSON on success, the server's message otherwise.
pub type Outcome = Result<serde_json::Value, String>;

/// The contract's `{"error": {"message"}}`, or a sentence for the status.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub fn error_message(status: u16, body: &str) -> String {
    let from_server = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_string));
    match (from_server, status) {
        (Some(message), _) => message,
        (None, 413) => "the file is too large".into(),
        (None, 415) => "this type of file is not accepted".into(),
        (None, 401) => "sign in to upload".into(),
        (None, 0) => "the upload failed: no connection to the server".into(),
        (None, status) => format!("the upload failed ({status})"),
    }
}

/// `1.2 MiB`, `340 KiB`, `12 bytes`.
pub fn human_size(bytes: i64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KIB * KIB {
        format!("{:.1} MiB", b / (KIB * KIB))
    } else if b >= KIB {
        format!("{:.0} KiB", b / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Sends `file` as the multipart field `file` (and `visibility`, when given) to `url`;
/// `on_progress` hears whole percents of the upload, `on_done` the outcome once.
#[cfg(feature = "hydrate")]
pub fn send(
    method: &str,
    url: &str,
    file: &web_sys::File,
    visibility: Option<&str>,
    on_progress: impl Fn(u32) + 'static,
    on_done: impl FnOnce(Outcome) + 'static,
) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    let setup =
        || -> Result<(web_sys::XmlHttpRequest, web_sys::FormData), wasm_bindgen::JsValue> {
            let form = web_sys::FormData::new()?;
            form.append_with_blob_and_filename("file", file, &file.name())?;
            if let Some(v) = visibility {
                form.append_with_str("visibility", v)?;
            }
            let xhr = web_sys::XmlHttpRequest::new()?;
            xhr.open_with_async(method, url, true)?;
            xhr.set_request_header("accept", "application/json")?;
            Ok((xhr, form))
        };
    let (xhr, form) = match setup() {
        Ok(ready) => ready,
        Err(_) => return on_done(Err("this browser cannot upload files here".into())),
    };
    let progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
            if ev.length_computable() && ev.total() > 0.0 {
                on_progress((ev.loaded() / ev.total() * 100.0).floor().min(100.0) as u32);
            }
        });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    let answered = xhr.clone();
    // Called once; it frees itself, and with it the progress listener it holds.
    let loadend = Closure::once_into_js(move || {
        let _progress = progress;
        let status = answered.status().unwrap_or(0);
        let body = answered.response_text().ok().flatten().unwrap_or_default();
        on_done(if (200..300).contains(&status) {
            serde_json::from_str(&body).map_err(|_| "the server's answer was not understood".into())
        } else {
            Err(error_message(status, &body))
        });
    });
    xhr.set_onloadend(Some(loadend.unchecked_ref()));
    let _ = xhr.send_with_opt_form_data(Some(&form));
}

/// On the server there is nothing to send (the handlers calling this run in the browser).
#[cfg(not(feature = "hydrate"))]
pub fn send(
    _method: &str,
    _url: &str,
    _file: &web_sys::File,
    _visibility: Option<&str>,
    _on_progress: impl Fn(u32) + 'static,
    on_done: impl FnOnce(Outcome) + 'static,
) {
    on_done(Err("uploads need JavaScript".into()));
}

/// The files of a `FileList` (a file input's, a paste's or a drop's).
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}

/// Shows an image (a logo, banner or avatar) and replaces it: choosing a file sends it with
/// PUT to `endpoint`, which answers `{url}`; the preview follows. Needs JavaScript (an HTML
/// form cannot PUT); without it the current image is still shown.
#[component]
pub fn ImagePicker(
    /// What the image is ("Logo").
    #[prop(into)]
    label: String,
    /// `PUT` target: `/api/v1/orgs/<slug>/logo`, `/api/v1/me/avatar` …
    #[prop(into)]
    endpoint: String,
    /// Where the current image is served, if there is one.
    current: Option<String>,
    /// `data-testid` of the section.
    #[prop(into)]
    testid: String,
    /// The preview's class (`logo`, `banner`, `avatar`).
    #[prop(into)]
    kind: String,
) -> impl IntoView {
    let url = RwSignal::new(current);
    // Set once hydrated: before that, choosing a file would do nothing.
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    let progress = RwSignal::new(None::<u32>);
    let error = RwSignal::new(None::<String>);
    let input_id = format!("{testid}-input");
    let endpoint = StoredValue::new(endpoint);
    let choose = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = files_of(input.files()).into_iter().next() else {
            return;
        };
        error.set(None);
        progress.set(Some(0));
        send(
            "PUT",
            &endpoint.get_value(),
            &file,
            None,
            move |pct| progress.set(Some(pct)),
            move |outcome| {
                progress.set(None);
                match outcome {
                    Ok(body) => url.set(body["url"].as_str().map(str::to_string)),
                    Err(message) => error.set(Some(message)),
                }
            },
        );
        // The same file may be chosen again after an error.
        input.set_value("");
    };
    let alt = format!("{label} (current)");
    view! {
        <div class="image-picker" data-testid=testid data-ready=move || ready.get().to_string()>
            <span class="picker-label">{label.clone()}</span>
            {move || match url.get() {
                Some(src) => view! { <img class=format!("preview preview-{kind}") src=src alt=alt.clone() data-testid="preview"/> }.into_any(),
                None => view! { <span class=format!("preview preview-{kind} preview-none") data-testid="preview-empty">"None"</span> }.into_any(),
            }}
            // Choosing needs JavaScript: offered once the page runs it.
            <Show when=move || ready.get()>
                <label class="button" for=input_id.clone()>"Choose an image…"</label>
                <input id=input_id.clone() class="sr-only" type="file" accept="image/png,image/jpeg,image/gif,image/webp" on:change=choose/>
            </Show>
            {move || progress.get().map(|p| view! { <span class="muted small" role="status">{format!("Uploading… {p}%")}</span> })}
            {move || error.get().map(|m| view! { <span class="error small" role="alert" data-testid="picker-error">{m}</span> })}
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_message_is_shown_and_statuses_explain_themselves() {
        let body = r#"{"error":{"code":"too_large","message":"images may be at most 10 MiB"}}"#;
        assert_eq!(error_message(413, body), "images may be at most 10 MiB");
        assert_eq!(
            error_message(415, "nope"),
            "this type of file is not accepted"
        );
        assert_eq!(error_message(502, ""), "the upload failed (502)");
    }

    #[test]
    fn sizes_read_in_the_largest_unit() {
        assert_eq!(human_size(12), "12 bytes");
        assert_eq!(human_size(340 * 1024), "340 KiB");
        assert_eq!(human_size(3 * 1024 * 1024 / 2), "1.5 MiB");
    }
}
