//! Embeds the guide: `docs/guide/SUMMARY.md` names the pages in reading order, by section;
//! each becomes an `include_str!`, and the browser tests' screenshots an `include_bytes!`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("..");
    let guide = root.join("docs/guide");
    let shots = root.join("end2end/screenshots");
    println!("cargo:rerun-if-changed={}", guide.display());
    println!("cargo:rerun-if-changed={}", shots.display());

    let summary = std::fs::read_to_string(guide.join("SUMMARY.md"))
        .expect("docs/guide/SUMMARY.md lists the guide's pages");
    let mut out = String::from("pub static SUMMARY: &[SectionSource] = &[\n");
    let mut open = false;
    for (n, line) in summary.lines().enumerate() {
        let line = line.trim();
        if let Some(title) = line.strip_prefix("# ") {
            if open {
                out.push_str("    ] },\n");
            }
            let _ = writeln!(
                out,
                "    SectionSource {{ title: {:?}, pages: &[",
                title.trim()
            );
            open = true;
        } else if let Some(item) = line.strip_prefix("- [") {
            let (label, rest) = item
                .split_once("](")
                .unwrap_or_else(|| panic!("SUMMARY.md:{}: `- [Title](path.md)`", n + 1));
            let file = rest.trim_end_matches(')');
            let path = file
                .strip_suffix(".md")
                .unwrap_or_else(|| panic!("SUMMARY.md:{}: {file} is not a .md file", n + 1));
            assert!(open, "SUMMARY.md:{}: a page before any `# Section`", n + 1);
            let source = guide.join(file);
            assert!(
                source.is_file(),
                "SUMMARY.md:{}: no file {}",
                n + 1,
                source.display()
            );
            let _ = writeln!(
                out,
                "        PageSource {{ path: {path:?}, label: {label:?}, markdown: include_str!({:?}) }},",
                source.display().to_string()
            );
        } else if !line.is_empty() {
            panic!(
                "SUMMARY.md:{}: expected `# Section` or `- [Title](path.md)`",
                n + 1
            );
        }
    }
    if open {
        out.push_str("    ] },\n");
    }
    out.push_str("];\n\npub static SCREENSHOTS: &[(&str, &[u8])] = &[\n");
    for name in pngs(&shots) {
        let _ = writeln!(
            out,
            "    ({name:?}, include_bytes!({:?})),",
            shots.join(&name).display().to_string()
        );
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("guide.rs");
    std::fs::write(dest, out).expect("write guide.rs");
}

fn pngs(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".png"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
