//! Keyboard shortcuts: pages listen on the window, and leave keys alone while someone types.

use leptos::wasm_bindgen::JsCast;
use leptos::web_sys;

/// Whether the key went to a field (an input, a text area, a select, editable text): a
/// shortcut must not fire then.
pub fn typing(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.is_content_editable()
        })
}
