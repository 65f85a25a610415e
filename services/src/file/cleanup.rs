//! Cleaning up: the rows of what is deleted go in its transaction, their objects after
//! the commit; files nothing attached within a day are swept.

use super::*;

/// Deletes the rows of the files attached to a task or to its comments, in the caller's
/// transaction; returns their object keys for [`remove_objects`] after the commit.
pub(crate) async fn take_for_task(
    db: &impl ConnectionTrait,
    task_id: Uuid,
) -> Result<Vec<String>, DomainError> {
    let comments = Query::select()
        .column(task_comment::Column::Id)
        .from(task_comment::Entity)
        .and_where(Expr::col(task_comment::Column::TaskId).eq(task_id))
        .to_owned();
    take(
        db,
        Condition::any()
            .add(
                Condition::all()
                    .add(file::Column::AttachedKind.eq(kind::TASK))
                    .add(file::Column::AttachedId.eq(task_id)),
            )
            .add(
                Condition::all()
                    .add(file::Column::AttachedKind.eq(kind::COMMENT))
                    .add(Expr::col(file::Column::AttachedId).in_subquery(comments)),
            ),
    )
    .await
}

/// Like [`take_for_task`], for a comment and its replies.
pub(crate) async fn take_for_comment(
    db: &impl ConnectionTrait,
    comment_id: Uuid,
) -> Result<Vec<String>, DomainError> {
    let replies = Query::select()
        .column(task_comment::Column::Id)
        .from(task_comment::Entity)
        .and_where(Expr::col(task_comment::Column::ParentId).eq(comment_id))
        .to_owned();
    take(
        db,
        Condition::all()
            .add(file::Column::AttachedKind.eq(kind::COMMENT))
            .add(
                Condition::any()
                    .add(file::Column::AttachedId.eq(comment_id))
                    .add(Expr::col(file::Column::AttachedId).in_subquery(replies)),
            ),
    )
    .await
}

async fn take(db: &impl ConnectionTrait, which: Condition) -> Result<Vec<String>, DomainError> {
    Ok(file::Entity::delete_many()
        .filter(which)
        .exec_with_returning(db)
        .await?
        .into_iter()
        .map(|row| row.object_key)
        .collect())
}

/// Removes the objects of rows already deleted (after their transaction committed).
pub(crate) async fn remove_objects(svc: &Services, keys: Vec<String>) {
    if !keys.is_empty() {
        svc.files.remove(keys).await;
    }
}

/// Removes every object under `orgs/<org>/` once the org (and with it, by its foreign
/// key, every file row) is gone. Listing the prefix also catches an upload that finished
/// while the org was being deleted.
pub(crate) async fn remove_org_objects(svc: &Services, org_id: Uuid) {
    remove_prefix(svc, &format!("orgs/{org_id}")).await;
}

/// Deletes, in the caller's transaction, the rows of a user's avatar and of their uploads
/// that nothing links yet; returns the object keys for [`remove_user_objects`] after the
/// commit. Files attached to tasks, comments, logos and banners stay with those.
pub(crate) async fn take_for_user(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<String>, DomainError> {
    take(
        db,
        Condition::any()
            .add(
                Condition::all()
                    .add(file::Column::AttachedKind.eq(kind::AVATAR))
                    .add(file::Column::AttachedId.eq(user_id)),
            )
            .add(
                Condition::all()
                    .add(file::Column::UploadedBy.eq(user_id))
                    .add(file::Column::AttachedKind.is_null()),
            ),
    )
    .await
}

/// Removes a deleted user's objects: the keys [`take_for_user`] returned, and anything
/// else under `users/<user>/` (an avatar upload that finished meanwhile).
pub(crate) async fn remove_user_objects(svc: &Services, user_id: Uuid, keys: Vec<String>) {
    remove_objects(svc, keys).await;
    remove_prefix(svc, &format!("users/{user_id}")).await;
}

async fn remove_prefix(svc: &Services, prefix: &str) {
    let store = svc.files.object_store();
    let prefix = object_store::path::Path::from(prefix);
    let keys: Vec<String> = match store
        .list(Some(&prefix))
        .map_ok(|meta| meta.location.to_string())
        .try_collect()
        .await
    {
        Ok(keys) => keys,
        Err(e) => {
            tracing::warn!(%prefix, error = %e, "could not list objects to remove");
            return;
        }
    };
    svc.files.remove(keys).await;
}

/// Deletes files that nothing attached within `older_than` of their upload (rows, then
/// objects); returns how many. The server runs it every hour with a day; tests call it.
#[tracing::instrument(name = "file.sweep_unattached", skip(svc))]
pub async fn sweep_unattached(
    svc: &Services,
    older_than: chrono::Duration,
) -> Result<u64, DomainError> {
    const BATCH: u64 = 200;
    let cutoff = Utc::now() - older_than;
    let mut removed = 0;
    loop {
        let stale = file::Entity::find()
            .filter(file::Column::AttachedKind.is_null())
            .filter(file::Column::CreatedAt.lt(cutoff))
            .order_by_asc(file::Column::CreatedAt)
            .limit(BATCH)
            .all(&svc.db)
            .await?;
        let mut keys = Vec::new();
        for row in &stale {
            // Attached meanwhile? Then the row stays.
            let gone = file::Entity::delete_many()
                .filter(file::Column::Id.eq(row.id))
                .filter(file::Column::AttachedKind.is_null())
                .exec(&svc.db)
                .await?;
            if gone.rows_affected > 0 {
                keys.push(row.object_key.clone());
            }
        }
        removed += keys.len() as u64;
        svc.files.remove(keys).await;
        if (stale.len() as u64) < BATCH {
            break;
        }
    }
    if removed > 0 {
        tracing::info!(removed, "removed files that were never attached");
    }
    Ok(removed)
}
