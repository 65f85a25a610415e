//! Test support for the services: each test gets a fresh, migrated database (a SQLite file,
//! and again a PostgreSQL database when `SAYR_TEST_DATABASE_URL` is set) and signs people
//! up through the services themselves. The HTTP tests (`server/tests/api`) keep what only
//! HTTP can show; rules are tested here, beside the code that holds them.

use crate::{Actor, LocalBus, Services, Settings, org, session, user::NewUser};
use domain::dto::{NewOrg, OrgPatch, OrgSettings};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use sea_orm_migration::MigratorTrait;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// Generates one test per database engine; the PostgreSQL one passes at once when
/// `SAYR_TEST_DATABASE_URL` is unset (`make test` says so).
macro_rules! on_each_database {
    ($name:ident, |$svc:ident| $body:block) => {
        mod $name {
            use super::*;

            async fn run($svc: $crate::Services) $body

            #[tokio::test]
            async fn sqlite() {
                let db = $crate::testing::TestDb::sqlite().await;
                run(db.services()).await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(db) = $crate::testing::TestDb::postgres().await {
                    run(db.services()).await;
                }
            }
        }
    };
}
pub(crate) use on_each_database;

/// A database of one test; a SQLite file lives as long as this does.
pub(crate) struct TestDb {
    db: DatabaseConnection,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}/sayr.db?mode=rwc", dir.path().display());
        let db = Database::connect(&url).await.expect("SQLite opens");
        migration::Migrator::up(&db, None)
            .await
            .expect("migrations run");
        Self {
            db,
            _dir: Some(dir),
        }
    }

    /// A fresh PostgreSQL database, or none without `SAYR_TEST_DATABASE_URL`.
    pub async fn postgres() -> Option<Self> {
        let url = std::env::var("SAYR_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let admin = Database::connect(&url)
            .await
            .expect("PostgreSQL accepts a connection");
        if NEXT.load(Ordering::SeqCst) == 0 {
            drop_stale(&admin).await;
        }
        let name = format!(
            "sayr_svc_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("a test database is created");
        let (base, _) = url.rsplit_once('/').expect("a database URL has a path");
        let db = Database::connect(format!("{base}/{name}"))
            .await
            .expect("the test database accepts a connection");
        migration::Migrator::up(&db, None)
            .await
            .expect("migrations run");
        Some(Self { db, _dir: None })
    }

    pub fn services(&self) -> Services {
        Services::new(
            self.db.clone(),
            Arc::new(LocalBus::new(64)),
            Settings::default(),
        )
    }
}

/// Drops the databases of service-test processes that are gone (a run that stopped early
/// leaves its databases behind); those of a running process stay.
async fn drop_stale(admin: &DatabaseConnection) {
    let rows = admin
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT datname FROM pg_database WHERE datname LIKE 'sayr_svc_%'".to_string(),
        ))
        .await
        .unwrap_or_default();
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        let pid = name
            .strip_prefix("sayr_svc_")
            .and_then(|r| r.split('_').next());
        let alive = pid.is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}

/// Signs up `email` (named after it) and returns the signed-in actor. The first account of
/// a database is the site admin, who passes every check: sign someone else up first when
/// that matters.
pub(crate) async fn person(svc: &Services, email: &str) -> Actor {
    let input = NewUser {
        email: email.into(),
        password: "correct horse battery".into(),
        name: email.split('@').next().unwrap_or(email).into(),
    };
    let (token, _) = session::sign_up(svc, input, Default::default())
        .await
        .expect("sign-up");
    session::resolve(svc, &token)
        .await
        .expect("the new session resolves")
}

/// The org `acme` with `settings`, created by `owner@example.test` (signed up after the site
/// admin, so that the owner holds only what an org's creator holds); returns the owner.
pub(crate) async fn acme(svc: &Services, settings: OrgSettings) -> Actor {
    person(svc, "root@example.test").await;
    let owner = person(svc, "owner@example.test").await;
    let new_org = NewOrg {
        name: "Acme".into(),
        slug: "acme".into(),
        short_id: "ACM".into(),
        description: None,
    };
    org::create(svc, &owner, new_org)
        .await
        .expect("the org is created");
    let patch = OrgPatch {
        settings: Some(settings),
        ..Default::default()
    };
    org::update(svc, &owner, "acme", patch)
        .await
        .expect("its settings are set");
    owner
}

/// Signs up `email` and makes them a member of `acme` (invited by `owner`), in no team: a
/// member with the default permissions.
pub(crate) async fn member(svc: &Services, owner: &Actor, email: &str) -> Actor {
    let someone = person(svc, email).await;
    use sea_orm::{ActiveModelTrait, Set};
    let id = someone.user_id().expect("a person").0;
    entity::user::ActiveModel {
        id: Set(id),
        email_verified: Set(true),
        ..Default::default()
    }
    .update(&svc.db)
    .await
    .expect("the address is proven");
    let invite = crate::invite::create(svc, owner, "acme", email)
        .await
        .expect("the invitation is made");
    crate::invite::accept(svc, &someone, &invite.code)
        .await
        .expect("the invitation is accepted");
    someone
}
