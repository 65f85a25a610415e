//! Passkeys over HTTP, against a software authenticator written here (a P-256 key from
//! ring, attestation `none`, assertions signed over authData ‖ SHA-256(clientDataJSON)):
//! registering, listing, renaming and deleting; signing in with no e-mail typed; a passkey
//! as the second factor (after it no code is asked; at the second step it stands in for a
//! code; an org's requirement takes it); and each check the server makes, refused.
//!
//! The instance's public URL is `http://localhost` here: WebAuthn takes no IP address as a
//! relying party.

use crate::common::{Session, TestApp};
use crate::two_factor::turn_on;
use base64::Engine;
use reqwest::{Method, StatusCode};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const PASSWORD: &str = "correct horse battery";
const ORIGIN: &str = "http://localhost";

fn localhost(config: &mut server::config::Config) {
    config.public_url = Some(ORIGIN.into());
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .unwrap()
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

/// A CBOR head: major type and length.
fn head(major: u8, len: usize) -> Vec<u8> {
    match len {
        0..=23 => vec![major << 5 | len as u8],
        24..=255 => vec![major << 5 | 24, len as u8],
        _ => {
            let mut out = vec![major << 5 | 25];
            out.extend_from_slice(&(len as u16).to_be_bytes());
            out
        }
    }
}

fn cbor_text(text: &str) -> Vec<u8> {
    let mut out = head(3, text.len());
    out.extend_from_slice(text.as_bytes());
    out
}

fn cbor_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut out = head(2, bytes.len());
    out.extend_from_slice(bytes);
    out
}

const UP: u8 = 0x01;
const UV: u8 = 0x04;
const AT: u8 = 0x40;

/// What a test changes in what the authenticator sends.
#[derive(Clone)]
struct Twist {
    origin: String,
    rp_id: String,
    flags: u8,
    /// The counter to send, instead of the next one.
    count: Option<u32>,
    bad_signature: bool,
}

impl Default for Twist {
    fn default() -> Self {
        Self {
            origin: ORIGIN.into(),
            rp_id: "localhost".into(),
            flags: UP | UV,
            count: None,
            bad_signature: false,
        }
    }
}

/// A passkey held by the software authenticator.
struct Authenticator {
    pair: EcdsaKeyPair,
    id: Vec<u8>,
    user_handle: Vec<u8>,
    count: u32,
}

impl Authenticator {
    fn cose_key(&self) -> Vec<u8> {
        let point = self.pair.public_key().as_ref();
        let mut cose = vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21];
        cose.extend(cbor_bytes(&point[1..33]));
        cose.push(0x22);
        cose.extend(cbor_bytes(&point[33..65]));
        cose
    }

    fn client_data(kind: &str, challenge: &str, origin: &str) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "type": kind,
            "challenge": challenge,
            "origin": origin,
            "crossOrigin": false,
        }))
        .unwrap()
    }

    fn auth_data(rp_id: &str, flags: u8, count: u32) -> Vec<u8> {
        let mut data = sha256(rp_id.as_bytes());
        data.push(flags);
        data.extend_from_slice(&count.to_be_bytes());
        data
    }

    /// Makes a new passkey for the creation `options`; returns it and the credential JSON.
    fn create(options: &Value, twist: &Twist) -> (Self, Value) {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        let mut id = [0u8; 16];
        ring::rand::SecureRandom::fill(&rng, &mut id).unwrap();
        let me = Self {
            pair,
            id: id.to_vec(),
            user_handle: unb64(options["user"]["id"].as_str().unwrap()),
            count: 0,
        };
        let challenge = options["challenge"].as_str().unwrap();
        let client = Self::client_data("webauthn.create", challenge, &twist.origin);
        let mut auth = Self::auth_data(&twist.rp_id, twist.flags | AT, twist.count.unwrap_or(0));
        auth.extend_from_slice(&[0u8; 16]);
        auth.extend_from_slice(&(me.id.len() as u16).to_be_bytes());
        auth.extend_from_slice(&me.id);
        auth.extend(me.cose_key());
        let mut object = vec![0xa3];
        object.extend(cbor_text("fmt"));
        object.extend(cbor_text("none"));
        object.extend(cbor_text("attStmt"));
        object.push(0xa0);
        object.extend(cbor_text("authData"));
        object.extend(cbor_bytes(&auth));
        let credential = json!({
            "id": b64(&me.id),
            "rawId": b64(&me.id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(&client),
                "attestationObject": b64(&object),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
        });
        (me, credential)
    }

    /// Signs the request `options`' challenge.
    fn get(&mut self, options: &Value, twist: &Twist) -> Value {
        let challenge = options["challenge"].as_str().unwrap();
        let client = Self::client_data("webauthn.get", challenge, &twist.origin);
        self.count += 1;
        let auth = Self::auth_data(&twist.rp_id, twist.flags, twist.count.unwrap_or(self.count));
        let mut signed = auth.clone();
        signed.extend(sha256(&client));
        let mut signature = self
            .pair
            .sign(&SystemRandom::new(), &signed)
            .unwrap()
            .as_ref()
            .to_vec();
        if twist.bad_signature {
            let last = signature.len() - 1;
            signature[last] ^= 1;
        }
        json!({
            "id": b64(&self.id),
            "rawId": b64(&self.id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(&client),
                "authenticatorData": b64(&auth),
                "signature": b64(&signature),
                "userHandle": b64(&self.user_handle),
            },
            "clientExtensionResults": {},
        })
    }
}

