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

/// Where a shortcut works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every page of a signed-in member.
    Anywhere,
    /// The board and list of an org (not while a task is open over it).
    Board,
    /// A task's page, for someone who may edit it.
    Task,
    Inbox,
    /// An org's public page.
    Portal,
    /// The list of a command palette or of `@` mentions, while it is open.
    List,
}

impl Scope {
    pub fn label(self) -> &'static str {
        match self {
            Scope::Anywhere => "Anywhere",
            Scope::Board => "Board and list",
            Scope::Task => "A task",
            Scope::Inbox => "Inbox",
            Scope::Portal => "Public page",
            Scope::List => "Command palette and @-mention lists",
        }
    }
}

/// The modifier a shortcut needs; without one, it fires only with none held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Modifier {
    None,
    Alt,
    /// Ctrl, or ⌘ on a Mac.
    CtrlOrMeta,
}

/// What a shortcut does: the pages act on these, never on keys of their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    OpenPalette,
    ShowShortcuts,
    NewTask,
    Search,
    Filter,
    ClearSelection,
    Next,
    Previous,
    MoveUp,
    MoveDown,
    AddSubtask,
    SetParent,
    AddRelation,
    Archive,
    Open,
    Choose,
    Complete,
    Close,
}

/// One row of the table.
pub struct Shortcut {
    pub scope: Scope,
    pub modifier: Modifier,
    /// `KeyboardEvent.key` values, any of which does it.
    pub keys: &'static [&'static str],
    pub action: Action,
    /// What it does, for the shortcut sheet and the guide.
    pub does: &'static str,
}

impl Shortcut {
    /// How to press it, one string per key that does it: `Alt + ↑`, `Ctrl/⌘ + K`.
    pub fn display(&self) -> Vec<String> {
        self.keys
            .iter()
            .map(|key| {
                let key = match *key {
                    "ArrowUp" => "↑",
                    "ArrowDown" => "↓",
                    "ArrowLeft" => "←",
                    "ArrowRight" => "→",
                    "Escape" => "Esc",
                    k => k,
                };
                match self.modifier {
                    Modifier::None => key.to_string(),
                    Modifier::Alt => format!("Alt + {key}"),
                    Modifier::CtrlOrMeta => format!("Ctrl/⌘ + {}", key.to_uppercase()),
                }
            })
            .collect()
    }
}

macro_rules! shortcuts {
    ($($scope:ident $modifier:ident [$($key:literal),+] $action:ident $does:literal;)+) => {
        /// Every keyboard shortcut of the app. The guide's table is made from this one.
        pub const SHORTCUTS: &[Shortcut] = &[$(Shortcut {
            scope: Scope::$scope,
            modifier: Modifier::$modifier,
            keys: &[$($key),+],
            action: Action::$action,
            does: $does,
        }),+];
    };
}

shortcuts! {
    Anywhere CtrlOrMeta ["k"] OpenPalette "Open the command palette.";
    Anywhere None ["?"] ShowShortcuts "Show the keyboard shortcuts.";
    Board None ["c"] NewTask "Create a task (with the permission to).";
    Board None ["/"] Search "Search the tasks.";
    Board None ["f"] Filter "Add a filter.";
    Board None ["Escape"] ClearSelection "Clear the selection.";
    Board None ["ArrowDown", "ArrowRight"] Next "Go to the next task (from a task's title).";
    Board None ["ArrowUp", "ArrowLeft"] Previous "Go to the previous task.";
    Board Alt ["ArrowUp"] MoveUp "Move the task up its column (from its title).";
    Board Alt ["ArrowDown"] MoveDown "Move the task down its column.";
    Task None ["s"] AddSubtask "Add a subtask.";
    Task None ["p"] SetParent "Set the parent task.";
    Task None ["r"] AddRelation "Add a relation.";
    Inbox None ["j", "ArrowDown"] Next "Select the next notification.";
    Inbox None ["k", "ArrowUp"] Previous "Select the previous notification.";
    Inbox None ["e"] Archive "Archive the selected notification.";
    Inbox None ["Enter"] Open "Open the selected notification's task.";
    Portal None ["/"] Search "Search the public tasks.";
    List None ["ArrowDown"] Next "Highlight the next choice.";
    List None ["ArrowUp"] Previous "Highlight the previous choice.";
    List None ["Enter"] Choose "Take the highlighted choice.";
    List None ["Tab"] Complete "Take the highlighted person (in an @-mention list).";
    List None ["Escape"] Close "Close the list.";
}

/// The action the table gives the pressed key in `scope`, if any: the key must be one of
/// the row's and the modifiers held exactly the row's.
pub fn action(scope: Scope, ev: &web_sys::KeyboardEvent) -> Option<Action> {
    let key = ev.key();
    let ctrl_or_meta = ev.ctrl_key() || ev.meta_key();
    let alt = ev.alt_key();
    SHORTCUTS
        .iter()
        .find(|s| {
            s.scope == scope
                && match s.modifier {
                    Modifier::None => !ctrl_or_meta && !alt,
                    Modifier::Alt => alt && !ctrl_or_meta,
                    Modifier::CtrlOrMeta => ctrl_or_meta && !alt,
                }
                && s.keys.iter().any(|k| {
                    *k == key
                        || (s.modifier == Modifier::CtrlOrMeta && k.eq_ignore_ascii_case(&key))
                })
        })
        .map(|s| s.action)
}
