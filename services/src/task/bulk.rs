//! One change applied to many tasks (the board's bulk bar).

use super::{get, update};
use crate::{Actor, Result, Services};
use domain::dto::{BulkChange, BulkResult, TaskPatch};
use domain::{LabelId, UserId};

/// The most tasks one bulk change touches; the rest are refused, saying so.
pub const BULK_LIMIT: usize = 200;

/// Applies `change` to the tasks `numbers`, each as it is now (its current version, its
/// labels and assignees plus the added ones). A task the actor may not see or change is
/// reported in `refused` with the reason, and the others still change: one refusal is not
/// fatal to the batch.
#[tracing::instrument(name = "task.bulk_update", skip(svc, actor, numbers), fields(count = numbers.len()))]
pub async fn bulk_update(
    svc: &Services,
    actor: &Actor,
    slug: &str,
    numbers: &[i64],
    change: BulkChange,
    origin: Option<String>,
) -> Result<BulkResult> {
    let mut result = BulkResult::default();
    for &number in numbers.iter().skip(BULK_LIMIT) {
        result
            .refused
            .push((number, format!("at most {BULK_LIMIT} tasks change at once")));
    }
    for &number in numbers.iter().take(BULK_LIMIT) {
        let current = match get(svc, actor, slug, number).await {
            Ok(task) => task,
            Err(e) => {
                result.refused.push((number, e.user_message()));
                continue;
            }
        };
        let labels: Vec<LabelId> = current.labels.iter().map(|l| l.id).collect();
        let assignees: Vec<UserId> = current.assignees.iter().map(|a| a.id).collect();
        let patch = TaskPatch {
            version: current.version,
            status: change.status,
            priority: change.priority,
            label_ids: added(labels, change.add_label),
            assignee_ids: added(assignees, change.add_assignee),
            release: change.release.clone(),
            ..Default::default()
        };
        match update(svc, actor, slug, number, patch, origin.clone()).await {
            Ok(task) => result.updated.push(task),
            Err(e) => result.refused.push((number, e.user_message())),
        }
    }
    Ok(result)
}

/// `ids` with `new` added, or none when there is nothing to add (the field is left alone).
fn added<T: PartialEq>(mut ids: Vec<T>, new: Option<T>) -> Option<Vec<T>> {
    let new = new.filter(|n| !ids.contains(n))?;
    ids.push(new);
    Some(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_keeps_what_is_there_and_leaves_the_field_alone_when_nothing_is_new() {
        assert_eq!(added(vec![1, 2], Some(3)), Some(vec![1, 2, 3]));
        assert_eq!(added(vec![1, 2], Some(2)), None);
        assert_eq!(added(vec![1, 2], None), None);
        assert_eq!(added(Vec::new(), Some(7)), Some(vec![7]));
    }
}

#[cfg(test)]
mod database_tests {
    use super::*;
    use crate::testing::{acme, on_each_database, person};
    use domain::dto::{NewTask, TaskStatus};

    on_each_database!(
        a_bulk_change_applies_to_what_it_can_and_says_why_not_for_the_rest,
        |svc| {
            let owner = acme(&svc, Default::default()).await;
            for title in ["One", "Two"] {
                let input = NewTask {
                    title: title.into(),
                    ..Default::default()
                };
                crate::task::create(&svc, &owner, "acme", input, None)
                    .await
                    .unwrap();
            }
            let change = BulkChange {
                status: Some(TaskStatus::Done),
                add_assignee: owner.user_id(),
                ..Default::default()
            };
            // Two tasks, one that does not exist, and more than the limit.
            let mut numbers = vec![1, 2, 99];
            numbers.extend(1000..1000 + BULK_LIMIT as i64);
            let result = bulk_update(&svc, &owner, "acme", &numbers, change, None)
                .await
                .unwrap();
            let mut changed: Vec<_> = result
                .updated
                .iter()
                .map(|t| (t.number, t.status))
                .collect();
            changed.sort();
            assert_eq!(changed, vec![(1, TaskStatus::Done), (2, TaskStatus::Done)]);
            assert!(result.updated.iter().all(|t| t.assignees.len() == 1));
            assert_eq!(
                result.refused.len(),
                numbers.len() - 2,
                "every other number is reported"
            );
            assert!(
                result
                    .refused
                    .iter()
                    .any(|(n, why)| *n == 99 && why == "not found")
            );
            let past_limit = *numbers.last().unwrap();
            assert!(
                result
                    .refused
                    .iter()
                    .any(|(n, why)| *n == past_limit && why.contains("at most")),
                "the tasks past the limit are refused, saying so"
            );

            let before = crate::task::get(&svc, &owner, "acme", 1)
                .await
                .unwrap()
                .version;
            let outsider = person(&svc, "outsider@example.test").await;
            let reopen = BulkChange {
                status: Some(TaskStatus::Todo),
                ..Default::default()
            };
            let result = bulk_update(&svc, &outsider, "acme", &[1, 2], reopen, None)
                .await
                .unwrap();
            assert!(result.updated.is_empty() && result.refused.len() == 2);
            let after = crate::task::get(&svc, &owner, "acme", 1).await.unwrap();
            assert_eq!(
                (after.status, after.version),
                (TaskStatus::Done, before),
                "nothing changed"
            );
        }
    );
}
