//! What the domain's parsers accept, said in the OpenAPI document: the lengths, patterns
//! and formats of request fields and path parameters, so that a client (or schemathesis,
//! `make api-fuzz`) can tell valid input from invalid without sending it. The parsers in
//! `domain::parse` stay the authority; this mirrors them, and `make api-fuzz` fails when
//! the two disagree either way.

use domain::dto::{NotificationKind, REACTIONS};
use domain::parse::{Markdown, RESERVED_SLUGS, TaskTitle};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{AdditionalProperties, Object, ObjectBuilder, Schema, Type};
use utoipa::openapi::{KnownFormat, OpenApi, Ref, RefOr, SchemaFormat};

/// A UUID as the server reads one in a path (hyphenated; any case).
const UUID: &str = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// A string's constraints.
#[derive(Clone, Copy, Default)]
struct Text {
    min: Option<usize>,
    max: Option<usize>,
    pattern: Option<&'static str>,
    format: Option<&'static str>,
}

/// No control characters, and something besides white space (leading and trailing white
/// space is trimmed away).
const LINE: &str = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$";

/// A line of text of at most `max` characters (`domain::parse::name`, `TaskTitle`).
const fn line(max: usize) -> Text {
    Text {
        min: Some(1),
        max: Some(max),
        pattern: Some(LINE),
        format: None,
    }
}

/// Markdown: at most 64 KiB (counted in bytes by the server: the limit in characters is
/// exact for ASCII text).
const MARKDOWN: Text = Text {
    min: None,
    max: Some(Markdown::MAX_BYTES),
    pattern: None,
    format: None,
};

/// Markdown that must say something (a comment's body).
const BODY: Text = Text {
    min: Some(1),
    max: Some(Markdown::MAX_BYTES),
    pattern: Some(r"\S"),
    format: None,
};

/// `domain::parse::Email`: something, `@`, and a domain with a dot inside it; no white space.
const EMAIL: Text = Text {
    min: Some(5),
    max: Some(254),
    pattern: Some(
        r"^[^\s@\x00-\x1f\x7f-\x9f]+@[^\s@.\x00-\x1f\x7f-\x9f][^\s@\x00-\x1f\x7f-\x9f]*\.[^\s@\x00-\x1f\x7f-\x9f]*[^\s@.\x00-\x1f\x7f-\x9f]$",
    ),
    format: None,
};

/// `services::user::parse_password`: 8 to 1024 characters.
const PASSWORD: Text = Text {
    min: Some(8),
    max: Some(1024),
    pattern: None,
    format: None,
};

/// `domain::parse::Color`: `#rgb` or `#rrggbb`.
const COLOR: Text = Text {
    min: None,
    max: None,
    pattern: Some(r"^#(?:[0-9a-fA-F]{3}){1,2}$"),
    format: None,
};

/// `domain::parse::ShortId`.
const SHORT_ID: Text = Text {
    min: Some(1),
    max: Some(3),
    pattern: Some(r"^[A-Z]{1,3}$"),
    format: None,
};

/// `domain::parse::Slug` (the reserved names are in the path parameter's pattern; a
/// request body that names one is told so).
const SLUG: Text = Text {
    min: Some(2),
    max: Some(48),
    pattern: Some(r"^[a-z0-9](?:-?[a-z0-9])*$"),
    format: None,
};

/// `domain::parse::ReleaseSlug`.
const RELEASE_SLUG: Text = Text {
    min: Some(1),
    max: Some(64),
    pattern: Some(r"^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$"),
    format: None,
};

/// A calendar date, `2027-01-31`.
const DATE: Text = Text {
    min: None,
    max: None,
    pattern: None,
    format: Some("date"),
};

