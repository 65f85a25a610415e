use crate::api::{
    AcceptInviteLink, Login as LoginFn, LoginOptions, RequestPasswordReset,
    ResetPassword as ResetPasswordFn, Signup as SignupFn, VerifyEmail as VerifyEmailFn,
    load_invite_link, load_login_options,
};
use crate::components::PageTitle;
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
        <PageTitle text="Sign in"/>
        <section class="card narrow">
            <h1>"Sign in"</h1>
            {move || failure().map(|m| view! { <p class="error" role="alert" data-testid="login-error">{m}</p> })}
            {move || query.with(|q| q.get("reset")).map(|_| view! {
                <p class="notice" role="status" data-testid="reset-done">"Your new password is set, and you were signed out everywhere. Sign in with it."</p>
            })}
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    options.await.ok().map(|o| view! { <ProviderButtons options=o return_to=return_to()/> })
                })}
            </Transition>
            <ActionForm action=login attr:class="stack" attr:data-testid="login-form">
                {move || return_to().map(|r| view! { <input type="hidden" name="return_to" value=r/> })}
                <label>"E-mail" <input type="email" name="email" required autocomplete="email"/></label>
                <label>"Password" <input type="password" name="password" required autocomplete="current-password"/></label>
                <button type="submit" class="button primary">"Sign in"</button>
            </ActionForm>
            {move || login.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{error_text(&e)}</p> })}
            <super::passkeys::PasskeySignIn return_to=return_to()/>
            <p class="muted"><a href="/forgot-password" data-testid="forgot-password">"Forgot your password?"</a></p>
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
        <PageTitle text="Create your account"/>
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

/// The token of a mailed link (`?token=`).
fn token_of_link() -> impl Fn() -> String + Copy {
    let query = use_query_map();
    move || query.with(|q| q.get("token")).unwrap_or_default()
}

/// `/verify-email?token=`: the link in a verification mail. A button posts the token, so
/// that a mail scanner opening the link does not use it up.
#[component]
pub fn VerifyEmail() -> impl IntoView {
    let verify = ServerAction::<VerifyEmailFn>::new();
    let token = token_of_link();
    view! {
        <PageTitle text="Verify your e-mail"/>
        <section class="card narrow" data-testid="verify-email">
            <h1>"Confirm your e-mail address"</h1>
            <p>"One click and your address counts as yours: you can then accept invitations sent to it."</p>
            <ActionForm action=verify attr:class="stack">
                <input type="hidden" name="token" value=token/>
                <button type="submit" class="button primary" data-testid="confirm-email">"Confirm my address"</button>
            </ActionForm>
            {move || verify.value().get().and_then(|r| r.err()).map(|e| view! {
                <p class="error" role="alert">{error_text(&e)}</p>
                <p class="muted">"Send a new link from " <a href="/settings/account">"your account page"</a>"."</p>
            })}
        </section>
    }
}

/// `/forgot-password`: asks for a reset link.
#[component]
pub fn ForgotPassword() -> impl IntoView {
    let request = ServerAction::<RequestPasswordReset>::new();
    view! {
        <PageTitle text="Forgot your password"/>
        <section class="card narrow" data-testid="forgot">
            <h1>"Forgot your password?"</h1>
            <p class="muted">"We mail a link to choose a new one. It works once, for an hour."</p>
            <ActionForm action=request attr:class="stack">
                <label>"E-mail" <input type="email" name="email" required autocomplete="email"/></label>
                <button type="submit" class="button primary" data-testid="send-reset">"Send the link"</button>
            </ActionForm>
            {move || request.value().get().map(|r| match r {
                Ok(()) => view! {
                    <p class="notice" role="status" data-testid="reset-sent">"If an account uses this address, a link is on its way. Check your mail."</p>
                }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{error_text(&e)}</p> }.into_any(),
            })}
            <p class="muted"><a href="/login">"Back to sign in"</a></p>
        </section>
    }
}

/// `/reset-password?token=`: the link in a reset mail.
#[component]
pub fn ResetPassword() -> impl IntoView {
    let reset = ServerAction::<ResetPasswordFn>::new();
    let token = token_of_link();
    view! {
        <PageTitle text="Choose a new password"/>
        <section class="card narrow" data-testid="reset-password">
            <h1>"Choose a new password"</h1>
            <p class="muted">"Setting it signs you out everywhere."</p>
            <ActionForm action=reset attr:class="stack">
                <input type="hidden" name="token" value=token/>
                <label>"New password" <input type="password" name="password" required minlength="8" autocomplete="new-password"/></label>
                <button type="submit" class="button primary" data-testid="set-password">"Set the password"</button>
            </ActionForm>
            {move || reset.value().get().and_then(|r| r.err()).map(|e| view! {
                <p class="error" role="alert">{error_text(&e)}</p>
                <p class="muted"><a href="/forgot-password">"Ask for a new link"</a></p>
            })}
        </section>
    }
}

/// `/invite?token=`: the link in an invitation mail. Accepting proves the address, so the
/// invitee needs no separate confirmation.
#[component]
pub fn InvitePage() -> impl IntoView {
    let accept = ServerAction::<AcceptInviteLink>::new();
    let token = token_of_link();
    let link = Resource::new(token, load_invite_link);
    view! {
        <PageTitle text="Invitation"/>
        <section class="card narrow" data-testid="invite-link">
            <Transition fallback=crate::components::Loading>
                {move || Suspend::new(async move {
                    match link.await {
                        Err(e) => view! {
                            <h1>"Invitation"</h1>
                            <p class="error" role="alert">{error_text(&e)}</p>
                        }.into_any(),
                        Ok(invite) => {
                            let here = format!("/invite?token={}", encode(&token()));
                            let who = invite.signed_in_as.clone();
                            view! {
                                <h1>"Join "{invite.org_name.clone()}</h1>
                                <p>"This invitation is for "<strong>{invite.email.clone()}</strong>"."</p>
                                {match who {
                                    Some(me) if me == invite.email => view! {
                                        <ActionForm action=accept attr:class="stack">
                                            <input type="hidden" name="token" value=token()/>
                                            <button type="submit" class="button primary" data-testid="accept-invite">"Accept and join"</button>
                                        </ActionForm>
                                    }.into_any(),
                                    Some(me) => view! {
                                        <p class="muted">"You are signed in as "{me}". Sign out, then sign in or create an account with the invited address."</p>
                                    }.into_any(),
                                    None => view! {
                                        <p class="actions">
                                            <a class="button primary" href=format!("/login?returnTo={}", encode(&here))>"Sign in to accept"</a>
                                            <a class="button" href="/signup">"Create an account"</a>
                                        </p>
                                        <p class="muted">"After creating the account, open this link again."</p>
                                    }.into_any(),
                                }}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
            {move || accept.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{error_text(&e)}</p> })}
        </section>
    }
}
