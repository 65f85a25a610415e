//! Passkeys in the web app: the account page's "Passkeys" section (add, rename, delete),
//! and the buttons that sign in with one (`/login`) or answer the second step with one
//! (`/login/2fa`). WebAuthn needs JavaScript: without it, or in a browser without
//! passkeys, the buttons stay hidden and a line says why; everything else works as
//! before.

use crate::api::{
    DeletePasskey, RenamePasskey, passkey_login, passkey_login_options,
    passkey_registration_options, passkey_second_step, passkey_second_step_options,
    register_passkey,
};
use crate::components::text::error_text;
use domain::dto::Passkey;
use leptos::prelude::*;

fn when(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// True once the page runs in a browser that can use passkeys (effects run only there).
fn passkeys_usable() -> RwSignal<bool> {
    let usable = RwSignal::new(false);
    Effect::new(move |_| usable.set(crate::webauthn::supported()));
    usable
}

/// The browser's side of a ceremony: `options` from the server, the credential back.
async fn ceremony(options: Result<String, ServerFnError>, create: bool) -> Result<String, String> {
    let options = options.map_err(|e| error_text(&e))?;
    #[cfg(feature = "hydrate")]
    {
        if create {
            crate::webauthn::create(&options).await
        } else {
            crate::webauthn::get(&options).await
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (options, create);
        Err("passkeys need JavaScript".into())
    }
}

/// Loads `path` as a new page (the session cookie is set; the whole app starts over).
fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = leptos::web_sys::window() {
        let _ = window.location().assign(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// The section's actions, made by the account page so that its data loads again after
/// each.
#[derive(Clone, Copy)]
pub struct PasskeyActions {
    rename: ServerAction<RenamePasskey>,
    delete: ServerAction<DeletePasskey>,
    added: RwSignal<usize>,
}

impl Default for PasskeyActions {
    fn default() -> Self {
        Self::new()
    }
}

impl PasskeyActions {
    pub fn new() -> Self {
        Self {
            rename: ServerAction::new(),
            delete: ServerAction::new(),
            added: RwSignal::new(0),
        }
    }

    /// Changes whenever a passkey was added, renamed or deleted.
    pub fn version(&self) -> usize {
        self.rename.version().get() + self.delete.version().get() + self.added.get()
    }
}

/// The account page's "Passkeys" section.
#[component]
pub fn PasskeySection(passkeys: Vec<Passkey>, actions: PasskeyActions) -> impl IntoView {
    let PasskeyActions {
        rename,
        delete,
        added,
    } = actions;
    let usable = passkeys_usable();
    let name = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let add = move |_| {
        busy.set(true);
        problem.set(None);
        leptos::task::spawn_local(async move {
            let made = ceremony(passkey_registration_options().await, true).await;
            let result = match made {
                Ok(credential) => register_passkey(name.get_untracked(), credential)
                    .await
                    .map_err(|e| error_text(&e)),
                Err(e) => Err(e),
            };
            busy.set(false);
            match result {
                Ok(_) => {
                    name.set(String::new());
                    added.update(|n| *n += 1);
                }
                Err(e) => problem.set(Some(e)),
            }
        });
    };
    let errors = move || {
        [rename.value().get(), delete.value().get()]
            .into_iter()
            .flatten()
            .find_map(|r| r.err())
            .map(|e| error_text(&e))
            .or_else(|| problem.get())
            .map(|m| view! { <p class="error" role="alert">{m}</p> })
    };
    let empty = passkeys.is_empty();
    view! {
        <h2 id="passkeys">"Passkeys"</h2>
        <p class="muted">"Sign in with your fingerprint, face or device PIN instead of a password. A passkey is also a second factor: signing in with one asks for no code."</p>
        {empty.then(|| view! { <p class="muted" data-testid="no-passkeys">"No passkeys yet."</p> })}
        <ul class="list" aria-labelledby="passkeys" data-testid="passkeys">
            {passkeys.into_iter().map(|p| {
                let used = p.last_used_at.as_ref().map(when).unwrap_or_else(|| "never".into());
                let (id, rename_id) = (p.id.to_string(), p.id.to_string());
                view! {
                    <li class="row spread" data-testid="passkey">
                        <span>
                            <strong data-testid="passkey-name">{p.name.clone()}</strong>
                            {p.backed_up.then(|| view! { " " <span class="badge">"synced"</span> })}
                            <br/>
                            <span class="muted">{format!("Added {} · last used {used}", when(&p.created_at))}</span>
                        </span>
                        <span class="row">
                            <details>
                                <summary>"Rename"</summary>
                                <ActionForm action=rename attr:class="row">
                                    <input type="hidden" name="id" value=rename_id/>
                                    <input name="name" required maxlength="64" aria-label="New name" value=p.name.clone()/>
                                    <button type="submit" class="button">"Save"</button>
                                </ActionForm>
                            </details>
                            <ActionForm action=delete>
                                <input type="hidden" name="id" value=id/>
                                <button type="submit" class="button danger" data-testid="delete-passkey">"Delete"</button>
                            </ActionForm>
                        </span>
                    </li>
                }
            }).collect_view()}
        </ul>
        <div class="row wrap passkey-js" hidden=move || !usable.get() data-testid="add-passkey">
            <label for="passkey-name">"Name"</label>
            <input id="passkey-name" maxlength="64" placeholder="Passkey" bind:value=name/>
            <button type="button" class="button" on:click=add disabled=move || busy.get() data-testid="add-passkey-button">"Add a passkey"</button>
        </div>
        <p class="muted" hidden=move || usable.get()>"Adding a passkey needs JavaScript and a browser that supports passkeys."</p>
        {errors}
    }
}

/// "Sign in with a passkey" on the login page: no e-mail to type, the browser offers the
/// passkeys it holds for this instance.
#[component]
pub fn PasskeySignIn(return_to: Option<String>) -> impl IntoView {
    let usable = passkeys_usable();
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let sign_in = move |_| {
        busy.set(true);
        problem.set(None);
        let next = return_to.clone();
        leptos::task::spawn_local(async move {
            let result = match ceremony(passkey_login_options().await, false).await {
                Ok(credential) => passkey_login(credential).await.map_err(|e| error_text(&e)),
                Err(e) => Err(e),
            };
            busy.set(false);
            match result {
                Ok(_) => go_to(local(next.as_deref())),
                Err(e) => problem.set(Some(e)),
            }
        });
    };
    view! {
        <div class="stack passkey-js" hidden=move || !usable.get()>
            <button type="button" class="button" on:click=sign_in disabled=move || busy.get() data-testid="passkey-sign-in">"Sign in with a passkey"</button>
            {move || problem.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
        </div>
    }
}

/// "Use a passkey" at the second step of a sign-in, instead of a code.
#[component]
pub fn PasskeySecondStep(
    challenge: Signal<String>,
    return_to: Signal<Option<String>>,
) -> impl IntoView {
    let usable = passkeys_usable();
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let answer = move |_| {
        busy.set(true);
        problem.set(None);
        let (challenge, next) = (challenge.get_untracked(), return_to.get_untracked());
        leptos::task::spawn_local(async move {
            let options = passkey_second_step_options(challenge.clone()).await;
            let result = match ceremony(options, false).await {
                Ok(credential) => passkey_second_step(challenge, credential)
                    .await
                    .map_err(|e| error_text(&e)),
                Err(e) => Err(e),
            };
            busy.set(false);
            match result {
                Ok(_) => go_to(local(next.as_deref())),
                Err(e) => problem.set(Some(e)),
            }
        });
    };
    view! {
        <div class="stack passkey-js" hidden=move || !usable.get()>
            <button type="button" class="button" on:click=answer disabled=move || busy.get() data-testid="passkey-second-step">"Use a passkey instead"</button>
            {move || problem.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
        </div>
    }
}

/// Where to go after signing in: `return_to` when it is a path of this instance.
fn local(return_to: Option<&str>) -> &str {
    return_to
        .filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.contains('\\'))
        .unwrap_or("/")
}
