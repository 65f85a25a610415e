//! Icons: one consistent set (Lucide, vendored in `app/icons/`), drawn from a sprite that
//! the server writes once per page (see `app/build.rs`).

use domain::dto::{TaskPriority, TaskStatus};
use leptos::prelude::*;

include!(concat!(env!("OUT_DIR"), "/icons.rs"));

/// An icon beside words that say what it means: hidden from assistive technology.
#[component]
pub fn Glyph(icon: Icon, #[prop(optional)] class: &'static str) -> impl IntoView {
    let class = if class.is_empty() {
        "icon".to_string()
    } else {
        format!("icon {class}")
    };
    view! {
        <svg class=class aria-hidden="true" focusable="false"><use href=icon.href()/></svg>
    }
}

impl Icon {
    /// The icon of a status, the way Linear and Plane draw them: a dashed ring for the
    /// backlog, a ring, a dot in a ring, a tick, a cross.
    pub fn of_status(status: TaskStatus) -> Self {
        match status {
            TaskStatus::Backlog => Icon::CircleDashed,
            TaskStatus::Todo => Icon::Circle,
            TaskStatus::InProgress => Icon::CircleDot,
            TaskStatus::Done => Icon::CircleCheck,
            TaskStatus::Canceled => Icon::CircleX,
        }
    }

    /// The icon of a priority: bars that fill up, an alert for urgent.
    pub fn of_priority(priority: TaskPriority) -> Self {
        match priority {
            TaskPriority::None => Icon::Minus,
            TaskPriority::Low => Icon::SignalLow,
            TaskPriority::Medium => Icon::SignalMedium,
            TaskPriority::High => Icon::SignalHigh,
            TaskPriority::Urgent => Icon::CircleAlert,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_icon_a_page_names_is_in_the_sprite() {
        for icon in [
            Icon::Inbox,
            Icon::SquareKanban,
            Icon::CircleDashed,
            Icon::Building2,
        ] {
            let id = icon.href().trim_start_matches('#');
            assert!(
                SPRITE.contains(&format!(r#"<symbol id="{id}" viewBox="0 0 24 24">"#)),
                "{id} is drawn"
            );
        }
        assert!(
            !SPRITE.contains("<!--"),
            "the licence comments stay in app/icons"
        );
        assert!(
            !SPRITE.contains("class=\"lucide"),
            "only the drawing is kept"
        );
    }
}
