use crate::api::{Login as LoginFn, Signup as SignupFn};
use crate::pages::error_text;
use leptos::prelude::*;

/// Sign in with e-mail and password.
#[component]
pub fn Login() -> impl IntoView {
    let login = ServerAction::<LoginFn>::new();
    view! {
        <section class="card narrow">
            <h1>"Sign in"</h1>
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

/// Create an account.
#[component]
pub fn Signup() -> impl IntoView {
    let signup = ServerAction::<SignupFn>::new();
    view! {
        <section class="card narrow">
            <h1>"Create an account"</h1>
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
