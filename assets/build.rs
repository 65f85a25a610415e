//! Embeds the built site: every file under `SAYR_EMBED_SITE` (the Makefile sets it to
//! `target/site`, where `make site` writes it) becomes an `include_bytes!`, with its `.gz`
//! and `.br` variants beside it. A file that has a `.gz` variant is embedded only
//! compressed: the plain bytes are inflated from it for the rare client that takes no
//! gzip, and the binary carries the bundle about a third of its plain size. Without it (a plain `cargo build`, an editor's `cargo
//! check`), nothing is embedded, nothing is watched, and the server reads `target/site`.

use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=SAYR_EMBED_SITE");
    let mut files = Vec::new();
    let root = std::env::var_os("SAYR_EMBED_SITE")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from);
    if let Some(root) = &root {
        assert!(
            root.join("pkg").is_dir(),
            "SAYR_EMBED_SITE={}: no built site there (`make site` builds it)",
            root.display()
        );
        // A directory given here is scanned whole: any file changed, added or removed in
        // it runs this again.
        println!("cargo:rerun-if-changed={}", root.display());
        walk(root, root, &mut files);
    }
    let root = root.unwrap_or_default();
    files.sort();

    // The hash of everything under pkg/ names the bundle's directory in URLs: a new build
    // is a new address, so browsers may keep every file of one for good.
    let mut hasher = Sha256::new();
    // A static array, not a reference to one: each asset holds a `OnceLock` (interior
    // mutability), which a constant's temporary may not.
    let mut out = String::new();
    let mut count = 0usize;
    for rel in &files {
        if rel.ends_with(".gz") || rel.ends_with(".br") {
            continue;
        }
        let path = root.join(rel);
        // `<name>_bg.wasm` is `make site`'s copy of `<name>.wasm` under Leptos' other
        // name for it: served from the one copy.
        if let Some(stem) = rel.strip_suffix("_bg.wasm") {
            if same_file_contents(&path, &root.join(format!("{stem}.wasm"))) {
                continue;
            }
        }
        let body = std::fs::read(&path).expect("read a site file");
        if rel.starts_with("pkg/") {
            hasher.update(rel.as_bytes());
            hasher.update((body.len() as u64).to_le_bytes());
            hasher.update(&body);
        }
        let variant = |ext: &str| {
            let p = root.join(format!("{rel}.{ext}"));
            if p.is_file() {
                format!("Some(include_bytes!({:?}))", p.display().to_string())
            } else {
                "None".to_string()
            }
        };
        let gzip = variant("gz");
        let plain = if gzip == "None" {
            format!("Some(include_bytes!({:?}))", path.display().to_string())
        } else {
            "None".to_string()
        };
        let _ = writeln!(
            out,
            "    Asset {{ path: {rel:?}, plain: {plain}, gzip: {gzip}, br: {}, inflated: OnceLock::new() }},",
            variant("br"),
        );
        count += 1;
    }
    let mut out = format!("static FILES: [Asset; {count}] = [\n{out}];\n");
    let hash = if files.is_empty() {
        String::new()
    } else {
        hasher
            .finalize()
            .iter()
            .take(8)
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let _ = writeln!(
        out,
        "/// The bundle's content hash (empty: nothing embedded)."
    );
    let _ = writeln!(out, "pub const PKG_HASH: &str = {hash:?};");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("site.rs");
    std::fs::write(dest, out).expect("write site.rs");
}

/// Every file under `dir`, as paths relative to `root` with `/` separators.
fn walk(root: &Path, dir: &Path, files: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read a site directory")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        // `.built`, the Makefile's stamp, and any other hidden file stay out.
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, files);
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            files.push(rel.join("/"));
        }
    }
}

fn same_file_contents(a: &Path, b: &Path) -> bool {
    match (std::fs::read(a), std::fs::read(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
