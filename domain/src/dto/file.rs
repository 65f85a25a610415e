//! Uploaded files: the types Sayr accepts, told apart by their first bytes, and what the
//! API answers about a stored file.

use super::Visibility;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A type of file Sayr stores. Anything else (HTML, SVG, executables …) is refused: the type
/// comes from the bytes, never from the name or the client's header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileType {
    Png,
    Jpeg,
    Gif,
    Webp,
    Pdf,
    Zip,
    /// UTF-8 text that does not look like markup.
    Text,
}

impl FileType {
    pub const ALL: [FileType; 7] = [
        FileType::Png,
        FileType::Jpeg,
        FileType::Gif,
        FileType::Webp,
        FileType::Pdf,
        FileType::Zip,
        FileType::Text,
    ];

    /// The name used in configuration (`png`, `jpeg`, … `text`).
    pub fn as_str(self) -> &'static str {
        match self {
            FileType::Png => "png",
            FileType::Jpeg => "jpeg",
            FileType::Gif => "gif",
            FileType::Webp => "webp",
            FileType::Pdf => "pdf",
            FileType::Zip => "zip",
            FileType::Text => "text",
        }
    }

    /// Reads a configuration name; `jpg` and `txt` are accepted too.
    pub fn parse(name: &str) -> Option<FileType> {
        let name = name.trim().to_ascii_lowercase();
        match name.as_str() {
            "jpg" => Some(FileType::Jpeg),
            "txt" | "plain" => Some(FileType::Text),
            _ => FileType::ALL.into_iter().find(|t| t.as_str() == name),
        }
    }

    /// The `Content-Type` it is served with.
    pub fn mime(self) -> &'static str {
        match self {
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
            FileType::Gif => "image/gif",
            FileType::Webp => "image/webp",
            FileType::Pdf => "application/pdf",
            FileType::Zip => "application/zip",
            FileType::Text => "text/plain; charset=utf-8",
        }
    }

    pub fn from_mime(mime: &str) -> Option<FileType> {
        FileType::ALL.into_iter().find(|t| t.mime() == mime)
    }

    /// Images are shown inline and have the smaller size limit.
    pub fn is_image(self) -> bool {
        matches!(
            self,
            FileType::Png | FileType::Jpeg | FileType::Gif | FileType::Webp
        )
    }
}

/// How many leading bytes [`sniff`] wants before it decides (fewer when the file is shorter).
pub const SNIFF_LEN: usize = 512;

/// The type of a file from its first bytes (`head`: up to [`SNIFF_LEN`] of them, all of
/// them when the file is shorter). None for anything Sayr does not store. Text is only
/// recognized here from its start; the uploader checks the rest is UTF-8 as it streams.
pub fn sniff(head: &[u8]) -> Option<FileType> {
    const SIGNATURES: &[(&[u8], FileType)] = &[
        (b"\x89PNG\r\n\x1a\n", FileType::Png),
        (b"\xff\xd8\xff", FileType::Jpeg),
        (b"GIF87a", FileType::Gif),
        (b"GIF89a", FileType::Gif),
        (b"%PDF-", FileType::Pdf),
        (b"PK\x03\x04", FileType::Zip),
        // An empty archive.
        (b"PK\x05\x06", FileType::Zip),
    ];
    if let Some((_, t)) = SIGNATURES.iter().find(|(sig, _)| head.starts_with(sig)) {
        return Some(*t);
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Some(FileType::Webp);
    }
    is_plain_text_start(head).then_some(FileType::Text)
}

/// UTF-8 (a character cut at the end of `head` is fine), no control characters other than
/// whitespace, and not markup: a browser told `text/plain` will not render it, but HTML or
/// SVG saved under a harmless name is refused all the same.
fn is_plain_text_start(head: &[u8]) -> bool {
    if head.is_empty() {
        return false;
    }
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        // Only an incomplete character at the very end is allowed.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    if text.chars().any(is_binary_char) {
        return false;
    }
    !text.trim_start().starts_with('<')
}

/// Control characters that plain text does not contain.
pub fn is_binary_char(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c')
}

/// A file name fit for a URL and a `Content-Disposition`: no directories, no control
/// characters, at most 200 characters; "file" when nothing is left.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() {
        "file".to_string()
    } else {
        cleaned.to_string()
    }
}