/// Request fields and what they accept: (schema, field, constraints).
const FIELDS: &[(&str, &str, Text)] = &[
    ("SignupBody", "email", EMAIL),
    ("SignupBody", "name", line(80)),
    ("SignupBody", "password", PASSWORD),
    ("ChangeEmailBody", "email", EMAIL),
    ("EmailBody", "email", EMAIL),
    ("PasswordBody", "new", PASSWORD),
    ("ResetBody", "password", PASSWORD),
    ("NewKey", "name", line(48)),
    ("RegisterBody", "name", line(services::passkey::MAX_NAME)),
    ("RenameBody", "name", line(services::passkey::MAX_NAME)),
    ("NewOrg", "name", line(80)),
    ("NewOrg", "slug", SLUG),
    ("NewOrg", "shortId", SHORT_ID),
    ("NewOrg", "description", MARKDOWN),
    ("OrgPatch", "name", line(80)),
    ("OrgPatch", "description", MARKDOWN),
    ("NewInvite", "email", EMAIL),
    ("NewTeam", "name", line(48)),
    ("TeamPatch", "name", line(48)),
    ("NewLabel", "name", line(48)),
    ("NewLabel", "color", COLOR),
    ("LabelPatch", "name", line(48)),
    ("LabelPatch", "color", COLOR),
    ("NewCategory", "name", line(48)),
    ("NewCategory", "color", COLOR),
    ("NewCategory", "icon", line(32)),
    ("CategoryPatch", "name", line(48)),
    ("CategoryPatch", "color", COLOR),
    ("CategoryPatch", "icon", line(32)),
    ("NewTask", "title", line(TaskTitle::MAX_CHARS)),
    ("NewTask", "description", MARKDOWN),
    ("NewTask", "release", RELEASE_SLUG),
    ("TaskPatch", "title", line(TaskTitle::MAX_CHARS)),
    ("TaskPatch", "description", MARKDOWN),
    ("TaskPatch", "release", RELEASE_SLUG),
    ("NewComment", "body", BODY),
    ("CommentPatch", "body", BODY),
    ("NewView", "name", line(80)),
    ("ViewPatch", "name", line(80)),
    ("NewRelease", "name", line(80)),
    ("NewRelease", "slug", RELEASE_SLUG),
    ("NewRelease", "description", MARKDOWN),
    ("NewRelease", "targetDate", DATE),
    ("ReleasePatch", "name", line(80)),
    ("ReleasePatch", "slug", RELEASE_SLUG),
    ("ReleasePatch", "description", MARKDOWN),
    ("ReleasePatch", "targetDate", DATE),
    ("NewReleaseUpdate", "body", MARKDOWN),
    ("NewTemplate", "name", line(80)),
    ("NewTemplate", "description", MARKDOWN),
    ("TemplatePatch", "name", line(80)),
    ("TemplatePatch", "description", MARKDOWN),
];

fn constrain(object: &mut Object, text: Text) {
    object.min_length = text.min;
    object.max_length = text.max;
    object.pattern = text.pattern.map(str::to_string);
    if let Some(format) = text.format {
        object.format = Some(SchemaFormat::Custom(format.to_string()));
    }
}

/// Writes the constraints of [`FIELDS`], the reactions' emoji and the path parameters into
/// the document; an operation with a path parameter also says it may answer 400 (a
/// malformed parameter). Panics on a field the document does not have: a renamed field
/// must be renamed here too (`tests/openapi.rs` builds the document).
pub fn add(openapi: &mut OpenApi) {
    let schemas = &mut openapi
        .components
        .as_mut()
        .expect("the document has components")
        .schemas;
    for (schema, field, text) in FIELDS {
        let Some(RefOr::T(Schema::Object(object))) = schemas.get_mut(*schema) else {
            panic!("no schema {schema}");
        };
        let Some(RefOr::T(Schema::Object(property))) = object.properties.get_mut(*field) else {
            panic!("no field {schema}.{field}");
        };
        constrain(property, *text);
    }
    // Only the mailed kinds have a setting (an invitation is always mailed by itself).
    if let Some(RefOr::T(Schema::Object(setting))) = schemas.get_mut("NotificationSetting") {
        let kinds = NotificationKind::MAILED.iter().map(|k| k.as_str().into());
        let kind = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(kinds.collect::<Vec<serde_json::Value>>()));
        setting.properties.insert("type".into(), kind.into());
    }
    // A form takes only the parts it names (`api/v1/files.rs`).
    for form in ["UploadForm", "ImageForm"] {
        if let Some(RefOr::T(Schema::Object(form))) = schemas.get_mut(form) {
            form.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
        }
    }
    if let Some(RefOr::T(Schema::Object(reaction))) = schemas.get_mut("NewReaction")
        && let Some(RefOr::T(Schema::Object(emoji))) = reaction.properties.get_mut("emoji")
    {
        emoji.enum_values = Some(REACTIONS.iter().map(|e| (*e).into()).collect());
    }
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.patch,
            &mut item.delete,
        ];
        for operation in operations.into_iter().flatten() {
            constrain_path(operation);
        }
    }
}

/// An org's slug as a path parameter: the shape `domain::parse::Slug` accepts.
fn slug_pattern() -> String {
    format!(
        "^(?!(?:{})$)[a-z0-9](?:-?[a-z0-9])*$",
        RESERVED_SLUGS.join("|")
    )
}

fn constrain_path(operation: &mut Operation) {
    let mut any = false;
    for parameter in operation.parameters.iter_mut().flatten() {
        if parameter.parameter_in != ParameterIn::Path {
            continue;
        }
        any = true;
        // Every id in a path is a UUID, whatever type the handler reads it as; said as a
        // pattern too, since a format is only an annotation to most validators.
        if matches!(parameter.name.as_str(), "id" | "teamId" | "userId") {
            let uuid = ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
                .pattern(Some(UUID));
            parameter.schema = Some(uuid.into());
            continue;
        }
        let Some(RefOr::T(Schema::Object(object))) = parameter.schema.as_mut() else {
            continue;
        };
        match parameter.name.as_str() {
            "slug" => {
                object.min_length = Some(2);
                object.max_length = Some(48);
                object.pattern = Some(slug_pattern());
            }
            "release" => constrain(object, RELEASE_SLUG),
            "number" => object.minimum = Some(1f64.into()),
            _ => {}
        }
    }
    if any {
        operation
            .responses
            .responses
            .entry("400".to_string())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name("InvalidInput")));
    }
}
