//! A task filter: a tree of conditions joined by `and` and `or` groups, as the contract
//! writes it (`{"and": [..]}`, `{"or": [..]}`, `{"field", "op", "value"}`). One tree drives
//! the REST list (`?filter=`), saved views, the board (the server turns it into SQL) and the
//! live board, which checks each incoming task with [`Filter::matches`] so that a task that
//! stops matching leaves the view.
//!
//! Every field is read as a set of values a task has: its status, its priority (none when
//! it has no priority), its labels, assignees, category, creator and release (empty when
//! unset). `is`/`anyOf` ask that the set meets the values, `isNot`/`noneOf` that it does
//! not (a task with no category is "not" any category), `isEmpty`/`isNotEmpty` whether it
//! is empty. Dates take `before`/`after` an absolute time (`2026-01-31`, RFC 3339) or a
//! time relative to now (`-7d`: seven days ago; also `h` and `w`). `text contains` looks in
//! the title and the description, ignoring case.

mod matches;
mod text;

pub use matches::Subject;
pub use text::{Chip, chip, chips, parse_chip, parse_chips};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value as Json, json};
use std::fmt;
use std::str::FromStr;

use crate::dto::{TaskPriority, TaskStatus};

/// The deepest nesting of groups.
pub const MAX_DEPTH: usize = 4;
/// The most conditions in one tree.
pub const MAX_CONDITIONS: usize = 50;
/// The most values one condition lists.
pub const MAX_VALUES: usize = 100;
/// The longest text one condition looks for, in characters.
pub const MAX_TEXT: usize = 200;
/// The longest filter, as JSON, in bytes.
pub const MAX_JSON: usize = 16 * 1024;

/// A filter tree. An empty group matches every task.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Cond(Condition),
}

impl Default for Filter {
    fn default() -> Self {
        Filter::And(Vec::new())
    }
}

/// One condition: a field, an operator and what it compares with.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub field: Field,
    pub op: Op,
    pub value: Value,
}

/// What a condition compares with, checked against its field.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `isEmpty`, `isNotEmpty`.
    None,
    /// `is`, `isNot` (one value), `anyOf`, `noneOf`: statuses, priorities, ids (`me` for
    /// assignee and creator), release slugs, each in its canonical text.
    Set(Vec<String>),
    /// `before`, `after`.
    When(When),
    /// `contains`: trimmed, not empty.
    Text(String),
}

/// A point in time, absolute or relative to when the filter runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    At(DateTime<Utc>),
    /// This long before now.
    Ago(Duration),
}

impl When {
    pub fn resolve(self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            When::At(t) => t,
            When::Ago(d) => now - d,
        }
    }

    fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if let Some(rest) = s.strip_prefix('-') {
            let (n, unit) = rest.split_at(rest.len().saturating_sub(1));
            let n: i64 = n
                .parse()
                .ok()
                .filter(|n| (0..=100_000).contains(n))
                .ok_or_else(|| format!("\"{s}\" is not a time: write -7d, -12h or -2w"))?;
            return match unit {
                "h" => Ok(When::Ago(Duration::hours(n))),
                "d" => Ok(When::Ago(Duration::days(n))),
                "w" => Ok(When::Ago(Duration::weeks(n))),
                _ => Err(format!("\"{s}\" is not a time: write -7d, -12h or -2w")),
            };
        }
        if let Ok(day) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Ok(When::At(
                day.and_hms_opt(0, 0, 0).expect("midnight").and_utc(),
            ));
        }
        DateTime::parse_from_rfc3339(s)
            .map(|t| When::At(t.with_timezone(&Utc)))
            .map_err(|_| {
                format!(
                    "\"{s}\" is not a time: write a date (2026-01-31), a time (RFC 3339) or -7d"
                )
            })
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            When::At(t)
                if *t
                    == t.date_naive()
                        .and_hms_opt(0, 0, 0)
                        .expect("midnight")
                        .and_utc() =>
            {
                write!(f, "{}", t.format("%Y-%m-%d"))
            }
            When::At(t) => write!(f, "{}", t.to_rfc3339()),
            When::Ago(d) if d.num_hours() % 24 == 0 => write!(f, "-{}d", d.num_days()),
            When::Ago(d) => write!(f, "-{}h", d.num_hours()),
        }
    }
}

macro_rules! names {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!("\"{s}\" must be one of: {}", [$($text),+].join(", "))),
                }
            }
        }
    };
}

names!(/// What a condition looks at.
Field {
    Status = "status", Priority = "priority", Label = "label", Assignee = "assignee",
    Category = "category", Creator = "creator", Release = "release",
    CreatedAt = "createdAt", UpdatedAt = "updatedAt", Text = "text",
});
names!(/// How a condition compares.
Op {
    Is = "is", IsNot = "isNot", AnyOf = "anyOf", NoneOf = "noneOf", IsEmpty = "isEmpty",
    IsNotEmpty = "isNotEmpty", Before = "before", After = "after", Contains = "contains",
});

