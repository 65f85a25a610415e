//! Widgets shared by pages.

mod header;
mod palette;

pub use header::Header;
pub use palette::{Command, CommandAction, CommandPalette, Palette};
