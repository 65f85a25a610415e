//! Markdown to HTML, rendered once on write and sanitized: what the browser gets can carry
//! no script, handler or foreign frame, whatever the author typed.
//!
//! `#42` in text (not in code, not inside a link) becomes a link to task 42 of the org when
//! that task exists at the time of writing. The HTML is stored once and shown to every
//! reader, so the choice cannot depend on who reads: it depends on the org only. That is
//! safe because a link says no more than the text the author wrote (no title, no status),
//! and the task's page enforces visibility itself: a private task is a 404 for outsiders,
//! exactly like a number that never existed. Existence of a number is no secret either,
//! since numbers are given out in sequence.
//!
//! `@[Ann Lee](user:<uuid>)` (what the editor inserts) mentions a member by id: it renders
//! as `<span class="mention" data-user="<uuid>">@Ann Lee</span>` when that user is a
//! member of the org, and readers get the member's current name ([`current_names`],
//! [`named`]), so a rename keeps old mentions right. A mention of anyone else stays the
//! text the author typed.
//!
//! Images load only from this instance's files (`/files/…`, relative or on the public URL)
//! or from the hosts the configuration allows ([`ImagePolicy`]): a foreign image would let
//! its author collect the address and browser of everyone who reads the text. A Markdown
//! image from elsewhere becomes a link to it; a raw `<img>` from elsewhere loses its `src`.

use super::Result;
use entity::{member, task, user};
use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, RelationTrait};
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

/// At most this many `#N` references of one text are looked up and linked.
pub(crate) const MAX_REFS: usize = 100;
/// At most this many `@` mentions of one text are looked up and rendered.
const MAX_MENTIONS: usize = 50;
/// What a mention's link points at.
const USER_SCHEME: &str = "user:";

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// Where images in rendered Markdown may load from: this instance's files, and the hosts
/// (`SAYR_MARKDOWN_IMAGE_HOSTS`, over https) the configuration names.
#[derive(Clone, Debug)]
pub struct ImagePolicy {
    /// The instance's public URL (`https://sayr.example`); none parses as no URL at all.
    base: Option<url::Url>,
    hosts: Vec<String>,
}

impl ImagePolicy {
    pub fn new(public_url: &str, hosts: &[String]) -> Self {
        Self {
            base: url::Url::parse(public_url).ok(),
            hosts: hosts
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .collect(),
        }
    }

    /// Whether an image at `src` may load: a path under `/files/` (relative, or absolute on
    /// the public URL), or an https URL on an allowed host.
    pub fn allows(&self, src: &str) -> bool {
        let Some(base) = &self.base else {
            return false;
        };
        let absolute = if src.starts_with('/') {
            // `//host` and `/\host` are other hosts to a browser.
            if src.starts_with("//") || src.starts_with("/\\") {
                return false;
            }
            base.join(src)
        } else {
            url::Url::parse(src)
        };
        let Ok(absolute) = absolute else {
            return false;
        };
        if absolute.origin() == base.origin() {
            return absolute.path().starts_with("/files/") && !src.contains("..");
        }
        absolute.scheme() == "https"
            && absolute
                .host_str()
                .is_some_and(|host| self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)))
    }
}

/// Renders CommonMark (with tables, strikethrough and task lists) to safe HTML.
pub fn render(markdown: &str, images: &ImagePolicy) -> String {
    render_linking(markdown, images, |_| None, |_| None)
}

/// Renders Markdown written in org `org`: `#N` links to its task N when that task exists,
/// `@[…](user:<id>)` is a mention when that user is a member.
pub(crate) async fn render_in_org(
    db: &impl ConnectionTrait,
    images: &ImagePolicy,
    org: &entity::organization::Model,
    markdown: &str,
) -> Result<String> {
    let wanted: Vec<i64> = task_refs(markdown).into_iter().take(MAX_REFS).collect();
    let existing: BTreeSet<i64> = if wanted.is_empty() {
        BTreeSet::new()
    } else {
        task::Entity::find()
            .select_only()
            .column(task::Column::Number)
            .filter(task::Column::OrgId.eq(org.id))
            .filter(task::Column::Number.is_in(wanted))
            .into_tuple::<i64>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    let names = member_names(db, org.id, mentions(markdown)).await?;
    Ok(render_linking(
        markdown,
        images,
        |n| {
            existing
                .contains(&n)
                .then(|| format!("/orgs/{}/tasks/{n}", org.slug))
        },
        |id| names.get(&id).cloned(),
    ))
}

/// The current names of those of `ids` who are members of `org`.
async fn member_names(
    db: &impl ConnectionTrait,
    org: Uuid,
    ids: BTreeSet<Uuid>,
) -> Result<HashMap<Uuid, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<Uuid> = ids.into_iter().take(MAX_MENTIONS).collect();
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::Name)
        .join(sea_orm::JoinType::InnerJoin, user::Relation::Member.def())
        .filter(member::Column::OrgId.eq(org))
        .filter(user::Column::Id.is_in(ids))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The users `markdown` mentions (`@[Name](user:<id>)`, not in code).