impl Field {
    /// The operators this field takes.
    pub fn ops(self) -> &'static [Op] {
        use Op::*;
        match self {
            Field::Status => &[Is, IsNot, AnyOf, NoneOf],
            Field::Priority
            | Field::Label
            | Field::Assignee
            | Field::Category
            | Field::Creator
            | Field::Release => &[Is, IsNot, AnyOf, NoneOf, IsEmpty, IsNotEmpty],
            Field::CreatedAt | Field::UpdatedAt => &[Before, After],
            Field::Text => &[Contains],
        }
    }

    /// Checks one value of this field and gives it in its canonical text.
    fn atom(self, s: &str) -> Result<String, String> {
        match self {
            Field::Status => TaskStatus::from_str(s)
                .map(|v| v.as_str().to_string())
                .map_err(|e| format!("status \"{s}\" {e}")),
            Field::Priority => TaskPriority::from_str(s)
                .map(|v| v.as_str().to_string())
                .map_err(|e| format!("priority \"{s}\" {e}")),
            Field::Assignee | Field::Creator if s == "me" => Ok("me".into()),
            Field::Label | Field::Category | Field::Assignee | Field::Creator => {
                uuid::Uuid::parse_str(s)
                    .map(|id| id.to_string())
                    .map_err(|_| {
                        let me = if matches!(self, Field::Assignee | Field::Creator) {
                            " or \"me\""
                        } else {
                            ""
                        };
                        format!("\"{s}\" is not an id{me}")
                    })
            }
            Field::Release => crate::parse::ReleaseSlug::parse(s)
                .map(|r| r.as_str().to_string())
                .map_err(|e| format!("release \"{s}\" {}", e.message)),
            Field::CreatedAt | Field::UpdatedAt | Field::Text => unreachable!("not a set field"),
        }
    }
}

/// Why a filter was refused: where in the tree, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterError(pub String);

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FilterError {}

impl Filter {
    /// Reads a filter from its JSON text.
    pub fn parse(text: &str) -> Result<Self, FilterError> {
        if text.len() > MAX_JSON {
            return Err(FilterError(format!("is longer than {MAX_JSON} bytes")));
        }
        let json: Json =
            serde_json::from_str(text).map_err(|e| FilterError(format!("is not JSON: {e}")))?;
        Self::from_json(&json)
    }

    /// Reads a filter from JSON already parsed.
    pub fn from_json(json: &Json) -> Result<Self, FilterError> {
        let mut count = 0;
        read(json, "filter", 0, &mut count).map_err(FilterError)
    }

    /// The filter as the contract writes it.
    pub fn to_json(&self) -> Json {
        match self {
            Filter::And(items) => {
                json!({ "and": items.iter().map(Filter::to_json).collect::<Vec<_>>() })
            }
            Filter::Or(items) => {
                json!({ "or": items.iter().map(Filter::to_json).collect::<Vec<_>>() })
            }
            Filter::Cond(c) => {
                let mut map = Map::new();
                map.insert("field".into(), c.field.as_str().into());
                map.insert("op".into(), c.op.as_str().into());
                match &c.value {
                    Value::None => {}
                    Value::Set(values) if matches!(c.op, Op::Is | Op::IsNot) => {
                        map.insert("value".into(), values[0].clone().into());
                    }
                    Value::Set(values) => {
                        map.insert("value".into(), values.clone().into());
                    }
                    Value::When(w) => {
                        map.insert("value".into(), w.to_string().into());
                    }
                    Value::Text(t) => {
                        map.insert("value".into(), t.clone().into());
                    }
                }
                Json::Object(map)
            }
        }
    }

    /// No condition at all: every task matches.
    pub fn is_empty(&self) -> bool {
        match self {
            Filter::And(items) | Filter::Or(items) => items.iter().all(Filter::is_empty),
            Filter::Cond(_) => false,
        }
    }

    /// Both filters at once; an empty side adds nothing.
    pub fn and(self, other: Filter) -> Filter {
        match (self.is_empty(), other.is_empty()) {
            (true, _) => other,
            (_, true) => self,
            _ => match self {
                Filter::And(mut items) => {
                    items.push(other);
                    Filter::And(items)
                }
                this => Filter::And(vec![this, other]),
            },
        }
    }

    /// Every condition, depth first.
    pub fn conditions(&self) -> Vec<&Condition> {
        let mut out = Vec::new();
        fn walk<'a>(f: &'a Filter, out: &mut Vec<&'a Condition>) {
            match f {
                Filter::And(items) | Filter::Or(items) => items.iter().for_each(|i| walk(i, out)),
                Filter::Cond(c) => out.push(c),
            }
        }
        walk(self, &mut out);
        out
    }
}

