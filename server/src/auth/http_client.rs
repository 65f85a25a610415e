//! The HTTP client for talking to login providers: the one reqwest of the workspace,
//! adapted to `openidconnect`'s client trait. It never follows redirects (a provider's
//! endpoint that redirects is an error, not a hop to somewhere else), times out, and reads
//! at most [`MAX_BODY`] of an answer.

use openidconnect::{AsyncHttpClient, HttpRequest, HttpResponse};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// Provider answers (discovery documents, keys, tokens, profiles) are small.
const MAX_BODY: usize = 1024 * 1024;

#[derive(Clone)]
pub struct HttpClient(pub reqwest::Client);

#[derive(Debug, thiserror::Error)]
pub enum HttpClientError {
    #[error("request to the provider failed: {0}")]
    Request(#[from] reqwest::Error),
    #[error("the provider's answer is larger than {MAX_BODY} bytes")]
    TooLarge,
    #[error("the provider's answer could not be read: {0}")]
    Http(#[from] openidconnect::http::Error),
}

impl HttpClient {
    pub fn new() -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .user_agent(concat!("sayr/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("a TLS provider is installed before the HTTP client is built");
        Self(client)
    }

    /// Reads a response body, refusing one beyond the limit without buffering it all.
    pub async fn read_limited(mut response: reqwest::Response) -> Result<Vec<u8>, HttpClientError> {
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(HttpClientError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

impl Default for HttpClient {
    fn default() -> Self {
        Self::new()
    }
}

impl<'c> AsyncHttpClient<'c> for HttpClient {
    type Error = HttpClientError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, Self::Error>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let response = self
                .0
                .request(parts.method, parts.uri.to_string())
                .headers(parts.headers)
                .body(body)
                .send()
                .await?;
            let mut answer = openidconnect::http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                answer = answer.header(name, value);
            }
            let body = Self::read_limited(response).await?;
            Ok(answer.body(body)?)
        })
    }
}
