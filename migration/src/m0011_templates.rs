//! Task templates (`services::template`).
//!
//! - `task_template`: an org's named defaults for a new task (title pattern, description,
//!   priority, category); `for_visitors` ones are offered on the public suggest form.
//! - `task_template_label`: a template's labels; both sides cascade, so deleting a label
//!   takes it out of the templates that named it.
//! - `organization.visitors_must_use_template`: a visitor's submission must name a template.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
    VisitorsMustUseTemplate,
}

#[derive(DeriveIden)]
enum Category {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Label {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum TaskTemplate {
    Table,
    Id,
    OrgId,
    Name,
    Title,
    Description,
    Priority,
    CategoryId,
    ForVisitors,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TaskTemplateLabel {
    Table,
    TemplateId,
    LabelId,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        manager
            .create_table(
                Table::create()
                    .table(TaskTemplate::Table)
                    .col(uuid(TaskTemplate::Id).primary_key())
                    .col(uuid(TaskTemplate::OrgId))
                    .col(string(TaskTemplate::Name))
                    .col(string(TaskTemplate::Title))
                    .col(text(TaskTemplate::Description))
                    .col(string_null(TaskTemplate::Priority))
                    .col(uuid_null(TaskTemplate::CategoryId))
                    .col(boolean(TaskTemplate::ForVisitors))
                    .col(timestamp_with_time_zone(TaskTemplate::CreatedAt))
                    .col(timestamp_with_time_zone(TaskTemplate::UpdatedAt))
                    .foreign_key(&mut fk(
                        "fk_task_template_org",
                        (TaskTemplate::Table, TaskTemplate::OrgId),
                        (Organization::Table, Organization::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_task_template_category",
                        (TaskTemplate::Table, TaskTemplate::CategoryId),
                        (Category::Table, Category::Id),
                        SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TaskTemplateLabel::Table)
                    .col(uuid(TaskTemplateLabel::TemplateId))
                    .col(uuid(TaskTemplateLabel::LabelId))
                    .primary_key(
                        Index::create()
                            .col(TaskTemplateLabel::TemplateId)
                            .col(TaskTemplateLabel::LabelId),
                    )
                    .foreign_key(&mut fk(
                        "fk_task_template_label_template",
                        (TaskTemplateLabel::Table, TaskTemplateLabel::TemplateId),
                        (TaskTemplate::Table, TaskTemplate::Id),
                        Cascade,
                    ))
                    .foreign_key(&mut fk(
                        "fk_task_template_label_label",
                        (TaskTemplateLabel::Table, TaskTemplateLabel::LabelId),
                        (Label::Table, Label::Id),
                        Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organization::Table)
                    .add_column(boolean(Organization::VisitorsMustUseTemplate).default(false))
                    .to_owned(),
            )
            .await?;
        let indexes = [
            Index::create()
                .name("idx_task_template_org")
                .table(TaskTemplate::Table)
                .col(TaskTemplate::OrgId)
                .to_owned(),
            Index::create()
                .name("idx_task_template_category")
                .table(TaskTemplate::Table)
                .col(TaskTemplate::CategoryId)
                .to_owned(),
            Index::create()
                .name("idx_task_template_label_label")
                .table(TaskTemplateLabel::Table)
                .col(TaskTemplateLabel::LabelId)
                .to_owned(),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Organization::Table)
                    .drop_column(Organization::VisitorsMustUseTemplate)
                    .to_owned(),
            )
            .await?;
        for table in [
            TaskTemplateLabel::Table.into_iden(),
            TaskTemplate::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
