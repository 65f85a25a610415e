//! The shortcut sheet: `?` anywhere (or the sidebar's hint) shows every keyboard shortcut,
//! from the same table the pages act on and the guide prints.

use super::Palette;
use super::keys::{self, Action, SHORTCUTS, Scope};
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn ShortcutSheet() -> impl IntoView {
    let palette = expect_context::<Palette>();
    let dialog = NodeRef::<html::Dialog>::new();
    let open = move || {
        if let Some(d) = dialog.get_untracked()
            && !d.open()
        {
            let _ = d.show_modal();
        }
    };
    let _keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if !keys::typing(&ev) && keys::action(Scope::Anywhere, &ev) == Some(Action::ShowShortcuts) {
            ev.prevent_default();
            open();
        }
    });
    super::palette::open_when_bumped(palette.open_sheet, open);
    let scopes = [
        Scope::Anywhere,
        Scope::Board,
        Scope::Task,
        Scope::Inbox,
        Scope::Portal,
        Scope::List,
    ];
    view! {
        <dialog node_ref=dialog class="dialog shortcut-sheet" aria-labelledby="shortcut-sheet-title" data-testid="shortcut-sheet">
            <div class="row spread">
                <h2 id="shortcut-sheet-title">"Keyboard shortcuts"</h2>
                <form method="dialog"><button class="button" aria-label="Close">"Close"</button></form>
            </div>
            {scopes.into_iter().map(|scope| view! {
                <h3>{scope.label()}</h3>
                <dl class="shortcuts">
                    {SHORTCUTS.iter().filter(|s| s.scope == scope).map(|s| view! {
                        <div>
                            <dt>{s.display().into_iter().map(|k| view! { <kbd>{k}</kbd> }).collect_view()}</dt>
                            <dd>{s.does}</dd>
                        </div>
                    }).collect_view()}
                </dl>
            }).collect_view()}
        </dialog>
    }
}
