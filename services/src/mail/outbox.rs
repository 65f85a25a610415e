//! The outbox: without SMTP, each mail is a file under `<data dir>/outbox` (the `.eml` an
//! operator can open, and a `.json` summary the admin page lists).

use super::Mail;
use crate::admin::require;
use crate::{Actor, DomainError, Result, Services};
use chrono::Utc;
pub use domain::dto::OutboxMail;
use std::path::{Path, PathBuf};

/// Writes `mail` (its formatted message beside a summary); returns the `.eml` path. The
/// name is the mail's id, so writing it again replaces it.
pub(super) async fn write(dir: &Path, mail: &Mail, formatted: &[u8]) -> std::io::Result<PathBuf> {
    tokio::fs::create_dir_all(dir).await?;
    // The id is ours (a UUID), but a file name is never taken from data unchecked.
    let name: String = mail
        .id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let eml = dir.join(format!("{name}.eml"));
    tokio::fs::write(&eml, formatted).await?;
    let summary = OutboxMail {
        id: name.clone(),
        to: mail.to.clone(),
        subject: mail.subject.clone(),
        text: mail.text.clone(),
        written_at: Utc::now(),
    };
    let json = serde_json::to_vec_pretty(&summary).map_err(std::io::Error::other)?;
    tokio::fs::write(dir.join(format!("{name}.json")), json).await?;
    Ok(eml)
}

/// The outbox, newest first (site admin); empty when mail goes to SMTP.
pub async fn outbox(svc: &Services, actor: &Actor) -> Result<Vec<OutboxMail>> {
    require(actor)?;
    let Some(dir) = svc.mailer.outbox_dir() else {
        return Ok(Vec::new());
    };
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(DomainError::Internal(format!("the outbox: {e}"))),
    };
    let mut mails = Vec::new();
    while let Some(entry) = entries
        .next_entry()
        .await
        .map_err(|e| DomainError::Internal(format!("the outbox: {e}")))?
    {
        if entry.path().extension().is_some_and(|e| e == "json") {
            if let Ok(bytes) = tokio::fs::read(entry.path()).await {
                if let Ok(mail) = serde_json::from_slice::<OutboxMail>(&bytes) {
                    mails.push(mail);
                }
            }
        }
    }
    mails.sort_by(|a, b| b.written_at.cmp(&a.written_at));
    mails.truncate(200);
    Ok(mails)
}
