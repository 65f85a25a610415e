//! Display choices this browser remembers (a collapsed sidebar, compact lists): each is a
//! checkbox that CSS reads, so it works without JavaScript for the page it is on, and a
//! cookie that the server reads too, so the next page renders (and hydrates) the same way.

use leptos::prelude::*;

/// One remembered choice: its cookie, and the values for on and off.
#[derive(Clone, Copy, Debug)]
pub struct Pref {
    cookie: &'static str,
    on: &'static str,
    off: &'static str,
}

/// The sidebar is folded to its icons.
pub const SIDEBAR_COLLAPSED: Pref = Pref {
    cookie: "sayr_sidebar",
    on: "collapsed",
    off: "open",
};

/// Boards and lists show more tasks a screen, with less room around each.
pub const COMPACT: Pref = Pref {
    cookie: "sayr_density",
    on: "compact",
    off: "comfortable",
};

impl Pref {
    /// Whether this browser chose it, read the same way on the server and in the browser.
    pub fn get(self) -> bool {
        let cookies: Option<String> = {
            #[cfg(feature = "ssr")]
            {
                use_context::<http::request::Parts>().and_then(|p| {
                    p.headers
                        .get(http::header::COOKIE)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string)
                })
            }
            #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
            {
                use leptos::wasm_bindgen::JsCast;
                document()
                    .dyn_into::<leptos::web_sys::HtmlDocument>()
                    .ok()
                    .and_then(|d| d.cookie().ok())
            }
            #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
            {
                None
            }
        };
        let wanted = format!("{}={}", self.cookie, self.on);
        cookies.is_some_and(|c| c.split(';').any(|kv| kv.trim() == wanted))
    }

    /// Remembers the choice for a year (in the browser; the server only reads it).
    pub fn set(self, on: bool) {
        let value = if on { self.on } else { self.off };
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            if let Ok(d) = document().dyn_into::<leptos::web_sys::HtmlDocument>() {
                let _ = d.set_cookie(&format!(
                    "{}={value}; path=/; max-age=31536000; samesite=lax",
                    self.cookie
                ));
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = value;
    }
}
