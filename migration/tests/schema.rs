//! The schema's constraints as a user would meet them, on SQLite and (when
//! `SAYR_TEST_DATABASE_URL` names a PostgreSQL server) on PostgreSQL.

use chrono::Utc;
use entity::{category, label, organization, task, task_label, task_vote, user};
use migration::{Migrator, MigratorTrait, SchemaManager};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectOptions, ConnectionTrait, Database, DatabaseConnection,
    DbErr, EntityTrait, PaginatorTrait, QueryFilter, Set, SqlErr,
};
use uuid::Uuid;

/// Every table of the first migration, in creation order.
const TABLES: &[&str] = &[
    "user",
    "session",
    "organization",
    "member",
    "team",
    "member_team",
    "invite",
    "blocked_user",
    "api_key",
    "account",
    "label",
    "category",
    "task",
    "task_label",
    "task_assignee",
    "task_comment",
    "task_comment_edit",
    "task_comment_reaction",
    "task_timeline",
    "task_relation",
    "task_vote",
];

async fn connect(url: &str) -> DatabaseConnection {
    let mut options = ConnectOptions::new(url.to_string());
    options
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| o.foreign_keys(true));
    Database::connect(options).await.expect("connects")
}

async fn assert_tables(db: &DatabaseConnection, present: bool) {
    let manager = SchemaManager::new(db);
    for table in TABLES {
        let found = manager.has_table(*table).await.unwrap();
        assert_eq!(found, present, "table {table} present: {found}");
    }
}

fn is_unique_violation(result: Result<impl Sized, DbErr>) -> bool {
    matches!(
        result.map(|_| ()).err().and_then(|e| e.sql_err()),
        Some(SqlErr::UniqueConstraintViolation(_))
    )
}

async fn insert_user(db: &DatabaseConnection, email: &str) -> Uuid {
    let now = Utc::now();
    user::ActiveModel {
        id: Set(Uuid::new_v4()),
        email: Set(email.to_string()),
        name: Set("Someone".to_string()),
        password_hash: Set(None),
        role: Set("user".to_string()),
        created_at: Set(now),
        updated_at: Set(now),
        banned_until: Set(None),
        ban_reason: Set(None),
        email_verified: Set(false),
    }
    .insert(db)
    .await
    .unwrap()
    .id
}

async fn insert_org(db: &DatabaseConnection, creator: Uuid) -> Uuid {
    let now = Utc::now();
    organization::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set("Acme".to_string()),
        slug: Set("acme".to_string()),
        short_id: Set("ACM".to_string()),
        description: Set(String::new()),
        public_page: Set(false),
        public_actions: Set(false),
        public_field_labels: Set(false),
        public_field_category: Set(false),
        public_field_priority: Set(false),
        visitors_must_use_template: Set(false),
        members_must_use_two_factor: Set(false),
        framing: Set(String::new()),
        accent_color: Set(String::new()),
        last_task_number: Set(0),
        created_by: Set(Some(creator)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap()
    .id
}

async fn insert_task(db: &DatabaseConnection, org: Uuid, number: i64, category: Uuid) -> Uuid {
    let now = Utc::now();
    task::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org),
        number: Set(number),
        title: Set(format!("Task {number}")),
        description: Set(String::new()),
        description_html: Set(String::new()),
        status: Set(domain::dto::TaskStatus::Todo),
        priority: Set(domain::dto::TaskPriority::None),
        visibility: Set(domain::dto::Visibility::Public),
        category_id: Set(Some(category)),
        parent_id: Set(None),
        vote_count: Set(0),
        comment_count: Set(0),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        rank: Set(format!("{:012}i", 999_999_999_999 - number)),
        release_id: Set(None),
    }
    .insert(db)
    .await
    .unwrap()
    .id
}

fn vote(task: Uuid, user: Option<Uuid>, fingerprint: Option<&str>) -> task_vote::ActiveModel {
    task_vote::ActiveModel {
        id: Set(Uuid::new_v4()),
        task_id: Set(task),
        user_id: Set(user),
        fingerprint: Set(fingerprint.map(str::to_string)),
        created_at: Set(Utc::now()),
    }
}

