//! The identity GitHub vouches for: the code exchanged for a token, then the user and their
//! verified primary e-mail from its API.

use super::providers::GitHub;
use super::*;

#[derive(Deserialize)]
pub(super) struct GitHubToken {
    pub(super) access_token: Option<String>,
    pub(super) error: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct GitHubUser {
    pub(super) id: i64,
    pub(super) login: String,
    pub(super) name: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct GitHubEmail {
    pub(super) email: String,
    pub(super) primary: bool,
    pub(super) verified: bool,
}

pub(super) async fn github_identity(
    github: &GitHub,
    http: &HttpClient,
    code: &str,
    redirect: &str,
    flow: &Flow,
) -> Result<ExternalIdentity, Failure> {
    let unavailable = |e: crate::auth::http_client::HttpClientError| {
        tracing::warn!(error = %e, "GitHub could not be reached");
        Failure::Unavailable
    };
    let response = http
        .0
        .post(format!("{}/login/oauth/access_token", github.oauth_url))
        .header(header::ACCEPT, "application/json")
        .form(&[
            ("client_id", github.client_id.as_str()),
            ("client_secret", github.client_secret.as_str()),
            ("code", code),
            ("redirect_uri", redirect),
            ("code_verifier", flow.verifier.as_str()),
        ])
        .send()
        .await
        .map_err(|e| unavailable(e.into()))?;
    let body = HttpClient::read_limited(response)
        .await
        .map_err(unavailable)?;
    let token: GitHubToken = serde_json::from_slice(&body).map_err(|_| Failure::Provider)?;
    let Some(access_token) = token.access_token else {
        tracing::info!(error = ?token.error, "GitHub refused the code");
        return Err(Failure::Provider);
    };
    let get = |path: &'static str| {
        http.0
            .get(format!("{}{path}", github.api_url))
            .bearer_auth(&access_token)
            .header(header::ACCEPT, "application/vnd.github+json")
            .send()
    };
    let user = get("/user").await.map_err(|e| unavailable(e.into()))?;
    if !user.status().is_success() {
        return Err(Failure::Provider);
    }
    let user: GitHubUser =
        serde_json::from_slice(&HttpClient::read_limited(user).await.map_err(unavailable)?)
            .map_err(|_| Failure::Provider)?;
    // The address comes from the e-mail list, where GitHub says which are verified.
    let emails = get("/user/emails")
        .await
        .map_err(|e| unavailable(e.into()))?;
    let emails: Vec<GitHubEmail> = if emails.status().is_success() {
        serde_json::from_slice(
            &HttpClient::read_limited(emails)
                .await
                .map_err(unavailable)?,
        )
        .unwrap_or_default()
    } else {
        Vec::new()
    };
    // Only an address GitHub verified: an unverified one proves nothing, so it neither
    // creates an account nor links to one.
    let chosen = emails
        .iter()
        .find(|e| e.primary && e.verified)
        .or_else(|| emails.iter().find(|e| e.verified));
    Ok(ExternalIdentity {
        provider: "github".into(),
        subject: user.id.to_string(),
        email: chosen.map(|e| e.email.clone()),
        email_verified: chosen.is_some_and(|e| e.verified),
        name: user
            .name
            .filter(|n| !n.trim().is_empty())
            .or(Some(user.login)),
    })
}
