//! A task's activity: its history and comments in one stream by time, replies, reactions,
//! and the comment form.

use super::history::EditHistory;
use super::when;
use crate::api::{AddComment, BlockUser, DeleteComment, React, SetCommentVisibility};
use crate::components::MarkdownEditor;
use crate::components::text::error_text;
use domain::dto::{Comment, CommentVisibility, TimelineEntry};
use leptos::prelude::*;

/// One thing in the activity stream.
#[derive(Clone, Debug, PartialEq)]
enum Activity {
    Entry(TimelineEntry),
    Comment(Comment, Vec<Comment>),
}

impl Activity {
    /// Changes when what is shown changes (edits, reactions, replies).
    fn key(&self) -> String {
        match self {
            Activity::Entry(e) => e.id.to_string(),
            Activity::Comment(c, replies) => format!(
                "{}:{}:{:?}:{}",
                c.id,
                c.updated_at.timestamp_millis(),
                c.reactions
                    .iter()
                    .map(|r| (r.count, r.reacted))
                    .collect::<Vec<_>>(),
                replies
                    .iter()
                    .map(|r| format!(
                        "{}{:?}",
                        r.id,
                        r.reactions.iter().map(|x| x.count).collect::<Vec<_>>()
                    ))
                    .collect::<String>()
            ),
        }
    }

    fn at(&self) -> chrono::DateTime<chrono::Utc> {
        match self {
            Activity::Entry(e) => e.created_at,
            Activity::Comment(c, _) => c.created_at,
        }
    }
}

/// History and top-level comments by time, each comment with its replies.
fn stream(timeline: &[TimelineEntry], comments: &[Comment]) -> Vec<Activity> {
    let mut items: Vec<Activity> = timeline
        .iter()
        // Comments show themselves; their timeline entries would repeat them.
        .filter(|e| !e.kind.starts_with("comment"))
        .cloned()
        .map(Activity::Entry)
        .collect();
    for c in comments.iter().filter(|c| c.parent_id.is_none()) {
        let replies = comments
            .iter()
            .filter(|r| r.parent_id == Some(c.id))
            .cloned()
            .collect();
        items.push(Activity::Comment(c.clone(), replies));
    }
    items.sort_by_key(Activity::at);
    items
}

fn describe(entry: &TimelineEntry) -> String {
    let value = |v: &Option<serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => "none".into(),
        Some(other) => other.to_string(),
    };
    match entry.kind.as_str() {
        "created" => "created the task".into(),
        "status_change" => format!(
            "changed status from {} to {}",
            value(&entry.from),
            value(&entry.to)
        ),
        "priority_change" => format!(
            "changed priority from {} to {}",
            value(&entry.from),
            value(&entry.to)
        ),
        "visibility_change" => format!("made it {}", value(&entry.to)),
        // `#N` in another task's description or comment.
        "mentioned" => match entry.to.as_ref().and_then(|t| t.get("number")) {
            Some(n) => format!("mentioned this task in #{n}"),
            None => "mentioned this task".into(),
        },
        "github" => describe_github(entry.to.as_ref().unwrap_or(&serde_json::Value::Null)),
        kind => kind.replace('_', " "),
    }
}

/// What GitHub did, from a `github` entry's value (`action`, `repository`, `number` or
/// `sha`, `title`, `url`, `by`, `closes`).
fn describe_github(v: &serde_json::Value) -> String {
    let text = |key: &str| v.get(key).and_then(|x| x.as_str()).unwrap_or_default();
    let issue = format!(
        "{}#{}",
        text("repository"),
        v.get("number").and_then(|n| n.as_i64()).unwrap_or_default()
    );
    let titled = |what: String| match text("title") {
        "" => what,
        title => format!("{what}: {title}"),
    };
    let fixes = if v.get("closes").and_then(|c| c.as_bool()) == Some(true) {
        " (closes this task)"
    } else {
        ""
    };
    match text("action") {
        "issue_opened" => format!("opened issue {issue} on GitHub"),
        "issue_created" => format!("opened issue {issue} for this task"),
        "issue_edited" => format!("edited issue {issue} on GitHub"),
        "issue_closed" => format!("closed issue {issue} on GitHub"),
        "issue_reopened" => format!("reopened issue {issue} on GitHub"),
        "issue_deleted" => format!("deleted issue {issue} on GitHub (unlinked)"),
        "issue_transferred" => format!("moved issue {issue} to another repository (unlinked)"),
        "pr_linked" => titled(format!("linked pull request {issue}")) + fixes,
        "pr_merged" => titled(format!("merged pull request {issue}")) + fixes,
        "pr_closed" => titled(format!("closed pull request {issue} without merging")),
        "pr_reopened" => titled(format!("reopened pull request {issue}")),
        "commit" => {
            let sha: String = text("sha").chars().take(7).collect();
            titled(format!("pushed {sha} to {}", text("branch"))) + fixes
        }
        other => format!("GitHub: {}", other.replace('_', " ")),
    }
}

