//! Widgets shared by pages.

mod avatar;
mod editor;
pub mod focus_trap;
mod header;
mod icon;
pub mod keys;
mod loading;
mod mention;
mod meta;
mod not_found;
mod palette;
pub mod prefs;
mod shortcuts;
mod task;
pub mod text;
pub mod upload;

pub use avatar::Avatar;
pub use editor::MarkdownEditor;
pub use header::{Header, InboxFeed, Sidebar, ViewsChanged};
pub use icon::{Glyph, Icon, SPRITE};
pub use loading::Loading;
pub use meta::{PageTitle, ShareCard};
pub use not_found::{LoadFailed, NotFound};
pub use palette::{Command, CommandAction, CommandPalette, Palette};
pub use shortcuts::ShortcutSheet;
pub use task::TaskView;
