//! Widgets shared by pages.

mod avatar;
mod editor;
mod header;
pub mod keys;
mod mention;
mod not_found;
mod palette;
mod task;
pub mod text;
pub mod upload;

pub use avatar::Avatar;
pub use editor::MarkdownEditor;
pub use header::{Header, InboxFeed};
pub use not_found::{LoadFailed, NotFound};
pub use palette::{Command, CommandAction, CommandPalette, Palette};
pub use task::TaskView;
