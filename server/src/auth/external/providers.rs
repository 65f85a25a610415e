//! The configured login providers (GitHub and OpenID Connect) and the client that talks
//! to them; a provider's discovery document is cached for an hour.

use super::*;

/// A login provider as the login page lists it.
#[derive(Clone, Debug)]
pub struct ProviderInfo {
    pub name: String,
    pub display_name: String,
}

pub(super) struct Oidc {
    pub(super) config: OidcProviderConfig,
    /// Discovered lazily (the instance starts while a provider is down) and refreshed hourly.
    pub(super) metadata: Mutex<Option<(CoreProviderMetadata, Instant)>>,
}

pub(super) struct GitHub {
    pub(super) client_id: String,
    pub(super) client_secret: String,
    pub(super) oauth_url: String,
    pub(super) api_url: String,
}

/// The configured providers and the client that talks to them.
pub struct LoginProviders {
    pub(super) oidc: Vec<Oidc>,
    pub(super) github: Option<GitHub>,
    pub(super) http: HttpClient,
}

impl LoginProviders {
    pub fn from_config(config: &Config) -> Self {
        let github = match (&config.github_client_id, &config.github_client_secret) {
            (Some(id), Some(secret)) => Some(GitHub {
                client_id: id.clone(),
                client_secret: secret.expose().to_string(),
                oauth_url: config.github_oauth_url.trim_end_matches('/').to_string(),
                api_url: config.github_api_url.trim_end_matches('/').to_string(),
            }),
            _ => None,
        };
        Self {
            oidc: config
                .oidc_providers
                .iter()
                .map(|c| Oidc {
                    config: c.clone(),
                    metadata: Mutex::new(None),
                })
                .collect(),
            github,
            http: HttpClient::new(),
        }
    }

    /// The providers for the login page, GitHub first.
    pub fn list(&self) -> Vec<ProviderInfo> {
        let github = self.github.as_ref().map(|_| ProviderInfo {
            name: "github".into(),
            display_name: "GitHub".into(),
        });
        github
            .into_iter()
            .chain(self.oidc.iter().map(|p| ProviderInfo {
                name: p.config.name.clone(),
                display_name: p.config.display_name.clone(),
            }))
            .collect()
    }

    pub(super) fn oidc(&self, name: &str) -> Option<&Oidc> {
        self.oidc.iter().find(|p| p.config.name == name)
    }
}

impl Oidc {
    pub(super) async fn metadata(
        &self,
        http: &HttpClient,
    ) -> Result<CoreProviderMetadata, Failure> {
        let mut cached = self.metadata.lock().await;
        if let Some((metadata, at)) = cached.as_ref()
            && at.elapsed() < DISCOVERY_LIFETIME
        {
            return Ok(metadata.clone());
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone()).map_err(|e| {
            tracing::error!(provider = %self.config.name, error = %e, "bad issuer URL");
            Failure::Unavailable
        })?;
        let metadata = CoreProviderMetadata::discover_async(issuer, http)
            .await
            .map_err(|e| {
                tracing::warn!(provider = %self.config.name, error = %e, "OpenID discovery failed");
                Failure::Unavailable
            })?;
        *cached = Some((metadata.clone(), Instant::now()));
        Ok(metadata)
    }

    pub(super) async fn client(
        &self,
        http: &HttpClient,
        redirect: &str,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        Failure,
    > {
        let metadata = self.metadata(http).await?;
        let redirect = RedirectUrl::new(redirect.to_string()).map_err(|_| Failure::Unavailable)?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            Some(ClientSecret::new(
                self.config.client_secret.expose().to_string(),
            )),
        )
        .set_redirect_uri(redirect))
    }
}
