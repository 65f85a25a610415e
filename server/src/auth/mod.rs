//! Sign-up, login, logout and the current session (`/api/auth`).

use crate::http::{ApiError, client_info};
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use domain::service::{Actor, session, user};
use serde::Deserialize;
use serde_json::json;
use std::net::SocketAddr;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signup", post(signup))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/session", get(current))
}

#[derive(Deserialize)]
struct SignupBody {
    email: String,
    password: String,
    name: String,
}

#[derive(Deserialize)]
struct LoginBody {
    email: String,
    password: String,
}

fn with_cookie(status: StatusCode, cookie: String, body: serde_json::Value) -> Response {
    (status, [(header::SET_COOKIE, cookie)], Json(body)).into_response()
}

async fn signup(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<SignupBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body?;
    let input = user::NewUser {
        email: body.email,
        password: body.password,
        name: body.name,
    };
    let (token, user) =
        session::sign_up(&state.services, input, client_info(&headers, Some(peer))).await?;
    let cookie = session::cookie(Some(&token), state.services.settings.secure_cookies);
    Ok(with_cookie(
        StatusCode::CREATED,
        cookie,
        json!({ "user": user }),
    ))
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<LoginBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body?;
    let (token, user) = session::sign_in(
        &state.services,
        &body.email,
        &body.password,
        client_info(&headers, Some(peer)),
    )
    .await?;
    let cookie = session::cookie(Some(&token), state.services.settings.secure_cookies);
    Ok(with_cookie(StatusCode::OK, cookie, json!({ "user": user })))
}

async fn logout(
    State(state): State<AppState>,
    token: Option<Extension<crate::http::SessionTokenExt>>,
) -> Result<Response, ApiError> {
    if let Some(Extension(token)) = token {
        session::end(&state.services, &token.0).await?;
    }
    let cookie = session::cookie(None, state.services.settings.secure_cookies);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

async fn current(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
) -> Result<Response, ApiError> {
    let me = user::me(&state.services, &actor).await?;
    let session_id = match &actor {
        Actor::User(u) => u.session,
        _ => None,
    };
    Ok(Json(json!({ "user": me, "session": { "id": session_id } })).into_response())
}
