//! The permission matrix: every REST endpoint, called by every kind of caller, through a
//! session cookie and through an API key, answers the status the contract says.
//!
//! The cases come from one table (`CASES`); `every_documented_endpoint_has_a_row` fails when
//! the OpenAPI document (generated from the handlers) names an endpoint the table lacks.

use crate::common;

use common::{Session, TestApp};
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Who calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Anonymous,
    /// Signed in, not a member of the org.
    Outsider,
    /// A member in no team: the default permissions.
    Member,
    /// A member in a team holding exactly the permission the endpoint needs.
    Granted,
    /// A member in a team holding nothing.
    Bare,
    /// A member of the "Administrators" team (not the creator).
    Admin,
    Creator,
    SiteAdmin,
}

const ROLES: [Role; 8] = [
    Role::Anonymous,
    Role::Outsider,
    Role::Member,
    Role::Granted,
    Role::Bare,
    Role::Admin,
    Role::Creator,
    Role::SiteAdmin,
];

/// Who may call an endpoint, as the contract says.
#[derive(Clone, Copy, Debug)]
enum Rule {
    /// Anyone, signed in or not (sign-up, login, logout).
    Anyone,
    /// Any signed-in user; anonymous gets 401.
    SignedIn,
    /// Signed in through a session: an API key gets 403 (managing keys).
    SessionOnly,
    /// Members of the (private) org; everyone else 404.
    Member,
    /// Members holding a permission (`group.name`); the creator, administrators and site
    /// admins hold all. Members in no team hold the defaults.
    Perm(&'static str),
    /// The permission, or being the creator of the target (the org creator made every
    /// target): task edits, task deletion, comment edits, relations.
    PermOrOwn(&'static str),
    /// The org's creator or a site admin.
    CreatorOrSiteAdmin,
    /// Only the invited user (the outsider here).
    Invitee,
}

/// One endpoint and what it must answer.
struct Case {
    method: &'static str,
    path: &'static str,
    rule: Rule,
    /// The status of an allowed call.
    ok: u16,
    /// An anonymous caller is told 401 before anything is looked up (writes that always
    /// take an account: comment edits and reactions, file deletions).
    account_first: bool,
}

const fn case(method: &'static str, path: &'static str, rule: Rule, ok: u16) -> Case {
    Case {
        method,
        path,
        rule,
        ok,
        account_first: false,
    }
}

/// `case`, for a write that takes an account before anything else.
const fn account_case(method: &'static str, path: &'static str, rule: Rule, ok: u16) -> Case {
    Case {
        account_first: true,
        ..case(method, path, rule, ok)
    }
}

const CASES: &[Case] = &[
    case("POST", "/api/auth/signup", Rule::Anyone, 201),
    case("POST", "/api/auth/login", Rule::Anyone, 200),
    case("POST", "/api/auth/logout", Rule::Anyone, 204),
    case("GET", "/api/auth/session", Rule::SignedIn, 200),
    // A made-up token: everyone gets as far as "this link is gone".
    case("POST", "/api/auth/verify-email", Rule::Anyone, 410),
    case("POST", "/api/auth/verify-email/resend", Rule::SignedIn, 202),
    case(
        "POST",
        "/api/auth/password-reset/request",
        Rule::Anyone,
        202,
    ),
    case("POST", "/api/auth/password-reset", Rule::Anyone, 410),
    // Bodies refused as input (a short password, a bad address): past the sign-in check,
    // nothing changed, no failed-password count.
    case("POST", "/api/auth/password", Rule::SignedIn, 400),
    case("POST", "/api/auth/email", Rule::SignedIn, 400),
    case("GET", "/api/auth/sessions", Rule::SignedIn, 200),
    case("DELETE", "/api/auth/sessions/{id}", Rule::SignedIn, 204),
    case("GET", "/api/auth/accounts", Rule::SignedIn, 200),
    // Unlinking is tested in external_login.rs; here: nobody unlinks an identity that is not
    // theirs (404), and anonymous callers are 401.
    case("DELETE", "/api/auth/accounts/{id}", Rule::SignedIn, 404),
    // No provider is configured in the matrix: starting is 404 for everyone, and a callback
    // without its flow cookie is sent back to the login page.
    case("GET", "/api/auth/oauth/{provider}/start", Rule::Anyone, 404),
    case("GET", "/api/auth/callback/{provider}", Rule::Anyone, 303),
    // In this order: enabling before any setup is 409; a setup then leaves a pending
    // secret, which turning off drops without a code (two_factor.rs tests the rest).
    case("POST", "/api/auth/2fa/totp/enable", Rule::SessionOnly, 409),
    case("POST", "/api/auth/2fa/totp/setup", Rule::SessionOnly, 200),
    case("DELETE", "/api/auth/2fa/totp", Rule::SessionOnly, 204),
    case("POST", "/api/auth/login/2fa", Rule::Anyone, 410),
    // The matrix's instance is reached by IP address, which WebAuthn takes no relying party
    // of: past the caller's check, the passkey ceremonies answer 503 (passkeys.rs runs
    // them on localhost). Renaming or deleting a passkey nobody has is 404.
    case(
        "POST",
        "/api/auth/passkeys/register/options",
        Rule::SessionOnly,
        503,
    ),
    case("POST", "/api/auth/passkeys", Rule::SessionOnly, 503),
    case("GET", "/api/auth/passkeys", Rule::SignedIn, 200),
    case("PATCH", "/api/auth/passkeys/{id}", Rule::SessionOnly, 404),
    case("DELETE", "/api/auth/passkeys/{id}", Rule::SessionOnly, 404),
    case(
        "POST",
        "/api/auth/passkeys/login/options",
        Rule::Anyone,
        503,
    ),
    case("POST", "/api/auth/passkeys/login", Rule::Anyone, 503),
    case(
        "POST",
        "/api/auth/login/2fa/passkey/options",
        Rule::Anyone,
        503,
    ),
    case("POST", "/api/auth/login/2fa/passkey", Rule::Anyone, 503),
    case("GET", "/api/v1/me", Rule::SignedIn, 200),
    // Each allowed call deletes a fresh account of its own (see the runner).
    case("DELETE", "/api/v1/me", Rule::SessionOnly, 204),
    case("GET", "/api/v1/me/api-keys", Rule::SessionOnly, 200),
    case("POST", "/api/v1/me/api-keys", Rule::SessionOnly, 201),
    case("DELETE", "/api/v1/me/api-keys/{id}", Rule::SessionOnly, 204),
    case("GET", "/api/v1/orgs", Rule::SignedIn, 200),
    case("POST", "/api/v1/orgs", Rule::SignedIn, 201),
    case("GET", "/api/v1/orgs/{slug}", Rule::Member, 200),
    case(
        "PATCH",
        "/api/v1/orgs/{slug}",
        Rule::Perm("admin.manageSettings"),
        200,
    ),
    case(
        "DELETE",
        "/api/v1/orgs/{slug}",
        Rule::CreatorOrSiteAdmin,
        204,
    ),
    // Each call has an org of its own; the body names the victim, a member of it.
    case(
        "POST",
        "/api/v1/orgs/{slug}/transfer",
        Rule::CreatorOrSiteAdmin,
        200,
    ),
    case("GET", "/api/v1/orgs/{slug}/members", Rule::Member, 200),
    case(
        "DELETE",
        "/api/v1/orgs/{slug}/members/{userId}",
        Rule::Perm("admin.manageMembers"),
        204,
    ),
    case("GET", "/api/v1/orgs/{slug}/permissions", Rule::Member, 200),
    case(
        "POST",
        "/api/v1/orgs/{slug}/invites",
        Rule::Perm("admin.manageMembers"),
        201,
    ),
    case("POST", "/api/v1/invites/{code}/accept", Rule::Invitee, 200),
    case("GET", "/api/v1/orgs/{slug}/teams", Rule::Member, 200),
    case(
        "POST",
        "/api/v1/orgs/{slug}/teams",
        Rule::Perm("admin.manageTeams"),
        201,
    ),
    case(
        "PATCH",
        "/api/v1/orgs/{slug}/teams/{teamId}",
        Rule::Perm("admin.manageTeams"),
        200,
    ),
    case(
        "DELETE",
        "/api/v1/orgs/{slug}/teams/{teamId}",
        Rule::Perm("admin.manageTeams"),
        204,
    ),
    case(
        "PUT",
        "/api/v1/orgs/{slug}/teams/{teamId}/members/{userId}",
        Rule::Perm("admin.manageTeams"),
        200,
    ),
    case(
        "DELETE",
        "/api/v1/orgs/{slug}/teams/{teamId}/members/{userId}",
        Rule::Perm("admin.manageTeams"),
        200,
    ),
    case("GET", "/api/v1/orgs/{slug}/labels", Rule::Member, 200),
    case(
        "POST",
        "/api/v1/orgs/{slug}/labels",
        Rule::Perm("content.manageLabels"),
        201,
    ),
    case(
        "PATCH",
        "/api/v1/orgs/{slug}/labels/{labelId}",
        Rule::Perm("content.manageLabels"),
        200,
    ),
    case(
        "DELETE",
        "/api/v1/orgs/{slug}/labels/{labelId}",
        Rule::Perm("content.manageLabels"),
        204,
    ),
    case("GET", "/api/v1/orgs/{slug}/categories", Rule::Member, 200),
    case(
        "POST",
        "/api/v1/orgs/{slug}/categories",
        Rule::Perm("content.manageCategories"),
        201,
    ),
    case(
        "PATCH",
        "/api/v1/orgs/{slug}/categories/{categoryId}",
        Rule::Perm("content.manageCategories"),
        200,
    ),
    case(
        "DELETE",
        "/api/v1/orgs/{slug}/categories/{categoryId}",
        Rule::Perm("content.manageCategories"),
        204,
    ),
    case("GET", "/api/v1/orgs/{slug}/tasks", Rule::Member, 200),
    case(
        "POST",
        "/api/v1/orgs/{slug}/tasks",
        Rule::Perm("tasks.create"),
        201,
    ),
    case(
        "GET",
        "/api/v1/orgs/{slug}/tasks/{number}",
        Rule::Member,
        200,
    ),
    case(
        "PATCH",
        "/api/v1/orgs/{slug}/tasks/{number}",
        Rule::PermOrOwn("tasks.editAny"),
        200,
    ),
    case(
        "DELETE",
        "/api/v1/orgs/{slug}/tasks/{number}",
        Rule::PermOrOwn("tasks.deleteAny"),
        204,
    ),
    case(
        "GET",
        "/api/v1/orgs/{slug}/tasks/{number}/timeline",
        Rule::Member,
        200,
    ),
    case(
        "GET",
        "/api/v1/orgs/{slug}/tasks/{number}/watch",
        Rule::Member,
        200,
    ),
    case(
        "PUT",
        "/api/v1/orgs/{slug}/tasks/{number}/watch",
        Rule::Member,
        204,
    ),
    case(
        "DELETE",
        "/api/v1/orgs/{slug}/tasks/{number}/watch",
        Rule::Member,
        204,
    ),
    case("GET", "/api/v1/orgs/{slug}/views", Rule::Member, 200),
    // A shared view: a member's own views are theirs (tested in `services::view`).
    case(
        "POST",
        "/api/v1/orgs/{slug}/views",
        Rule::Perm("content.manageViews"),
        201,
    ),
    case(
        "GET",
        "/api/v1/orgs/{slug}/views/{viewId}",
        Rule::Member,
        200,
    ),
    case(
        "PATCH",
        "/api/v1/orgs/{slug}/views/{viewId}",
        Rule::Perm("content.manageViews"),
        200,
    ),
    case(
        "DELETE",
        "/api/v1/orgs/{slug}/views/{viewId}",
        Rule::Perm("content.manageViews"),
        204,
    ),
    case("GET", "/api/v1/orgs/{slug}/templates", Rule::Member, 200),
    case(
        "POST",
        "/api/v1/orgs/{slug}/templates",
        Rule::Perm("admin.manageSettings"),
        201,
    ),
    case(
        "GET",
        "/api/v1/orgs/{slug}/templates/{templateId}",
        Rule::Member,
        200,
    ),
    case(
        "PATCH",
        "/api/v1/orgs/{slug}/templates/{templateId}",
        Rule::Perm("admin.manageSettings"),
        200,
    ),
    case(
        "DELETE",
        "/api/v1/orgs/{slug}/templates/{templateId}",
        Rule::Perm("admin.manageSettings"),
        204,
    ),
    case("GET", "/api/v1/orgs/{slug}/releases", Rule::Member, 200),
    case(
        "POST",
        "/api/v1/orgs/{slug}/releases",
        Rule::Perm("content.manageReleases"),
        201,
    ),
    case(
        "GET",
        "/api/v1/orgs/{slug}/releases/{releaseSlug}",
        Rule::Member,
        200,
    ),
    case(
        "PATCH",
        "/api/v1/orgs/{slug}/releases/{releaseSlug}",
        Rule::Perm("content.manageReleases"),
        200,
    ),
    case(
        "DELETE",
        "/api/v1/orgs/{slug}/releases/{releaseSlug}",
        Rule::Perm("content.manageReleases"),
        204,
    ),
    case(
        "POST",
        "/api/v1/orgs/{slug}/releases/{releaseSlug}/updates",
        Rule::Perm("content.manageReleases"),
        201,
    ),
    // The matrix runs without a GitHub App: what needs one answers 503 `unavailable` once
    // the caller is allowed; the webhook is 404 for everyone, and the setup return without
    // its query 400 past the sign-in check.
    case("POST", "/api/github/webhook", Rule::Anyone, 404),
    case("GET", "/api/github/setup", Rule::SignedIn, 400),
    case(
        "GET",
        "/api/v1/orgs/{slug}/github",
        Rule::Perm("admin.manageSettings"),
        200,
    ),
    case(
        "GET",
        "/api/v1/orgs/{slug}/github/install",
        Rule::Perm("admin.manageSettings"),
        503,
    ),
    case(
        "GET",
        "/api/v1/orgs/{slug}/github/installations/{installationId}/repositories",
        Rule::Perm("admin.manageSettings"),
        503,
    ),
    case(
        "GET",
        "/api/v1/orgs/{slug}/github/repositories",
        Rule::Perm("admin.manageSettings"),
        200,
    ),
    case(
        "POST",
        "/api/v1/orgs/{slug}/github/repositories",
        Rule::Perm("admin.manageSettings"),
        503,
    ),
    // No repository has that id: 404 past the permission check.
    case(
        "PATCH",
        "/api/v1/orgs/{slug}/github/repositories/{id}",
        Rule::Perm("admin.manageSettings"),
        404,
    ),
    case(
        "DELETE",
        "/api/v1/orgs/{slug}/github/repositories/{id}",
        Rule::Perm("admin.manageSettings"),
        404,
    ),
    case(
        "GET",
        "/api/v1/orgs/{slug}/tasks/{number}/github",
        Rule::Member,
        200,
    ),
    case("GET", "/api/v1/me/notifications", Rule::SignedIn, 200),
    case("GET", "/api/v1/me/tasks", Rule::SignedIn, 200),
    // Nobody has a notification of that id: 404 past the sign-in check.
    case(
        "PATCH",
        "/api/v1/me/notifications/{id}",
        Rule::SignedIn,
        404,
    ),
    case(
        "POST",
        "/api/v1/me/notifications/read-all",
        Rule::SignedIn,
        204,
    ),
    case(
        "GET",
        "/api/v1/me/notification-settings",
        Rule::SignedIn,
        200,
    ),
    case(
        "PUT",
        "/api/v1/me/notification-settings",
        Rule::SignedIn,
        200,
    ),
    case(
        "GET",
        "/api/v1/orgs/{slug}/tasks/{number}/comments",
        Rule::Member,
        200,
    ),
    case(
        "POST",
        "/api/v1/orgs/{slug}/tasks/{number}/comments",
        Rule::Member,
        201,
    ),
    account_case(
        "PATCH",
        "/api/v1/orgs/{slug}/comments/{commentId}",
        Rule::PermOrOwn("moderation.manageComments"),
        200,
    ),
    account_case(
        "DELETE",
        "/api/v1/orgs/{slug}/comments/{commentId}",
        Rule::PermOrOwn("moderation.manageComments"),
        204,
    ),
    account_case(
        "POST",
        "/api/v1/orgs/{slug}/comments/{commentId}/reactions",
        Rule::Member,
        200,
    ),
    case(
        "PUT",
        "/api/v1/orgs/{slug}/tasks/{number}/vote",
        Rule::Member,
        200,
    ),
    case(
        "DELETE",
        "/api/v1/orgs/{slug}/tasks/{number}/vote",
        Rule::Member,
        200,
    ),
    case(
        "GET",
        "/api/v1/orgs/{slug}/tasks/{number}/relations",
        Rule::Member,
        200,
    ),
    case(
        "POST",
        "/api/v1/orgs/{slug}/tasks/{number}/relations",
        Rule::PermOrOwn("tasks.editAny"),
        201,
    ),
    case(
        "DELETE",
        "/api/v1/orgs/{slug}/tasks/{number}/relations",
        Rule::PermOrOwn("tasks.editAny"),
        204,
    ),
    case("POST", "/api/v1/orgs/{slug}/files", Rule::Member, 201),
    account_case(
        "DELETE",
        "/api/v1/orgs/{slug}/files/{fileId}",
        Rule::PermOrOwn("admin.manageSettings"),
        204,
    ),
    case(
        "PUT",
        "/api/v1/orgs/{slug}/logo",
        Rule::Perm("admin.manageSettings"),
        200,
    ),
    case(
        "PUT",
        "/api/v1/orgs/{slug}/banner",
        Rule::Perm("admin.manageSettings"),
        200,
    ),
    case("PUT", "/api/v1/me/avatar", Rule::SignedIn, 200),
    case(
        "GET",
        "/api/v1/orgs/{slug}/tasks/{number}/files",
        Rule::Member,
        200,
    ),
    // A private file of the org.
    case("GET", "/files/{fileId}/{name}", Rule::Member, 200),
];

/// Upload endpoints take a multipart form with an image.
fn is_upload(case: &Case) -> bool {
    matches!(
        (case.method, case.path),
        ("POST", "/api/v1/orgs/{slug}/files")
            | ("PUT", "/api/v1/orgs/{slug}/logo")
            | ("PUT", "/api/v1/orgs/{slug}/banner")
            | ("PUT", "/api/v1/me/avatar")
    )
}

fn perm_of(rule: Rule) -> Option<&'static str> {
    match rule {
        Rule::Perm(p) | Rule::PermOrOwn(p) => Some(p),
        _ => None,
    }
}

/// What the defaults of a member in no team include.
const DEFAULTS: [&str; 3] = ["tasks.create", "tasks.changeStatus", "tasks.changePriority"];

fn expected(rule: Rule, ok: u16, role: Role, via_key: bool) -> u16 {
    use Role::*;
    match rule {
        Rule::Anyone => ok,
        Rule::SignedIn => {
            if role == Anonymous {
                401
            } else {
                ok
            }
        }
        Rule::SessionOnly => match role {
            Anonymous => 401,
            _ if via_key => 403,
            _ => ok,
        },
        Rule::Member => match role {
            Anonymous | Outsider => 404,
            _ => ok,
        },
        Rule::Perm(p) | Rule::PermOrOwn(p) => match role {
            Anonymous | Outsider => 404,
            Member if DEFAULTS.contains(&p) => ok,
            Member | Bare => 403,
            Granted | Admin | Creator | SiteAdmin => ok,
        },
        Rule::CreatorOrSiteAdmin => match role {
            Anonymous | Outsider => 404,
            Creator | SiteAdmin => ok,
            _ => 403,
        },
        Rule::Invitee => match role {
            Anonymous => 401,
            Outsider => ok,
            _ => 404,
        },
    }
}

/// The permission set JSON that holds exactly `perm` (`group.name`).
fn only(perm: &str) -> Value {
    let (group, name) = perm.split_once('.').unwrap();
    json!({ group: { name: true } })
}

/// The people of the matrix, signed up once.
struct People {
    site_admin: Session,
    creator: Session,
    admin: Session,
    member: Session,
    granted: Session,
    bare: Session,
    outsider: Session,
    /// A member that endpoints removing members act on.
    victim: Session,
    keys: Vec<(Role, String)>,
}

impl People {
    fn session(&self, role: Role) -> Option<&Session> {
        Some(match role {
            Role::Anonymous => return None,
            Role::Outsider => &self.outsider,
            Role::Member => &self.member,
            Role::Granted => &self.granted,
            Role::Bare => &self.bare,
            Role::Admin => &self.admin,
            Role::Creator => &self.creator,
            Role::SiteAdmin => &self.site_admin,
        })
    }

