//! The icon sprite: every Lucide icon vendored in `icons/` (ISC, `icons/LICENSE`) becomes a
//! `<symbol>` of one hidden `<svg>` that the server writes once per page, and a variant of
//! `Icon` that names it. Pages draw an icon with `<use href="#i-NAME">`: no icon font, no
//! request, and a typo is a compile error.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new("icons");
    println!("cargo:rerun-if-changed=icons");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("app/icons")
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".svg"))
                .map(str::to_string)
        })
        .collect();
    names.sort();

    let mut sprite = String::from(
        r#"<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true" style="display:none">"#,
    );
    let mut variants = String::new();
    let mut ids = String::new();
    for name in &names {
        let svg = std::fs::read_to_string(dir.join(format!("{name}.svg"))).expect("an icon");
        let open = svg.find("<svg").expect("an <svg> element");
        let body_start = open + svg[open..].find('>').expect("the <svg> tag ends") + 1;
        let body_end = svg.rfind("</svg>").expect("</svg>");
        let body: String = svg[body_start..body_end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace("> <", "><");
        let _ = write!(
            sprite,
            r#"<symbol id="i-{name}" viewBox="0 0 24 24">{body}</symbol>"#
        );
        let variant: String = name
            .split('-')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect();
        let _ = writeln!(variants, "    {variant},");
        let _ = writeln!(ids, "            Icon::{variant} => \"#i-{name}\",");
    }
    sprite.push_str("</svg>");

    let out = format!(
        "/// An icon of the sprite (`app/icons/`).\n\
         #[derive(Clone, Copy, Debug, PartialEq, Eq)]\n\
         pub enum Icon {{\n{variants}}}\n\n\
         impl Icon {{\n    /// The fragment that `<use href>` takes.\n    \
         pub const fn href(self) -> &'static str {{\n        match self {{\n{ids}        }}\n    }}\n}}\n\n\
         /// Every icon as a `<symbol>`, in one hidden `<svg>`: written once per page.\n\
         #[allow(dead_code)]\n\
         pub const SPRITE: &str = {sprite:?};\n"
    );
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("icons.rs");
    std::fs::write(dest, out).expect("write icons.rs");
}