pub fn mentions(markdown: &str) -> BTreeSet<Uuid> {
    Parser::new_ext(markdown, options())
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. }) => mentioned(&dest_url),
            _ => None,
        })
        .collect()
}

fn mentioned(dest: &str) -> Option<Uuid> {
    dest.strip_prefix(USER_SCHEME)
        .and_then(|id| Uuid::parse_str(id).ok())
}

/// The current names of the members stored HTML of `org` mentions, for [`named`].
pub(crate) async fn current_names<'a>(
    db: &impl ConnectionTrait,
    org: Uuid,
    htmls: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<Uuid, String>> {
    let ids: BTreeSet<Uuid> = htmls
        .into_iter()
        .filter(|h| h.contains(MENTION_ATTR))
        .flat_map(|h| mention_spans(h).into_iter().map(|(_, _, id)| id))
        .collect();
    member_names(db, org, ids).await
}

const MENTION_ATTR: &str = "data-user=\"";

/// Each mention span's inner text range and user id, in stored HTML.
fn mention_spans(html: &str) -> Vec<(usize, usize, Uuid)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = html[from..].find(MENTION_ATTR) {
        let id_start = from + at + MENTION_ATTR.len();
        from = id_start;
        let Some(id) = html
            .get(id_start..id_start + 36)
            .and_then(|s| Uuid::parse_str(s).ok())
        else {
            continue;
        };
        let Some(open_end) = html[id_start..].find('>').map(|i| id_start + i + 1) else {
            break;
        };
        let Some(close) = html[open_end..].find("</span>").map(|i| open_end + i) else {
            break;
        };
        found.push((open_end, close, id));
        from = close;
    }
    found
}

/// `html` with each mention showing its member's current name (from [`current_names`]).
pub(crate) fn named(html: &str, names: &HashMap<Uuid, String>) -> String {
    if names.is_empty() || !html.contains(MENTION_ATTR) {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = 0;
    for (start, end, id) in mention_spans(html) {
        let Some(name) = names.get(&id) else { continue };
        out.push_str(&html[rest..start]);
        out.push('@');
        out.push_str(&escape(name));
        rest = end;
    }
    out.push_str(&html[rest..]);
    out
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The task numbers `markdown` refers to as `#N` in its text.
pub fn task_refs(markdown: &str) -> BTreeSet<i64> {
    let found = std::cell::RefCell::new(BTreeSet::new());
    linked_events(
        markdown,
        &|n| {
            found.borrow_mut().insert(n);
            None
        },
        &|_| None,
    );
    found.into_inner()
}

/// `#N` in running text: after the start or a character that cannot be part of a word,
/// a URL or an entity, and not followed by a letter or digit. Byte ranges and numbers.
fn refs_in(text: &str) -> Vec<(usize, usize, i64)> {
    let bytes = text.as_bytes();
    let mut refs = Vec::new();
    for (at, _) in text.match_indices('#') {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || "_&#/\\".contains(c)) {
            continue;
        }
        let digits = bytes[at + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let end = at + 1 + digits;
        let after = text[end..].chars().next();
        if digits == 0 || digits > 12 || after.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Ok(n) = text[at + 1..end].parse::<i64>()
            && n > 0
        {
            refs.push((at, end, n));
        }
    }
    refs
}

/// The parser's events with `#N` in plain text turned into links where `link` gives one,
/// and mentions into mention spans where `mention` names the member.
fn linked_events<'a>(
    markdown: &'a str,
    link: &dyn Fn(i64) -> Option<String>,
    mention: &dyn Fn(Uuid) -> Option<String>,
) -> Vec<Event<'a>> {
    let mut out: Vec<Event<'a>> = Vec::new();
    // Inside a mention's link: its text is replaced by the member's name.
    let mut in_mention = false;
    // Inside code blocks, links and images text stays as written.
    let mut code = 0usize;
    let mut linked = 0usize;
    let mut text = String::new();
    let flush = |text: &mut String, out: &mut Vec<Event<'a>>| {
        if text.is_empty() {
            return;
        }
        let mut rest = 0;
        for (start, end, n) in refs_in(text) {
            let Some(url) = link(n) else { continue };
            if start > rest {
                out.push(Event::Text(CowStr::from(text[rest..start].to_string())));
            }
            out.push(Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url: url.into(),
                title: "".into(),
                id: "".into(),
            }));
            out.push(Event::Text(CowStr::from(text[start..end].to_string())));
            out.push(Event::End(TagEnd::Link));
            rest = end;
        }
        if rest < text.len() {
            out.push(Event::Text(CowStr::from(text[rest..].to_string())));
        }
        text.clear();
    };
    for event in Parser::new_ext(markdown, options()) {
        if in_mention {
            in_mention = !matches!(event, Event::End(TagEnd::Link));
            continue;
        }
        if let Event::Start(Tag::Link { dest_url, .. }) = &event
            && code == 0
            && linked == 0
            && let Some(id) = mentioned(dest_url)
            && let Some(name) = mention(id)
        {
            if text.ends_with('@') {
                text.pop();
            }
            flush(&mut text, &mut out);
            out.push(Event::InlineHtml(CowStr::from(format!(
                "<span class=\"mention\" data-user=\"{id}\">@{}</span>",
                escape(&name)
            ))));
            in_mention = true;
            continue;
        }
        match &event {
            Event::Text(t) if code == 0 && linked == 0 => {
                text.push_str(t);
                continue;
            }
            Event::Start(Tag::CodeBlock(_)) => code += 1,
            Event::End(TagEnd::CodeBlock) => code = code.saturating_sub(1),
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => linked += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => linked = linked.saturating_sub(1),
            _ => {}
        }
        flush(&mut text, &mut out);
        out.push(event);
    }
    flush(&mut text, &mut out);
    out
}

