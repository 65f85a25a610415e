//! Talking to GitHub as the App: an RS256 JWT (signed with ring) buys an installation
//! access token, cached until shortly before it expires; every call reads GitHub's
//! rate-limit headers so that a refused call becomes a retry at the time GitHub names.

use super::GithubConfig;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, TimeZone, Utc};
use reqwest::{Method, StatusCode};
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::Mutex;

/// An installation token is renewed once it has less than this left.
const TOKEN_MARGIN: Duration = Duration::minutes(5);
/// Answers from GitHub's API that Sayr reads are small; a larger one is refused.
const MAX_ANSWER: usize = 4 * 1024 * 1024;

/// Why a call to GitHub failed.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// GitHub said to wait (a rate limit or abuse limit): try again then.
    #[error("GitHub's rate limit: retry at {0}")]
    RateLimited(DateTime<Utc>),
    /// It may work later (a timeout, a 5xx, a token that expired under us).
    #[error("{0}")]
    Retry(String),
    /// The token was refused (revoked, or expired under us): a new one may work.
    #[error("{0}")]
    Unauthorized(String),
    /// The thing asked for is not there, or the App may not see it.
    #[error("GitHub answered 404: not found, or the App may not see it")]
    NotFound,
    /// It will fail the same way again (GitHub refused what was sent).
    #[error("{0}")]
    Refused(String),
}

impl From<CallError> for crate::jobs::JobError {
    fn from(e: CallError) -> Self {
        use crate::jobs::JobError;
        match e {
            CallError::RateLimited(at) => JobError::RetryAt(at, e.to_string()),
            CallError::Retry(m) | CallError::Unauthorized(m) => JobError::Retry(m),
            CallError::NotFound | CallError::Refused(_) => JobError::Permanent(e.to_string()),
        }
    }
}

/// The App's signing key and its cached installation tokens.
pub struct Client {
    http: reqwest::Client,
    key: RsaKeyPair,
    app_id: String,
    api_url: String,
    tokens: Mutex<HashMap<i64, (String, DateTime<Utc>)>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.debug_struct("Client")
            .field("app_id", &self.app_id)
            .field("api_url", &self.api_url)
            .finish_non_exhaustive()
    }
}

/// Reads a PEM private key: PKCS#1 (`BEGIN RSA PRIVATE KEY`, what GitHub hands out) or
/// PKCS#8 (`BEGIN PRIVATE KEY`). The error never quotes the key.
pub fn parse_key(pem: &str) -> Result<RsaKeyPair, String> {
    let pem = pem.trim();
    let (label, body) = ["RSA PRIVATE KEY", "PRIVATE KEY"]
        .iter()
        .find_map(|label| {
            let begin = format!("-----BEGIN {label}-----");
            let end = format!("-----END {label}-----");
            let body = pem.strip_prefix(&begin)?.strip_suffix(&end)?;
            Some((*label, body))
        })
        .ok_or("the GitHub App's private key is not a PEM RSA key (BEGIN RSA PRIVATE KEY)")?;
    let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| "the GitHub App's private key is not valid base64")?;
    let key = if label == "RSA PRIVATE KEY" {
        RsaKeyPair::from_der(&der)
    } else {
        RsaKeyPair::from_pkcs8(&der)
    };
    key.map_err(|e| format!("the GitHub App's private key is not usable: {e}"))
}

#[derive(Deserialize)]
struct AccessToken {
    token: String,
    expires_at: DateTime<Utc>,
}

impl Client {
    pub fn new(config: &GithubConfig, http: reqwest::Client) -> Result<Self, String> {
        Ok(Self {
            http,
            key: parse_key(&config.private_key)?,
            app_id: config.app_id.clone(),
            api_url: config.api_url.trim_end_matches('/').to_string(),
            tokens: Mutex::new(HashMap::new()),
        })
    }

    /// The App's own JWT: valid for nine minutes, issued a minute in the past (GitHub's
    /// advice against clock drift).
    pub fn app_jwt(&self) -> String {
        let now = Utc::now().timestamp();
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
        let claims = serde_json::json!({"iat": now - 60, "exp": now + 540, "iss": self.app_id});
        let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signing_input = format!("{header}.{claims}");
        let mut signature = vec![0; self.key.public().modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &ring::rand::SystemRandom::new(),
                signing_input.as_bytes(),
                &mut signature,
            )
            .expect("an RSA key signs");
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// A token for acting as `installation`, from the cache while it has time left.
    async fn installation_token(&self, installation: i64) -> Result<String, CallError> {
        let cached = self
            .tokens
            .lock()
            .expect("the token cache is not poisoned")
            .get(&installation)
            .cloned();
        if let Some((token, expires)) = cached
            && expires - TOKEN_MARGIN > Utc::now()
        {
            return Ok(token);
        }
        let path = format!("/app/installations/{installation}/access_tokens");
        let fresh: AccessToken = self.send(Method::POST, &path, Auth::App, None).await?;
        self.tokens
            .lock()
            .expect("the token cache is not poisoned")
            .insert(installation, (fresh.token.clone(), fresh.expires_at));
        Ok(fresh.token)
    }

    /// A call as the App itself (`GET /app/installations/{id}`).
    pub async fn as_app<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
    ) -> Result<T, CallError> {
        self.send(method, path, Auth::App, None).await
    }

