//! The HTML around the pages: the top bar with search, the sidebar, previous and next.

use crate::markdown::escape;
use crate::{Base, Guide, SUMMARY, search};

/// A page of the guide, whole.
pub fn page(g: &Guide, at: usize) -> String {
    let p = &g.pages[at];
    let depth = p.path.matches('/').count();
    let link = |q: &crate::Page, rel: &str, label: &str| {
        format!(
            "<a rel=\"{rel}\" href=\"{}\"><span class=\"muted\">{label}</span> {}</a>",
            g.url(depth, q.path, None),
            escape(q.label)
        )
    };
    let prev = at
        .checked_sub(1)
        .map(|i| link(&g.pages[i], "prev", "Previous"))
        .unwrap_or_default();
    let next = g
        .pages
        .get(at + 1)
        .map(|q| link(q, "next", "Next"))
        .unwrap_or_default();
    let main = format!(
        "<p class=\"docs-crumb muted\">{}</p>\n<article class=\"prose\">\n{}</article>\n\
         <nav class=\"docs-pager\" aria-label=\"Previous and next page\">{prev}{next}</nav>",
        escape(p.section),
        p.html
    );
    shell(g, depth, &p.title, Some(p.path), "", &main)
}

/// The guide's front page.
pub fn index(g: &Guide) -> String {
    let mut main = String::from(
        "<article class=\"prose\"><h1>Sayr docs</h1>\n<p class=\"lead\">How to use Sayr with \
         your team, run your public page, connect GitHub and the API, host Sayr yourself, and \
         work on its code.</p>\n",
    );
    for section in SUMMARY {
        main.push_str(&format!("<h2>{}</h2>\n<ul>\n", escape(section.title)));
        for page in section.pages {
            main.push_str(&format!(
                "<li><a href=\"{}\">{}</a></li>\n",
                g.url(0, page.path, None),
                escape(page.label)
            ));
        }
        main.push_str("</ul>\n");
    }
    main.push_str("</article>");
    shell(g, 0, "Sayr docs", None, "", &main)
}

/// The results of a search, for browsers without JavaScript.
pub fn results(g: &Guide, query: &str) -> String {
    let hits = g.search(query);
    let mut main = format!(
        "<article class=\"prose\"><h1>Search</h1>\n<p role=\"status\">{}</p>\n<ol class=\"docs-results\">\n",
        match (query.trim().is_empty(), hits.len()) {
            (true, _) => "Type words to look for.".to_string(),
            (false, 0) => format!("Nothing found for “{}”.", escape(query)),
            (false, 1) => format!("1 result for “{}”.", escape(query)),
            (false, n) => format!("{n} results for “{}”.", escape(query)),
        }
    );
    for e in hits.iter().take(50) {
        let anchor = (!e.anchor.is_empty()).then_some(e.anchor.as_str());
        let heading = if e.heading.is_empty() || e.heading == e.title {
            escape(&e.title)
        } else {
            format!("{} › {}", escape(&e.title), escape(&e.heading))
        };
        main.push_str(&format!(
            "<li><a href=\"{}\">{heading}</a><p class=\"muted\">{}</p></li>\n",
            g.url(0, &e.page, anchor),
            escape(&search::snippet(&e.text, query, 180))
        ));
    }
    main.push_str("</ol></article>");
    shell(g, 0, "Search", None, query, &main)
}

/// The document around `main`, for a page `depth` folders down.
fn shell(
    g: &Guide,
    depth: usize,
    title: &str,
    current: Option<&str>,
    query: &str,
    main: &str,
) -> String {
    let mut nav = String::new();
    for section in SUMMARY {
        nav.push_str(&format!("<h2>{}</h2>\n<ul>\n", escape(section.title)));
        for page in section.pages {
            let here = if current == Some(page.path) {
                " aria-current=\"page\""
            } else {
                ""
            };
            nav.push_str(&format!(
                "<li><a href=\"{}\"{here}>{}</a></li>\n",
                g.url(depth, page.path, None),
                escape(page.label)
            ));
        }
        nav.push_str("</ul>\n");
    }
    let (home, action, base, is_static) = match g.base {
        Base::Served => (
            "/".to_string(),
            "/docs/search".to_string(),
            "/docs/".to_string(),
            false,
        ),
        Base::Static => {
            let index = g.url(depth, "", None);
            (index.clone(), index, crate::up(depth), true)
        }
    };
    format!(
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Sayr docs</title>
<link rel="stylesheet" href="{css}">
<script defer src="{js}"></script>
</head>
<body class="docs">
<a class="skip-link" href="#content">Skip to content</a>
<header class="topbar docs-top">
<a class="brand" href="{home}">Sayr</a>
<a class="docs-home" href="{docs}">Docs</a>
<form class="docs-search" role="search" action="{action}" method="get" data-index="{index}" data-base="{base}" data-static="{is_static}">
<input type="search" name="q" value="{query}" aria-label="Search the docs" placeholder="Search the docs" autocomplete="off">
<button type="submit" class="button">Search</button>
<div class="docs-hits" hidden><p role="status" class="muted"></p><ul></ul></div>
</form>
</header>
<div class="docs-layout">
<nav class="docs-nav" aria-label="Guide">
{nav}</nav>
<main id="content">
{main}
</main>
</div>
</body>
</html>
"##,
        title = escape(title),
        css = g.asset(depth, "docs.css"),
        js = g.asset(depth, "search.js"),
        docs = g.url(depth, "", None),
        index = g.asset(depth, "search-index.json"),
        query = escape(query),
    )
}
