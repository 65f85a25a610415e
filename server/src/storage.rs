//! The file store: a directory under the data dir by default, any S3-compatible bucket with
//! `SAYR_STORAGE_URL=s3://bucket[/prefix]` (AWS, MinIO, R2, Garage). The hourly sweep of
//! files never attached is a job (`services::jobs::SweepFiles`).

use crate::config::{Config, Secret};
use clap::Args;
use domain::dto::FileType;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::prefix::PrefixStore;
use object_store::{BackoffConfig, ClientOptions, ObjectStore, RetryConfig};
use services::file::{FileLimits, FileStore};
use std::sync::Arc;
use std::time::Duration;

const MIB: u64 = 1024 * 1024;

/// Settings of the file store and of uploads (`SAYR_STORAGE_URL` itself is in [`Config`]).
#[derive(Args, Clone, Debug)]
pub struct StorageConfig {
    /// S3 endpoint, for anything but AWS (`http://127.0.0.1:9000` for MinIO).
    #[arg(long, global = true, env = "SAYR_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,

    /// S3 region.
    #[arg(
        long,
        global = true,
        env = "SAYR_S3_REGION",
        default_value = "us-east-1"
    )]
    pub s3_region: String,

    /// Address buckets as `<endpoint>/<bucket>` rather than `<bucket>.<endpoint>` (MinIO,
    /// Garage, most self-hosted servers).
    #[arg(long, global = true, env = "SAYR_S3_PATH_STYLE", default_value_t = false, action = clap::ArgAction::Set)]
    pub s3_path_style: bool,

    /// Allow a plain-http S3 endpoint.
    #[arg(long, global = true, env = "SAYR_S3_ALLOW_HTTP", default_value_t = false, action = clap::ArgAction::Set)]
    pub s3_allow_http: bool,

    /// S3 access key id (otherwise the usual AWS credential chain).
    #[arg(long, global = true, env = "AWS_ACCESS_KEY_ID", hide_env_values = true)]
    pub s3_access_key_id: Option<String>,

    /// S3 secret access key.
    #[arg(
        long,
        global = true,
        env = "AWS_SECRET_ACCESS_KEY",
        hide_env_values = true
    )]
    pub s3_secret_access_key: Option<Secret>,

    /// A CDN (or public bucket) URL that serves public files by object key; `/files/…`
    /// links to public files then redirect there.
    #[arg(long, global = true, env = "SAYR_FILES_PUBLIC_URL")]
    pub files_public_url: Option<String>,

    /// Largest image upload (png, jpeg, gif, webp): bytes, or with KiB / MiB / GiB.
    #[arg(long, global = true, env = "SAYR_MAX_IMAGE_SIZE", value_parser = parse_size, default_value = "10MiB")]
    pub max_image_size: u64,

    /// Largest upload of any other type.
    #[arg(long, global = true, env = "SAYR_MAX_FILE_SIZE", value_parser = parse_size, default_value = "25MiB")]
    pub max_file_size: u64,

    /// Bytes all of one org's files may take together (uploads beyond are refused, 413).
    #[arg(long, global = true, env = "SAYR_ORG_STORAGE_QUOTA", value_parser = parse_size, default_value = "1GiB")]
    pub org_storage_quota: u64,

    /// Bytes one person may upload in 24 hours (beyond: 429 until the oldest ages out).
    #[arg(long, global = true, env = "SAYR_USER_UPLOAD_DAILY", value_parser = parse_size, default_value = "500MiB")]
    pub user_upload_daily: u64,

    /// The types accepted, decided from the bytes: png, jpeg, gif, webp, pdf, text, zip.
    #[arg(
        long,
        global = true,
        env = "SAYR_FILE_TYPES",
        value_delimiter = ',',
        value_parser = parse_type,
        default_value = "png,jpeg,gif,webp,pdf,text,zip"
    )]
    pub file_types: Vec<FileType>,
}

fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{s:?}: a size is a number of bytes, KiB, MiB or GiB"))?;
    let unit = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => MIB,
        "g" | "gb" | "gib" => 1024 * MIB,
        other => return Err(format!("{other:?}: unknown unit (KiB, MiB or GiB)")),
    };
    number
        .checked_mul(unit)
        .ok_or_else(|| format!("{s:?}: too large"))
}

