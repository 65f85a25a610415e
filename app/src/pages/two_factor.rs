//! The second factor's pages: the account page's section (set up with a QR code, confirm,
//! the backup codes once, turn off) and the second step of signing in (`/login/2fa`).
//! Plain forms throughout, so both work without JavaScript.

use crate::api::{DisableTwoFactor, EnableTwoFactor, LoginSecondFactor, StartTwoFactor};
use crate::components::PageTitle;
use crate::components::text::error_text;
use domain::dto::TwoFactorStatus;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn failure(e: ServerFnError) -> impl IntoView {
    view! { <p class="error" role="alert">{error_text(&e)}</p> }
}

/// The section's forms, made by the account page so that its data loads again after each.
#[derive(Clone, Copy)]
pub struct TwoFactorActions {
    start: ServerAction<StartTwoFactor>,
    enable: ServerAction<EnableTwoFactor>,
    disable: ServerAction<DisableTwoFactor>,
}

impl Default for TwoFactorActions {
    fn default() -> Self {
        Self::new()
    }
}

impl TwoFactorActions {
    pub fn new() -> Self {
        Self {
            start: ServerAction::new(),
            enable: ServerAction::new(),
            disable: ServerAction::new(),
        }
    }

    /// Changes whenever one of the forms was sent.
    pub fn version(&self) -> usize {
        self.start.version().get() + self.enable.version().get() + self.disable.version().get()
    }
}

/// The account page's "Second factor" section.
#[component]
pub fn TwoFactorSection(
    status: TwoFactorStatus,
    new_codes: Option<Vec<String>>,
    actions: TwoFactorActions,
) -> impl IntoView {
    let TwoFactorActions {
        start,
        enable,
        disable,
    } = actions;
    let errors = move || {
        [
            start.value().get(),
            enable.value().get(),
            disable.value().get(),
        ]
        .into_iter()
        .flatten()
        .find_map(|r| r.err())
        .map(failure)
    };
    let body = if status.enabled {
        view! {
            <p data-testid="two-factor-on"><span class="badge">"on"</span>" Signing in asks for a code from your authenticator app, or one of your backup codes ("{status.backup_codes_left}" left)."</p>
            {new_codes.map(|codes| {
                let text = codes.join("\n");
                view! {
                    <div class="card notice" role="status" data-testid="backup-codes">
                        <p>"Your backup codes: each works once, in place of a code from the app. Keep them somewhere safe (copy them, or save the page). They will not be shown again."</p>
                        <pre class="secret">{text}</pre>
                    </div>
                }
            })}
            <details>
                <summary>"Turn it off"</summary>
                <ActionForm action=disable attr:class="row wrap" attr:data-testid="disable-two-factor">
                    <label for="disable-code">"A code from your app, or a backup code"</label>
                    <input id="disable-code" name="code" required autocomplete="one-time-code" maxlength="20"/>
                    <button type="submit" class="button danger">"Turn off"</button>
                </ActionForm>
            </details>
        }
        .into_any()
    } else if let Some(setup) = status.pending {
        view! {
            <p>"Scan the code with an authenticator app (or type the key into it), then enter the six digits it shows."</p>
            {status.pending_qr_svg.map(|svg| view! { <div class="qr" aria-label="QR code for your authenticator app" inner_html=svg></div> })}
            <p class="muted">"Key: "<code class="secret" data-testid="totp-secret">{setup.secret}</code></p>
            <ActionForm action=enable attr:class="row wrap" attr:data-testid="enable-two-factor">
                <label for="enable-code">"Code from the app"</label>
                <input id="enable-code" name="code" required inputmode="numeric" autocomplete="one-time-code" maxlength="7"/>
                <button type="submit" class="button primary">"Turn on"</button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! {
            <p class="muted">"Off. With a second factor, signing in also asks for a code from an authenticator app on your phone."</p>
            <ActionForm action=start attr:data-testid="start-two-factor">
                <button type="submit" class="button">"Set up a second factor"</button>
            </ActionForm>
        }
        .into_any()
    };
    view! {
        <h2 id="two-factor">"Second factor"</h2>
        {body}
        {errors}
    }
}

/// `/login/2fa?challenge=…`: the second step of signing in.
#[component]
pub fn LoginSecondStep() -> impl IntoView {
    let submit = ServerAction::<LoginSecondFactor>::new();
    let query = use_query_map();
    let challenge = move || query.with(|q| q.get("challenge")).unwrap_or_default();
    let return_to = move || query.with(|q| q.get("returnTo"));
    view! {
        <PageTitle text="Second step"/>
        <section class="card narrow" data-testid="login-2fa">
            <h1>"Second factor"</h1>
            <p>"Enter the code your authenticator app shows for this account, or use one of its passkeys."</p>
            <ActionForm action=submit attr:class="stack" attr:data-testid="login-2fa-form">
                <input type="hidden" name="challenge" value=challenge/>
                {move || return_to().map(|r| view! { <input type="hidden" name="return_to" value=r/> })}
                <label>"Code" <input name="code" required autocomplete="one-time-code" autofocus maxlength="20"/></label>
                <button type="submit" class="button primary">"Sign in"</button>
            </ActionForm>
            {move || submit.value().get().and_then(|r| r.err()).map(failure)}
            <super::passkeys::PasskeySecondStep challenge=Signal::derive(challenge) return_to=Signal::derive(return_to)/>
            <p class="muted">"No phone at hand? Enter one of your backup codes instead; each works once."</p>
            <p class="muted"><a href="/login">"Start again"</a></p>
        </section>
    }
}
