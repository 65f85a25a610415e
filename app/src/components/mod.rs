//! Widgets shared by pages.

mod avatar;
mod editor;
mod header;
mod icon;
pub mod keys;
mod mention;
mod not_found;
mod palette;
mod shortcuts;
mod task;
pub mod text;
pub mod upload;

pub use avatar::Avatar;
pub use editor::MarkdownEditor;
pub use header::{Header, InboxFeed, Sidebar};
pub use icon::{Glyph, Icon, SPRITE};
pub use not_found::{LoadFailed, NotFound};
pub use palette::{Command, CommandAction, CommandPalette, Palette};
pub use shortcuts::ShortcutSheet;
pub use task::TaskView;
