//! The site `make site` built, inside the binary: `sayr` copied anywhere serves pages that
//! hydrate, with nothing beside it. Built without a site (a plain `cargo build`), it holds
//! nothing and the server reads `target/site` from disk instead.

use std::io::Read as _;
use std::sync::OnceLock;

/// One file of the site, with its precompressed variants when the build made them.
#[derive(Debug)]
pub struct Asset {
    /// Relative to the site root, `/`-separated: `pkg/sayr.js`, `favicon.svg`.
    pub path: &'static str,
    /// The file as it is, for files the build did not compress (the others are inflated
    /// from `gzip` when asked for plain).
    plain: Option<&'static [u8]>,
    pub gzip: Option<&'static [u8]>,
    pub br: Option<&'static [u8]>,
    inflated: OnceLock<Box<[u8]>>,
}

impl Asset {
    /// The file as it is: embedded, or inflated from its gzip variant on first use and
    /// kept.
    pub fn body(&self) -> &[u8] {
        if let Some(plain) = self.plain {
            return plain;
        }
        self.inflated.get_or_init(|| {
            let gzip = self
                .gzip
                .expect("an asset without plain bytes has a gzip variant");
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(gzip)
                .read_to_end(&mut out)
                .expect("the build's own gzip variant inflates");
            out.into_boxed_slice()
        })
    }
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
    &FILES
}

#[cfg(test)]
mod tests {
    /// Every embedded file reads back as the file the build wrote, whether it was embedded
    /// plain or only compressed.
    #[test]
    fn every_file_reads_back_as_built() {
        let Some(site) = option_env!("SAYR_EMBED_SITE").filter(|s| !s.is_empty()) else {
            eprintln!("SKIPPED: no site embedded (SAYR_EMBED_SITE unset)");
            return;
        };
        assert!(!super::is_empty());
        for asset in super::all() {
            let built = std::fs::read(format!("{site}/{}", asset.path)).unwrap();
            assert!(asset.body() == built, "{} reads back as built", asset.path);
            assert!(asset.body() == built, "{} twice", asset.path);
        }
    }
}