/// Migrates a fresh database, checks the constraints, then goes down and up again.
async fn schema_keeps_its_promises(db: &DatabaseConnection) {
    Migrator::up(db, None).await.expect("migrates up");
    assert_tables(db, true).await;

    let alice = insert_user(db, "alice@example.com").await;
    let bob = insert_user(db, "bob@example.com").await;
    let org = insert_org(db, alice).await;
    let now = Utc::now();
    let bugs = category::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org),
        name: Set("Bugs".to_string()),
        color: Set("#ff0000".to_string()),
        icon: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    let first = insert_task(db, org, 1, bugs).await;
    let second = insert_task(db, org, 2, bugs).await;
    let urgent = label::ActiveModel {
        id: Set(Uuid::new_v4()),
        org_id: Set(org),
        name: Set("urgent".to_string()),
        color: Set("#00ff00".to_string()),
        visibility: Set(domain::dto::Visibility::Public),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .unwrap()
    .id;
    task_label::ActiveModel {
        task_id: Set(first),
        label_id: Set(urgent),
    }
    .insert(db)
    .await
    .unwrap();

    // A user votes once per task.
    vote(first, Some(alice), None).insert(db).await.unwrap();
    assert!(
        is_unique_violation(vote(first, Some(alice), None).insert(db).await),
        "a second vote by the same user is refused"
    );
    vote(second, Some(alice), None).insert(db).await.unwrap();
    vote(first, Some(bob), None).insert(db).await.unwrap();

    // An anonymous visitor votes once per task; anonymous votes do not clash with each other.
    vote(first, None, Some("fp-1")).insert(db).await.unwrap();
    vote(first, None, Some("fp-2")).insert(db).await.unwrap();
    assert!(
        is_unique_violation(vote(first, None, Some("fp-1")).insert(db).await),
        "a second vote with the same fingerprint is refused"
    );

    // The same label cannot be put on a task twice, and label names are unique per org.
    assert!(is_unique_violation(
        task_label::ActiveModel {
            task_id: Set(first),
            label_id: Set(urgent),
        }
        .insert(db)
        .await
    ));
    assert!(is_unique_violation(
        label::ActiveModel {
            id: Set(Uuid::new_v4()),
            org_id: Set(org),
            name: Set("urgent".to_string()),
            color: Set("#0000ff".to_string()),
            visibility: Set(domain::dto::Visibility::Private),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await
    ));

    // Deleting a category leaves its tasks uncategorized.
    category::Entity::delete_by_id(bugs).exec(db).await.unwrap();
    let row = task::Entity::find_by_id(first).one(db).await.unwrap();
    assert_eq!(row.expect("the task survives").category_id, None);

    // Deleting an org takes its tasks, labels and everything hanging off them.
    organization::Entity::delete_by_id(org)
        .exec(db)
        .await
        .unwrap();
    let tasks = task::Entity::find()
        .filter(task::Column::OrgId.eq(org))
        .count(db)
        .await
        .unwrap();
    let labels = label::Entity::find()
        .filter(label::Column::OrgId.eq(org))
        .count(db)
        .await
        .unwrap();
    assert_eq!((tasks, labels), (0, 0));
    assert_eq!(task_label::Entity::find().count(db).await.unwrap(), 0);
    assert_eq!(task_vote::Entity::find().count(db).await.unwrap(), 0);
    assert_eq!(user::Entity::find().count(db).await.unwrap(), 2);

    Migrator::down(db, None).await.expect("migrates down");
    assert_tables(db, false).await;
    Migrator::up(db, None).await.expect("migrates up again");
    assert_tables(db, true).await;
}

#[tokio::test]
async fn schema_keeps_its_promises_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("sayr.db").display());
    let db = connect(&url).await;
    schema_keeps_its_promises(&db).await;
    db.close().await.unwrap();
}

#[tokio::test]
async fn schema_keeps_its_promises_on_postgres() {
    let Some(admin_url) = std::env::var("SAYR_TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        return;
    };
    let admin = connect(&admin_url).await;
    let name = format!("sayr_m_{}", Uuid::new_v4().simple());
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("a database URL has a path");
    let db = connect(&format!("{base}/{name}")).await;

    // Run the body on its own task so that the database is dropped even when it fails.
    let outcome = tokio::spawn(async move {
        schema_keeps_its_promises(&db).await;
        db.close().await.unwrap();
    })
    .await;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .unwrap();
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}
