//! The object store behind uploads (local directory, S3, or memory in tests) and the
//! streaming into it: the type is decided from the first bytes, the size limit is enforced
//! while the bytes pass, and nothing is left behind when an upload is refused or fails.

use super::FileError;
use bytes::Bytes;
use domain::dto::file::{FileType, SNIFF_LEN, is_binary_char, sniff};
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use object_store::buffered::BufWriter;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{Attribute, Attributes, GetResultPayload, ObjectStore, ObjectStoreExt};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;

const MIB: u64 = 1024 * 1024;

/// How big an upload may be and which types are taken.
#[derive(Clone, Debug)]
pub struct FileLimits {
    /// Bytes, for png, jpeg, gif and webp.
    pub max_image: u64,
    /// Bytes, for everything else.
    pub max_other: u64,
    pub allowed: Vec<FileType>,
    /// Bytes all of an org's files may take together.
    pub org_quota: u64,
    /// Bytes one person may upload in 24 hours.
    pub user_daily: u64,
}

impl Default for FileLimits {
    fn default() -> Self {
        Self {
            max_image: 10 * MIB,
            max_other: 25 * MIB,
            allowed: FileType::ALL.to_vec(),
            org_quota: 1024 * MIB,
            user_daily: 500 * MIB,
        }
    }
}

impl FileLimits {
    pub fn max_for(&self, t: FileType) -> u64 {
        if t.is_image() {
            self.max_image
        } else {
            self.max_other
        }
    }
}

/// Where uploaded files live: one object store shared by every instance.
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
    limits: FileLimits,
    /// A CDN or bucket URL that serves public objects by key, if any.
    public_base: Option<String>,
    /// Bytes buffered before an upload turns multipart, and the size of each part
    /// (S3 wants at least 5 MiB per part except the last).
    part_size: usize,
    /// Whether the store keeps Content-Type and friends with an object (S3 does, a local
    /// directory does not).
    attributes: bool,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore")
            .field("store", &self.store.to_string())
            .field("limits", &self.limits)
            .finish()
    }
}

impl FileStore {
    pub fn new(store: Arc<dyn ObjectStore>, limits: FileLimits) -> Self {
        Self {
            store,
            limits,
            public_base: None,
            part_size: 5 * MIB as usize,
            attributes: false,
        }
    }

    /// A store in memory, for tests and for processes that never touch files.
    pub fn in_memory() -> Self {
        Self::new(Arc::new(InMemory::new()), FileLimits::default())
    }

    /// Public files get links under this base (`https://cdn.example/files` + `/<key>`).
    pub fn with_public_base(mut self, base: Option<String>) -> Self {
        self.public_base = base.map(|b| b.trim_end_matches('/').to_string());
        self
    }

    pub fn with_part_size(mut self, bytes: usize) -> Self {
        self.part_size = bytes.max(64 * 1024);
        self
    }

    /// Store Content-Type, Content-Disposition and Cache-Control with each object, so that
    /// a CDN in front of the bucket serves public files with the right headers.
    pub fn with_attributes(mut self, on: bool) -> Self {
        self.attributes = on;
        self
    }

    pub fn limits(&self) -> &FileLimits {
        &self.limits
    }

    /// The object store itself (tests list it to check nothing was left behind).
    pub fn object_store(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }

    /// Where a public object is served from outside Sayr, when a public base is set.
    pub(crate) fn public_url(&self, key: &str) -> Option<String> {
        self.public_base
            .as_ref()
            .map(|base| format!("{base}/{key}"))
    }

