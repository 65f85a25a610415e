//! The services: every rule of the product, once, and the only code that reads or writes
//! the database. Each function takes an [`Actor`] and checks its permission itself; REST
//! handlers, server functions and the realtime hub all call these. Server side only: the
//! browser bundle never links this crate.

pub mod access;
mod actor;
pub mod admin;
pub mod api_key;
pub mod board;
mod bus;
pub mod category;
pub mod comment;
mod convert;
mod error;
pub mod file;
pub mod github;
pub mod identity;
pub mod instance;
pub mod invite;
pub mod jobs;
pub mod label;
pub mod limit;
pub mod mail;
pub mod markdown;
pub mod member;
pub mod moderation;
pub mod notify;
pub mod org;
pub mod passkey;
pub mod portal;
pub mod proof;
pub mod relation;
pub mod release;
pub mod session;
pub mod task;
pub mod team;
pub mod template;
pub mod throttle;
pub mod timeline;
pub mod two_factor;
pub mod user;
pub mod view;
pub mod vote;

#[cfg(test)]
mod testing;

pub use actor::{Actor, UserActor};
pub use bus::{EventBus, LocalBus};
pub use error::DomainError;
pub use session::ClientInfo;

use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// What every service function needs: the database, the bus events go to after commit,
/// and the instance settings that rules depend on.
#[derive(Clone)]
pub struct Services {
    /// Private: nothing outside this crate touches the database.
    db: DatabaseConnection,
    pub bus: Arc<dyn EventBus>,
    pub settings: Settings,
    /// Failed sign-ins per account and address (in memory unless the server shares it).
    pub login_throttle: Arc<dyn throttle::LoginThrottle>,
    /// How often one caller may do one thing (in memory unless the server shares it).
    pub limiter: limit::Limiter,
    /// Task list pages, emptied by the events that change them.
    pub list_cache: Arc<task::ListCache>,
    /// Where uploaded files live (in memory until the server sets the real store).
    pub files: Arc<file::FileStore>,
    /// This instance's open sockets, for the site admin (none until the server sets its hub).
    pub connections: Arc<dyn admin::ConnectionStats>,
    /// Where mail goes (in memory until the server sets SMTP or the outbox).
    pub mailer: Arc<mail::Mailer>,
    /// Wakes this process's job worker when something is enqueued here.
    pub job_wake: Arc<tokio::sync::Notify>,
    /// The GitHub App, when the instance has one.
    pub github: Option<Arc<github::Github>>,
}

/// Instance settings the services and the edges share.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Anyone may sign up (the first account always may): the configured default, which
    /// site admins override at run time (read it through `instance::signups_open`).
    pub signup_open: bool,
    /// The external providers people may sign in with, for the login page.
    pub login_providers: Vec<LoginProvider>,
    /// What mails call this instance ("Sayr").
    pub instance_name: String,
    /// Where people reach this instance; links in mails start with it.
    pub public_url: String,
    /// How long notification mail waits so that what follows goes in the same mail.
    pub notify_mail_delay: std::time::Duration,
    /// Hosts (besides this instance) that images in Markdown may load from, over https.
    pub markdown_image_hosts: Vec<String>,
    /// The orgs (slugs) whose public pages the home page lists for visitors, in order.
    pub listed_orgs: Vec<String>,
}

impl Settings {
    /// Where images in the Markdown rendered now may come from.
    pub fn images(&self) -> markdown::ImagePolicy {
        markdown::ImagePolicy::new(&self.public_url, &self.markdown_image_hosts)
    }
}

/// An external login provider as the login page shows it.
#[derive(Clone, Debug)]
pub struct LoginProvider {
    /// `github` or the configured name; the path segment of its start endpoint.
    pub name: String,
    pub display_name: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            signup_open: true,
            login_providers: Vec::new(),
            instance_name: "Sayr".into(),
            public_url: "http://127.0.0.1:3000".into(),
            notify_mail_delay: std::time::Duration::from_secs(300),
            markdown_image_hosts: Vec::new(),
            listed_orgs: Vec::new(),
        }
    }
}

impl Services {
    pub fn new(db: DatabaseConnection, bus: Arc<dyn EventBus>, settings: Settings) -> Self {
        Self {
            db,
            bus,
            settings,
            login_throttle: Arc::new(throttle::MemoryThrottle::new()),
            limiter: limit::Limiter::default(),
            list_cache: Arc::new(task::ListCache::new()),
            files: Arc::new(file::FileStore::in_memory()),
            connections: Arc::new(admin::NoConnections),
            job_wake: Arc::new(tokio::sync::Notify::new()),
            mailer: Arc::new(mail::Mailer::memory()),
            github: None,
        }
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        Ok(self.db.ping().await?)
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a transaction that reads first and writes later would otherwise fail at
    /// once ("database is locked") when another connection wrote in between, which the busy
    /// timeout cannot wait out; with the worker writing beside requests that is common.
    /// PostgreSQL ignores the mode.
    pub(crate) async fn begin(&self) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
        use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
        self.db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await
    }

    /// Uses `github` as the instance's GitHub App.
    pub fn with_github(mut self, github: github::Github) -> Self {
        self.github = Some(Arc::new(github));
        self
    }

    /// Uses `files` as the file store.
    pub fn with_files(mut self, files: file::FileStore) -> Self {
        self.files = Arc::new(files);
        self
    }
}

impl Services {
    /// Publishes an event after its transaction committed: this instance's caches forget
    /// what it changes at once (read your writes), then the bus carries it everywhere.
    pub fn publish(&self, mut event: domain::realtime::DomainEvent) {
        event.traceparent = jobs::current_traceparent();
        self.list_cache.invalidate(event.org_id.0);
        self.bus.publish(domain::realtime::BusMessage::Org(event));
    }

    /// Tells every instance that someone lost access (sockets leave private rooms).
    pub fn publish_access(&self, event: domain::realtime::AccessEvent) {
        self.bus
            .publish(domain::realtime::BusMessage::Access(event));
    }
}

pub type Result<T, E = DomainError> = std::result::Result<T, E>;
