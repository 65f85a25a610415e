//! Attaching files to the task or comment whose text links them, and files following
//! the visibility of the task they belong to.

use super::*;

/// What a linking text belongs to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Owner {
    Task(Uuid),
    Comment(Uuid),
}

/// Attaches the files that `text` links (`/files/<id>/…`) to `owner`: only unattached
/// files of the same org, uploaded by the writer (the system may attach any). A visitor's
/// uploads stay private until then; `publish` (the writer is a visitor, whose tasks and
/// comments are always public) makes them public as they are attached, so that a file
/// nobody links is never served to the world from this instance's domain.
pub(crate) async fn attach_linked(
    db: &impl ConnectionTrait,
    actor: &Actor,
    org_id: Uuid,
    owner: Owner,
    text: &str,
    publish: bool,
) -> Result<(), DomainError> {
    let ids = linked_file_ids(text);
    if ids.is_empty() {
        return Ok(());
    }
    let (kind, id) = match owner {
        Owner::Task(id) => (kind::TASK, id),
        Owner::Comment(id) => (kind::COMMENT, id),
    };
    let mut update = file::Entity::update_many()
        .col_expr(file::Column::AttachedKind, Expr::value(kind))
        .col_expr(file::Column::AttachedId, Expr::value(id))
        .filter(file::Column::Id.is_in(ids))
        .filter(file::Column::OrgId.eq(org_id))
        .filter(file::Column::AttachedKind.is_null());
    if publish {
        update = update.col_expr(file::Column::Visibility, Expr::value(Visibility::Public));
    }
    match actor {
        Actor::System => {}
        _ => {
            let Some(writer) = actor.user_id() else {
                return Ok(());
            };
            update = update.filter(file::Column::UploadedBy.eq(writer.0));
        }
    }
    update.exec(db).await?;
    Ok(())
}

/// Gives the files a task's description links the visibility the task was just given
/// (`public` or `private`): a task made public shows its images and attachments to its
/// public, one made private hides them again. Until the task's visibility changes, each
/// file keeps the one it was uploaded with; files of comments keep the comment's.
pub(crate) async fn follow_task(
    db: &impl ConnectionTrait,
    task_id: Uuid,
    visibility: &str,
) -> Result<(), DomainError> {
    file::Entity::update_many()
        .col_expr(file::Column::Visibility, Expr::value(visibility))
        .filter(file::Column::AttachedKind.eq(kind::TASK))
        .filter(file::Column::AttachedId.eq(task_id))
        .filter(file::Column::Visibility.ne(visibility))
        .exec(db)
        .await?;
    Ok(())
}
