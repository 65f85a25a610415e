//! `@` and `#` in the Markdown editor: typing `@` and letters offers the org's members,
//! `#` and digits or words the org's tasks, in a listbox under the text (the ARIA combobox
//! pattern: the textarea says whether the list is expanded and which option is active).
//! Arrow keys move, Enter or Tab inserts `@[Ann Lee](user:<id>)` (a mention by id, shown
//! under the member's current name) or `#42`, Escape closes. Editors offer
//! it where members write (`mentions`); the server answers members only anyway.

use super::editor::{set_text, splice_utf16};
use crate::api::{TaskMention, mention_members, mention_tasks};
use crate::components::keys::{self, Action, Scope};
use domain::dto::UserRef;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// At most this many options are offered.
const SHOWN: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Member,
    Task,
}

/// A mention being typed: its sigil at UTF-16 offset `start`, and what follows it up to
/// the caret.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Trigger {
    kind: Kind,
    start: u32,
    text: String,
}

/// The mention the caret (a UTF-16 offset) is at the end of, if any. The sigil starts the
/// text or follows a space or bracket; a name is letters and single spaces, a task
/// reference digits or words, all on one line.
fn trigger_at(text: &str, caret: u32) -> Option<Trigger> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let before = String::from_utf16_lossy(&units[..(caret as usize).min(units.len())]);
    let (at, sigil) = before
        .char_indices()
        .rev()
        .take(41)
        .find(|(_, c)| *c == '@' || *c == '#' || *c == '\n')?;
    let kind = match sigil {
        '@' => Kind::Member,
        '#' => Kind::Task,
        _ => return None,
    };
    let preceding = before[..at].chars().next_back();
    if preceding.is_some_and(|c| !(c.is_whitespace() || "([{".contains(c))) {
        return None;
    }
    let typed = &before[at + 1..];
    let fits = match kind {
        Kind::Member => typed
            .chars()
            .all(|c| c.is_alphanumeric() || " .-_'".contains(c)),
        Kind::Task => typed.chars().all(|c| c.is_alphanumeric() || c == ' '),
    };
    if !fits || typed.starts_with(' ') || typed.contains("  ") || typed.chars().count() > 40 {
        return None;
    }
    Some(Trigger {
        kind,
        start: before[..at].encode_utf16().count() as u32,
        text: typed.to_string(),
    })
}

/// One offered option: what it shows and what it inserts.
#[derive(Clone, Debug, PartialEq)]
struct Choice {
    label: String,
    detail: String,
    insert: String,
}

/// Members whose name has a word starting with `typed` first, then those containing it.
fn member_choices(members: &[UserRef], typed: &str) -> Vec<Choice> {
    let typed = typed.trim().to_lowercase();
    let mut scored: Vec<(u8, &UserRef)> = members
        .iter()
        .filter_map(|m| {
            let name = m.name.to_lowercase();
            if name.starts_with(&typed) {
                Some((0, m))
            } else if name.split_whitespace().any(|w| w.starts_with(&typed)) {
                Some((1, m))
            } else if name.contains(&typed) {
                Some((2, m))
            } else {
                None
            }
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.name.cmp(&b.1.name)));
    scored
        .into_iter()
        .take(SHOWN)
        .map(|(_, m)| Choice {
            label: m.name.clone(),
            detail: String::new(),
            // The member by id (`docs/http-api.md`): a rename keeps the mention right.
            insert: format!(
                "@[{}](user:{})",
                m.name.replace('[', "\\[").replace(']', "\\]"),
                m.id
            ),
        })
        .collect()
}

fn task_choices(tasks: Vec<TaskMention>) -> Vec<Choice> {
    tasks
        .into_iter()
        .take(SHOWN)
        .map(|t| Choice {
            label: format!("#{}", t.number),
            detail: t.title,
            insert: format!("#{}", t.number),
        })
        .collect()
}

/// The mention state of one editor.
#[derive(Clone, Copy)]
pub(super) struct Mentions {
    area: NodeRef<html::Textarea>,
    slug: StoredValue<String>,
    list_id: StoredValue<String>,
    trigger: RwSignal<Option<Trigger>>,
    choices: RwSignal<Vec<Choice>>,
    active: RwSignal<usize>,
    /// The org's members, fetched at the first `@`.
    members: RwSignal<Option<Vec<UserRef>>>,
    /// Numbers the questions, so that a late answer does not replace a newer one.
    asked: StoredValue<u32>,
}

impl Mentions {
    pub fn new(slug: String, area: NodeRef<html::Textarea>, editor_id: &str) -> Self {
        Mentions {
            area,
            slug: StoredValue::new(slug),
            list_id: StoredValue::new(format!("{editor_id}-mentions")),
            trigger: RwSignal::new(None),
            choices: RwSignal::new(Vec::new()),
            active: RwSignal::new(0),
            members: RwSignal::new(None),
            asked: StoredValue::new(0),
        }
    }

    pub fn expanded(&self) -> bool {
        self.trigger.with(Option::is_some) && self.choices.with(|c| !c.is_empty())
    }

    pub fn list_id(&self) -> String {
        self.list_id.get_value()
    }

    pub fn active_id(&self) -> Option<String> {
        self.expanded()
            .then(|| format!("{}-{}", self.list_id.get_value(), self.active.get()))
    }

    pub fn close(&self) {
        self.trigger.set(None);
        self.choices.set(Vec::new());
    }

