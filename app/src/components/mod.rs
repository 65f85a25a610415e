//! Widgets shared by pages.

mod avatar;
mod editor;
mod header;
mod mention;
mod palette;
pub mod upload;

pub use avatar::Avatar;
pub use editor::MarkdownEditor;
pub use header::Header;
pub use palette::{Command, CommandAction, CommandPalette, Palette};
