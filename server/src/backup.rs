//! `sayr backup <dir>` and `sayr restore <dir>` for the embedded set-up: the SQLite database
//! copied consistently while the instance serves (`VACUUM INTO`), and the local files.
//! PostgreSQL and S3 have their own tools, which do it better than we could: for them
//! these commands say what to run instead of pretending.

use crate::config::Config;
use crate::db;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file that marks a backup directory and says what is in it.
pub const MANIFEST: &str = "sayr-backup.json";
const DATABASE: &str = "sayr.db";
const FILES: &str = "files";

/// What a backup holds.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// This layout's version.
    pub format: u32,
    pub sayr_version: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The migrations applied to the copied database.
    pub migrations: Vec<String>,
    /// Files copied (none when they live in S3), and their bytes.
    pub files: u64,
    pub file_bytes: u64,
    /// Files the database names that were deleted while the backup ran.
    pub missing_files: Vec<String>,
}

/// Why a backup or a restore did nothing. `Elsewhere` is no failure of ours: the data is
/// where our copy cannot reach, and the message says what to run.
#[derive(Debug)]
pub enum Refusal {
    Elsewhere(String),
    Failed(String),
}

impl<E: std::fmt::Display> From<E> for Refusal {
    fn from(e: E) -> Self {
        Refusal::Failed(e.to_string())
    }
}

fn failed(message: impl Into<String>) -> Refusal {
    Refusal::Failed(message.into())
}

/// Copies the database and the local files into `dest` (new or empty), while the instance
/// may be serving: the database as one consistent snapshot, then the files; a file the
/// snapshot names that was deleted meanwhile is listed in the manifest.
pub async fn backup(config: &Config, dest: &Path) -> Result<Manifest, Refusal> {
    if let Some(url) = &config.database_url
        && !url.expose().starts_with("sqlite")
    {
        return Err(Refusal::Elsewhere(format!(
            "the database is PostgreSQL: back it up with its own tools, for example\n  \
             pg_dump --format=custom --file=sayr.dump \"$DATABASE_URL\"\n\
             and restore with pg_restore --clean --if-exists --dbname=\"$DATABASE_URL\" sayr.dump.\n{}",
            files_note(config)
        )));
    }
    let source = config.data_dir.join(DATABASE);
    if config.database_url.is_none() && !source.is_file() {
        return Err(failed(format!("no database at {}", source.display())));
    }
    if dest.exists() && std::fs::read_dir(dest)?.next().is_some() {
        return Err(failed(format!(
            "{} is not empty: back up into a new directory",
            dest.display()
        )));
    }
    std::fs::create_dir_all(dest)?;
    let dest = dest.canonicalize()?;

    let database = db::connect(&config.database_url(), Some(1)).await?;
    let snapshot = dest.join(DATABASE);
    database
        .execute_unprepared(&format!("VACUUM INTO {}", sql_string(&snapshot)))
        .await?;
    database.close().await?;

    let copy = connect_read_only(&snapshot).await?;
    let migrations = strings(
        &copy,
        "SELECT version FROM seaql_migrations ORDER BY version",
    )
    .await?;
    let keys = strings(&copy, "SELECT object_key FROM file").await?;
    copy.close().await?;

    let (mut files, mut file_bytes, mut missing_files) = (0, 0, Vec::new());
    if config.storage_url.is_none() {
        let (from, to) = (config.data_dir.join(FILES), dest.join(FILES));
        (files, file_bytes) = tokio::task::spawn_blocking(move || copy_tree(&from, &to)).await??;
        missing_files = keys
            .into_iter()
            .filter(|key| !dest.join(FILES).join(key).is_file())
            .collect();
    }
    let manifest = Manifest {
        format: 1,
        sayr_version: env!("CARGO_PKG_VERSION").to_string(),
        created_at: chrono::Utc::now(),
        migrations,
        files,
        file_bytes,
        missing_files,
    };
    std::fs::write(dest.join(MANIFEST), serde_json::to_vec_pretty(&manifest)?)?;
    Ok(manifest)
}

/// What to say about files that live in S3.
pub fn files_note(config: &Config) -> String {
    match &config.storage_url {
        Some(url) => format!(
            "The files are in {url}: keep them with the bucket's versioning, or copy the bucket (`aws s3 sync`, `rclone sync`)."
        ),
        None => format!(
            "The files are in {}: copy that directory too.",
            config.data_dir.join(FILES).display()
        ),
    }
}