    /// Streams an upload into the object `key`. The first bytes decide the type (refused
    /// unless allowed, and unless an image when `images_only`); the type's size limit is
    /// enforced as the bytes arrive. On any refusal or failure the partial object is
    /// removed; on success the caller gets a guard that removes it unless kept.
    pub(crate) async fn receive<S, E>(
        &self,
        key: String,
        name: &str,
        images_only: bool,
        mut body: S,
    ) -> Result<Received, FileError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let unreadable = |e: E| FileError::invalid("file", format!("could not be read: {e}"));
        let mut pending = Vec::new();
        let mut head = Vec::with_capacity(SNIFF_LEN);
        while head.len() < SNIFF_LEN {
            match body.next().await {
                Some(chunk) => {
                    let chunk = chunk.map_err(unreadable)?;
                    let take = chunk.len().min(SNIFF_LEN - head.len());
                    head.extend_from_slice(&chunk[..take]);
                    pending.push(chunk);
                }
                None => break,
            }
        }
        if head.is_empty() {
            return Err(FileError::invalid("file", "is empty"));
        }
        let file_type = sniff(&head)
            .filter(|t| self.limits.allowed.contains(t))
            .ok_or_else(|| FileError::Unsupported(self.allowed_message(false)))?;
        if images_only && !file_type.is_image() {
            return Err(FileError::Unsupported(self.allowed_message(true)));
        }
        let limit = self.limits.max_for(file_type);
        let mut text = (file_type == FileType::Text).then(Utf8Text::default);

        let mut upload = Received::start(self, key, file_type, name);
        let mut size: u64 = 0;
        let mut chunks = futures::stream::iter(pending.into_iter().map(Ok)).chain(body);
        while let Some(chunk) = chunks.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(e) => {
                    upload.abort().await;
                    return Err(unreadable(e));
                }
            };
            size += chunk.len() as u64;
            if size > limit {
                upload.abort().await;
                return Err(FileError::TooLarge {
                    limit,
                    what: if file_type.is_image() {
                        "images"
                    } else {
                        "files"
                    },
                });
            }
            if let Some(text) = &mut text
                && !text.feed(&chunk)
            {
                upload.abort().await;
                return Err(FileError::Unsupported(
                    "this text is not plain UTF-8".to_string(),
                ));
            }
            if let Err(e) = upload.put(chunk).await {
                upload.abort().await;
                return Err(FileError::unavailable(e));
            }
        }
        if text.is_some_and(|t| !t.complete()) {
            upload.abort().await;
            return Err(FileError::Unsupported(
                "this text is not plain UTF-8".to_string(),
            ));
        }
        upload.finish().await?;
        upload.size = size;
        Ok(upload)
    }

    fn allowed_message(&self, images_only: bool) -> String {
        let names: Vec<&str> = self
            .limits
            .allowed
            .iter()
            .filter(|t| !images_only || t.is_image())
            .map(|t| t.as_str())
            .collect();
        if names.is_empty() {
            "this type of file is not accepted".to_string()
        } else {
            format!(
                "this type of file is not accepted (accepted: {})",
                names.join(", ")
            )
        }
    }

    /// The bytes of an object, as they come from the store.
    pub(crate) async fn open(
        &self,
        key: &str,
    ) -> Result<BoxStream<'static, object_store::Result<Bytes>>, FileError> {
        match self.store.get(&Path::from(key)).await {
            Ok(found) => Ok(match found.payload {
                GetResultPayload::File(file, _) => read_file(file),
                GetResultPayload::Stream(stream) => stream,
            }),
            Err(object_store::Error::NotFound { .. }) => {
                tracing::error!(key, "a file's object is missing from the store");
                Err(FileError::Domain(crate::DomainError::NotFound))
            }
            Err(e) => Err(FileError::unavailable(e)),
        }
    }

    /// Removes objects whose rows are gone. Failures are logged: the rows are what Sayr
    /// reads, so a leftover object is storage, not data.
    pub(crate) async fn remove(&self, keys: Vec<String>) {
        for key in keys {
            match self.store.delete(&Path::from(key.as_str())).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => tracing::warn!(key, error = %e, "could not remove a file's object"),
            }
        }
    }
}

/// A local file in 256 KiB reads (object_store's own stream reads 8 KiB at a time, each on
/// a blocking thread, which caps a local download near 100 MiB/s).
fn read_file(file: std::fs::File) -> BoxStream<'static, object_store::Result<Bytes>> {
    const CHUNK: usize = 256 * 1024;
    let failed = |e: std::io::Error| object_store::Error::Generic {
        store: "LocalFileSystem",
        source: Box::new(e),
    };
    futures::stream::try_unfold(file, move |mut file| async move {
        let (chunk, file) = tokio::task::spawn_blocking(move || {
            use std::io::Read;
            let mut chunk = vec![0; CHUNK];
            let n = file.read(&mut chunk)?;
            chunk.truncate(n);
            Ok((chunk, file))
        })
        .await
        .map_err(|e| failed(std::io::Error::other(e)))?
        .map_err(failed)?;
        Ok((!chunk.is_empty()).then(|| (Bytes::from(chunk), file)))
    })
    .boxed()
}

