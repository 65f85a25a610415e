//! The OpenAPI document: served, complete against the contract, internally consistent, and
//! true to what the API sends; and the page that reads it, which must load nothing from
//! elsewhere.

use crate::common;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The document as JSON, built without a server.
fn document() -> Value {
    serde_json::to_value(server::api::v1::openapi()).unwrap()
}

/// Every documented (method, path), methods upper-case.
fn operations(doc: &Value) -> BTreeMap<(String, String), &Value> {
    let mut ops = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ops.insert((method.to_uppercase(), path.clone()), op);
        }
    }
    ops
}

fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// Follows `$ref` until it reaches a definition.
fn deref<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => deref(
            doc,
            resolve(doc, r).unwrap_or_else(|| panic!("{r} resolves")),
        ),
        None => node,
    }
}

/// The JSON schema documented for `method path` answering `status`.
fn response_schema<'a>(doc: &'a Value, method: &str, path: &str, status: u16) -> &'a Value {
    let op = &doc["paths"][path][method.to_lowercase()];
    let response = deref(doc, &op["responses"][status.to_string()]);
    let schema = &response["content"]["application/json"]["schema"];
    assert!(
        !schema.is_null(),
        "{method} {path} documents a {status} body"
    );
    schema
}

/// Whether `value` is what `schema` describes, strictly: an object may hold no field the
/// schema does not name.
fn conforms(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return conforms(
            doc,
            resolve(doc, r).ok_or(format!("{r} resolves"))?,
            value,
            at,
        );
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alternatives) = schema.get(key).and_then(Value::as_array) {
            return if alternatives
                .iter()
                .any(|s| conforms(doc, s, value, at).is_ok())
            {
                Ok(())
            } else {
                Err(format!("{at}: {value} is none of {key} {alternatives:?}"))
            };
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array)
        && !values.contains(value)
    {
        return Err(format!("{at}: {value} is not one of {values:?}"));
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return Ok(()),
    };
    let kind_matches = types.iter().any(|t| match (*t, value) {
        ("null", Value::Null)
        | ("boolean", Value::Bool(_))
        | ("string", Value::String(_))
        | ("number", Value::Number(_))
        | ("array", Value::Array(_))
        | ("object", Value::Object(_)) => true,
        ("integer", Value::Number(n)) => n.is_i64() || n.is_u64(),
        _ => false,
    });
    if !kind_matches {
        return Err(format!("{at}: {value} is not {types:?}"));
    }
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                conforms(doc, &schema["items"], item, &format!("{at}[{i}]"))?;
            }
        }
        Value::Object(fields) => {
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap();
                if !fields.contains_key(name) {
                    return Err(format!("{at}: required `{name}` is missing"));
                }
            }
            let properties = schema.get("properties").and_then(Value::as_object);
            for (name, field) in fields {
                let at = format!("{at}.{name}");
                match (
                    properties.and_then(|p| p.get(name)),
                    schema.get("additionalProperties"),
                ) {
                    (Some(s), _) => conforms(doc, s, field, &at)?,
                    (None, Some(s)) if s.is_object() => conforms(doc, s, field, &at)?,
                    (None, _) => return Err(format!("{at}: not documented")),
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn assert_conforms(doc: &Value, method: &str, path: &str, status: StatusCode, body: &Value) {
    let schema = response_schema(doc, method, path, status.as_u16());
    if let Err(e) = conforms(doc, schema, body, "body") {
        panic!("{method} {path} {status} sent what its document does not say: {e}\n{body}");
    }
}

#[test]
fn the_document_lists_the_contracts_endpoints() {
    let doc = document();
    let ops = operations(&doc);
    let expected = [
        ("POST", "/api/auth/signup"),
        ("POST", "/api/auth/login"),
        ("POST", "/api/auth/logout"),
        ("GET", "/api/auth/session"),
        ("GET", "/api/v1/me"),
        ("POST", "/api/v1/me/api-keys"),
        ("GET", "/api/v1/me/api-keys"),
        ("DELETE", "/api/v1/me/api-keys/{id}"),
        ("POST", "/api/v1/orgs"),
        ("GET", "/api/v1/orgs"),
        ("GET", "/api/v1/orgs/{slug}"),
        ("PATCH", "/api/v1/orgs/{slug}"),
        ("DELETE", "/api/v1/orgs/{slug}"),
        ("GET", "/api/v1/orgs/{slug}/members"),
        ("DELETE", "/api/v1/orgs/{slug}/members/{userId}"),
        ("POST", "/api/v1/orgs/{slug}/invites"),
        ("POST", "/api/v1/invites/{code}/accept"),
        ("GET", "/api/v1/orgs/{slug}/teams"),
        ("POST", "/api/v1/orgs/{slug}/teams"),
        ("PATCH", "/api/v1/orgs/{slug}/teams/{teamId}"),
        ("DELETE", "/api/v1/orgs/{slug}/teams/{teamId}"),
        ("PUT", "/api/v1/orgs/{slug}/teams/{teamId}/members/{userId}"),
        (
            "DELETE",
            "/api/v1/orgs/{slug}/teams/{teamId}/members/{userId}",
        ),
        ("GET", "/api/v1/orgs/{slug}/permissions"),
        ("GET", "/api/v1/orgs/{slug}/labels"),
        ("POST", "/api/v1/orgs/{slug}/labels"),
        ("PATCH", "/api/v1/orgs/{slug}/labels/{id}"),
        ("DELETE", "/api/v1/orgs/{slug}/labels/{id}"),
        ("GET", "/api/v1/orgs/{slug}/categories"),
        ("POST", "/api/v1/orgs/{slug}/categories"),
        ("PATCH", "/api/v1/orgs/{slug}/categories/{id}"),
        ("DELETE", "/api/v1/orgs/{slug}/categories/{id}"),
        ("GET", "/api/v1/orgs/{slug}/tasks"),
        ("POST", "/api/v1/orgs/{slug}/tasks"),
        ("GET", "/api/v1/orgs/{slug}/tasks/{number}"),
        ("PATCH", "/api/v1/orgs/{slug}/tasks/{number}"),
        ("DELETE", "/api/v1/orgs/{slug}/tasks/{number}"),
        ("GET", "/api/v1/orgs/{slug}/tasks/{number}/timeline"),
        ("GET", "/api/v1/orgs/{slug}/tasks/{number}/comments"),
        ("POST", "/api/v1/orgs/{slug}/tasks/{number}/comments"),
        ("PATCH", "/api/v1/orgs/{slug}/comments/{id}"),
        ("DELETE", "/api/v1/orgs/{slug}/comments/{id}"),
        ("POST", "/api/v1/orgs/{slug}/comments/{id}/reactions"),
        ("PUT", "/api/v1/orgs/{slug}/tasks/{number}/vote"),
        ("DELETE", "/api/v1/orgs/{slug}/tasks/{number}/vote"),
        ("POST", "/api/v1/orgs/{slug}/tasks/{number}/relations"),
        ("DELETE", "/api/v1/orgs/{slug}/tasks/{number}/relations"),
    ];
    let missing: Vec<_> = expected
        .iter()
        .filter(|(m, p)| !ops.contains_key(&(m.to_string(), p.to_string())))
        .collect();
    assert!(missing.is_empty(), "not documented: {missing:?}");
}

#[test]
fn every_operation_is_tagged_summarized_and_named_once() {
    let doc = document();
    let tags: BTreeSet<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let mut ids = BTreeSet::new();
    for ((method, path), op) in operations(&doc) {
        let op_tags = op["tags"].as_array().expect("tags");
        assert_eq!(op_tags.len(), 1, "{method} {path} has one tag");
        assert!(
            tags.contains(op_tags[0].as_str().unwrap()),
            "{method} {path}: its tag is declared"
        );
        let summary = op["summary"].as_str().unwrap_or("");
        assert!(!summary.is_empty(), "{method} {path} has a summary");
        assert!(
            !summary.contains("/api/"),
            "{method} {path}: the summary says what, not where"
        );
        let id = op["operationId"].as_str().unwrap().to_string();
        assert!(ids.insert(id.clone()), "operationId {id} is unique");
    }
}

#[test]
fn every_path_parameter_is_declared_and_every_declared_one_is_in_the_path() {
    let doc = document();
    for ((method, path), op) in operations(&doc) {
        let in_path: BTreeSet<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        let declared: BTreeSet<&str> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .map(|p| {
                assert_eq!(
                    p["required"], true,
                    "{method} {path}: path params are required"
                );
                p["name"].as_str().unwrap()
            })
            .collect();
        assert_eq!(in_path, declared, "{method} {path}");
    }
}

#[test]
fn every_reference_resolves() {
    fn walk(doc: &Value, node: &Value, bad: &mut Vec<String>) {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref")
                    && resolve(doc, r).is_none()
                {
                    bad.push(r.clone());
                }
                map.values().for_each(|v| walk(doc, v, bad));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(doc, v, bad)),
            _ => {}
        }
    }
    let doc = document();
    let mut bad = Vec::new();
    walk(&doc, &doc, &mut bad);
    assert!(bad.is_empty(), "dangling references: {bad:?}");
}