/// Puts a backup made by [`backup`] into this configuration's data directory, which must
/// hold no database and no files yet, then brings the database up to this version's
/// migrations.
pub async fn restore(config: &Config, from: &Path) -> Result<Manifest, Refusal> {
    if config.database_url.is_some() {
        return Err(Refusal::Elsewhere(
            "DATABASE_URL is set: a backup of the embedded database restores into a data directory \
             without it. A PostgreSQL dump restores with pg_restore."
                .to_string(),
        ));
    }
    let manifest: Manifest =
        serde_json::from_slice(&std::fs::read(from.join(MANIFEST)).map_err(|e| {
            failed(format!(
                "{}: {e}: not a Sayr backup",
                from.join(MANIFEST).display()
            ))
        })?)
        .map_err(|e| failed(format!("{MANIFEST}: {e}")))?;
    if manifest.format != 1 {
        return Err(failed(format!(
            "backup format {} is not one this version reads",
            manifest.format
        )));
    }
    let has_files = from.join(FILES).is_dir();
    if has_files && config.storage_url.is_some() {
        return Err(Refusal::Elsewhere(format!(
            "the backup's files are local, and this configuration keeps files in {}: restore without \
             SAYR_STORAGE_URL, or copy {} into the bucket first",
            config.storage_url.as_deref().unwrap_or_default(),
            from.join(FILES).display()
        )));
    }
    let data = &config.data_dir;
    let (database, files) = (data.join(DATABASE), data.join(FILES));
    let occupied = database.exists()
        || std::fs::read_dir(&files).is_ok_and(|mut entries| entries.next().is_some());
    if occupied {
        return Err(failed(format!(
            "{} already holds a database or files: restore into an empty data directory",
            data.display()
        )));
    }
    std::fs::create_dir_all(data)?;
    // Under another name until whole, so that a restore cut short is not taken for a database.
    let partial = data.join("sayr.db.restoring");
    std::fs::copy(from.join(DATABASE), &partial)?;
    let check = connect_read_only(&partial).await?;
    let verdict = strings(&check, "PRAGMA integrity_check").await?;
    check.close().await?;
    if verdict != ["ok"] {
        let _ = std::fs::remove_file(&partial);
        return Err(failed(format!(
            "the backup's database is damaged: {}",
            verdict.join("; ")
        )));
    }
    if has_files {
        let (source, target) = (from.join(FILES), files.clone());
        tokio::task::spawn_blocking(move || copy_tree(&source, &target)).await??;
    }
    std::fs::rename(&partial, &database)?;
    let restored = db::connect(&config.database_url(), Some(1)).await?;
    db::migrate(&restored).await?;
    restored.close().await?;
    Ok(manifest)
}

async fn connect_read_only(file: &Path) -> Result<DatabaseConnection, Refusal> {
    let url = format!("sqlite://{}?mode=ro", file.display());
    Ok(sea_orm::Database::connect(url).await?)
}

async fn strings(db: &DatabaseConnection, sql: &str) -> Result<Vec<String>, Refusal> {
    let rows = db
        .query_all_raw(Statement::from_string(DbBackend::Sqlite, sql.to_string()))
        .await?;
    rows.iter()
        .map(|row| row.try_get_by_index::<String>(0).map_err(Refusal::from))
        .collect()
}

/// A path as an SQL string literal.
fn sql_string(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "''"))
}

/// Copies every file under `from` into `to` (made as needed); returns how many and their
/// bytes. The file store's uploads in progress (`<name>#<n>`) are left out.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<(u64, u64)> {
    let (mut count, mut bytes) = (0, 0);
    if !from.is_dir() {
        return Ok((0, 0));
    }
    std::fs::create_dir_all(to)?;
    let mut stack: Vec<PathBuf> = vec![from.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            let relative = path.strip_prefix(from).expect("under the root");
            let kind = entry.file_type()?;
            if kind.is_dir() {
                std::fs::create_dir_all(to.join(relative))?;
                stack.push(path);
            } else if kind.is_file() && !entry.file_name().to_string_lossy().contains('#') {
                match std::fs::copy(&path, to.join(relative)) {
                    Ok(n) => {
                        count += 1;
                        bytes += n;
                    }
                    // Deleted since it was listed: the manifest names it if the snapshot did.
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    Ok((count, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_for_sql() {
        assert_eq!(sql_string(Path::new("/b/it's")), "'/b/it''s'");
    }

    #[test]
    fn uploads_in_progress_are_not_copied() {
        let from = tempfile::tempdir().unwrap();
        let to = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(from.path().join("org/a")).unwrap();
        std::fs::write(from.path().join("org/a/one"), b"12345").unwrap();
        std::fs::write(from.path().join("org/a/two#3"), b"partial").unwrap();
        let (count, bytes) = copy_tree(from.path(), &to.path().join("files")).unwrap();
        assert_eq!((count, bytes), (1, 5));
        assert!(to.path().join("files/org/a/one").is_file());
        assert!(!to.path().join("files/org/a/two#3").exists());
    }
}