/// History and comments in one stream, and the comment form.
#[component]
pub(super) fn Activity(
    slug: String,
    number: i64,
    timeline: Vec<TimelineEntry>,
    comments: RwSignal<Vec<Comment>>,
    member: bool,
    me: Option<domain::UserId>,
    /// The reader may block visitors (shown beside visitors' comments).
    may_block: bool,
    /// The reader may change anyone's comments (`moderation.manageComments`).
    #[prop(optional)]
    manage_comments: bool,
) -> impl IntoView {
    let add = ServerAction::<AddComment>::new();
    let block = ServerAction::<BlockUser>::new();
    let remove = ServerAction::<DeleteComment>::new();
    let react = ServerAction::<React>::new();
    let visibility = ServerAction::<SetCommentVisibility>::new();
    let reply_to = RwSignal::new(None::<domain::CommentId>);
    Effect::new(move |_| {
        if let Some(Ok(c)) = add.value().get() {
            comments.update(|l| {
                l.retain(|x| x.id != c.id);
                l.push(c);
            });
            reply_to.set(None);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(c)) = react.value().get() {
            comments.update(|l| {
                if let Some(x) = l.iter_mut().find(|x| x.id == c.id) {
                    *x = c;
                }
            });
        }
    });
    // A thread changes visibility as one: its replies follow the comment.
    Effect::new(move |_| {
        if let Some(Ok(c)) = visibility.value().get() {
            comments.update(|l| {
                for x in l.iter_mut() {
                    if x.parent_id == Some(c.id) {
                        x.visibility = c.visibility;
                    }
                }
                if let Some(x) = l.iter_mut().find(|x| x.id == c.id) {
                    *x = c;
                }
            });
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(id)) = remove.value().get() {
            comments.update(|l| l.retain(|x| x.id != id));
        }
    });
    let items = Memo::new(move |_| comments.with(|c| stream(&timeline, c)));
    let slug = StoredValue::new(slug);
    let comment_view = move |c: Comment, reply: bool| {
        let id = c.id;
        let mine = me.is_some() && c.author.as_ref().map(|a| a.id) == me;
        view! {
            <div class="comment" class:reply=reply data-testid="comment" data-visibility=c.visibility.as_str()>
                <div class="row small">
                    <strong>{c.author.as_ref().map(|a| a.name.clone()).or_else(|| c.github_author.clone()).unwrap_or_else(|| "Someone".into())}</strong>
                    {c.team.then(|| view! { <span class="badge">"team"</span> })}
                    {c.github_url.clone().map(|url| view! {
                        <a class="badge" href=url rel="external noopener" target="_blank" data-testid="github-comment"
                            title="Copied from GitHub: edit it there">{format!("GitHub · {}", c.github_author.clone().unwrap_or_default())}</a>
                    })}
                    {(c.visibility == CommentVisibility::Internal).then(|| view! { <span class="badge internal">"internal"</span> })}
                    <span class="muted">{when(&c.created_at)}</span>
                    {c.edited.then(|| view! { <EditHistory slug=slug.get_value() id/> })}
                </div>
                <div class="prose" inner_html=c.body_html.clone()></div>
                <div class="row small">
                    {c.reactions.iter().map(|r| {
                        let emoji = r.emoji.clone();
                        view! { <button type="button" class="reaction" class:on=r.reacted
                            on:click=move |_| { react.dispatch(React { slug: slug.get_value(), id, emoji: emoji.clone() }); }>
                            {r.emoji.clone()}" "{r.count}</button> }
                    }).collect_view()}
                    {me.is_some().then(|| view! {
                        <details class="react-picker">
                            <summary class="reaction" aria-label="Add a reaction" title="Add a reaction">"+☺"</summary>
                            <div class="react-menu">
                                {domain::dto::REACTIONS.iter().map(|e| view! {
                                    <button type="button" class="reaction" aria-label=format!("React with {e}")
                                        on:click=move |_| { react.dispatch(React { slug: slug.get_value(), id, emoji: (*e).into() }); }>{*e}</button>
                                }).collect_view()}
                            </div>
                        </details>
                    })}
                    {(!reply && me.is_some()).then(|| view! { <button type="button" class="link" on:click=move |_| reply_to.set(Some(id))>"Reply"</button> })}
                    {mine.then(|| view! { <button type="button" class="link" on:click=move |_| { remove.dispatch(DeleteComment { slug: slug.get_value(), id }); }>"Delete"</button> })}
                    {(member && !reply && (mine || manage_comments)).then(|| {
                        let to = if c.visibility == CommentVisibility::Public { CommentVisibility::Internal } else { CommentVisibility::Public };
                        view! {
                            <button type="button" class="link" data-testid="comment-visibility-toggle"
                                title=if to == CommentVisibility::Internal { "Visitors will no longer see it (nor its replies)" } else { "Visitors of a public task will see it (and its replies)" }
                                on:click=move |_| { visibility.dispatch(SetCommentVisibility { slug: slug.get_value(), id, visibility: to.as_str().into() }); }>
                                {if to == CommentVisibility::Internal { "Make internal" } else { "Make public" }}</button>
                        }
                    })}
                    {(may_block && !c.team).then(|| c.author.as_ref().map(|a| {
                        let who = a.id;
                        view! {
                            <ActionForm action=block attr:class="inline">
                                <input type="hidden" name="slug" value=slug.get_value()/>
                                <input type="hidden" name="user_id" value=who.to_string()/>
                                <input type="hidden" name="reason" value="Blocked from a comment"/>
                                <button type="submit" class="link" data-testid="block-author">"Block author"</button>
                            </ActionForm>
                        }
                    })).flatten()}
                </div>
            </div>
        }
    };
    view! {
        <section aria-labelledby="activity-h" class="activity">
            <h2 id="activity-h">"Activity"</h2>
            <ol class="stream" data-testid="activity">
                <For each=move || items.get() key=Activity::key let:item>
                    {match item {
                        Activity::Entry(e) if e.kind == "github" => {
                            let to = e.to.clone().unwrap_or_default();
                            let by = to.get("by").and_then(|b| b.as_str()).map(|b| format!("{b} (GitHub)"));
                            let url = to.get("url").and_then(|u| u.as_str()).unwrap_or_default().to_string();
                            view! {
                                <li class="event small muted" data-testid="github-event">
                                    <strong>{by.unwrap_or_else(|| "GitHub".into())}</strong>" "
                                    <a href=url rel="external noopener" target="_blank">{describe(&e)}</a>" · "{when(&e.created_at)}
                                </li>
                            }.into_any()
                        }
                        Activity::Entry(e) => view! {
                            <li class="event small muted">
                                <strong>{e.actor.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| "Someone".into())}</strong>" "{describe(&e)}" · "{when(&e.created_at)}
                            </li>
                        }.into_any(),
                        Activity::Comment(c, replies) => {
                            let id = c.id;
                            let public = c.visibility == CommentVisibility::Public;
                            view! {
                                <li>
                                    {comment_view(c, false)}
                                    {replies.into_iter().map(|r| comment_view(r, true)).collect_view()}
                                    <Show when=move || reply_to.get() == Some(id)>
                                        <CommentForm add slug=slug.get_value() number member parent=Some(id) public/>
                                    </Show>
                                </li>
                            }.into_any()
                        }
                    }}
                </For>
            </ol>
            {me.is_some().then(|| view! { <CommentForm add slug=slug.get_value() number member parent=None public=!member/> })}
            {move || add.value().get().and_then(|r| r.err()).or_else(|| visibility.value().get().and_then(|r| r.err()))
                .map(|e| view! { <p class="error" role="alert">{error_text(&e)}</p> })}
            {move || block.value().get().map(|r| match r {
                Ok(()) => view! { <p class="notice-bar" role="status" data-testid="blocked-notice">"Blocked: they can no longer vote, comment or suggest tasks here."</p> }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{error_text(&e)}</p> }.into_any(),
            })}
        </section>
    }
    .into_any()
}

