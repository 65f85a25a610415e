//! Where mail goes: an SMTP server, the outbox directory, or (tests of the services) a
//! list in memory.

use super::Mail;
use lettre::message::{Mailbox, MultiPart, header};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

/// Why a send failed.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// Worth another try (the server is down, busy, or answered 4xx).
    #[error("{0}")]
    Transient(String),
    /// The server refused for good (5xx: no such mailbox, bad credentials), or the mail
    /// itself is malformed.
    #[error("{0}")]
    Permanent(String),
}

/// What a successful send did, for the log and `sayr mail test`.
#[derive(Debug)]
pub struct Sent(pub String);

impl std::fmt::Display for Sent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

enum Transport {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        /// `host:port`, for messages (never the credentials).
        server: String,
    },
    Outbox(PathBuf),
    Memory(Mutex<Vec<Mail>>),
}

/// Sends mail from one address.
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

impl Mailer {
    /// SMTP from a URL: `smtp://user:pass@host:587` (STARTTLS, required),
    /// `smtps://user:pass@host:465` (implicit TLS), `smtp://host:25?tls=none` (a local
    /// relay, plain), `?tls=opportunistic` (STARTTLS when offered).
    pub fn smtp(url: &str, from: &str) -> Result<Self, String> {
        let from = parse_from(from)?;
        let parsed = url::Url::parse(url).map_err(|e| format!("SAYR_SMTP_URL: {e}"))?;
        let host = parsed
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("SAYR_SMTP_URL: no host")?
            .to_string();
        let tls_mode = parsed
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.to_string());
        let params = || {
            TlsParameters::new(host.clone())
                .map_err(|e| format!("SAYR_SMTP_URL: TLS for {host}: {e}"))
        };
        let (tls, default_port) = match (parsed.scheme(), tls_mode.as_deref()) {
            ("smtps", None) => (Tls::Wrapper(params()?), 465),
            ("smtp", None | Some("required")) => (Tls::Required(params()?), 587),
            ("smtp", Some("opportunistic")) => (Tls::Opportunistic(params()?), 587),
            ("smtp", Some("none")) => (Tls::None, 25),
            (scheme, mode) => {
                return Err(format!(
                    "SAYR_SMTP_URL: expected smtp:// or smtps:// with tls=required, opportunistic or none, not {scheme}:// with tls={}",
                    mode.unwrap_or("(default)")
                ));
            }
        };
        let port = parsed.port().unwrap_or(default_port);
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
            .port(port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(30)));
        if !parsed.username().is_empty() {
            let decode = |s: &str| {
                percent_decode(s)
                    .map_err(|_| "SAYR_SMTP_URL: the credentials are not UTF-8".to_string())
            };
            builder = builder.credentials(Credentials::new(
                decode(parsed.username())?,
                decode(parsed.password().unwrap_or(""))?,
            ));
        }
        Ok(Self {
            from,
            transport: Transport::Smtp {
                transport: builder.build(),
                server: format!("{host}:{port}"),
            },
        })
    }

    /// Mail written to `dir` (one `.eml` file and a `.json` summary per mail).
    pub fn outbox(dir: PathBuf, from: &str) -> Result<Self, String> {
        Ok(Self {
            from: parse_from(from)?,
            transport: Transport::Outbox(dir),
        })
    }

    /// Mail kept in memory (tests of the services read it back with [`Mailer::sent`]).
    pub fn memory() -> Self {
        Self {
            from: parse_from("Sayr <sayr@localhost>").expect("a valid address"),
            transport: Transport::Memory(Mutex::new(Vec::new())),
        }
    }

    /// What a memory mailer has sent so far.
    pub fn sent(&self) -> Vec<Mail> {
        match &self.transport {
            Transport::Memory(sent) => sent.lock().expect("not poisoned").clone(),
            _ => Vec::new(),
        }
    }

    /// The outbox directory, when mail goes there.
    pub fn outbox_dir(&self) -> Option<&std::path::Path> {
        match &self.transport {
            Transport::Outbox(dir) => Some(dir),
            _ => None,
        }
    }

    /// Where mail goes, for the log at start-up.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Smtp { server, .. } => format!("SMTP server {server}"),
            Transport::Outbox(dir) => {
                format!("the outbox {} (set SAYR_SMTP_URL to send)", dir.display())
            }
            Transport::Memory(_) => "memory".into(),
        }
    }

    fn message(&self, mail: &Mail) -> Result<Message, MailError> {
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e| MailError::Permanent(format!("the address {}: {e}", mail.to)))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(format!("<{}@{}>", mail.id, self.from.email.domain())));
        if let Some(link) = &mail.unsubscribe {
            builder = builder
                .header(ListUnsubscribe(format!("<{link}>")))
                // RFC 8058: the link unsubscribes on a POST, without a page in between.
                .header(ListUnsubscribePost);
        }
        builder
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
            .map_err(|e| MailError::Permanent(format!("the message: {e}")))
    }

    /// Sends (or files) one mail.
    pub async fn send(&self, mail: &Mail) -> Result<Sent, MailError> {
        let message = self.message(mail)?;
        match &self.transport {
            Transport::Smtp { transport, server } => match transport.send(message).await {
                Ok(response) => Ok(Sent(format!(
                    "{server}: {} {}",
                    response.code(),
                    response.message().collect::<Vec<_>>().join(" ")
                ))),
                Err(e) if e.is_permanent() => Err(MailError::Permanent(format!("{server}: {e}"))),
                Err(e) => Err(MailError::Transient(format!("{server}: {e}"))),
            },
            Transport::Outbox(dir) => super::outbox::write(dir, mail, &message.formatted())
                .await
                .map(|path| Sent(format!("the outbox: {}", path.display())))
                .map_err(|e| MailError::Transient(format!("the outbox {}: {e}", dir.display()))),
            Transport::Memory(sent) => {
                sent.lock().expect("not poisoned").push(mail.clone());
                Ok(Sent("memory".into()))
            }
        }
    }
}

fn parse_from(from: &str) -> Result<Mailbox, String> {
    from.parse()
        .map_err(|e| format!("SAYR_MAIL_FROM `{from}`: {e}"))
}

fn percent_decode(s: &str) -> Result<String, std::str::Utf8Error> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
}

/// The `List-Unsubscribe` header (RFC 2369).
#[derive(Clone)]
struct ListUnsubscribe(String);

impl header::Header for ListUnsubscribe {
    fn name() -> header::HeaderName {
        header::HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_string()))
    }

    fn display(&self) -> header::HeaderValue {
        header::HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// The `List-Unsubscribe-Post` header (RFC 8058): one click unsubscribes.
#[derive(Clone)]
struct ListUnsubscribePost;

impl header::Header for ListUnsubscribePost {
    fn name() -> header::HeaderName {
        header::HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> header::HeaderValue {
        header::HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_string())
    }
}
