//! One page's Markdown to HTML: headings get anchors, links between pages become URLs,
//! `<!-- sayr:NAME -->` lines become the tables the code generates, and the `sh example`
//! blocks (with the `json output` that follows one) are collected for the tests.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::search::Entry;

/// What rendering one page produced.
pub struct Rendered {
    pub title: String,
    pub html: String,
    /// The page's text by heading, for search.
    pub entries: Vec<Entry>,
    pub anchors: Vec<String>,
    /// Links to other pages of the guide, for the link check.
    pub targets: Vec<Target>,
    pub examples: Vec<Example>,
    pub problems: Vec<String>,
}

/// A link to a page of the guide (`path` without `.md`) and maybe an anchor in it.
pub struct Target {
    pub page: String,
    pub anchor: Option<String>,
    pub written: String,
}

/// A runnable example: a `sh example` block and the `json output` shown after it.
#[derive(Clone, Debug)]
pub struct Example {
    pub code: String,
    pub output: Option<String>,
}

/// How the page's links are written out.
pub struct Links<'a> {
    /// A page of the guide (path, anchor) as a URL.
    pub page: &'a dyn Fn(&str, Option<&str>) -> String,
    /// A root-relative `/docs/…` address (a screenshot) as a URL.
    pub docs: &'a dyn Fn(&str) -> String,
}

pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Renders `source`, the page at `path` (`section/page`, no `.md`).
pub fn render(
    path: &str,
    source: &str,
    links: &Links,
    generated: &dyn Fn(&str) -> Option<String>,
) -> Rendered {
    let mut r = Rendered {
        title: String::new(),
        html: String::new(),
        entries: vec![Entry::top(path)],
        anchors: Vec::new(),
        targets: Vec::new(),
        examples: Vec::new(),
        problems: Vec::new(),
    };
    let mut out: Vec<Event> = Vec::new();
    // The heading being read: its level and its inner events.
    let mut heading: Option<(HeadingLevel, Vec<Event>)> = None;
    // The fenced block being read: its info string and its text.
    let mut code: Option<(String, String)> = None;
    // Whether the last block was an example (a `json output` right after belongs to it).
    let mut after_example = false;

    for mut event in Parser::new_ext(source, options()) {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &mut event {
            *dest_url = rewrite(path, dest_url, links, &mut r.targets).into();
        }
        if let Some((_, inner)) = heading.as_mut() {
            match event {
                Event::End(TagEnd::Heading(level)) => {
                    let inner = std::mem::take(inner);
                    heading = None;
                    close_heading(level, inner, &mut r, &mut out);
                }
                other => inner.push(other.into_static()),
            }
            continue;
        }
        if let Some((_, text)) = code.as_mut() {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (info, text) = code.take().unwrap_or_default();
                    match info.as_str() {
                        "sh example" => {
                            r.examples.push(Example {
                                code: text.clone(),
                                output: None,
                            });
                        }
                        "json output" if after_example => {
                            if let Some(last) = r.examples.last_mut() {
                                last.output = Some(text.clone());
                            }
                        }
                        "json output" => r.problems.push(format!(
                            "{path}: a `json output` block that follows no `sh example`"
                        )),
                        _ => {}
                    }
                    after_example = info == "sh example";
                    note(&mut r, &text);
                    let lang = info.split_whitespace().next().unwrap_or("");
                    if info == "json output" {
                        out.push(Event::Html("<p class=\"code-label\">Response</p>\n".into()));
                    }
                    out.push(Event::Html(
                        format!(
                            "<pre><code{}>{}</code></pre>\n",
                            if lang.is_empty() {
                                String::new()
                            } else {
                                format!(" class=\"language-{}\"", escape(lang))
                            },
                            escape(&text)
                        )
                        .into(),
                    ));
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                after_example = false;
                heading = Some((level, Vec::new()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.trim().to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((info, String::new()));
            }
            Event::Html(html) if placeholder(&html).is_some() => {
                let name = placeholder(&html).unwrap_or_default().to_string();
                match generated(&name) {
                    Some(markdown) => {
                        let mut html = String::new();
                        let events: Vec<Event> = Parser::new_ext(&markdown, options())
                            .map(Event::into_static)
                            .collect();
                        for e in &events {
                            if let Event::Text(t) | Event::Code(t) = e {
                                note(&mut r, t);
                            }
                        }
                        pulldown_cmark::html::push_html(&mut html, events.into_iter());
                        out.push(Event::Html(html.into()));
                    }
                    None => r
                        .problems
                        .push(format!("{path}: no generated table `{name}`")),
                }
            }
            Event::Start(Tag::Paragraph | Tag::List(_) | Tag::Table(_) | Tag::BlockQuote(_)) => {
                after_example = false;
                out.push(event);
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                note(&mut r, t);
                out.push(event);
            }
            other => out.push(other),
        }
    }
    if r.title.is_empty() {
        r.problems
            .push(format!("{path}: no `# Title` line at the top"));
    }
    if let Some(top) = r.entries.first_mut() {
        top.heading = r.title.clone();
    }
    for entry in &mut r.entries {
        entry.title = r.title.clone();
    }
    pulldown_cmark::html::push_html(&mut r.html, out.into_iter());
    r
}

/// Adds text to the search entry of the heading it is under.
fn note(r: &mut Rendered, text: &str) {
    if let Some(entry) = r.entries.last_mut() {
        entry.push(text);
    }
}

/// `<!-- sayr:NAME -->` alone on a line: NAME.
fn placeholder(html: &str) -> Option<&str> {
    html.trim()
        .strip_prefix("<!-- sayr:")?
        .strip_suffix("-->")
        .map(str::trim)
}

/// The first `#` heading is the page's title; the others get an id and a link to it.
fn close_heading(
    level: HeadingLevel,
    inner: Vec<Event<'static>>,
    r: &mut Rendered,
    out: &mut Vec<Event>,
) {
    let text: String = inner
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    let mut inner_html = String::new();
    pulldown_cmark::html::push_html(&mut inner_html, inner.into_iter());
    let n = level as usize;
    if level == HeadingLevel::H1 && r.title.is_empty() {
        r.title = text;
        out.push(Event::Html(format!("<h1>{inner_html}</h1>\n").into()));
        return;
    }
    let mut id = slug(&text);
    if r.anchors.contains(&id) {
        let mut k = 1;
        while r.anchors.contains(&format!("{id}-{k}")) {
            k += 1;
        }
        id = format!("{id}-{k}");
    }
    r.anchors.push(id.clone());
    r.entries.push(Entry::new(&r.entries[0].page, &id, &text));
    out.push(Event::Html(
        format!(
            "<h{n} id=\"{id}\">{inner_html} <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{n}>\n"
        )
        .into(),
    ));
}

/// A heading's anchor as GitHub makes it: lower case, spaces to `-`, punctuation dropped.
pub fn slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            c if c.is_whitespace() => Some('-'),
            _ => None,
        })
        .collect()
}

