//! `sayr-wasm-split <input.wasm> <pkg dir> <output name>`: splits the linked browser bundle
//! at its `#[lazy]` / `#[lazy_route]` split points and binds its main module for the web.
//! Writes `<pkg dir>/<name>.js` and `<name>.wasm` (the main module, as `wasm-bindgen
//! --target web --no-typescript --keep-lld-exports --no-demangle` writes them, the module
//! under Leptos' name for it), one `.wasm` per chunk, the loader the main module imports, and
//! `__wasm_split_manifest.json`, which the server reads to preload the chunks a page needs.
//! The file names are the ones Leptos' `HydrationScripts` expects.

use std::path::PathBuf;

/// The loader's name as Leptos looks for it (unhashed builds).
const LINK_NAME: &str = "./__wasm_split.______________________.js";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, pkg, name] = args.as_slice() else {
        return Err("usage: sayr-wasm-split <input.wasm> <pkg dir> <output name>".into());
    };
    let input_wasm = std::fs::read(input)?;
    let pkg = PathBuf::from(pkg);
    std::fs::create_dir_all(&pkg)?;
    let main_out = pkg.join(format!("{name}_split.wasm"));
    let main_module = format!("./{name}.js");
    let split = wasm_split_cli_support::transform({
        let mut opts = wasm_split_cli_support::Options::new(&input_wasm);
        opts.output_dir = &pkg;
        opts.main_out_path = &main_out;
        opts.main_module = &main_module;
        opts.link_name = LINK_NAME;
        opts
    })
    .map_err(|e| format!("splitting {input}: {e}"))?;
    std::fs::write(
        pkg.join("__wasm_split_manifest.json"),
        serde_json::to_string_pretty(&split.prefetch_map)?,
    )?;
    for module in &split.split_modules {
        println!("{}", module.display());
    }
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&main_out)
        .web(true)?
        .typescript(false)
        .keep_lld_exports(true)
        .demangle(false)
        .omit_default_module_path(false)
        .out_name(name)
        .generate(&pkg)
        .map_err(|e| format!("binding {}: {e}", main_out.display()))?;
    std::fs::remove_file(&main_out)?;
    std::fs::rename(
        pkg.join(format!("{name}_bg.wasm")),
        pkg.join(format!("{name}.wasm")),
    )?;
    Ok(())
}
