//! Rows to DTOs.

use domain::dto::{Org, OrgSettings, PublicTaskFields, Task, User};
use entity::{organization, task, user};

/// The org without its images; `org::dtos` adds them.
pub(crate) fn org(m: &organization::Model) -> Org {
    Org {
        id: m.id.into(),
        name: m.name.clone(),
        slug: m.slug.clone(),
        short_id: m.short_id.clone(),
        description: m.description.clone(),
        settings: OrgSettings {
            public_page: m.public_page,
            public_actions: m.public_actions,
            public_task_fields: PublicTaskFields {
                labels: m.public_field_labels,
                category: m.public_field_category,
                priority: m.public_field_priority,
            },
            visitors_must_use_template: m.visitors_must_use_template,
            framing: m.framing.split_whitespace().map(str::to_string).collect(),
            members_must_use_two_factor: m.members_must_use_two_factor,
            accent_color: (!m.accent_color.is_empty()).then(|| m.accent_color.clone()),
        },
        created_by: m.created_by.map(Into::into),
        created_at: m.created_at,
        logo_url: None,
        banner_url: None,
    }
}

/// The user without their avatar; `user::dto` adds it.
pub(crate) fn user(m: &user::Model) -> User {
    User {
        id: m.id.into(),
        email: m.email.clone(),
        name: m.name.clone(),
        site_admin: m.role == "admin",
        created_at: m.created_at,
        avatar_url: None,
        email_verified: m.email_verified,
        two_factor: false,
    }
}

pub(crate) fn task(m: &task::Model, short_id: &str, parent_number: Option<i64>) -> Task {
    Task {
        id: m.id.into(),
        org_id: m.org_id.into(),
        number: m.number,
        key: format!("{short_id}-{}", m.number),
        title: m.title.clone(),
        description: m.description.clone(),
        description_html: m.description_html.clone(),
        status: m.status,
        priority: m.priority,
        visibility: m.visibility,
        category: None,
        labels: Vec::new(),
        assignees: Vec::new(),
        parent_number,
        subtask_count: 0,
        vote_count: m.vote_count,
        comment_count: m.comment_count,
        created_by: m.created_by.map(Into::into),
        created_at: m.created_at,
        updated_at: m.updated_at,
        version: m.version,
        rank: m.rank.clone(),
        pull_requests: Vec::new(),
        release: None,
        release_public: false,
        parent_public: false,
    }
}

pub(crate) fn label(m: &entity::label::Model) -> domain::dto::Label {
    domain::dto::Label {
        id: m.id.into(),
        org_id: m.org_id.into(),
        name: m.name.clone(),
        color: m.color.clone(),
        visibility: m.visibility,
    }
}

pub(crate) fn category(m: &entity::category::Model) -> domain::dto::Category {
    domain::dto::Category {
        id: m.id.into(),
        org_id: m.org_id.into(),
        name: m.name.clone(),
        color: m.color.clone(),
        icon: m.icon.clone(),
    }
}