    /// Looks at the text before the caret after each change.
    pub fn on_input(&self) {
        let Some(el) = self.area.get_untracked() else {
            return;
        };
        let caret = el.selection_end().ok().flatten().unwrap_or(0);
        let trigger = trigger_at(&el.value(), caret);
        if trigger == self.trigger.get_untracked() {
            return;
        }
        self.trigger.set(trigger.clone());
        self.active.set(0);
        let Some(trigger) = trigger else {
            self.choices.set(Vec::new());
            return;
        };
        let asked = self.asked.get_value() + 1;
        self.asked.set_value(asked);
        let this = *self;
        let slug = self.slug.get_value();
        match trigger.kind {
            Kind::Member => {
                if let Some(all) = self.members.get_untracked() {
                    self.choices.set(member_choices(&all, &trigger.text));
                    return;
                }
                spawn_local(async move {
                    let all = mention_members(slug).await.unwrap_or_default();
                    this.members.set(Some(all.clone()));
                    if this.asked.get_value() == asked {
                        this.choices.set(member_choices(&all, &trigger.text));
                    }
                });
            }
            Kind::Task => spawn_local(async move {
                let found = mention_tasks(slug, trigger.text).await.unwrap_or_default();
                if this.asked.get_value() == asked {
                    this.choices.set(task_choices(found));
                }
            }),
        }
    }

    /// Arrow keys, Enter, Tab and Escape while the list is open.
    pub fn on_keydown(&self, ev: &leptos::ev::KeyboardEvent) {
        if !self.expanded() {
            return;
        }
        let count = self.choices.with(Vec::len);
        match keys::action(Scope::List, ev) {
            Some(Action::Next) => self.active.update(|i| *i = (*i + 1) % count),
            Some(Action::Previous) => self.active.update(|i| *i = (*i + count - 1) % count),
            Some(Action::Choose | Action::Complete) => self.insert(self.active.get_untracked()),
            // Closes the list, not the dialog the editor may be in.
            Some(Action::Close) => {
                ev.stop_propagation();
                self.close();
            }
            _ => return,
        }
        ev.prevent_default();
    }

    /// Puts option `index` in place of what was typed, with a space after it.
    fn insert(&self, index: usize) {
        let (Some(el), Some(trigger), Some(choice)) = (
            self.area.get_untracked(),
            self.trigger.get_untracked(),
            self.choices.with_untracked(|c| c.get(index).cloned()),
        ) else {
            return;
        };
        let caret = el.selection_end().ok().flatten().unwrap_or(trigger.start);
        let (text, cursor) = splice_utf16(
            &el.value(),
            trigger.start,
            caret,
            &format!("{} ", choice.insert),
        );
        self.close();
        set_text(&el, &text);
        let _ = el.set_selection_range(cursor, cursor);
        // The text changed under the caret: no new list for what was just inserted.
        self.trigger.set(None);
    }
}

/// The listbox of an editor's mentions, under its textarea.
#[component]
pub(super) fn MentionList(mentions: Mentions) -> impl IntoView {
    let m = mentions;
    view! {
        <Show when=move || m.expanded()>
            <ul id=m.list_id() class="mention-list" role="listbox" aria-label="Suggestions" data-testid="mention-list">
                {move || m.choices.get().into_iter().enumerate().map(|(i, c)| view! {
                    <li id=format!("{}-{i}", m.list_id()) role="option" class="mention-option"
                        aria-selected=move || (m.active.get() == i).to_string()
                        on:mousedown=move |ev| { ev.prevent_default(); m.insert(i); }>
                        <span class="mention-label">{c.label}</span>
                        {(!c.detail.is_empty()).then(|| view! { <span class="muted small">" "{c.detail}</span> })}
                    </li>
                }).collect_view()}
            </ul>
        </Show>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_end(text: &str) -> Option<(Kind, String)> {
        trigger_at(text, text.encode_utf16().count() as u32).map(|t| (t.kind, t.text))
    }

    #[test]
    fn a_sigil_after_a_space_starts_a_mention() {
        assert_eq!(at_end("Hi @an"), Some((Kind::Member, "an".into())));
        assert_eq!(at_end("@"), Some((Kind::Member, "".into())));
        assert_eq!(at_end("see #4"), Some((Kind::Task, "4".into())));
        assert_eq!(
            at_end("(#login bug"),
            Some((Kind::Task, "login bug".into()))
        );
        assert_eq!(
            at_end("Hi @Ann Lee"),
            Some((Kind::Member, "Ann Lee".into()))
        );
    }

    #[test]
    fn mail_addresses_headings_and_finished_lines_are_not_mentions() {
        assert_eq!(at_end("ann@example"), None);
        assert_eq!(at_end("a#4"), None);
        assert_eq!(at_end("@ann\nnext"), None);
        assert_eq!(at_end("@ ann"), None);
        assert_eq!(at_end("#4, and"), None);
    }

    #[test]
    fn the_caret_counts_in_utf16_and_the_start_points_at_the_sigil() {
        let t = trigger_at("😀 @bo and", 6).unwrap();
        assert_eq!((t.start, t.text.as_str()), (3, "bo"));
    }

    #[test]
    fn members_starting_with_the_text_come_first() {
        let people: Vec<UserRef> = ["Bob Annan", "Ann Lee", "Joanne"]
            .iter()
            .map(|n| UserRef {
                id: domain::UserId(uuid::Uuid::nil()),
                name: n.to_string(),
            })
            .collect();
        let names: Vec<_> = member_choices(&people, "ann")
            .into_iter()
            .map(|c| c.insert)
            .collect();
        let nil = uuid::Uuid::nil();
        assert_eq!(
            names,
            [
                format!("@[Ann Lee](user:{nil})"),
                format!("@[Bob Annan](user:{nil})"),
                format!("@[Joanne](user:{nil})"),
            ]
        );
    }
}
