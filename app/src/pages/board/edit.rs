//! The board's edits of one task: its status, its priority, its place in a column. Each shows
//! at once and is settled by the server's answer.

use super::BoardState;
use crate::api::UpdateTask;
use domain::dto::{Task, TaskPriority, TaskStatus};
use leptos::prelude::*;

fn update_call(state: &BoardState, task: &Task) -> UpdateTask {
    UpdateTask::of(state.slug.get_untracked(), task.number, task.version)
}

/// The task shown as `number`, to edit.
fn shown_task(state: &BoardState, number: i64) -> Option<Task> {
    state.tasks.with_untracked(|all| {
        all.iter()
            .find(|t| t.number == number)
            .map(|t| Task::clone(t))
    })
}

/// Moves a task to a status (a drop on a column, a pick in a list row).
pub(crate) fn set_status(state: &BoardState, number: i64, status: TaskStatus) {
    let Some(task) = shown_task(state, number) else {
        return;
    };
    if task.status == status {
        return;
    }
    let call = UpdateTask {
        status: Some(status.as_str().into()),
        ..update_call(state, &task)
    };
    state.change(Task { status, ..task }, call);
}

pub(super) fn set_priority(state: &BoardState, number: i64, priority: TaskPriority) {
    let Some(task) = shown_task(state, number) else {
        return;
    };
    if task.priority == priority {
        return;
    }
    let call = UpdateTask {
        priority: Some(priority.as_str().into()),
        ..update_call(state, &task)
    };
    state.change(Task { priority, ..task }, call);
}

/// Places a task between two of its column (numbers as shown; either may be missing),
/// taking `status` on the way when it comes from another column.
pub(super) fn move_task(
    state: &BoardState,
    number: i64,
    status: Option<TaskStatus>,
    below: Option<i64>,
    above: Option<i64>,
) {
    let Some(task) = shown_task(state, number) else {
        return;
    };
    let rank_of = state.tasks.with_untracked(|all| {
        let rank_of = |n: Option<i64>| {
            n.and_then(|n| all.iter().find(|t| t.number == n).map(|t| t.rank.clone()))
        };
        (rank_of(below), rank_of(above))
    });
    let status = status.filter(|s| *s != task.status);
    let placed = below.is_some() || above.is_some();
    if status.is_none() && !placed {
        return;
    }
    // The server decides the rank; this guess shows the move at once.
    let rank = if placed {
        domain::rank::between(rank_of.0.as_deref(), rank_of.1.as_deref(), number)
            .unwrap_or_else(|| task.rank.clone())
    } else {
        task.rank.clone()
    };
    let call = UpdateTask {
        status: status.map(|s| s.as_str().into()),
        below,
        above,
        ..update_call(state, &task)
    };
    let edited = Task {
        status: status.unwrap_or(task.status),
        rank,
        ..task
    };
    state.change(edited, call);
}