    /// A call as `installation`. A 401 drops the cached token (it was revoked) and is
    /// worth a retry with a new one.
    pub async fn as_installation<T: DeserializeOwned>(
        &self,
        installation: i64,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<T, CallError> {
        let token = self.installation_token(installation).await?;
        let result = self.send(method, path, Auth::Token(&token), body).await;
        if let Err(CallError::Unauthorized(_)) = &result {
            self.tokens
                .lock()
                .expect("the token cache is not poisoned")
                .remove(&installation);
        }
        result
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        auth: Auth<'_>,
        body: Option<&serde_json::Value>,
    ) -> Result<T, CallError> {
        let url = format!("{}{path}", self.api_url);
        let bearer = match auth {
            Auth::App => self.app_jwt(),
            Auth::Token(t) => t.to_string(),
        };
        let mut request = self
            .http
            .request(method.clone(), &url)
            .bearer_auth(bearer)
            .header("accept", "application/vnd.github+json")
            .header("x-github-api-version", "2022-11-28");
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| CallError::Retry(format!("{method} {path}: {e}")))?;
        let status = response.status();
        let waited = rate_limited(status, response.headers(), Utc::now());
        let text = read_limited(response)
            .await
            .map_err(|e| CallError::Retry(format!("{method} {path}: {e}")))?;
        if let Some(at) = waited {
            return Err(CallError::RateLimited(at));
        }
        match status {
            s if s.is_success() => {
                let text = if text.is_empty() { "null" } else { &text };
                serde_json::from_str(text).map_err(|e| {
                    CallError::Refused(format!(
                        "{method} {path}: GitHub's answer does not parse: {e}"
                    ))
                })
            }
            StatusCode::NOT_FOUND => Err(CallError::NotFound),
            StatusCode::UNAUTHORIZED => Err(CallError::Unauthorized(format!(
                "{method} {path}: GitHub answered 401"
            ))),
            s if s.is_server_error() => Err(CallError::Retry(format!(
                "{method} {path}: GitHub answered {s}"
            ))),
            s => Err(CallError::Refused(format!(
                "{method} {path}: GitHub answered {s}: {}",
                message(&text)
            ))),
        }
    }
}

enum Auth<'a> {
    App,
    Token(&'a str),
}

/// When GitHub says to try again, if it does: `Retry-After` (secondary limits), or an
/// exhausted primary limit (`X-RateLimit-Remaining: 0`) until `X-RateLimit-Reset`.
pub(crate) fn rate_limited(
    status: StatusCode,
    headers: &reqwest::header::HeaderMap,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if status != StatusCode::FORBIDDEN && status != StatusCode::TOO_MANY_REQUESTS {
        return None;
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(secs) = header("retry-after").and_then(|v| v.parse::<i64>().ok()) {
        return Some(now + Duration::seconds(secs.clamp(1, 3600)));
    }
    if header("x-ratelimit-remaining") == Some("0") {
        let reset = header("x-ratelimit-reset")
            .and_then(|v| v.parse::<i64>().ok())
            .and_then(|t| Utc.timestamp_opt(t, 0).single())
            .unwrap_or(now + Duration::minutes(1));
        // A second past the reset, never in the past, never beyond an hour.
        return Some(reset.clamp(now, now + Duration::hours(1)) + Duration::seconds(1));
    }
    // A 429 without either header: GitHub's advice is to wait at least a minute.
    (status == StatusCode::TOO_MANY_REQUESTS).then(|| now + Duration::minutes(1))
}

/// GitHub's `message` from an error answer, or the start of the answer.
fn message(text: &str) -> String {
    #[derive(Deserialize)]
    struct Error {
        message: String,
    }
    serde_json::from_str::<Error>(text)
        .map(|e| e.message)
        .unwrap_or_else(|_| text.chars().take(200).collect())
}

async fn read_limited(mut response: reqwest::Response) -> Result<String, String> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > MAX_ANSWER {
            return Err(format!("GitHub's answer is larger than {MAX_ANSWER} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body).map_err(|_| "GitHub's answer is not UTF-8".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn rate_limits_become_a_time_to_retry() {
        let now = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
        let forbidden = StatusCode::FORBIDDEN;
        assert_eq!(
            rate_limited(forbidden, &headers(&[("retry-after", "30")]), now),
            Some(now + Duration::seconds(30))
        );
        let reset = (now.timestamp() + 600).to_string();
        assert_eq!(
            rate_limited(
                forbidden,
                &headers(&[
                    ("x-ratelimit-remaining", "0"),
                    ("x-ratelimit-reset", &reset)
                ]),
                now
            ),
            Some(now + Duration::seconds(601))
        );
        // A 403 with calls left is a plain refusal (no permission), not a limit.
        assert_eq!(
            rate_limited(forbidden, &headers(&[("x-ratelimit-remaining", "12")]), now),
            None
        );
        assert_eq!(
            rate_limited(StatusCode::TOO_MANY_REQUESTS, &headers(&[]), now),
            Some(now + Duration::minutes(1))
        );
        // Only refusals count.
        assert_eq!(
            rate_limited(StatusCode::OK, &headers(&[("retry-after", "30")]), now),
            None
        );
        // A reset far away is capped at an hour.
        let far = (now.timestamp() + 86_400).to_string();
        assert_eq!(
            rate_limited(
                forbidden,
                &headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", &far)]),
                now
            ),
            Some(now + Duration::hours(1) + Duration::seconds(1))
        );
    }

    #[test]
    fn a_bad_key_is_refused_without_quoting_it() {
        let secret = "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END RSA PRIVATE KEY-----";
        let e = parse_key(secret).unwrap_err();
        assert!(!e.contains("c2VjcmV0"), "{e}");
        assert!(parse_key("not a key").is_err());
    }
}