fn parse_type(s: &str) -> Result<FileType, String> {
    FileType::parse(s).ok_or_else(|| {
        let known: Vec<&str> = FileType::ALL.iter().map(|t| t.as_str()).collect();
        format!("{s:?}: not a type Sayr stores ({})", known.join(", "))
    })
}

/// The store the configuration names, with its upload limits.
pub fn build(config: &Config) -> Result<FileStore, crate::startup::StartupError> {
    let settings = &config.storage;
    let limits = FileLimits {
        max_image: settings.max_image_size,
        max_other: settings.max_file_size,
        allowed: settings.file_types.clone(),
        org_quota: settings.org_storage_quota,
        user_daily: settings.user_upload_daily,
    };
    let public_base = settings.files_public_url.clone();
    let Some(url) = config.storage_url.as_deref().filter(|u| !u.is_empty()) else {
        let dir = config.data_dir.join("files");
        std::fs::create_dir_all(&dir)?;
        let local = LocalFileSystem::new_with_prefix(&dir)?.with_automatic_cleanup(true);
        tracing::info!(dir = %dir.display(), "files in a local directory");
        // Parts of a local upload may be small: this bounds memory per upload.
        return Ok(FileStore::new(Arc::new(local), limits)
            .with_part_size(MIB as usize)
            .with_public_base(public_base));
    };
    let Some(location) = url.strip_prefix("s3://") else {
        return Err(format!("SAYR_STORAGE_URL {url:?}: expected s3://bucket[/prefix]").into());
    };
    let (bucket, prefix) = location.split_once('/').unwrap_or((location, ""));
    if bucket.is_empty() {
        return Err(format!("SAYR_STORAGE_URL {url:?}: the bucket is missing").into());
    }
    let mut builder = AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .with_region(&settings.s3_region)
        // An unreachable store answers within seconds rather than minutes of retries.
        .with_retry(RetryConfig {
            backoff: BackoffConfig {
                init_backoff: Duration::from_millis(100),
                max_backoff: Duration::from_secs(2),
                base: 2.0,
            },
            max_retries: 3,
            retry_timeout: Duration::from_secs(20),
        })
        .with_client_options(
            ClientOptions::new()
                .with_connect_timeout(Duration::from_secs(5))
                // Downloads stream at the reader's pace.
                .with_timeout(Duration::from_secs(15 * 60)),
        )
        .with_allow_http(settings.s3_allow_http)
        .with_virtual_hosted_style_request(!settings.s3_path_style);
    if let Some(endpoint) = &settings.s3_endpoint {
        builder = builder.with_endpoint(endpoint);
    }
    if let Some(id) = &settings.s3_access_key_id {
        builder = builder.with_access_key_id(id);
    }
    if let Some(secret) = &settings.s3_secret_access_key {
        builder = builder.with_secret_access_key(secret.expose());
    }
    let s3 = builder.build()?;
    let prefix = prefix.trim_matches('/');
    let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
        Arc::new(s3)
    } else {
        Arc::new(PrefixStore::new(s3, prefix))
    };
    tracing::info!(bucket, prefix, "files in S3");
    Ok(FileStore::new(store, limits)
        .with_part_size(5 * MIB as usize)
        .with_attributes(true)
        .with_public_base(public_base))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_with_units() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("10MiB"), Ok(10 * MIB));
        assert_eq!(parse_size("2 k"), Ok(2048));
        assert_eq!(parse_size("1GiB"), Ok(1024 * MIB));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5 parsecs").is_err());
    }

    #[test]
    fn the_defaults_are_the_contracts() {
        let config = Config::for_tests("/tmp/x".into());
        assert_eq!(config.storage.max_image_size, 10 * MIB);
        assert_eq!(config.storage.max_file_size, 25 * MIB);
        let types = &config.storage.file_types;
        assert_eq!(types.len(), FileType::ALL.len());
        assert!(FileType::ALL.iter().all(|t| types.contains(t)));
        assert!(parse_type("svg").is_err());
    }

    #[test]
    fn only_s3_urls_are_taken() {
        let mut config = Config::for_tests("/tmp/x".into());
        config.storage_url = Some("ftp://bucket".into());
        assert!(build(&config).is_err());
        config.storage_url = Some("s3:///prefix".into());
        assert!(build(&config).is_err());
    }
}
