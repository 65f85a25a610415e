//! The guide: the Markdown pages under `docs/guide`, embedded at build time and rendered
//! as HTML pages, served by `sayr serve` at `/docs` or written by `sayr docs build` as a
//! static site. The code fills in the tables that must not drift (every setting, every
//! permission, every shortcut) through `<!-- sayr:NAME -->` lines; the tests check every
//! link and run every `sh example` block.

mod markdown;
mod search;
mod template;

use std::collections::HashMap;
use std::path::Path;

pub use markdown::{Example, slug};
pub use search::Entry;

/// A section of `SUMMARY.md` and its pages, in reading order.
pub struct SectionSource {
    pub title: &'static str,
    pub pages: &'static [PageSource],
}

/// A page as embedded: its path (`using/board`, no `.md`), its label in `SUMMARY.md` and
/// its Markdown.
pub struct PageSource {
    pub path: &'static str,
    pub label: &'static str,
    pub markdown: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/guide.rs"));

/// The stylesheet of the guide's pages: the app's tokens and base rules, then its own.
pub fn stylesheet() -> String {
    format!(
        "{}\n{}",
        include_str!("../../style/main.css"),
        include_str!("../assets/docs.css")
    )
}

/// Results as you type (the pages work without it).
pub const SCRIPT: &str = include_str!("../assets/search.js");

/// A browser test's screenshot, by file name.
pub fn screenshot(name: &str) -> Option<&'static [u8]> {
    SCREENSHOTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| *b)
}

/// Where the rendered pages live, which decides how they link to each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    /// Served by Sayr under `/docs`.
    Served,
    /// Files in a directory, linked relatively: `using/board.html`.
    Static,
}

/// One rendered page.
pub struct Page {
    pub path: &'static str,
    pub label: &'static str,
    pub section: &'static str,
    pub title: String,
    pub html: String,
    pub examples: Vec<Example>,
    anchors: Vec<String>,
    targets: Vec<markdown::Target>,
}

/// Every page, rendered for one base.
pub struct Guide {
    base: Base,
    pages: Vec<Page>,
    index: search::Index,
    problems: Vec<String>,
}

impl Guide {
    /// Renders every page. `generated(NAME)` answers a `<!-- sayr:NAME -->` line with
    /// Markdown (a table), or `None` for a name it does not know.
    pub fn build(base: Base, generated: &dyn Fn(&str) -> Option<String>) -> Self {
        let mut guide = Guide {
            base,
            pages: Vec::new(),
            index: search::Index::new(Vec::new()),
            problems: Vec::new(),
        };
        let mut entries = Vec::new();
        for section in SUMMARY {
            for source in section.pages {
                let depth = source.path.matches('/').count();
                let page_url = |p: &str, a: Option<&str>| guide.url(depth, p, a);
                let docs_url = |rest: &str| guide.asset(depth, rest);
                let links = markdown::Links {
                    page: &page_url,
                    docs: &docs_url,
                };
                let r = markdown::render(source.path, source.markdown, &links, generated);
                guide.problems.extend(r.problems);
                entries.extend(r.entries);
                guide.pages.push(Page {
                    path: source.path,
                    label: source.label,
                    section: section.title,
                    title: r.title,
                    html: r.html,
                    examples: r.examples,
                    anchors: r.anchors,
                    targets: r.targets,
                });
            }
        }
        guide.index = search::Index::new(entries);
        let known: HashMap<&str, &Page> = guide.pages.iter().map(|p| (p.path, p)).collect();
        let mut broken = Vec::new();
        for page in &guide.pages {
            for t in &page.targets {
                match (known.get(t.page.as_str()), &t.anchor) {
                    (None, _) => broken.push(format!(
                        "{}: link to a missing page: {}",
                        page.path, t.written
                    )),
                    (Some(to), Some(anchor)) if !to.anchors.contains(anchor) => broken.push(
                        format!("{}: link to a missing anchor: {}", page.path, t.written),
                    ),
                    _ => {}
                }
            }
        }
        guide.problems.extend(broken);
        guide
    }

    pub fn base(&self) -> Base {
        self.base
    }

    pub fn pages(&self) -> &[Page] {
        &self.pages
    }

    pub fn page(&self, path: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.path == path)
    }

    /// Broken links and anchors, unknown tables, pages without a title, stray outputs.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }

    /// The entries matching `query`, best first.
    pub fn search(&self, query: &str) -> Vec<&Entry> {
        self.index.search(query)
    }

    /// The search index the script downloads.
    pub fn index_json(&self) -> String {
        serde_json::to_string(self.index.entries()).unwrap_or_else(|_| "[]".into())
    }

    /// The whole HTML document of a page.
    pub fn page_html(&self, path: &str) -> Option<String> {
        let at = self.pages.iter().position(|p| p.path == path)?;
        Some(template::page(self, at))
    }

    /// The guide's front page: its sections and their pages.
    pub fn index_html(&self) -> String {
        template::index(self)
    }

    /// The results page for `query` (served only: a static site has no server to ask).
    pub fn search_html(&self, query: &str) -> String {
        template::results(self, query)
    }

    /// Writes the static site into `dir`: `index.html`, one `.html` per page, the
    /// stylesheet, the script, the search index and the screenshots. Returns the number
    /// of files written.
    pub fn write_static(&self, dir: &Path) -> std::io::Result<usize> {
        assert_eq!(self.base, Base::Static, "a static site links relatively");
        let mut files: Vec<(String, Vec<u8>)> = vec![
            ("index.html".into(), self.index_html().into_bytes()),
            ("docs.css".into(), stylesheet().into_bytes()),
            ("search.js".into(), SCRIPT.as_bytes().to_vec()),
            ("search-index.json".into(), self.index_json().into_bytes()),
        ];
        for (i, page) in self.pages.iter().enumerate() {
            files.push((
                format!("{}.html", page.path),
                template::page(self, i).into_bytes(),
            ));
        }
        for (name, bytes) in SCREENSHOTS {
            files.push((format!("screenshots/{name}"), bytes.to_vec()));
        }
        for (rel, bytes) in &files {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, bytes)?;
        }
        Ok(files.len())
    }

    /// The URL of a page (and anchor) from a page `depth` folders down.
    fn url(&self, depth: usize, page: &str, anchor: Option<&str>) -> String {
        let anchor = anchor.map(|a| format!("#{a}")).unwrap_or_default();
        match self.base {
            Base::Served if page.is_empty() => format!("/docs{anchor}"),
            Base::Served => format!("/docs/{page}{anchor}"),
            Base::Static if page.is_empty() => format!("{}index.html{anchor}", up(depth)),
            Base::Static => format!("{}{page}.html{anchor}", up(depth)),
        }
    }

    /// The URL of a file of the guide (`docs.css`, `screenshots/…`) from `depth` down.
    fn asset(&self, depth: usize, rest: &str) -> String {
        match self.base {
            Base::Served => format!("/docs/{rest}"),
            Base::Static => format!("{}{rest}", up(depth)),
        }
    }
}

fn up(depth: usize) -> String {
    "../".repeat(depth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_links_are_relative_and_served_ones_absolute() {
        let served = Guide::build(Base::Served, &|_| Some(String::new()));
        let fixed = Guide::build(Base::Static, &|_| Some(String::new()));
        assert_eq!(
            served.url(1, "using/board", Some("x")),
            "/docs/using/board#x"
        );
        assert_eq!(
            fixed.url(1, "using/board", Some("x")),
            "../using/board.html#x"
        );
        assert_eq!(fixed.url(0, "", None), "index.html");
        assert_eq!(fixed.asset(2, "docs.css"), "../../docs.css");
    }
}
