//! The short form of simple filters, one condition per pair: what the board keeps in its
//! URL and what its filter bar shows as chips and reads as typed (`status:todo,done`,
//! `-label:<id>`, `category:none`, `created:>-7d`). A key is a field, `-` in front for
//! "none of"; a value lists what is wanted, `none` for "is empty" on a field that can be
//! empty (priority `none` is a priority); dates take `>` (after) or `<` (before) and a time.
//! Conditions on different keys all apply. Trees with `or` have no short form: the board
//! keeps them as JSON (`filter=`).

use super::{Condition, Field, Filter, Op, Value};
use serde_json::Value as Json;

/// One chip: a key (`label`, `-status`, `created`) and its value as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chip {
    pub key: String,
    pub value: String,
}

fn field_of(key: &str) -> Option<Field> {
    match key {
        "created" => Some(Field::CreatedAt),
        "updated" => Some(Field::UpdatedAt),
        "status" | "priority" | "label" | "assignee" | "category" | "creator" | "release" => {
            key.parse().ok()
        }
        _ => None,
    }
}

fn key_of(field: Field) -> &'static str {
    match field {
        Field::CreatedAt => "created",
        Field::UpdatedAt => "updated",
        f => f.as_str(),
    }
}

/// Reads one chip as a condition; `None` for a key that is no filter, or a bad value.
pub fn parse_chip(key: &str, value: &str) -> Option<Result<Condition, String>> {
    let (negated, name) = match key.strip_prefix('-') {
        Some(name) => (true, name),
        None => (false, key),
    };
    let field = field_of(name)?;
    let value = value.trim();
    let built = if matches!(field, Field::CreatedAt | Field::UpdatedAt) {
        let (op, time) = match value.split_at(value.len().min(1)) {
            (">", time) => (Op::After, time),
            ("<", time) => (Op::Before, time),
            _ => return Some(Err(format!("{name}: write >time or <time"))),
        };
        if negated {
            return Some(Err(format!("{name}: use > or <, not -")));
        }
        Condition::new(field, op, Json::from(time))
    } else if value == "none" && field != Field::Priority && field != Field::Status {
        let op = if negated { Op::IsNotEmpty } else { Op::IsEmpty };
        Condition::new(field, op, Json::Null)
    } else {
        let values: Vec<Json> = value
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(Json::from)
            .collect();
        let op = if negated { Op::NoneOf } else { Op::AnyOf };
        Condition::new(field, op, Json::Array(values))
    };
    Some(built.map_err(|e| {
        let why = e.0.split_once(": ").map_or(e.0.as_str(), |(_, why)| why);
        format!("{name}: {why}")
    }))
}

/// Reads the pairs of a query: every chip that reads as a condition, all of them applying;
/// a `filter` pair holds a whole tree as JSON. Other keys and unreadable values are left
/// out (a link with a stale value still opens).
pub fn parse_chips<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Filter {
    let mut items = Vec::new();
    for (key, value) in pairs {
        if key == "filter" {
            if let Ok(tree) = Filter::parse(value) {
                if !tree.is_empty() {
                    items.push(tree);
                }
            }
        } else if let Some(Ok(c)) = parse_chip(key, value) {
            items.push(Filter::Cond(c));
        }
    }
    Filter::And(items)
}

/// The filter as chips, if it has a short form: conditions (or groups of them all
/// applying), none on text.
pub fn chips(filter: &Filter) -> Option<Vec<Chip>> {
    let mut out = Vec::new();
    fn walk(f: &Filter, out: &mut Vec<Chip>) -> Option<()> {
        match f {
            Filter::And(items) => items.iter().try_for_each(|i| walk(i, out)),
            Filter::Or(items) if items.len() == 1 => walk(&items[0], out),
            Filter::Or(items) if items.is_empty() => Some(()),
            Filter::Or(_) => None,
            Filter::Cond(c) => {
                out.push(chip(c)?);
                Some(())
            }
        }
    }
    walk(filter, &mut out)?;
    Some(out)
}

/// One condition as a chip, if it has a short form.
pub fn chip(c: &Condition) -> Option<Chip> {
    let key = key_of(c.field);
    let (negated, value) = match (&c.value, c.op) {
        (Value::Set(values), Op::Is | Op::AnyOf) => (false, values.join(",")),
        (Value::Set(values), _) => (true, values.join(",")),
        (Value::None, Op::IsEmpty) => (false, "none".into()),
        (Value::None, _) => (true, "none".into()),
        (Value::When(w), Op::After) => (false, format!(">{w}")),
        (Value::When(w), _) => (false, format!("<{w}")),
        (Value::Text(_), _) => return None,
    };
    let key = if negated {
        format!("-{key}")
    } else {
        key.to_string()
    };
    Some(Chip { key, value })
}