async fn registration_options(app: &TestApp, session: &Session) -> Value {
    let (status, options) = app
        .post(
            "/api/auth/passkeys/register/options",
            json!({}),
            Some(session),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{options}");
    options
}

/// Registers a passkey for `session` as the authenticator sends it with `twist`.
async fn try_register(
    app: &TestApp,
    session: &Session,
    twist: &Twist,
) -> (StatusCode, Value, Authenticator) {
    let options = registration_options(app, session).await;
    let (key, credential) = Authenticator::create(&options, twist);
    let (status, body) = app
        .post(
            "/api/auth/passkeys",
            json!({"name": "Laptop", "credential": credential}),
            Some(session),
        )
        .await;
    (status, body, key)
}

async fn register(app: &TestApp, session: &Session) -> (Value, Authenticator) {
    let (status, body, key) = try_register(app, session, &Twist::default()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (body, key)
}

async fn sign_in_options(app: &TestApp) -> Value {
    let (status, options) = app
        .post("/api/auth/passkeys/login/options", json!({}), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{options}");
    options
}

/// Sends a sign-in's credential; the status, the body, and the session when one began.
async fn send_sign_in(app: &TestApp, credential: Value) -> (StatusCode, Value, Option<Session>) {
    let res = app
        .http
        .post(format!("{}/api/auth/passkeys/login", app.base))
        .json(&json!({"credential": credential}))
        .send()
        .await
        .unwrap();
    let status = res.status();
    if status == StatusCode::OK {
        let session = Session::from_response(res).await;
        return (status, session.user.clone(), Some(session));
    }
    assert!(res.headers().get("set-cookie").is_none());
    (status, res.json().await.unwrap(), None)
}

/// A whole sign-in with the passkey as the authenticator sends it with `twist`.
async fn sign_in(
    app: &TestApp,
    key: &mut Authenticator,
    twist: &Twist,
) -> (StatusCode, Value, Option<Session>) {
    let options = sign_in_options(app).await;
    let credential = key.get(&options, twist);
    send_sign_in(app, credential).await
}

async fn password_challenge(app: &TestApp, email: &str) -> String {
    let (status, body) = app
        .post(
            "/api/auth/login",
            json!({"email": email, "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["twoFactorRequired"], true, "{body}");
    body["challenge"].as_str().unwrap().to_string()
}

on_each_backend!(
    a_passkey_is_registered_listed_renamed_and_signs_in_without_an_email,
    config = localhost,
    |app| {
        let ada = app.sign_up("ada@example.test").await;
        let options = registration_options(&app, &ada).await;
        assert_eq!(options["rp"]["id"], "localhost");
        assert_eq!(options["user"]["name"], "ada@example.test");
        assert_eq!(options["attestation"], "none");
        assert_eq!(options["authenticatorSelection"]["residentKey"], "required");
        assert_eq!(
            options["authenticatorSelection"]["userVerification"],
            "required"
        );
        assert_eq!(options["excludeCredentials"], json!([]));
        assert!(
            options["pubKeyCredParams"]
                .as_array()
                .unwrap()
                .contains(&json!({"type": "public-key", "alg": -7}))
        );

        let (made, mut key) = register(&app, &ada).await;
        assert_eq!(made["name"], "Laptop");
        assert_eq!(made["lastUsedAt"], Value::Null);
        let options = registration_options(&app, &ada).await;
        assert_eq!(
            options["excludeCredentials"],
            json!([{"type": "public-key", "id": b64(&key.id)}]),
            "the passkey it has is excluded"
        );

        let id = made["id"].as_str().unwrap();
        let (status, renamed) = app
            .request(
                Method::PATCH,
                &format!("/api/auth/passkeys/{id}"),
                Some(json!({"name": "  Work laptop "})),
                Some(&ada),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{renamed}");
        assert_eq!(renamed["name"], "Work laptop");
        let (status, body) = app
            .request(
                Method::PATCH,
                &format!("/api/auth/passkeys/{id}"),
                Some(json!({"name": " "})),
                Some(&ada),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(body["error"]["fields"]["name"].is_string(), "{body}");

        let options = sign_in_options(&app).await;
        assert_eq!(options["allowCredentials"], json!([]), "username-less");
        assert_eq!(options["rpId"], "localhost");
        let (status, user, session) = sign_in(&app, &mut key, &Twist::default()).await;
        assert_eq!(status, StatusCode::OK, "{user}");
        assert_eq!(user["email"], "ada@example.test");
        assert_eq!(user["twoFactor"], true, "a passkey is a second factor");
        let (status, me) = app.get("/api/auth/session", session.as_ref()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["user"]["email"], "ada@example.test");

        let (status, list) = app.get("/api/auth/passkeys", Some(&ada)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
        assert_eq!(list[0]["name"], "Work laptop");
        assert!(list[0]["lastUsedAt"].is_string(), "{list}");

        // The same authenticator again signs in (its counter grew).
        let (status, body, _) = sign_in(&app, &mut key, &Twist::default()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
);

on_each_backend!(
    a_passkey_sign_in_needs_no_code_with_totp_on,
    config = localhost,
    |app| {
        let ada = app.sign_up("ada@example.test").await;
        turn_on(&app, &ada).await;
        let (_, mut key) = register(&app, &ada).await;
        let (status, user, session) = sign_in(&app, &mut key, &Twist::default()).await;
        assert_eq!(status, StatusCode::OK, "{user}");
        assert!(session.is_some(), "signed in, no challenge");
    }
);

on_each_backend!(
    a_passkey_answers_the_second_step_instead_of_a_code,
    config = localhost,
    |app| {
        let ada = app.sign_up("ada@example.test").await;
        turn_on(&app, &ada).await;
        let (_, mut key) = register(&app, &ada).await;
        let challenge = password_challenge(&app, "ada@example.test").await;

        let (status, options) = app
            .post(
                "/api/auth/login/2fa/passkey/options",
                json!({"challenge": challenge}),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{options}");
        assert_eq!(
            options["allowCredentials"],
            json!([{"type": "public-key", "id": b64(&key.id)}])
        );
        let credential = key.get(&options, &Twist::default());
        let res = app
            .http
            .post(format!("{}/api/auth/login/2fa/passkey", app.base))
            .json(&json!({"challenge": challenge, "credential": credential}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let session = Session::from_response(res).await;
        assert_eq!(session.user["email"], "ada@example.test");
        let (status, _) = app.get("/api/auth/session", Some(&session)).await;
        assert_eq!(status, StatusCode::OK);

        // The sign-in is used up.
        let (status, _) = app
            .post(
                "/api/auth/login/2fa/passkey/options",
                json!({"challenge": challenge}),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::GONE);
    }
);

on_each_backend!(
    an_account_whose_only_second_factor_is_a_passkey_takes_no_code,
    config = localhost,
    |app| {
        let ada = app.sign_up("ada@example.test").await;
        let (_, mut key) = register(&app, &ada).await;
        // A password sign-in now waits for the passkey; no code stands in for it.
        let challenge = password_challenge(&app, "ada@example.test").await;
        let (status, body) = app
            .post(
                "/api/auth/login/2fa",
                json!({"challenge": challenge, "code": "123456"}),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["error"]["fields"]["code"].is_string(), "{body}");

        // Another account's passkey does not answer ada's sign-in.
        let bob = app.sign_up("bob@example.test").await;
        let (_, mut bobs) = register(&app, &bob).await;
        let (_, options) = app
            .post(
                "/api/auth/login/2fa/passkey/options",
                json!({"challenge": challenge}),
                None,
            )
            .await;
        let credential = bobs.get(&options, &Twist::default());
        let (status, body) = app
            .post(
                "/api/auth/login/2fa/passkey",
                json!({"challenge": challenge, "credential": credential}),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");

        let (_, options) = app
            .post(
                "/api/auth/login/2fa/passkey/options",
                json!({"challenge": challenge}),
                None,
            )
            .await;
        let credential = key.get(&options, &Twist::default());
        let (status, body) = app
            .post(
                "/api/auth/login/2fa/passkey",
                json!({"challenge": challenge, "credential": credential}),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
);

on_each_backend!(
    an_org_that_requires_a_second_factor_takes_a_passkey,
    config = localhost,
    |app| {
        app.sign_up("root@example.test").await;
        let owner = app.sign_up("owner@example.test").await;
        let bob = app.sign_up("bob@example.test").await;
        app.create_org(&owner, "acme").await;
        app.add_member(&owner, "acme", &bob).await;
        register(&app, &owner).await;
        let (status, body) = app
            .request(
                Method::PATCH,
                "/api/v1/orgs/acme",
                Some(json!({"settings": {"membersMustUseTwoFactor": true}})),
                Some(&owner),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "the owner's passkey counts: {body}");
        let (status, body) = app.get("/api/v1/orgs/acme/members", Some(&bob)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["error"]["code"], "two_factor_required");
        register(&app, &bob).await;
        let (status, body) = app.get("/api/v1/orgs/acme/members", Some(&bob)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
);

on_each_backend!(
    a_registration_that_fails_a_check_is_refused,
    config = localhost,
    |app| {
        let ada = app.sign_up("ada@example.test").await;
        let twists = [
            (
                "another origin",
                Twist {
                    origin: "http://evil.test".into(),
                    ..Twist::default()
                },
            ),
            (
                "another relying party",
                Twist {
                    rp_id: "evil.test".into(),
                    ..Twist::default()
                },
            ),
            (
                "no user verification",
                Twist {
                    flags: UP,
                    ..Twist::default()
                },
            ),
        ];
        for (what, twist) in twists {
            let (status, body, _) = try_register(&app, &ada, &twist).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
            assert!(
                body["error"]["fields"]["credential"].is_string(),
                "{what}: {body}"
            );
        }
        // An org's subdomain is this instance too.
        let sub = Twist {
            origin: "http://acme.localhost".into(),
            ..Twist::default()
        };
        let (status, body, _) = try_register(&app, &ada, &sub).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");

        // A challenge answers once.
        let options = registration_options(&app, &ada).await;
        let (_, credential) = Authenticator::create(&options, &Twist::default());
        let body = json!({"credential": credential});
        let (status, made) = app
            .post("/api/auth/passkeys", body.clone(), Some(&ada))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        assert_eq!(made["name"], "Passkey", "the default name");
        let (status, _) = app.post("/api/auth/passkeys", body, Some(&ada)).await;
        assert_eq!(status, StatusCode::GONE, "reused");

        // Someone else's ceremony is not ada's.
        let bob = app.sign_up("bob@example.test").await;
        let options = registration_options(&app, &bob).await;
        let (_, credential) = Authenticator::create(&options, &Twist::default());
        let (status, _) = app
            .post(
                "/api/auth/passkeys",
                json!({"credential": credential}),
                Some(&ada),
            )
            .await;
        assert_eq!(status, StatusCode::GONE);
    }
);

on_each_backend!(
    a_sign_in_that_fails_a_check_is_refused,
    config = localhost,
    |app| {
        let ada = app.sign_up("ada@example.test").await;
        let (_, mut key) = register(&app, &ada).await;
        let twists = [
            (
                "another origin",
                Twist {
                    origin: "https://localhost.evil.test".into(),
                    ..Twist::default()
                },
            ),
            (
                "another relying party",
                Twist {
                    rp_id: "evil.test".into(),
                    ..Twist::default()
                },
            ),
            (
                "no user verification",
                Twist {
                    flags: UP,
                    ..Twist::default()
                },
            ),
            (
                "a bad signature",
                Twist {
                    bad_signature: true,
                    ..Twist::default()
                },
            ),
        ];
        for (what, twist) in twists {
            let (status, body, _) = sign_in(&app, &mut key, &twist).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {body}");
            assert_eq!(body["error"]["code"], "unauthenticated", "{what}");
        }

        let (status, body, _) = sign_in(&app, &mut key, &Twist::default()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        // A counter that went back: a cloned authenticator, maybe.
        let back = Twist {
            count: Some(1),
            ..Twist::default()
        };
        let (status, _, _) = sign_in(&app, &mut key, &back).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "counter backwards");

        // A challenge answers once.
        let options = sign_in_options(&app).await;
        let first = key.get(&options, &Twist::default());
        let (status, _, _) = send_sign_in(&app, first).await;
        assert_eq!(status, StatusCode::OK);
        let again = key.get(&options, &Twist::default());
        let (status, body, _) = send_sign_in(&app, again).await;
        assert_eq!(status, StatusCode::GONE, "{body}");

        // An expired one not at all.
        let options = sign_in_options(&app).await;
        {
            use sea_orm::{EntityTrait, sea_query::Expr};
            entity::passkey_ceremony::Entity::update_many()
                .col_expr(
                    entity::passkey_ceremony::Column::ExpiresAt,
                    Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
                )
                .exec(&app.db().await)
                .await
                .unwrap();
        }
        let late = key.get(&options, &Twist::default());
        let (status, body, _) = send_sign_in(&app, late).await;
        assert_eq!(status, StatusCode::GONE, "{body}");
    }
);

on_each_backend!(
    passkeys_are_the_owners_alone_and_a_deleted_one_signs_in_no_more,
    config = localhost,
    |app| {
        let ada = app.sign_up("ada@example.test").await;
        let bob = app.sign_up("bob@example.test").await;
        let (made, mut key) = register(&app, &ada).await;
        let path = format!("/api/auth/passkeys/{}", made["id"].as_str().unwrap());

        let (status, _) = app.request(Method::DELETE, &path, None, Some(&bob)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "bob cannot delete ada's");
        let (status, _) = app
            .request(
                Method::PATCH,
                &path,
                Some(json!({"name": "mine"})),
                Some(&bob),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "nor rename it");
        let (_, list) = app.get("/api/auth/passkeys", Some(&bob)).await;
        assert_eq!(list, json!([]));

        let (status, _) = app.request(Method::DELETE, &path, None, Some(&ada)).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = app.request(Method::DELETE, &path, None, Some(&ada)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _, _) = sign_in(&app, &mut key, &Twist::default()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "deleted");
        let (_, me) = app.get("/api/auth/session", Some(&ada)).await;
        assert_eq!(me["user"]["twoFactor"], false);
    }
);

on_each_backend!(
    registering_takes_a_session_and_well_formed_json,
    config = localhost,
    |app| {
        let (status, body) = app
            .post("/api/auth/passkeys/register/options", json!({}), None)
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        let (status, _) = app.get("/api/auth/passkeys", None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        let ada = app.sign_up("ada@example.test").await;
        let (status, key) = app
            .post("/api/v1/me/api-keys", json!({"name": "bot"}), Some(&ada))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{key}");
        let key = key["key"].as_str().unwrap();
        let res = app
            .http
            .post(format!("{}/api/auth/passkeys/register/options", app.base))
            .bearer_auth(key)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "not with an API key");

        let options = registration_options(&app, &ada).await;
        let (_, credential) = Authenticator::create(&options, &Twist::default());
        let (status, body) = app
            .post(
                "/api/auth/passkeys",
                json!({"credential": credential}),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");

        let res = app
            .http
            .post(format!("{}/api/auth/passkeys", app.base))
            .header("cookie", ada.cookie())
            .header("content-type", "application/json")
            .body("{\"credential\": ")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_input", "{body}");
        let (status, body) = app
            .post(
                "/api/auth/passkeys",
                json!({"credential": {"id": "x", "response": {"clientDataJSON": "!!", "attestationObject": ""}}}),
                Some(&ada),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["error"]["fields"]["credential"].is_string(), "{body}");
        let (status, body) = app
            .post("/api/auth/passkeys/login", json!({"credential": 5}), None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["error"]["code"], "invalid_input");
    }
);

on_each_backend!(an_instance_reached_by_ip_address_has_no_passkeys, |app| {
    let ada = app.sign_up("ada@example.test").await;
    let (status, body) = app
        .post("/api/auth/passkeys/register/options", json!({}), Some(&ada))
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("host name"),
        "{body}"
    );
});