/// An object being written or written: removed again (and a multipart upload aborted)
/// when dropped before [`Received::keep`], so that a refused, failed or abandoned upload
/// leaves nothing in the store.
pub(crate) struct Received {
    store: Arc<dyn ObjectStore>,
    writer: Option<BufWriter>,
    /// Set once the object may exist in the store.
    key: Option<String>,
    /// Whether `shutdown` began (a writer must not be aborted after that).
    flushing: bool,
    pub key_name: String,
    pub file_type: FileType,
    pub size: u64,
}

impl Received {
    fn start(files: &FileStore, key: String, file_type: FileType, name: &str) -> Self {
        let mut writer = BufWriter::with_capacity(
            files.store.clone(),
            Path::from(key.as_str()),
            files.part_size,
        )
        .with_max_concurrency(2);
        if files.attributes {
            let mut attributes = Attributes::new();
            attributes.insert(Attribute::ContentType, file_type.mime().into());
            attributes.insert(
                Attribute::ContentDisposition,
                super::disposition(file_type, name).into(),
            );
            attributes.insert(
                Attribute::CacheControl,
                "public, max-age=31536000, immutable".into(),
            );
            writer = writer.with_attributes(attributes);
        }
        Self {
            store: files.store.clone(),
            writer: Some(writer),
            key: Some(key.clone()),
            flushing: false,
            key_name: key,
            file_type,
            size: 0,
        }
    }

    async fn put(&mut self, chunk: Bytes) -> object_store::Result<()> {
        match &mut self.writer {
            Some(writer) => writer.put(chunk).await,
            None => Ok(()),
        }
    }

    async fn finish(&mut self) -> Result<(), FileError> {
        let Some(mut writer) = self.writer.take() else {
            return Ok(());
        };
        self.flushing = true;
        if let Err(e) = writer.shutdown().await {
            self.abort().await;
            return Err(FileError::unavailable(e));
        }
        Ok(())
    }

    /// Gives up: aborts a multipart upload and removes the object.
    async fn abort(&mut self) {
        if let Some(mut writer) = self.writer.take()
            && !self.flushing
            && let Err(e) = writer.abort().await
        {
            tracing::warn!(error = %e, "could not abort an upload");
        }
        if let Some(key) = self.key.take() {
            match self.store.delete(&Path::from(key.as_str())).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => tracing::warn!(key, error = %e, "could not remove a refused upload"),
            }
        }
    }

    /// The row is committed: the object stays.
    pub fn keep(mut self) {
        self.key = None;
    }
}

impl Drop for Received {
    fn drop(&mut self) {
        if self.key.is_none() && self.writer.is_none() {
            return;
        }
        let writer = if self.flushing {
            None
        } else {
            self.writer.take()
        };
        let key = self.key.take();
        let store = self.store.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Some(mut writer) = writer {
                    let _ = writer.abort().await;
                }
                if let Some(key) = key {
                    let _ = store.delete(&Path::from(key.as_str())).await;
                }
            });
        }
    }
}

/// Checks that a stream of chunks is UTF-8 without control characters, carrying a
/// character cut between two chunks over to the next.
#[derive(Default)]
struct Utf8Text {
    carry: Vec<u8>,
}

impl Utf8Text {
    fn feed(&mut self, mut data: &[u8]) -> bool {
        while !self.carry.is_empty() {
            let Some((&first, rest)) = data.split_first() else {
                return true;
            };
            self.carry.push(first);
            data = rest;
            match std::str::from_utf8(&self.carry) {
                Ok(s) => {
                    if s.chars().any(is_binary_char) {
                        return false;
                    }
                    self.carry.clear();
                }
                Err(e) if e.error_len().is_none() && self.carry.len() < 4 => {}
                Err(_) => return false,
            }
        }
        let (valid, rest) = match std::str::from_utf8(data) {
            Ok(s) => (s, &[][..]),
            Err(e) if e.error_len().is_none() => {
                let (valid, rest) = data.split_at(e.valid_up_to());
                (std::str::from_utf8(valid).unwrap_or_default(), rest)
            }
            Err(_) => return false,
        };
        if valid.chars().any(is_binary_char) {
            return false;
        }
        self.carry.extend_from_slice(rest);
        true
    }

