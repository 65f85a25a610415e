//! Outgoing mail. A service composes a [`Mail`] from a template and enqueues a
//! [`SendMail`] job in the same transaction as the change it tells of; the job hands it to
//! the [`Mailer`]: SMTP when `SAYR_SMTP_URL` is set, else the outbox under the data dir
//! (listed for the site admin at `/admin/mail`), so that mail is never silently dropped.

mod outbox;
mod templates;
mod transport;

pub use outbox::{OutboxMail, outbox};
pub use templates::{Template, compose};
pub use transport::{MailError, Mailer, Sent};

use crate::jobs::{Job, JobError};
use crate::{Result, Services};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// One message, rendered: both parts are ready to send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Mail {
    /// Fixed when composed, so that a retried send carries the same `Message-ID` (and the
    /// outbox file keeps its name).
    pub id: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// For notifications: where the recipient unsubscribes (`List-Unsubscribe`).
    pub unsubscribe: Option<String>,
}

/// Sends one mail. At least once: an SMTP server that accepted the message but whose
/// answer was lost sees it again, with the same `Message-ID`; the outbox overwrites its
/// file of the same name.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SendMail(pub Mail);

impl Job for SendMail {
    const KIND: &'static str = "send_mail";
    /// About eight hours of retries: an SMTP outage delays mail, it does not lose it.
    const MAX_ATTEMPTS: i32 = 12;
    const RETRY_BASE: Duration = Duration::from_secs(15);

    async fn run(self, svc: &Services) -> Result<(), JobError> {
        match svc.mailer.send(&self.0).await {
            Ok(sent) => {
                tracing::info!(to = %self.0.to, subject = %self.0.subject, via = %sent, "mail sent");
                Ok(())
            }
            Err(MailError::Permanent(e)) => Err(JobError::Permanent(e)),
            Err(MailError::Transient(e)) => Err(JobError::Retry(e)),
        }
    }
}

/// Queues `mail` in the caller's transaction.
pub(crate) async fn queue(db: &impl sea_orm::ConnectionTrait, mail: Mail) -> Result<()> {
    crate::jobs::enqueue_in(db, &SendMail(mail), Default::default()).await
}
