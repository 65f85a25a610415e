//! What every handler can reach.

use crate::config::Config;
use crate::realtime::Hub;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use services::Services;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// Where the pages' bundle and public files come from.
    pub site: crate::http::site::Site,
    pub services: Services,
    /// How cookies are set (Secure, the session's domain).
    pub cookies: edge::CookiePolicy,
    pub hub: Arc<Hub>,
    /// The Redis connection, when `REDIS_URL` is set (readiness asks it).
    pub redis: Option<crate::redis::Redis>,
    pub config: Arc<Config>,
    /// GitHub and the OpenID Connect providers people may sign in with.
    pub login: Arc<crate::auth::LoginProviders>,
    /// The job kinds this instance's worker runs, with its counters (none when
    /// `SAYR_WORKER=off`).
    pub jobs: Option<Arc<services::jobs::Registry>>,
    /// Set at SIGTERM: `/readyz` answers 503 while requests in flight finish.
    pub draining: Arc<std::sync::atomic::AtomicBool>,
    /// This instance's figures for `/metrics`.
    pub metrics: Arc<crate::metrics::Metrics>,
}

impl FromRef<AppState> for Services {
    fn from_ref(state: &AppState) -> Self {
        state.services.clone()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