/// Percent-encodes a URL path segment (everything but RFC 3986's unreserved characters).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where a stored file is served: `/files/<id>/<name>`. Links to it in a task description
/// or a comment attach the file to that task or comment.
pub fn file_url(id: Uuid, name: &str) -> String {
    format!("/files/{id}/{}", encode_segment(name))
}

/// The file ids that `/files/<id>/…` links in a Markdown text point at.
pub fn linked_file_ids(text: &str) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for (at, _) in text.match_indices("/files/") {
        let rest = &text[at + "/files/".len()..];
        if let Some(id) = rest.get(..36).and_then(|s| Uuid::parse_str(s).ok())
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

/// A stored file, as the upload answers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FileInfo {
    pub id: Uuid,
    /// Where it is served (`/files/<id>/<name>`); link it in a description or comment to
    /// attach the file there.
    pub url: String,
    pub name: String,
    /// Decided from the bytes (`image/png`, `application/pdf`, `text/plain; charset=utf-8` …).
    pub content_type: String,
    /// In bytes.
    pub size: i64,
    /// Public files are readable by anyone with the link; private ones by the org's members.
    pub visibility: Visibility,
}

/// `{url}`: where an org's logo or banner, or a user's avatar, is served now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ImageUrl {
    pub url: String,
}

/// A file attached to a task's description or to one of its comments, as the task page
/// lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub id: Uuid,
    /// Where it is served (`/files/<id>/<name>`).
    pub url: String,
    pub name: String,
    pub content_type: String,
    /// In bytes.
    pub size: i64,
    pub visibility: Visibility,
    /// The comment that links it; none when the task's description does.
    pub comment_id: Option<Uuid>,
    /// None once the uploader's account is gone.
    pub uploaded_by: Option<crate::UserId>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Whether the caller may delete it (its uploader, or `admin.manageSettings`).
    pub may_delete: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_formats_are_told_apart_by_their_first_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(FileType::Png));
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF"), Some(FileType::Jpeg));
        assert_eq!(sniff(b"GIF89a\x01\0\x01\0"), Some(FileType::Gif));
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some(FileType::Webp));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(FileType::Pdf));
        assert_eq!(sniff(b"PK\x03\x04\x14\0"), Some(FileType::Zip));
        assert_eq!(sniff("Hello, wörld\n".as_bytes()), Some(FileType::Text));
    }

    #[test]
    fn markup_and_binaries_are_refused() {
        assert_eq!(sniff(b"<!DOCTYPE html><html>"), None);
        assert_eq!(sniff(b"  \n<svg xmlns='http://www.w3.org/2000/svg'>"), None);
        assert_eq!(sniff(b"\xef\xbb\xbf<html>"), None);
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01\0"), None);
        assert_eq!(sniff(b"MZ\x90\0\x03\0"), None);
        assert_eq!(sniff(b"not \xff utf-8"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"RIFF\x24\0\0\0WAVEfmt "), None);
    }

    #[test]
    fn text_cut_inside_a_character_is_still_text() {
        let text = "é".repeat(300);
        let head = &text.as_bytes()[..SNIFF_LEN - 1];
        assert_eq!(sniff(head), Some(FileType::Text));
    }

    #[test]
    fn configuration_names_read_back() {
        for t in FileType::ALL {
            assert_eq!(FileType::parse(t.as_str()), Some(t));
            assert_eq!(FileType::from_mime(t.mime()), Some(t));
        }
        assert_eq!(FileType::parse("JPG"), Some(FileType::Jpeg));
        assert_eq!(FileType::parse("svg"), None);
    }

    #[test]
    fn names_lose_directories_and_control_characters() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\a\\report.pdf"), "report.pdf");
        assert_eq!(clean_name("a\"b\r\n.png"), "ab.png");
        assert_eq!(clean_name("   "), "file");
        assert_eq!(clean_name(".hidden"), "hidden");
        assert_eq!(clean_name(&"x".repeat(300)).len(), 200);
    }

    #[test]
    fn urls_encode_the_name_and_links_are_found_again() {
        let id = Uuid::nil();
        let url = file_url(id, "my report (final).pdf");
        assert_eq!(
            url,
            "/files/00000000-0000-0000-0000-000000000000/my%20report%20%28final%29.pdf"
        );
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let text = format!(
            "see ![x](/files/{a}/x.png) and [y](https://sayr.example/files/{b}/y.pdf), \
             again /files/{a}/x.png, and /files/not-an-id/z"
        );
        assert_eq!(linked_file_ids(&text), vec![a, b]);
    }
}
