//! The schema, one step per module. The same steps run on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m0001_schema;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m0001_schema::Migration)]
    }
}
