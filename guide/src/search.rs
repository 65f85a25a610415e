//! Search over the guide: one entry per heading, scored the same way here (the results
//! page, without JavaScript) and in `assets/search.js` (results as you type).

use serde::Serialize;

/// The text under one heading of one page. Serialized short: the index is downloaded.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    /// The page's path (`using/board`).
    #[serde(rename = "p")]
    pub page: String,
    /// The heading's anchor; empty for the top of the page.
    #[serde(rename = "a")]
    pub anchor: String,
    /// The page's title.
    #[serde(rename = "t")]
    pub title: String,
    #[serde(rename = "h")]
    pub heading: String,
    /// The text, whitespace collapsed.
    #[serde(rename = "x")]
    pub text: String,
}

impl Entry {
    pub fn top(page: &str) -> Self {
        Self::new(page, "", "")
    }

    pub fn new(page: &str, anchor: &str, heading: &str) -> Self {
        Self {
            page: page.to_string(),
            anchor: anchor.to_string(),
            title: String::new(),
            heading: heading.to_string(),
            text: String::new(),
        }
    }

    pub fn push(&mut self, text: &str) {
        for word in text.split_whitespace() {
            if !self.text.is_empty() {
                self.text.push(' ');
            }
            self.text.push_str(word);
        }
    }
}

/// A query's words that count: the first few of its first characters, so that a huge
/// query costs no more than a short one.
const MOST_TERMS: usize = 8;
const MOST_CHARS: usize = 200;

/// The words of a query, lower case.
pub fn terms(query: &str) -> Vec<String> {
    query
        .chars()
        .take(MOST_CHARS)
        .collect::<String>()
        .to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .take(MOST_TERMS)
        .map(str::to_string)
        .collect()
}

/// The entries, with their heading, title and text lower-cased once for every search.
pub struct Index {
    entries: Vec<Entry>,
    lower: Vec<[String; 3]>,
}

impl Index {
    pub fn new(entries: Vec<Entry>) -> Self {
        let lower = entries
            .iter()
            .map(|e| {
                [
                    e.heading.to_lowercase(),
                    e.title.to_lowercase(),
                    e.text.to_lowercase(),
                ]
            })
            .collect();
        Self { entries, lower }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entries matching every term, best first: a term in the heading counts 5, in
    /// the page's title 3, in the text 1; the whole query as a phrase adds 10.
    pub fn search(&self, query: &str) -> Vec<&Entry> {
        let terms = terms(query);
        if terms.is_empty() {
            return Vec::new();
        }
        let phrase = terms.join(" ");
        let mut hits: Vec<(u32, usize)> = Vec::new();
        'entries: for (i, [h, t, x]) in self.lower.iter().enumerate() {
            let mut score = 0;
            for term in &terms {
                let s = 5 * u32::from(h.contains(term.as_str()))
                    + 3 * u32::from(t.contains(term.as_str()))
                    + u32::from(x.contains(term.as_str()));
                if s == 0 {
                    continue 'entries;
                }
                score += s;
            }
            if terms.len() > 1 && (h.contains(&phrase) || x.contains(&phrase)) {
                score += 10;
            }
            hits.push((score, i));
        }
        hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        hits.into_iter().map(|(_, i)| &self.entries[i]).collect()
    }
}

/// Up to `width` characters of `text` around the first term found in it.
pub fn snippet(text: &str, query: &str, width: usize) -> String {
    let lower = text.to_lowercase();
    let at = terms(query)
        .iter()
        .filter_map(|t| lower.find(t.as_str()))
        .min()
        .unwrap_or(0);
    // Lower-casing can change byte lengths; fall back to the start when it did.
    let at = if lower.len() == text.len() { at } else { 0 };
    let start = floor_char(text, at.saturating_sub(width / 3));
    let end = floor_char(text, (start + width).min(text.len()));
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&text[start..end]);
    if end < text.len() {
        out.push('…');
    }
    out
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(title: &str, heading: &str, text: &str) -> Entry {
        let mut e = Entry::new("p", "a", heading);
        e.title = title.into();
        e.push(text);
        e
    }

    #[test]
    fn every_term_must_match_and_headings_weigh_most() {
        let index = Index::new(vec![
            entry("Public page", "Votes", "visitors vote on public tasks"),
            entry("Public page", "Public actions", "what visitors can do"),
            entry("Board", "Filters", "nothing public here"),
        ]);
        let hits: Vec<_> = index
            .search("Public actions")
            .iter()
            .map(|e| e.heading.as_str())
            .collect();
        assert_eq!(hits, ["Public actions"]);
        let hits: Vec<_> = index
            .search("public")
            .iter()
            .map(|e| e.heading.as_str())
            .collect();
        assert_eq!(hits, ["Public actions", "Votes", "Filters"]);
        assert!(index.search("  ,, ").is_empty());
    }

    #[test]
    fn a_huge_query_counts_only_its_first_words() {
        let long = "word ".repeat(100_000);
        assert_eq!(terms(&long).len(), MOST_TERMS);
        assert_eq!(terms(&"x".repeat(10_000)), ["x".repeat(MOST_CHARS)]);
    }

    #[test]
    fn snippets_show_the_text_around_the_match() {
        let text = "a ".repeat(100) + "needle " + &"b ".repeat(100);
        let s = snippet(&text, "needle", 60);
        assert!(
            s.starts_with('…') && s.ends_with('…') && s.contains("needle"),
            "{s}"
        );
        assert_eq!(snippet("short", "x", 60), "short");
    }
}