/// Writing a comment: a plain form (works without JavaScript).
#[component]
fn CommentForm(
    add: ServerAction<AddComment>,
    slug: String,
    number: i64,
    member: bool,
    parent: Option<domain::CommentId>,
    /// Whether the comment starts public (a reply is as public as its thread).
    public: bool,
) -> impl IntoView {
    let form_ref = NodeRef::<leptos::html::Form>::new();
    // Files go public with a public comment.
    let public = RwSignal::new(public);
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get()
            && let Some(f) = form_ref.get()
        {
            f.reset();
        }
    });
    view! {
        <ActionForm action=add node_ref=form_ref attr:class="stack wide comment-form" attr:data-testid=if parent.is_some() { "reply-form" } else { "comment-form" }>
            <input type="hidden" name="slug" value=slug.clone()/>
            <input type="hidden" name="number" value=number/>
            {parent.map(|p| view! { <input type="hidden" name="parent_id" value=p.to_string()/> })}
            <MarkdownEditor id=format!("comment-body-{}", parent.map(|p| p.to_string()).unwrap_or_default()) label="Comment" hide_label=true
                slug name="body" rows=3 required=true public testid="comment-body" mentions=member
                placeholder=if parent.is_some() { "Reply…" } else { "Write a comment… (Markdown)" }/>
            <div class="row">
                {(member && parent.is_none()).then(|| view! {
                    <label class="inline">"Visible to "
                        <select name="visibility" data-testid="comment-visibility" on:change=move |ev| public.set(event_target_value(&ev) == "public")>
                            <option value="internal" selected>"the team only"</option>
                            <option value="public">"everyone"</option>
                        </select>
                    </label>
                })}
                <button type="submit" class="button primary">{if parent.is_some() { "Reply" } else { "Comment" }}</button>
            </div>
        </ActionForm>
    }
    .into_any()
}
