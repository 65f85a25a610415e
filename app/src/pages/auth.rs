use crate::api::{Login as LoginFn, LoginOptions, Signup as SignupFn, load_login_options};
use crate::components::text::{encode, error_text};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// What a failed external sign-in (`/login?error=…`) means, in words.
fn external_error(code: &str) -> &'static str {
    match code {
        "oauth_state" => "The sign-in took too long or was started elsewhere. Please try again.",
        "oauth_failed" => "The provider did not confirm who you are. Please try again.",
        "provider_unavailable" => "The provider could not be reached. Please try again later.",
        "account_conflict" => {
            "An account with this e-mail already exists, or this identity belongs to another \
             account. Sign in with your password, then connect the provider in your account \
             settings."
        }
        "email_unproven" => {
            "An account with this e-mail exists, but its address was never confirmed, so the \
             provider cannot be connected to it by e-mail. Sign in with that account's \
             password, then connect the provider from your account page."
        }
        "signup_closed" => {
            "Sign-up is closed on this instance: ask an administrator for an account."
        }
        "no_email" => {
            "The provider did not share a verified e-mail address, which a new account needs. \
             Verify an address with the provider, then try again."
        }
        "banned" => "This account is banned on this instance.",
        _ => "Signing in did not work. Please try again.",
    }
}

/// "Continue with …" links, one per configured provider. They are plain links to the
/// start endpoint, so they work without JavaScript.
#[component]
fn ProviderButtons(options: LoginOptions, return_to: Option<String>) -> impl IntoView {
    let query = return_to
        .map(|r| format!("?returnTo={}", encode(&r)))
        .unwrap_or_default();
    (!options.providers.is_empty()).then(|| {
        view! {
            <div class="stack providers" data-testid="providers">
                {options.providers.into_iter().map(|p| {
                    let href = format!("/api/auth/oauth/{}/start{query}", p.name);
                    view! { <a class="button" href=href rel="external">"Continue with "{p.display_name}</a> }
                }).collect_view()}
                <p class="muted divider">"or with your e-mail"</p>
            </div>
        }
    })
}

/// Sign in with e-mail and password, or a provider.
#[component]
pub fn Login() -> impl IntoView {
    let login = ServerAction::<LoginFn>::new();
    let options = Resource::new(|| (), |_| load_login_options());
    let query = use_query_map();
    let failure = move || {
        query
            .with(|q| q.get("error"))
            .map(|code| external_error(&code))
    };
    let return_to = move || query.with(|q| q.get("returnTo"));
    view! {
        <section class="card narrow">
            <h1>"Sign in"</h1>
            {move || failure().map(|m| view! { <p class="error" role="alert" data-testid="login-error">{m}</p> })}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    options.await.ok().map(|o| view! { <ProviderButtons options=o return_to=return_to()/> })
                })}
            </Transition>
            <ActionForm action=login attr:class="stack" attr:data-testid="login-form">
                <label>"E-mail" <input type="email" name="email" required autocomplete="email"/></label>
                <label>"Password" <input type="password" name="password" required autocomplete="current-password"/></label>
                <button type="submit" class="button primary">"Sign in"</button>
            </ActionForm>
            {move || login.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{error_text(&e)}</p> })}
            <p class="muted">"New here? " <a href="/signup">"Create an account"</a></p>
        </section>
    }
}

/// Create an account, with a password or a provider.
#[component]
pub fn Signup() -> impl IntoView {
    let signup = ServerAction::<SignupFn>::new();
    let options = Resource::new(|| (), |_| load_login_options());
    view! {
        <section class="card narrow">
            <h1>"Create an account"</h1>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match options.await {
                        Ok(o) if !o.signup_open => view! {
                            <p class="muted" data-testid="signup-closed">"Sign-up is closed on this instance. Existing accounts can still sign in."</p>
                        }.into_any(),
                        Ok(o) => view! { <ProviderButtons options=o return_to=None/> }.into_any(),
                        Err(_) => ().into_any(),
                    }
                })}
            </Transition>
            <ActionForm action=signup attr:class="stack" attr:data-testid="signup-form">
                <label>"Name" <input name="name" required maxlength="80" autocomplete="name"/></label>
                <label>"E-mail" <input type="email" name="email" required autocomplete="email"/></label>
                <label>"Password" <input type="password" name="password" required minlength="8" autocomplete="new-password"/></label>
                <button type="submit" class="button primary">"Create account"</button>
            </ActionForm>
            {move || signup.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{error_text(&e)}</p> })}
            <p class="muted">"Have an account? " <a href="/login">"Sign in"</a></p>
        </section>
    }
}
