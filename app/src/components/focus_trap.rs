//! Tab and Shift+Tab stay inside the open modal dialog, wrapping from its last control to its
//! first and back (the WAI-ARIA Authoring Practices' dialog pattern). A native modal dialog
//! makes the page behind it inert, but lets focus leave for the browser's own controls (or,
//! headless, the document) after its last control; this closes that gap for every dialog
//! at once. Focus goes back to what opened a dialog when it closes: the browser does that.

/// Listens for Tab on the whole page, for the page's lifetime (the browser only).
pub fn install() {
    #[cfg(feature = "hydrate")]
    {
        let handle = leptos::prelude::window_event_listener(leptos::ev::keydown, browser::on_key);
        // The app lives as long as the page: the listener too.
        std::mem::forget(handle);
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::document;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{Element, HtmlElement, KeyboardEvent};

    /// What Tab can reach.
    const TABBABLE: &str = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), \
        select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";

    pub(super) fn on_key(ev: KeyboardEvent) {
        if ev.key() != "Tab"
            || ev.default_prevented()
            || ev.alt_key()
            || ev.ctrl_key()
            || ev.meta_key()
        {
            return;
        }
        // The topmost modal dialog is the last one opened.
        let Some(dialog) = document()
            .query_selector_all("dialog:modal")
            .ok()
            .and_then(|list| list.item(list.length().checked_sub(1)?))
            .and_then(|n| n.dyn_into::<Element>().ok())
        else {
            return;
        };
        let Ok(nodes) = dialog.query_selector_all(TABBABLE) else {
            return;
        };
        let tabbable: Vec<HtmlElement> = (0..nodes.length())
            .filter_map(|i| nodes.item(i)?.dyn_into::<HtmlElement>().ok())
            // Drawn, so reachable: not inside something hidden.
            .filter(|el| el.get_client_rects().length() > 0)
            .collect();
        let (Some(first), Some(last)) = (tabbable.first(), tabbable.last()) else {
            return;
        };
        let active = document().active_element();
        let inside = active.as_ref().is_some_and(|a| dialog.contains(Some(a)));
        let at = |el: &HtmlElement| {
            active
                .as_ref()
                .is_some_and(|a| a == el.unchecked_ref::<Element>())
        };
        let target = if ev.shift_key() {
            (!inside || at(first)).then_some(last)
        } else {
            (!inside || at(last)).then_some(first)
        };
        if let Some(target) = target {
            ev.prevent_default();
            let _ = target.focus();
        }
    }
}