impl Condition {
    /// Builds a condition, checking it as [`Filter::parse`] would.
    pub fn new(field: Field, op: Op, value: Json) -> Result<Self, FilterError> {
        let mut json = json!({ "field": field.as_str(), "op": op.as_str() });
        if !value.is_null() {
            json["value"] = value;
        }
        match Filter::from_json(&json)? {
            Filter::Cond(c) => Ok(c),
            _ => unreachable!("a condition reads as one"),
        }
    }
}

fn read(json: &Json, at: &str, depth: usize, count: &mut usize) -> Result<Filter, String> {
    let Some(object) = json.as_object() else {
        return Err(format!("{at}: must be an object"));
    };
    for key in ["and", "or"] {
        if let Some(items) = object.get(key) {
            if object.len() != 1 {
                return Err(format!("{at}: a group holds only \"{key}\""));
            }
            if depth >= MAX_DEPTH {
                return Err(format!("{at}: groups nest at most {MAX_DEPTH} deep"));
            }
            let Some(items) = items.as_array() else {
                return Err(format!("{at}.{key}: must be a list"));
            };
            let items = items
                .iter()
                .enumerate()
                .map(|(i, item)| read(item, &format!("{at}.{key}[{i}]"), depth + 1, count))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(if key == "and" {
                Filter::And(items)
            } else {
                Filter::Or(items)
            });
        }
    }
    *count += 1;
    if *count > MAX_CONDITIONS {
        return Err(format!("holds more than {MAX_CONDITIONS} conditions"));
    }
    if let Some(key) = object
        .keys()
        .find(|k| !matches!(k.as_str(), "field" | "op" | "value"))
    {
        return Err(format!(
            "{at}: unknown key \"{key}\" (a condition has field, op and value; a group and or or)"
        ));
    }
    let text = |key: &str| -> Result<&str, String> {
        object
            .get(key)
            .and_then(Json::as_str)
            .ok_or_else(|| format!("{at}.{key}: is required, as text"))
    };
    let field: Field = text("field")?
        .parse()
        .map_err(|e| format!("{at}.field: {e}"))?;
    let op: Op = text("op")?.parse().map_err(|e| format!("{at}.op: {e}"))?;
    if !field.ops().contains(&op) {
        let ops: Vec<&str> = field.ops().iter().map(|o| o.as_str()).collect();
        return Err(format!(
            "{at}.op: {} takes {}, not {}",
            field.as_str(),
            ops.join(", "),
            op.as_str()
        ));
    }
    let value = object.get("value").unwrap_or(&Json::Null);
    let at_value = format!("{at}.value");
    let value = match op {
        Op::IsEmpty | Op::IsNotEmpty => {
            if !value.is_null() {
                return Err(format!("{at_value}: {} takes no value", op.as_str()));
            }
            Value::None
        }
        Op::Is | Op::IsNot => {
            let Some(one) = value.as_str() else {
                return Err(format!(
                    "{at_value}: {} takes one value as text (anyOf and noneOf take a list)",
                    op.as_str()
                ));
            };
            Value::Set(vec![
                field.atom(one).map_err(|e| format!("{at_value}: {e}"))?,
            ])
        }
        Op::AnyOf | Op::NoneOf => {
            let Some(list) = value.as_array() else {
                return Err(format!("{at_value}: {} takes a list", op.as_str()));
            };
            if list.is_empty() || list.len() > MAX_VALUES {
                return Err(format!("{at_value}: must list 1 to {MAX_VALUES} values"));
            }
            let mut values = Vec::with_capacity(list.len());
            for (i, v) in list.iter().enumerate() {
                let s = v
                    .as_str()
                    .ok_or_else(|| format!("{at_value}[{i}]: must be text"))?;
                let atom = field.atom(s).map_err(|e| format!("{at_value}[{i}]: {e}"))?;
                if !values.contains(&atom) {
                    values.push(atom);
                }
            }
            Value::Set(values)
        }
        Op::Before | Op::After => {
            let s = value
                .as_str()
                .ok_or_else(|| format!("{at_value}: must be a time as text"))?;
            Value::When(When::parse(s).map_err(|e| format!("{at_value}: {e}"))?)
        }
        Op::Contains => {
            let s = value.as_str().map(str::trim).unwrap_or_default();
            if s.is_empty() || s.chars().count() > MAX_TEXT {
                return Err(format!(
                    "{at_value}: must be text of 1 to {MAX_TEXT} characters"
                ));
            }
            Value::Text(s.to_string())
        }
    };
    Ok(Filter::Cond(Condition { field, op, value }))
}

impl Serialize for Filter {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Filter {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json = Json::deserialize(deserializer)?;
        Filter::from_json(&json).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "server")]
impl utoipa::PartialSchema for Filter {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .description(Some(
                "A filter tree: {\"and\": [..]}, {\"or\": [..]}, or {\"field\", \"op\", \"value\"}.",
            ))
            .into()
    }
}

#[cfg(feature = "server")]
impl utoipa::ToSchema for Filter {}

#[cfg(test)]
mod tests;
