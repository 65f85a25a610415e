//! Small text helpers the pages share: a failed call's message, query encoding, labels.

use domain::dto::TaskPriority;
use leptos::prelude::ServerFnError;

/// The message of a failed server call, without the transport's prefix.
pub fn error_text(e: &ServerFnError) -> String {
    match e {
        ServerFnError::ServerError(m) => m.clone(),
        other => other.to_string(),
    }
}

/// Percent-encodes a query value (letters, digits and `-_.~,/` stay).
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn priority_label(p: TaskPriority) -> &'static str {
    match p {
        TaskPriority::None => "No priority",
        TaskPriority::Low => "Low",
        TaskPriority::Medium => "Medium",
        TaskPriority::High => "High",
        TaskPriority::Urgent => "Urgent",
    }
}
