//! Widgets shared by pages.

mod header;

pub use header::Header;
