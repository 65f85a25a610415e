//! The site `make site` built, inside the binary: `sayr` copied anywhere serves pages that
//! hydrate, with nothing beside it. Built without a site (a plain `cargo build`), it holds
//! nothing and the server reads `target/site` from disk instead.

/// One file of the site, with its precompressed variants when the build made them.
#[derive(Debug)]
pub struct Asset {
    /// Relative to the site root, `/`-separated: `pkg/sayr.js`, `favicon.svg`.
    pub path: &'static str,
    pub body: &'static [u8],
    pub gzip: Option<&'static [u8]>,
    pub br: Option<&'static [u8]>,
}

include!(concat!(env!("OUT_DIR"), "/site.rs"));

/// The file at `path` (relative to the site root), if the site has it.
pub fn get(path: &str) -> Option<&'static Asset> {
    FILES
        .binary_search_by(|a| a.path.cmp(path))
        .ok()
        .map(|i| &FILES[i])
}

/// Whether a site was embedded at all.
pub fn is_empty() -> bool {
    FILES.is_empty()
}

/// Every embedded file, ordered by path.
pub fn all() -> &'static [Asset] {
    FILES
}
