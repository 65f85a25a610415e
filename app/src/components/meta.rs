//! What a page puts in `<head>`: its title in the tab and history, and, for the pages people
//! share (an org's public page, a public task, a release), the card a link shows in chat
//! (OpenGraph and Twitter). Rendered on the server before the first byte, as every page
//! with data is, so a crawler that runs no script sees them.

use domain::dto::Org;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// The document's title: `<text> · Sayr`.
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    view! { <Title text=format!("{text} · Sayr")/> }
}

/// What a shared link to one of `org`'s public pages shows: the page's own title and words,
/// the org's name, and its banner (a large card) or else its logo. `path` is the page's
/// (`/orgs/acme`).
#[component]
pub fn ShareCard(
    #[prop(into)] title: String,
    #[prop(into)] description: String,
    #[prop(into)] path: String,
    org: Org,
) -> impl IntoView {
    let base = site_url();
    let url = absolute(&base, &path);
    // Chat apps cut long descriptions anyway; a card should not carry a whole task.
    let description = summary(&description, 200);
    let (image, card) = match (org.banner_url, org.logo_url) {
        (Some(banner), _) => (Some(banner), "summary_large_image"),
        (None, logo) => (logo, "summary"),
    };
    let image = image.map(|i| absolute(&base, &i));
    view! {
        <Title text=title.clone()/>
        <Meta name="description" content=description.clone()/>
        <Meta property="og:type" content="website"/>
        <Meta property="og:site_name" content=org.name/>
        <Meta property="og:title" content=title.clone()/>
        <Meta property="og:description" content=description.clone()/>
        <Meta property="og:url" content=url/>
        {image.clone().map(|i| view! { <Meta property="og:image" content=i/> })}
        <Meta name="twitter:card" content=card/>
        <Meta name="twitter:title" content=title/>
        <Meta name="twitter:description" content=description/>
        {image.map(|i| view! { <Meta name="twitter:image" content=i/> })}
    }
}

/// Where this instance is reached: `SAYR_PUBLIC_URL` on the server, the page's origin in
/// the browser (the same, when the instance is reached by its public address).
fn site_url() -> String {
    #[cfg(feature = "ssr")]
    {
        crate::api::site_url()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        window().location().origin().unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        String::new()
    }
}

/// `path` under `base`, unless it is already a whole address (a CDN's).
fn absolute(base: &str, path: &str) -> String {
    if path.starts_with("https://") || path.starts_with("http://") {
        path.to_string()
    } else {
        format!(
            "{}/{}",
            base.trim_end_matches('/'),
            path.trim_start_matches('/')
        )
    }
}

/// The first paragraph of `text` as one line, at most `max` characters (an ellipsis marks a
/// cut), with Markdown's emphasis and heading marks left out.
fn summary(text: &str, max: usize) -> String {
    let para = text
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty())
        .unwrap_or("");
    let line: String = para
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '`' | '#'))
        .collect();
    let line = line.trim().to_string();
    if line.chars().count() <= max {
        return line;
    }
    let cut: String = line.chars().take(max - 1).collect();
    // At a word's end where there is one.
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_is_the_first_paragraph_on_one_line_cut_at_a_word() {
        assert_eq!(summary("", 10), "");
        assert_eq!(
            summary("\n\n  First **bold**\nline.\n\nSecond.", 50),
            "First bold line."
        );
        assert_eq!(summary("# Heading", 50), "Heading");
        let long = "word ".repeat(100);
        let s = summary(&long, 30);
        assert!(s.chars().count() <= 30, "{s}");
        assert!(s.ends_with("word…"), "{s}");
        // One long word is cut inside it.
        let s = summary(&"x".repeat(80), 20);
        assert_eq!(s.chars().count(), 20);
    }

    #[test]
    fn addresses_are_made_whole_unless_they_are() {
        assert_eq!(
            absolute("https://s.example/", "/orgs/a"),
            "https://s.example/orgs/a"
        );
        assert_eq!(
            absolute("https://s.example", "files/x"),
            "https://s.example/files/x"
        );
        assert_eq!(
            absolute("https://s.example", "https://cdn.example/x"),
            "https://cdn.example/x"
        );
    }
}
