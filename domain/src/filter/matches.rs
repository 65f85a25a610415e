//! The filter run over one task in memory: what the live board does with each task it
//! hears about. It agrees with the SQL the server runs (the services' tests check both
//! over the same table of cases).

use super::{Condition, Field, Filter, Op, Value};
use crate::UserId;
use crate::dto::{Task, TaskPriority};
use chrono::{DateTime, Utc};

/// Who is asking (for `me`) and when (for relative times).
#[derive(Clone, Copy, Debug)]
pub struct Subject {
    pub me: Option<UserId>,
    pub now: DateTime<Utc>,
}

impl Filter {
    /// Whether `task` matches, for the viewer and time in `subject`.
    pub fn matches(&self, task: &Task, subject: Subject) -> bool {
        match self {
            Filter::And(items) => items.iter().all(|f| f.matches(task, subject)),
            Filter::Or(items) => items.is_empty() || items.iter().any(|f| f.matches(task, subject)),
            Filter::Cond(c) => c.matches(task, subject),
        }
    }
}

impl Condition {
    fn matches(&self, task: &Task, subject: Subject) -> bool {
        match &self.value {
            Value::Set(wanted) => {
                let me = subject.me.map(|m| m.to_string());
                let wanted: Vec<&str> = wanted
                    .iter()
                    .filter_map(|w| match w.as_str() {
                        "me" => me.as_deref(),
                        w => Some(w),
                    })
                    .collect();
                let has = values(self.field, task)
                    .iter()
                    .any(|v| wanted.contains(&v.as_str()));
                match self.op {
                    Op::Is | Op::AnyOf => has,
                    _ => !has,
                }
            }
            Value::None => {
                // A priority of `none` is no priority.
                let empty = match self.field {
                    Field::Priority => task.priority == TaskPriority::None,
                    field => values(field, task).is_empty(),
                };
                (self.op == Op::IsEmpty) == empty
            }
            Value::When(when) => {
                let at = match self.field {
                    Field::CreatedAt => task.created_at,
                    _ => task.updated_at,
                };
                let bound = when.resolve(subject.now);
                match self.op {
                    Op::Before => at < bound,
                    _ => at > bound,
                }
            }
            Value::Text(text) => {
                let text = text.to_lowercase();
                task.title.to_lowercase().contains(&text)
                    || task.description.to_lowercase().contains(&text)
            }
        }
    }
}

/// The values `task` has for a set field, in their canonical text.
fn values(field: Field, task: &Task) -> Vec<String> {
    match field {
        Field::Status => vec![task.status.as_str().into()],
        Field::Priority => vec![task.priority.as_str().into()],
        Field::Label => task.labels.iter().map(|l| l.id.to_string()).collect(),
        Field::Assignee => task.assignees.iter().map(|a| a.id.to_string()).collect(),
        Field::Category => task.category.iter().map(|c| c.id.to_string()).collect(),
        Field::Creator => task.created_by.iter().map(|c| c.to_string()).collect(),
        Field::Release => task.release.iter().cloned().collect(),
        Field::CreatedAt | Field::UpdatedAt | Field::Text => Vec::new(),
    }
}