/// A link's address as written in `page`'s Markdown, as a URL of the rendered guide.
fn rewrite(page: &str, dest: &str, links: &Links, targets: &mut Vec<Target>) -> String {
    if dest.contains("://") || dest.starts_with("mailto:") {
        return dest.to_string();
    }
    if let Some(rest) = dest.strip_prefix("/docs/") {
        return (links.docs)(rest);
    }
    if dest.starts_with('/') {
        return dest.to_string();
    }
    let (file, anchor) = match dest.split_once('#') {
        Some((file, anchor)) => (file, Some(anchor)),
        None => (dest, None),
    };
    let target = if file.is_empty() {
        page.to_string()
    } else if let Some(file) = file.strip_suffix(".md") {
        resolve(page, file)
    } else {
        return dest.to_string();
    };
    targets.push(Target {
        page: target.clone(),
        anchor: anchor.map(str::to_string),
        written: dest.to_string(),
    });
    if file.is_empty() {
        return dest.to_string();
    }
    (links.page)(&target, anchor)
}

/// `file` (relative, no `.md`) as seen from the page at `page`, as a guide path.
fn resolve(page: &str, file: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for part in file.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

/// Text made safe inside HTML and its double-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> (
        impl Fn(&str, Option<&str>) -> String,
        impl Fn(&str) -> String,
    ) {
        (
            |p: &str, a: Option<&str>| {
                format!(
                    "/docs/{p}{}",
                    a.map(|a| format!("#{a}")).unwrap_or_default()
                )
            },
            |rest: &str| format!("/docs/{rest}"),
        )
    }

    fn page(source: &str) -> Rendered {
        let (page, docs) = links();
        let links = Links {
            page: &page,
            docs: &docs,
        };
        render("using/board", source, &links, &|name| {
            (name == "settings").then(|| "| a | b |\n|---|---|\n| `SAYR_X` | y |\n".to_string())
        })
    }

    #[test]
    fn headings_get_github_anchors_and_the_first_is_the_title() {
        let r = page("# The board\n\nLead.\n\n## Filters & views\n\n## Filters & views\n");
        assert_eq!(r.title, "The board");
        assert_eq!(r.anchors, ["filters--views", "filters--views-1"]);
        assert!(r.html.contains("<h2 id=\"filters--views\">Filters &amp; views <a class=\"anchor\" href=\"#filters--views\""));
    }

    #[test]
    fn links_to_pages_become_urls_and_are_kept_for_the_check() {
        let r = page(
            "# T\n\nSee [keys](../integrations/api.md#keys) and [here](#x) and [out](https://a.example).\n",
        );
        assert!(r.html.contains("href=\"/docs/integrations/api#keys\""));
        assert!(r.html.contains("href=\"#x\""));
        assert!(r.html.contains("href=\"https://a.example\""));
        let t: Vec<_> = r
            .targets
            .iter()
            .map(|t| (t.page.as_str(), t.anchor.as_deref()))
            .collect();
        assert_eq!(
            t,
            [
                ("integrations/api", Some("keys")),
                ("using/board", Some("x"))
            ]
        );
    }

    #[test]
    fn examples_are_collected_with_the_output_that_follows_them() {
        let r = page(
            "# T\n\n```sh example\ncurl -sf \"$SAYR_URL/x\"\n```\n\n```json output\n{\"a\": 1}\n```\n\n```sh example\ntrue\n```\n\nText.\n\n```json output\n{}\n```\n",
        );
        assert_eq!(r.examples.len(), 2);
        assert_eq!(r.examples[0].output.as_deref(), Some("{\"a\": 1}\n"));
        assert_eq!(r.examples[1].output, None);
        assert_eq!(r.problems.len(), 1, "the stray output block is reported");
        assert!(r.html.contains("<p class=\"code-label\">Response</p>"));
    }

    #[test]
    fn placeholders_become_generated_tables_and_unknown_ones_are_reported() {
        let r = page("# T\n\n<!-- sayr:settings -->\n\n<!-- sayr:nope -->\n");
        assert!(r.html.contains("<td><code>SAYR_X</code></td>"));
        assert!(
            r.entries[0].text.contains("SAYR_X"),
            "generated text is searchable"
        );
        assert_eq!(r.problems, ["using/board: no generated table `nope`"]);
    }

    #[test]
    fn code_is_escaped() {
        let r = page("# T\n\n```html\n<script>alert(1)</script>\n```\n");
        assert!(r.html.contains("&lt;script&gt;"));
        assert!(!r.html.contains("<script>"));
    }
}
