//! The browser entry point: hydrate the server-rendered page.

// The app's whole view type is laid out here (hydrate_lazy's future).
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy: each route's view is its own WASM chunk (see app/src/routes.rs).
    leptos::mount::hydrate_lazy(app::App);
}