/// What became of an image the text opened, for its end.
enum OpenImage {
    Kept,
    /// Rendered as a link to its URL; the URL is its text if it had none.
    Linked {
        url: String,
        has_text: bool,
    },
    /// Inside a link or another image: only its text remains.
    Dropped,
}

/// `events` with the images [`ImagePolicy`] refuses turned into links to them (their alt
/// text, or the URL, as the link's text), or into their text alone inside a link.
fn guard_images<'a>(events: Vec<Event<'a>>, images: &ImagePolicy) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut open: Vec<OpenImage> = Vec::new();
    let mut links = 0usize;
    for event in events {
        match event {
            Event::Start(Tag::Link { .. }) => {
                links += 1;
                out.push(event);
            }
            Event::End(TagEnd::Link) => {
                links = links.saturating_sub(1);
                out.push(event);
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let allowed = images.allows(&dest_url);
                if allowed {
                    open.push(OpenImage::Kept);
                    out.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                } else if links + open.len() > 0 {
                    open.push(OpenImage::Dropped);
                } else {
                    open.push(OpenImage::Linked {
                        url: dest_url.to_string(),
                        has_text: false,
                    });
                    out.push(Event::Start(Tag::Link {
                        link_type: LinkType::Inline,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Image) => match open.pop() {
                Some(OpenImage::Kept) => out.push(event),
                Some(OpenImage::Linked { url, has_text }) => {
                    if !has_text {
                        out.push(Event::Text(url.into()));
                    }
                    out.push(Event::End(TagEnd::Link));
                }
                Some(OpenImage::Dropped) | None => {}
            },
            event => {
                if let Some(OpenImage::Linked { has_text, .. }) = open.last_mut()
                    && matches!(&event, Event::Text(t) | Event::Code(t) if !t.trim().is_empty())
                {
                    *has_text = true;
                }
                out.push(event);
            }
        }
    }
    out
}

/// What links in people's text carry: no opener, no referrer, and no endorsement.
const LINK_REL: &str = "noopener noreferrer nofollow ugc";

/// Renders to safe HTML, `#N` linked where `link` gives a URL, mentions named where
/// `mention` gives a name, images only from where `images` allows.
fn render_linking(
    markdown: &str,
    images: &ImagePolicy,
    link: impl Fn(i64) -> Option<String>,
    mention: impl Fn(Uuid) -> Option<String>,
) -> String {
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(
        &mut unsafe_html,
        guard_images(linked_events(markdown, &link, &mention), images).into_iter(),
    );
    let raw_images = images.clone();
    ammonia::Builder::default()
        .link_rel(Some(LINK_REL))
        .add_tag_attributes("span", ["data-user"])
        .add_allowed_classes("span", ["mention"])
        // Task list boxes only: whatever an author writes, an input is a disabled checkbox.
        .add_tags(["input"])
        .add_tag_attributes("input", ["checked"])
        .set_tag_attribute_value("input", "type", "checkbox")
        .set_tag_attribute_value("input", "disabled", "")
        // A raw `<img>` from elsewhere keeps its alt text and loads nothing.
        .attribute_filter(
            move |element, attribute, value| match (element, attribute) {
                ("img", "src") if !raw_images.allows(value) => None,
                _ => Some(value.into()),
            },
        )
        .clean(&unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::{ImagePolicy, mentions, named, render_linking, task_refs};
    use std::collections::HashMap;
    use uuid::Uuid;

    fn images() -> ImagePolicy {
        ImagePolicy::new("https://sayr.example", &["images.example.org".to_string()])
    }

    fn render(markdown: &str) -> String {
        super::render(markdown, &images())
    }

    fn linking(markdown: &str) -> String {
        render_linking(
            markdown,
            &images(),
            |n| (n != 9).then(|| format!("/orgs/acme/tasks/{n}")),
            |_| None,
        )
    }

    #[test]
    fn task_numbers_link_in_text_but_not_in_code() {
        let html = linking("See #42, and (#7).\n\n`#5` and\n\n```\n#6\n```\n");
        assert!(
            html.contains(
                r#"<a href="/orgs/acme/tasks/42" rel="noopener noreferrer nofollow ugc">#42</a>"#
            ),
            "{html}"
        );
        assert!(html.contains(r#"(<a href="/orgs/acme/tasks/7""#), "{html}");
        assert!(
            html.contains("<code>#5</code>") && !html.contains("tasks/5"),
            "{html}"
        );
        assert!(
            html.contains("#6\n</code>") && !html.contains("tasks/6"),
            "{html}"
        );
        assert_eq!(task_refs("#1 `#2` [#3](x) a#4 #5b &#6; #7"), [1, 7].into());
    }

    #[test]
    fn numbers_without_a_task_and_links_stay_text() {
        let html = linking("#9 and [#8](https://example.com) and **#3**");
        assert!(!html.contains("tasks/9") && html.contains("#9"), "{html}");
        assert!(!html.contains("tasks/8"), "{html}");
        assert!(
            html.contains(r#"<strong><a href="/orgs/acme/tasks/3""#),
            "{html}"
        );
        assert!(
            !render("#3").contains("<a"),
            "plain rendering links nothing"
        );
    }

    #[test]
    fn markdown_becomes_html() {
        assert_eq!(
            render("**bold** and `code`"),
            "<p><strong>bold</strong> and <code>code</code></p>\n"
        );
        assert!(render("- [x] done").contains("checked"));
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        let html = render(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[a](javascript:alert(1))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn links_do_not_leak_the_opener() {
        assert!(
            render("[x](https://example.com)").contains("rel=\"noopener noreferrer nofollow ugc\"")
        );
    }

    const ANN: &str = "6f1c2a52-4a43-4e0e-9d7a-1f2b3c4d5e6f";

    #[test]
    fn a_mention_of_a_member_renders_by_id_and_shows_the_current_name() {
        let ann = Uuid::parse_str(ANN).unwrap();
        let text = format!("Hi @[Ann](user:{ANN}), see `@[x](user:{ANN})`.");
        assert_eq!(mentions(&text), [ann].into());
        let html = render_linking(
            &text,
            &images(),
            |_| None,
            |id| (id == ann).then(|| "Ann".into()),
        );
        let span = format!(r#"<span class="mention" data-user="{ANN}">@Ann</span>"#);
        assert!(html.contains(&format!("Hi {span},")), "{html}");
        // Renamed since: readers see the new name, escaped.
        let renamed = named(&html, &HashMap::from([(ann, "Ann <Lee>".to_string())]));
        assert!(
            renamed.contains(&format!(r#"data-user="{ANN}">@Ann &lt;Lee&gt;</span>"#)),
            "{renamed}"
        );
        assert!(renamed.ends_with(&html[html.find("</span>").unwrap()..]));
    }

    #[test]
    fn a_mention_of_a_stranger_stays_text_and_no_link_to_user_ids_survives() {
        let html = render_linking(
            &format!("@[Eve](user:{ANN})"),
            &images(),
            |_| None,
            |_| None,
        );
        assert!(
            !html.contains("mention") && !html.contains("user:"),
            "{html}"
        );
        assert!(html.contains("@Eve") || html.contains("Eve"), "{html}");
    }

    #[test]
    fn images_of_this_instance_and_allowed_hosts_load() {
        for src in [
            "/files/6f1c2a52-4a43-4e0e-9d7a-1f2b3c4d5e6f/a.png",
            "https://sayr.example/files/6f1c2a52-4a43-4e0e-9d7a-1f2b3c4d5e6f/a.png",
            "https://images.example.org/cat.png",
            "https://IMAGES.example.org/cat.png",
        ] {
            let html = render(&format!("![a cat]({src})"));
            assert!(
                html.contains(&format!(r#"<img src="{src}" alt="a cat">"#)),
                "{html}"
            );
        }
    }

    #[test]
    fn an_image_from_elsewhere_becomes_a_link() {
        let html = render("![a cat](https://tracker.example/p.png?who=me)");
        assert_eq!(
            html,
            "<p><a href=\"https://tracker.example/p.png?who=me\" rel=\"noopener noreferrer nofollow ugc\">a cat</a></p>\n"
        );
        let bare = render("![](https://tracker.example/p.png)");
        assert!(
            bare.contains(">https://tracker.example/p.png</a>") && !bare.contains("<img"),
            "the URL is the text of an image without any: {bare}"
        );
        for src in [
            "http://images.example.org/cat.png",
            "https://sayr.example/api/v1/me",
            "/api/v1/me",
            "/files/../api/v1/me",
            "//tracker.example/files/p.png",
            "/\\tracker.example/files/p.png",
            "https://sayr.example.tracker.example/files/p.png",
            "http://sayr.example/files/x.png",
            "files/x.png",
        ] {
            let html = render(&format!("![x]({src})"));
            assert!(!html.contains("<img"), "{src}: {html}");
        }
    }

    #[test]
    fn a_foreign_image_inside_a_link_leaves_its_text() {
        let html = render("[![badge](https://ci.example/b.svg)](https://ci.example/)");
        assert_eq!(
            html,
            "<p><a href=\"https://ci.example/\" rel=\"noopener noreferrer nofollow ugc\">badge</a></p>\n"
        );
    }

    #[test]
    fn raw_html_images_from_elsewhere_load_nothing() {
        let html = render(
            "<img src=\"https://tracker.example/p.png\" alt=\"hi\" srcset=\"https://tracker.example/2.png 2x\">\n\n<img src=\"/files/x/a.png\">",
        );
        assert!(!html.contains("tracker.example"), "{html}");
        assert!(html.contains(r#"<img src="/files/x/a.png">"#), "{html}");
    }

    #[test]
    fn nothing_else_fetches_from_elsewhere() {
        let html = render(concat!(
            "<video poster=\"https://t.example/v.png\" src=\"https://t.example/v.mp4\"></video>\n\n",
            "<audio src=\"https://t.example/a.mp3\"></audio>\n\n",
            "<picture><source srcset=\"https://t.example/s.png\"></picture>\n\n",
            "<table background=\"https://t.example/t.png\"><tr><td>x</td></tr></table>\n\n",
            "<p style=\"background:url(https://t.example/s.png)\">x</p>\n\n",
            "<style>p{background:url(https://t.example/c.png)}</style>\n\n",
            "<link rel=stylesheet href=\"https://t.example/c.css\">\n\n",
            "<iframe src=\"https://t.example/\"></iframe><object data=\"https://t.example/o\"></object>",
            "<embed src=\"https://t.example/e\"><svg><image href=\"https://t.example/i.png\"/></svg>\n\n",
            "<form action=\"https://t.example/\"><button formaction=\"https://t.example/\">x</button></form>\n\n",
            "<input type=\"image\" src=\"https://t.example/i.png\">",
        ));
        assert!(!html.contains("t.example"), "{html}");
    }

    #[test]
    fn inputs_are_only_disabled_checkboxes() {
        let html = render("- [x] done\n- [ ] todo\n");
        assert_eq!(html.matches("<input").count(), 2, "{html}");
        for input in html.split("<input").skip(1) {
            let tag = &input[..input.find('>').unwrap()];
            assert!(
                tag.contains(r#"type="checkbox""#) && tag.contains("disabled"),
                "{tag}"
            );
        }
        assert!(html.contains("checked"), "{html}");
        let raw = render(
            "<input type=\"text\" name=\"password\" value=\"x\">\n\n<input type=\"submit\" formaction=\"/x\"><input type=\"hidden\" name=\"a\">",
        );
        assert!(
            !raw.contains("text") && !raw.contains("submit") && !raw.contains("hidden"),
            "{raw}"
        );
        assert!(!raw.contains("name=") && !raw.contains("value="), "{raw}");
        for input in raw.split("<input").skip(1) {
            let tag = &input[..input.find('>').unwrap()];
            assert!(
                tag.contains(r#"type="checkbox""#) && tag.contains("disabled"),
                "{tag}"
            );
        }
    }
}