    fn complete(&self) -> bool {
        self.carry.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::TryStreamExt;

    fn chunks(parts: Vec<Vec<u8>>) -> impl Stream<Item = Result<Bytes, String>> + Unpin {
        futures::stream::iter(parts.into_iter().map(|p| Ok(Bytes::from(p))))
    }

    async fn keys(files: &FileStore) -> Vec<String> {
        files
            .object_store()
            .list(None)
            .map_ok(|m| m.location.to_string())
            .try_collect()
            .await
            .unwrap()
    }

    fn png(len: usize) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        bytes.resize(len, 7);
        bytes
    }

    #[test]
    fn text_split_inside_a_character_is_still_text() {
        let text = "naïve café ✓".as_bytes();
        for cut in 0..text.len() {
            let mut check = Utf8Text::default();
            assert!(check.feed(&text[..cut]) && check.feed(&text[cut..]));
            assert!(check.complete(), "cut at {cut}");
        }
        let mut check = Utf8Text::default();
        assert!(check.feed(&text[..text.len() - 1]));
        assert!(!check.complete(), "a cut character at the end is not text");
        assert!(!Utf8Text::default().feed(b"a\0b"));
        assert!(!Utf8Text::default().feed(b"\xc3\x28"));
    }

    #[tokio::test]
    async fn an_upload_lands_whole_and_in_parts() {
        let files = FileStore::in_memory().with_part_size(64 * 1024);
        let bytes = png(300 * 1024);
        let parts = bytes.chunks(10_000).map(<[u8]>::to_vec).collect();
        let received = files
            .receive("orgs/o/a".into(), "a.png", false, chunks(parts))
            .await
            .unwrap();
        assert_eq!(received.file_type, FileType::Png);
        assert_eq!(received.size, bytes.len() as u64);
        received.keep();
        let stored = files.open("orgs/o/a").await.unwrap();
        let stored: Vec<Bytes> = stored.try_collect().await.unwrap();
        assert_eq!(stored.concat(), bytes);
    }

    #[tokio::test]
    async fn refused_uploads_leave_nothing_behind() {
        let limits = FileLimits {
            max_image: 100 * 1024,
            ..FileLimits::default()
        };
        let files = FileStore::new(Arc::new(InMemory::new()), limits).with_part_size(64 * 1024);
        let big = png(200 * 1024).chunks(8192).map(<[u8]>::to_vec).collect();
        let err = files
            .receive("orgs/o/big".into(), "big.png", false, chunks(big))
            .await
            .err()
            .unwrap();
        assert!(matches!(err, FileError::TooLarge { .. }), "{err:?}");
        let html = vec![b"<html><script>alert(1)</script>".to_vec()];
        let err = files
            .receive("orgs/o/html".into(), "x.png", false, chunks(html))
            .await
            .err()
            .unwrap();
        assert!(matches!(err, FileError::Unsupported(_)), "{err:?}");
        let pdf = vec![b"%PDF-1.4 ...".to_vec()];
        let err = files
            .receive("orgs/o/logo".into(), "logo.pdf", true, chunks(pdf))
            .await
            .err()
            .unwrap();
        assert!(matches!(err, FileError::Unsupported(_)), "{err:?}");
        let binary_later = vec![b"hello".to_vec(), vec![0u8; 10]];
        let err = files
            .receive("orgs/o/t".into(), "t.txt", false, chunks(binary_later))
            .await
            .err()
            .unwrap();
        assert!(matches!(err, FileError::Unsupported(_)), "{err:?}");
        assert_eq!(keys(&files).await, Vec::<String>::new());
    }

    #[tokio::test]
    async fn an_upload_not_kept_is_removed() {
        let files = FileStore::in_memory();
        let received = files
            .receive(
                "orgs/o/x".into(),
                "x.txt",
                false,
                chunks(vec![b"hi".to_vec()]),
            )
            .await
            .unwrap();
        assert_eq!(keys(&files).await, vec!["orgs/o/x".to_string()]);
        drop(received);
        for _ in 0..50 {
            if keys(&files).await.is_empty() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the object was not removed");
    }
}