#[test]
fn errors_share_one_schema_and_bodies_may_be_refused() {
    let doc = document();
    let error_body = json!({"$ref": "#/components/schemas/ErrorBody"});
    for ((method, path), op) in operations(&doc) {
        let responses = op["responses"].as_object().unwrap();
        assert!(
            responses
                .keys()
                .any(|s| s.starts_with('2') || s.starts_with('3')),
            "{method} {path} documents its success (or, for browser flows, its redirect)"
        );
        for (status, response) in responses.iter().filter(|(s, _)| s.starts_with('4')) {
            let response = deref(&doc, response);
            assert_eq!(
                response["content"]["application/json"]["schema"], error_body,
                "{method} {path} {status}"
            );
        }
        if op.get("requestBody").is_some() {
            for status in ["400", "413"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path} takes a body, so it documents {status}"
                );
            }
        }
    }
    for name in ["bearer", "cookie"] {
        assert!(
            doc["components"]["securitySchemes"][name].is_object(),
            "{name}"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["cookie"]["name"],
        "sayr_session"
    );
}

#[test]
fn the_task_list_documents_its_filters() {
    let doc = document();
    let params = doc["paths"]["/api/v1/orgs/{slug}/tasks"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let query: BTreeMap<&str, &Value> = params
        .iter()
        .filter(|p| p["in"] == "query")
        .map(|p| (p["name"].as_str().unwrap(), p))
        .collect();
    assert_eq!(
        query.keys().copied().collect::<BTreeSet<_>>(),
        BTreeSet::from([
            "status", "priority", "label", "assignee", "category", "q", "sort", "limit", "cursor",
            "filter", "release"
        ])
    );
    for repeatable in ["status", "priority"] {
        let p = query[repeatable];
        assert_eq!(p["schema"]["type"], "array", "{repeatable}");
        assert_eq!(p["explode"], true, "{repeatable}");
    }
    let statuses = &deref(&doc, &query["status"]["schema"]["items"])["enum"];
    assert_eq!(
        statuses,
        &json!(["backlog", "todo", "in-progress", "done", "canceled"]),
        "the names sent, not the Rust ones"
    );
    assert_eq!(query["limit"]["schema"]["maximum"], 100);
}

#[test]
fn the_checker_refuses_what_the_document_does_not_say() {
    let doc = document();
    let page = json!({"$ref": "#/components/schemas/TaskPage"});
    let status = json!({"$ref": "#/components/schemas/TaskStatus"});
    assert!(conforms(&doc, &page, &json!({"items": [], "nextCursor": null}), "").is_ok());
    for wrong in [
        json!({"items": [], "nextCursor": null, "total": 3}),
        json!({"nextCursor": "abc"}),
        json!({"items": [], "nextCursor": 5}),
        json!({"items": [{"id": "not a task"}], "nextCursor": null}),
    ] {
        assert!(conforms(&doc, &page, &wrong, "").is_err(), "{wrong}");
    }
    assert!(conforms(&doc, &status, &json!("in-progress"), "").is_ok());
    assert!(conforms(&doc, &status, &json!("InProgress"), "").is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_is_served_and_says_3_1() {
    let app = common::TestApp::spawn(common::Backend::Sqlite).await;
    let res = app
        .http
        .get(format!("{}/api/v1/openapi.json", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/json");
    let doc: Value = res.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["title"], "Sayr REST API");
    assert_eq!(doc["info"]["version"], "1");
    assert_eq!(doc, document(), "the served document is the one built");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_page_is_self_contained_and_reads_the_document() {
    let app = common::TestApp::spawn(common::Backend::Sqlite).await;
    let res = app
        .http
        .get(format!("{}/api/docs", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = res.text().await.unwrap();
    assert!(page.contains("/api/v1/openapi.json"));
    for external in ["http://", "https://", "src=", "@import", "url("] {
        assert!(
            !page.contains(external),
            "the page loads nothing: {external}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undocumented_api_path_is_not_found_in_the_contracts_shape() {
    let app = common::TestApp::spawn(common::Backend::Sqlite).await;
    for path in ["/api/v1/nothing-here", "/api/auth/nothing", "/api"] {
        let (status, body) = app.get(path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_api_sends_is_what_the_document_describes() {
    let app = common::TestApp::spawn(common::Backend::Sqlite).await;
    let doc = document();
    let check = |method: &str, path: &str, status: StatusCode, body: &Value| {
        assert_conforms(&doc, method, path, status, body)
    };

    let (status, body) = app
        .post(
            "/api/auth/signup",
            json!({"email": "first@example.test", "password": "correct horse battery", "name": "First"}),
            None,
        )
        .await;
    check("POST", "/api/auth/signup", status, &body);
    let owner = app.sign_up("owner@example.test").await;
    let (status, body) = app.get("/api/auth/session", Some(&owner)).await;
    check("GET", "/api/auth/session", status, &body);
    let (status, body) = app.get("/api/auth/session", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    check("GET", "/api/auth/session", status, &body);

    let (status, body) = app
        .post(
            "/api/v1/orgs",
            json!({"name": "Acme", "slug": "acme", "shortId": "ABC"}),
            Some(&owner),
        )
        .await;
    check("POST", "/api/v1/orgs", status, &body);
    let (status, body) = app
        .post(
            "/api/v1/orgs",
            json!({"name": "Acme", "slug": "acme", "shortId": "ABC"}),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    check("POST", "/api/v1/orgs", status, &body);
    let (status, body) = app.get("/api/v1/me", Some(&owner)).await;
    check("GET", "/api/v1/me", status, &body);
    let (status, body) = app.get("/api/v1/orgs/acme/permissions", Some(&owner)).await;
    check("GET", "/api/v1/orgs/{slug}/permissions", status, &body);
    let (status, body) = app.get("/api/v1/orgs/acme/members", Some(&owner)).await;
    check("GET", "/api/v1/orgs/{slug}/members", status, &body);
    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/invites",
            json!({"email": "new@example.test"}),
            Some(&owner),
        )
        .await;
    check("POST", "/api/v1/orgs/{slug}/invites", status, &body);

    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/labels",
            json!({"name": "bug", "color": "#ff0000"}),
            Some(&owner),
        )
        .await;
    check("POST", "/api/v1/orgs/{slug}/labels", status, &body);
    let label = body["label"]["id"].clone();
    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/categories",
            json!({"name": "Backend", "color": "#00ff00"}),
            Some(&owner),
        )
        .await;
    check("POST", "/api/v1/orgs/{slug}/categories", status, &body);
    let category = body["category"]["id"].clone();

    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/tasks",
            json!({"title": "Login fails", "status": "in-progress", "priority": "high",
                "labelIds": [label], "categoryId": category, "assigneeIds": [owner.user["id"]]}),
            Some(&owner),
        )
        .await;
    check("POST", "/api/v1/orgs/{slug}/tasks", status, &body);
    let version = body["task"]["version"].clone();
    app.post(
        "/api/v1/orgs/acme/tasks",
        json!({"title": "Second"}),
        Some(&owner),
    )
    .await;
    let (status, body) = app
        .get(
            "/api/v1/orgs/acme/tasks?status=in-progress&limit=1",
            Some(&owner),
        )
        .await;
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    check("GET", "/api/v1/orgs/{slug}/tasks", status, &body);
    let (status, body) = app
        .get("/api/v1/orgs/acme/tasks?sort=random", Some(&owner))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    check("GET", "/api/v1/orgs/{slug}/tasks", status, &body);

    let patch = |body: Value| {
        app.request(
            Method::PATCH,
            "/api/v1/orgs/acme/tasks/1",
            Some(body),
            Some(&owner),
        )
    };
    let (status, body) = patch(json!({"version": version, "title": "Login fails on Safari"})).await;
    check("PATCH", "/api/v1/orgs/{slug}/tasks/{number}", status, &body);
    let (status, body) = patch(json!({"version": version, "title": "Stale"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["error"]["current"].is_object(), "{body}");
    check("PATCH", "/api/v1/orgs/{slug}/tasks/{number}", status, &body);

    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/tasks/1/comments",
            json!({"body": "Seen on **Safari** too"}),
            Some(&owner),
        )
        .await;
    check(
        "POST",
        "/api/v1/orgs/{slug}/tasks/{number}/comments",
        status,
        &body,
    );
    let comment = body["comment"]["id"].as_str().unwrap().to_string();
    let (status, body) = app
        .post(
            &format!("/api/v1/orgs/acme/comments/{comment}/reactions"),
            json!({"emoji": "👍"}),
            Some(&owner),
        )
        .await;
    check(
        "POST",
        "/api/v1/orgs/{slug}/comments/{id}/reactions",
        status,
        &body,
    );
    let (status, body) = app
        .request(
            Method::PUT,
            "/api/v1/orgs/acme/tasks/1/vote",
            None,
            Some(&owner),
        )
        .await;
    check(
        "PUT",
        "/api/v1/orgs/{slug}/tasks/{number}/vote",
        status,
        &body,
    );
    let (status, body) = app
        .post(
            "/api/v1/orgs/acme/tasks/1/relations",
            json!({"targetNumber": 2, "type": "blocking"}),
            Some(&owner),
        )
        .await;
    check(
        "POST",
        "/api/v1/orgs/{slug}/tasks/{number}/relations",
        status,
        &body,
    );

    for (path, documented) in [
        (
            "/api/v1/orgs/acme/tasks/1",
            "/api/v1/orgs/{slug}/tasks/{number}",
        ),
        (
            "/api/v1/orgs/acme/tasks/1/timeline",
            "/api/v1/orgs/{slug}/tasks/{number}/timeline",
        ),
        (
            "/api/v1/orgs/acme/tasks/1/comments",
            "/api/v1/orgs/{slug}/tasks/{number}/comments",
        ),
        (
            "/api/v1/orgs/acme/tasks/1/relations",
            "/api/v1/orgs/{slug}/tasks/{number}/relations",
        ),
        ("/api/v1/orgs/acme/teams", "/api/v1/orgs/{slug}/teams"),
        ("/api/v1/orgs/acme/labels", "/api/v1/orgs/{slug}/labels"),
        (
            "/api/v1/orgs/acme/categories",
            "/api/v1/orgs/{slug}/categories",
        ),
        ("/api/v1/orgs/acme", "/api/v1/orgs/{slug}"),
        ("/api/v1/orgs", "/api/v1/orgs"),
        ("/api/v1/orgs/nope/tasks", "/api/v1/orgs/{slug}/tasks"),
    ] {
        let (status, body) = app.get(path, Some(&owner)).await;
        check("GET", documented, status, &body);
    }
}

/// The error body sent for a stale version reads back as the documented Rust type too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conflict_reads_as_the_shared_error_type() {
    let app = common::TestApp::spawn(common::Backend::Sqlite).await;
    let owner = app.sign_up("owner@example.test").await;
    app.create_org(&owner, "acme").await;
    app.post(
        "/api/v1/orgs/acme/tasks",
        json!({"title": "One"}),
        Some(&owner),
    )
    .await;
    let stale = json!({"version": 0, "title": "Two"});
    let (status, body) = app
        .request(
            Method::PATCH,
            "/api/v1/orgs/acme/tasks/1",
            Some(stale),
            Some(&owner),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let error: server::api::v1::schema::ErrorBody = serde_json::from_value(body).unwrap();
    assert_eq!(
        error.error.code,
        server::api::v1::schema::ErrorCode::Conflict
    );
    assert_eq!(error.error.current.unwrap().title, "One");
}

#[test]
fn every_limited_operation_says_it_may_answer_429_and_how_much_is_left() {
    let doc = document();
    let mut missing = Vec::new();
    for ((method, path), op) in operations(&doc) {
        let limited = path.starts_with("/api/v1/") || method != "GET";
        if !limited || path == "/api/github/webhook" {
            continue;
        }
        let refused = deref(&doc, &op["responses"]["429"]);
        if refused["headers"]["retry-after"].is_null() {
            missing.push(format!("{method} {path}: 429 with Retry-After"));
        }
        for (status, response) in op["responses"].as_object().unwrap() {
            let response = deref(&doc, response);
            if status.starts_with('2') && response["headers"]["ratelimit-remaining"].is_null() {
                missing.push(format!("{method} {path} {status}: RateLimit-Remaining"));
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn the_document_states_what_the_parsers_accept() {
    let doc = document();
    let schemas = &doc["components"]["schemas"];
    // String enums carry their wire names.
    for (name, value) in [
        ("TaskStatus", "in-progress"),
        ("ReleaseStatus", "in_progress"),
        ("NotificationKind", "status_changed"),
        ("MailMode", "daily"),
        ("Layout", "board"),
    ] {
        let values = schemas[name]["enum"].as_array().unwrap();
        assert!(values.contains(&json!(value)), "{name}: {values:?}");
        assert!(
            values
                .iter()
                .all(|v| !v.as_str().unwrap().contains(char::is_uppercase)),
            "{name}: {values:?}"
        );
    }
    // Request fields: what the parsers in domain::parse accept.
    let org = &schemas["NewOrg"]["properties"];
    assert_eq!(org["slug"]["minLength"], 2);
    assert_eq!(org["slug"]["maxLength"], 48);
    assert_eq!(org["shortId"]["pattern"], "^[A-Z]{1,3}$");
    assert_eq!(schemas["NewTask"]["properties"]["title"]["maxLength"], 200);
    assert_eq!(
        schemas["SignupBody"]["properties"]["password"]["minLength"],
        8
    );
    let emoji = schemas["NewReaction"]["properties"]["emoji"]["enum"]
        .as_array()
        .unwrap();
    assert_eq!(emoji.len(), domain::dto::REACTIONS.len());
    // Path parameters, and the 400 a malformed one answers.
    for ((method, path), op) in operations(&doc) {
        let params: Vec<&Value> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "path")
            .collect();
        if params.is_empty() {
            continue;
        }
        assert!(
            op["responses"]["400"].is_object(),
            "{method} {path} says it may answer 400"
        );
        for p in params {
            let schema = &p["schema"];
            match p["name"].as_str().unwrap() {
                "slug" => {
                    let pattern = schema["pattern"].as_str().unwrap();
                    assert!(pattern.contains("admin|api"), "{method} {path}: {pattern}");
                }
                "number" => assert_eq!(schema["minimum"], 1, "{method} {path}"),
                "id" | "teamId" | "userId" => {
                    assert_eq!(schema["format"], "uuid", "{method} {path}");
                    assert!(schema["pattern"].is_string(), "{method} {path}");
                }
                _ => {}
            }
        }
    }
}