    fn key(&self, role: Role) -> Option<&str> {
        self.keys
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, k)| k.as_str())
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

async fn ok(app: &TestApp, method: Method, path: &str, body: Value, who: &Session) -> Value {
    let (status, res) = app
        .request(method.clone(), path, Some(body), Some(who))
        .await;
    assert!(
        status.is_success(),
        "set-up {method} {path}: {status} {res}"
    );
    res
}

/// An org with every role in place (one per case), and the two tasks targets relate.
struct Scene {
    slug: String,
}

async fn scene(app: &TestApp, people: &People, perm: Option<&str>, n: usize) -> Scene {
    let slug = format!("org-{n}");
    let c = &people.creator;
    app.create_org(c, &slug).await;
    let base = format!("/api/v1/orgs/{slug}");
    for who in [
        &people.admin,
        &people.member,
        &people.granted,
        &people.bare,
        &people.victim,
    ] {
        join(app, &base, c, who).await;
    }
    let teams = app.get(&format!("{base}/teams"), Some(c)).await.1;
    let admins = id(&teams[0]);
    let put =
        |team: &str, user: &Session| format!("{base}/teams/{team}/members/{}", id(&user.user));
    ok(app, Method::PUT, &put(&admins, &people.admin), json!({}), c).await;
    let bare = ok(
        app,
        Method::POST,
        &format!("{base}/teams"),
        json!({"name": "Bare"}),
        c,
    )
    .await;
    ok(
        app,
        Method::PUT,
        &put(&id(&bare["team"]), &people.bare),
        json!({}),
        c,
    )
    .await;
    let granted_perms = perm.map(only).unwrap_or(json!({}));
    let granted = ok(
        app,
        Method::POST,
        &format!("{base}/teams"),
        json!({"name": "Granted", "permissions": granted_perms}),
        c,
    )
    .await;
    ok(
        app,
        Method::PUT,
        &put(&id(&granted["team"]), &people.granted),
        json!({}),
        c,
    )
    .await;
    ok(
        app,
        Method::POST,
        &format!("{base}/tasks"),
        json!({"title": "Relation target"}),
        c,
    )
    .await;
    Scene { slug }
}

async fn join(app: &TestApp, base: &str, by: &Session, who: &Session) {
    let email = who.user["email"].as_str().unwrap();
    let invite = ok(
        app,
        Method::POST,
        &format!("{base}/invites"),
        json!({"email": email}),
        by,
    )
    .await;
    let code = invite["invite"]["code"].as_str().unwrap();
    ok(
        app,
        Method::POST,
        &format!("/api/v1/invites/{code}/accept"),
        json!({}),
        who,
    )
    .await;
}

/// Fresh targets for one call, made by the creator: what a call deletes or changes is
/// never what the next call needs.
async fn targets(
    app: &TestApp,
    people: &People,
    scene: &Scene,
    path: &str,
    n: usize,
) -> Vec<(&'static str, String)> {
    let c = &people.creator;
    let base = format!("/api/v1/orgs/{}", scene.slug);
    let mut out = Vec::new();
    if path.contains("{teamId}") {
        let team = ok(
            app,
            Method::POST,
            &format!("{base}/teams"),
            json!({"name": format!("Target {n}")}),
            c,
        )
        .await;
        out.push(("{teamId}", id(&team["team"])));
    }
    if path.contains("{labelId}") {
        let label = ok(
            app,
            Method::POST,
            &format!("{base}/labels"),
            json!({"name": format!("bug {n}"), "color": "#f00"}),
            c,
        )
        .await;
        out.push(("{labelId}", id(&label["label"])));
    }
    if path.contains("{categoryId}") {
        let body = json!({"name": format!("API {n}"), "color": "#00f"});
        let category = ok(app, Method::POST, &format!("{base}/categories"), body, c).await;
        out.push(("{categoryId}", id(&category["category"])));
    }
    if path.contains("{number}") || path.contains("{commentId}") {
        let task = ok(
            app,
            Method::POST,
            &format!("{base}/tasks"),
            json!({"title": "Target"}),
            c,
        )
        .await;
        let number = task["task"]["number"].as_i64().unwrap();
        let relation = json!({"targetNumber": 1, "type": "blocking"});
        ok(
            app,
            Method::POST,
            &format!("{base}/tasks/{number}/relations"),
            relation,
            c,
        )
        .await;
        let comment = ok(
            app,
            Method::POST,
            &format!("{base}/tasks/{number}/comments"),
            json!({"body": "hello"}),
            c,
        )
        .await;
        out.push(("{number}", number.to_string()));
        out.push(("{version}", task["task"]["version"].to_string()));
        out.push(("{commentId}", id(&comment["comment"])));
    }
    if path.contains("{viewId}") {
        let body = json!({"name": format!("View {n}"), "shared": true});
        let view = ok(app, Method::POST, &format!("{base}/views"), body, c).await;
        out.push(("{viewId}", id(&view)));
    }
    if path.contains("{templateId}") {
        let body = json!({"name": format!("Template {n}")});
        let template = ok(app, Method::POST, &format!("{base}/templates"), body, c).await;
        out.push(("{templateId}", id(&template)));
    }
    if path.contains("{releaseSlug}") {
        let body = json!({"name": format!("Release {n}")});
        let release = ok(app, Method::POST, &format!("{base}/releases"), body, c).await;
        out.push((
            "{releaseSlug}",
            release["slug"].as_str().unwrap().to_string(),
        ));
    }
    if path.contains("{userId}") {
        // The victim may have been removed by the previous call.
        join(app, &base, c, &people.victim).await;
        out.push(("{userId}", id(&people.victim.user)));
    }
    if path.contains("{fileId}") {
        let (status, file) = app
            .upload(
                Method::POST,
                &format!("{base}/files"),
                Some(c),
                "target.png",
                &common::png(256),
                None,
            )
            .await;
        assert!(status.is_success(), "set-up upload: {status} {file}");
        out.push(("{fileId}", id(&file)));
    }
    if path.contains("{code}") {
        let invite = ok(
            app,
            Method::POST,
            &format!("{base}/invites"),
            json!({"email": people.outsider.user["email"]}),
            c,
        )
        .await;
        out.push((
            "{code}",
            invite["invite"]["code"].as_str().unwrap().to_string(),
        ));
    }
    out
}

/// A body that the endpoint accepts when the caller is allowed.
fn body_for(case: &Case, n: usize, version: &str, people: &People) -> Option<Value> {
    Some(match (case.method, case.path) {
        ("POST", "/api/v1/orgs/{slug}/transfer") => json!({"userId": id(&people.victim.user)}),
        ("POST", "/api/auth/signup") => {
            json!({"email": format!("new{n}@example.test"), "password": "correct horse battery", "name": "New"})
        }
        ("POST", "/api/auth/login") => {
            json!({"email": "member@example.test", "password": "correct horse battery"})
        }
        ("POST", "/api/auth/verify-email") => json!({"token": "0".repeat(64)}),
        ("POST", "/api/auth/password-reset/request") => {
            json!({"email": format!("nobody{n}@example.test")})
        }
        ("POST", "/api/auth/password-reset") => {
            json!({"token": "0".repeat(64), "password": "a new password"})
        }
        ("POST", "/api/auth/password") => json!({"current": "whatever", "new": "short"}),
        ("POST", "/api/auth/email") => json!({"email": "not an address", "password": "x"}),
        ("POST", "/api/auth/2fa/totp/enable") | ("DELETE", "/api/auth/2fa/totp") => {
            json!({"code": "000000"})
        }
        ("POST", "/api/auth/login/2fa") => json!({"challenge": "0".repeat(64), "code": "000000"}),
        ("POST", "/api/auth/passkeys") => json!({"credential": {"id": "AA",
            "response": {"clientDataJSON": "e30", "attestationObject": "oA"}}}),
        ("PATCH", "/api/auth/passkeys/{id}") => json!({"name": "Laptop"}),
        ("POST", "/api/auth/passkeys/login") => json!({"credential": {"id": "AA",
            "response": {"clientDataJSON": "e30", "authenticatorData": "AA", "signature": "AA"}}}),
        ("POST", "/api/auth/login/2fa/passkey/options") => json!({"challenge": "0".repeat(64)}),
        ("POST", "/api/auth/login/2fa/passkey") => json!({"challenge": "0".repeat(64),
            "credential": {"id": "AA", "response": {"clientDataJSON": "e30",
            "authenticatorData": "AA", "signature": "AA"}}}),
        ("POST", "/api/v1/me/api-keys") => json!({"name": "matrix"}),
        ("POST", "/api/v1/orgs") => {
            json!({"name": "New", "slug": format!("made-{n}"), "shortId": "NEW"})
        }
        ("PATCH", "/api/v1/orgs/{slug}") => json!({"description": "changed"}),
        ("POST", "/api/v1/orgs/{slug}/invites") => {
            json!({"email": format!("invitee{n}@example.test")})
        }
        ("POST", "/api/v1/orgs/{slug}/teams") => json!({"name": format!("Team {n}")}),
        ("PATCH", "/api/v1/orgs/{slug}/teams/{teamId}") => json!({"name": format!("Renamed {n}")}),
        ("POST", "/api/v1/orgs/{slug}/labels") => {
            json!({"name": format!("new {n}"), "color": "#0f0"})
        }
        ("PATCH", "/api/v1/orgs/{slug}/labels/{labelId}") => json!({"color": "#0f0"}),
        ("POST", "/api/v1/orgs/{slug}/categories") => {
            json!({"name": format!("New {n}"), "color": "#0f0"})
        }
        ("PATCH", "/api/v1/orgs/{slug}/categories/{categoryId}") => json!({"color": "#0f0"}),
        ("POST", "/api/v1/orgs/{slug}/tasks") => json!({"title": "Made in the matrix"}),
        ("PATCH", "/api/v1/orgs/{slug}/tasks/{number}") => {
            json!({"version": version.parse::<i64>().unwrap(), "title": "Edited in the matrix"})
        }
        ("POST", "/api/v1/orgs/{slug}/tasks/{number}/comments") => json!({"body": "a comment"}),
        ("POST", "/api/v1/orgs/{slug}/views") => {
            json!({"name": format!("Shared {n}"), "shared": true, "filter": {"field": "assignee", "op": "is", "value": "me"}})
        }
        ("PATCH", "/api/v1/orgs/{slug}/views/{viewId}") => json!({"layout": "list"}),
        ("POST", "/api/v1/orgs/{slug}/templates") => json!({"name": format!("Made {n}")}),
        ("PATCH", "/api/v1/orgs/{slug}/templates/{templateId}") => json!({"forVisitors": true}),
        ("POST", "/api/v1/orgs/{slug}/releases") => json!({"name": format!("Made {n}")}),
        ("PATCH", "/api/v1/orgs/{slug}/releases/{releaseSlug}") => json!({"status": "in_progress"}),
        ("POST", "/api/v1/orgs/{slug}/releases/{releaseSlug}/updates") => {
            json!({"health": "at_risk", "body": "slipping"})
        }
        ("PATCH", "/api/v1/me/notifications/{id}") => json!({"read": true}),
        ("POST", "/api/v1/orgs/{slug}/github/repositories") => {
            json!({"installationId": 777, "repository": "octo/repo"})
        }
        ("PATCH", "/api/v1/orgs/{slug}/github/repositories/{id}") => json!({"createIssues": true}),
        ("POST", "/api/github/webhook") => json!({"zen": "ping"}),
        ("PUT", "/api/v1/me/notification-settings") => {
            json!([{"type": "commented", "mail": "off"}])
        }
        ("PATCH", "/api/v1/orgs/{slug}/comments/{commentId}") => json!({"body": "edited"}),
        ("POST", "/api/v1/orgs/{slug}/comments/{commentId}/reactions") => json!({"emoji": "👍"}),
        ("POST", "/api/v1/orgs/{slug}/tasks/{number}/relations") => {
            json!({"targetNumber": 1, "type": "related"})
        }
        ("DELETE", "/api/v1/orgs/{slug}/tasks/{number}/relations") => {
            json!({"targetNumber": 1, "type": "blocking"})
        }
        _ => return None,
    })
}

async fn people(app: &TestApp) -> People {
    let site_admin = app.sign_up("root@example.test").await;
    let mut p = People {
        site_admin,
        creator: app.sign_up("creator@example.test").await,
        admin: app.sign_up("admin@example.test").await,
        member: app.sign_up("member@example.test").await,
        granted: app.sign_up("granted@example.test").await,
        bare: app.sign_up("bare@example.test").await,
        outsider: app.sign_up("outsider@example.test").await,
        victim: app.sign_up("victim@example.test").await,
        keys: Vec::new(),
    };
    for role in ROLES {
        if let Some(who) = p.session(role) {
            let key = ok(
                app,
                Method::POST,
                "/api/v1/me/api-keys",
                json!({"name": "matrix"}),
                who,
            )
            .await;
            p.keys
                .push((role, key["key"].as_str().unwrap().to_string()));
        }
    }
    p
}

// About 1,500 calls and 90 orgs: past the default limit on a loaded 2-core machine.
on_each_backend!(
    every_endpoint_answers_every_caller_as_the_contract_says,
    limit_times = 4,
    |app| {
        let people = people(&app).await;
        let mut failures = Vec::new();
        let mut n = 0;
        for case in CASES {
            n += 1;
            let shared = scene(&app, &people, perm_of(case.rule), n).await;
            for role in ROLES {
                for via_key in [false, true] {
                    if via_key && role == Role::Anonymous {
                        continue;
                    }
                    n += 1;
                    // Deleting the org needs an org per call.
                    let fresh;
                    let scene = if matches!(case.rule, Rule::CreatorOrSiteAdmin) {
                        fresh = scene(&app, &people, None, n).await;
                        &fresh
                    } else {
                        &shared
                    };
                    let mut path = case.path.replace("{slug}", &scene.slug);
                    let mut version = String::new();
                    for (placeholder, value) in targets(&app, &people, scene, case.path, n).await {
                        path = path.replace(placeholder, &value);
                        if placeholder == "{version}" {
                            version = value;
                        }
                    }
                    if case.path.contains("/sessions/{id}") {
                        // A second session of the caller's, made for this call.
                        let target = match people.session(role) {
                            Some(who) => {
                                let agent = format!("matrix-{n}");
                                let email = who.user["email"].as_str().unwrap();
                                app.http
                                .post(format!("{}/api/auth/login", app.base))
                                .header("user-agent", &agent)
                                .json(&json!({"email": email, "password": "correct horse battery"}))
                                .send()
                                .await
                                .unwrap();
                                let (_, list) = app.get("/api/auth/sessions", Some(who)).await;
                                let mine = list
                                    .as_array()
                                    .unwrap()
                                    .iter()
                                    .find(|s| s["userAgent"] == agent.as_str())
                                    .unwrap();
                                id(mine)
                            }
                            None => "00000000-0000-0000-0000-000000000000".to_string(),
                        };
                        path = path.replace("{id}", &target);
                    }
                    path = path.replace("{installationId}", "777");
                    if case.path.contains("/api/auth/accounts/{id}")
                        || case.path.contains("/api/auth/passkeys/{id}")
                        || case.path.contains("/me/notifications/{id}")
                        || case.path.contains("/github/repositories/{id}")
                    {
                        path = path.replace("{id}", "00000000-0000-0000-0000-000000000000");
                    }
                    if case.path.contains("{name}") {
                        path = path.replace("{name}", "target.png");
                    }
                    if case.path.contains("{provider}") {
                        path = path.replace("{provider}", "github");
                    }
                    if case.path.contains("/me/api-keys/{id}") {
                        // The caller's own key, made for this call.
                        if let Some(who) = people.session(role) {
                            let key = ok(
                                &app,
                                Method::POST,
                                "/api/v1/me/api-keys",
                                json!({"name": "doomed"}),
                                who,
                            )
                            .await;
                            path = path.replace("{id}", &id(&key));
                        } else {
                            path = path.replace("{id}", "00000000-0000-0000-0000-000000000000");
                        }
                    }
                    let method = Method::from_bytes(case.method.as_bytes()).unwrap();
                    let mut req = app.http.request(method, format!("{}{path}", app.base));
                    if let Some(body) = body_for(case, n, &version, &people) {
                        req = req.json(&body);
                    } else if is_upload(case) {
                        let image = common::png(256);
                        let (content_type, form) =
                            common::multipart(&[("file", Some("matrix.png"), &image)]);
                        req = req.header("content-type", content_type).body(form);
                    }
                    req = match (via_key, people.session(role)) {
                        (true, _) => req.bearer_auth(people.key(role).unwrap()),
                        // Logging out ends the session: use a fresh one, not the matrix's.
                        (false, Some(who)) if case.path == "/api/auth/logout" => {
                            let email = who.user["email"].as_str().unwrap();
                            let res = app
                                .http
                                .post(format!("{}/api/auth/login", app.base))
                                .json(&json!({"email": email, "password": "correct horse battery"}))
                                .send()
                                .await
                                .unwrap();
                            let cookie = res.headers()["set-cookie"]
                                .to_str()
                                .unwrap()
                                .split(';')
                                .next()
                                .unwrap()
                                .to_string();
                            req.header("cookie", cookie)
                        }
                        // Deleting the account: a fresh one, not the matrix's people.
                        (false, Some(_))
                            if case.path == "/api/v1/me" && case.method == "DELETE" =>
                        {
                            let doomed = app.sign_up(&format!("doomed{n}@example.test")).await;
                            req.header("cookie", doomed.cookie())
                        }
                        (false, Some(who)) => req.header("cookie", who.cookie()),
                        (false, None) => req,
                    };
                    let res = req.send().await.unwrap();
                    let got = res.status().as_u16();
                    let want = if case.account_first && role == Role::Anonymous {
                        401
                    } else {
                        expected(case.rule, case.ok, role, via_key)
                    };
                    if got != want {
                        let text = res.text().await.unwrap_or_default();
                        failures.push(format!(
                            "{} {} as {role:?}{}: got {got}, want {want} ({})",
                            case.method,
                            case.path,
                            if via_key { " with an API key" } else { "" },
                            text.chars().take(160).collect::<String>()
                        ));
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {n} calls answered wrongly:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
);

#[test]
fn every_documented_endpoint_has_a_row() {
    let documented: BTreeSet<(String, String)> = server::api::v1::openapi()
        .paths
        .paths
        .iter()
        .flat_map(|(path, item)| {
            let methods = [
                ("GET", item.get.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
                ("PATCH", item.patch.is_some()),
                ("DELETE", item.delete.is_some()),
            ];
            methods
                .into_iter()
                .filter(|(_, on)| *on)
                .map(move |(m, _)| (m.to_string(), path.clone()))
        })
        .collect();
    // The table names path parameters after what they hold; the document after the route.
    let normalize = |path: &str| {
        let mut out = String::new();
        for segment in path.split('/') {
            if !out.is_empty() || !segment.is_empty() {
                out.push('/');
            }
            out.push_str(if segment.starts_with('{') {
                "{}"
            } else {
                segment
            });
        }
        out
    };
    let table: BTreeSet<(String, String)> = CASES
        .iter()
        .map(|c| (c.method.to_string(), normalize(c.path)))
        .collect();
    let missing: Vec<_> = documented
        .iter()
        .map(|(m, p)| (m.clone(), normalize(p)))
        .filter(|e| !table.contains(e))
        .collect();
    assert!(
        missing.is_empty(),
        "endpoints without rows in the permission matrix: {missing:?}"
    );
    assert!(
        documented.len() >= CASES.len(),
        "the table lists endpoints the document lacks"
    );
}
