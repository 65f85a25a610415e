use super::passkeys::PasskeyActions;
use super::two_factor::TwoFactorActions;
use crate::api::{
    AccountData, ChangeEmail, ChangePassword, CreateApiKey, DeleteAccount, DeleteApiKey, Logout,
    RenameMe, ResendVerification, RevokeSession, UnlinkAccount, load_account,
};
use crate::components::PageTitle;
use crate::components::text::error_text;
use crate::components::upload::ImagePicker;
use leptos::prelude::*;

fn when(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Account settings: avatar, sessions, connected accounts, API keys, deleting the account.
/// Every control but the avatar's is a form, so it works without JavaScript.
#[component]
pub fn Account() -> impl IntoView {
    let revoke = ServerAction::<RevokeSession>::new();
    let unlink = ServerAction::<UnlinkAccount>::new();
    let create_key = ServerAction::<CreateApiKey>::new();
    let delete_key = ServerAction::<DeleteApiKey>::new();
    let logout = ServerAction::<Logout>::new();
    let delete_account = ServerAction::<DeleteAccount>::new();
    let two_factor = TwoFactorActions::new();
    let passkeys = PasskeyActions::new();
    let account = Resource::new(
        move || {
            (
                revoke.version().get(),
                unlink.version().get(),
                create_key.version().get(),
                delete_key.version().get(),
                two_factor.version(),
                passkeys.version(),
            )
        },
        |_| load_account(),
    );
    let failure = move || {
        [
            revoke.value().get(),
            unlink.value().get(),
            create_key.value().get(),
            delete_key.value().get(),
            delete_account.value().get(),
        ]
        .into_iter()
        .flatten()
        .find_map(|r| r.err())
        .map(|e| view! { <p class="error" role="alert">{error_text(&e)}</p> })
    };

    view! {
        <PageTitle text="Account"/>
        <Transition fallback=crate::components::Loading>
            {move || Suspend::new(async move {
                match account.await {
                    Err(_) => view! {
                        <section class="empty">
                            <h1>"Sign in to see your account"</h1>
                            <a class="button primary" href="/login?returnTo=/settings/account">"Sign in"</a>
                        </section>
                    }.into_any(),
                    Ok(data) => view! { <AccountView data revoke unlink create_key delete_key logout delete_account two_factor passkeys/> }.into_any(),
                }
            })}
        </Transition>
        {failure}
    }
    .into_any()
}

/// Changing the name others see beside your comments and tasks (a plain form).
#[component]
fn DisplayName(name: String) -> impl IntoView {
    let rename = ServerAction::<RenameMe>::new();
    view! {
        <ActionForm action=rename attr:class="row wrap" attr:data-testid="name-form">
            <label for="display-name">"Display name"</label>
            <input id="display-name" name="name" required maxlength="80" autocomplete="name" value=name/>
            <button type="submit" class="button">"Save name"</button>
        </ActionForm>
        {move || rename.value().get().map(|r| match r {
            Ok(u) => view! { <p class="muted" role="status" data-testid="name-saved">{format!("Saved: others now see you as {}.", u.name)}</p> }.into_any(),
            Err(e) => view! { <p class="error" role="alert">{error_text(&e)}</p> }.into_any(),
        })}
    }
    .into_any()
}

#[component]
fn AccountView(
    data: AccountData,
    revoke: ServerAction<RevokeSession>,
    unlink: ServerAction<UnlinkAccount>,
    create_key: ServerAction<CreateApiKey>,
    delete_key: ServerAction<DeleteApiKey>,
    logout: ServerAction<Logout>,
    delete_account: ServerAction<DeleteAccount>,
    two_factor: TwoFactorActions,
    passkeys: PasskeyActions,
) -> impl IntoView {
    let linked_names: Vec<String> = data.linked.iter().map(|a| a.provider.clone()).collect();
    let connectable: Vec<_> = data
        .providers
        .iter()
        .filter(|p| !linked_names.contains(&p.name))
        .cloned()
        .collect();
    let provider_name = {
        let providers = data.providers.clone();
        move |name: &str| {
            providers
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.display_name.clone())
                .unwrap_or_else(|| name.to_string())
        }
    };
    view! {
        <section class="settings" data-testid="account">
            <div class="row spread">
                <h1>"Your account"</h1>
                <ActionForm action=logout>
                    <button type="submit" class="link">"Sign out"</button>
                </ActionForm>
            </div>
            <p><strong>{data.user.name.clone()}</strong>" · "<span class="muted">{data.user.email.clone()}</span></p>
            <DisplayName name=data.user.name.clone()/>
            <ImagePicker label="Avatar" kind="avatar" testid="avatar-picker" endpoint="/api/v1/me/avatar" current=data.user.avatar_url.clone()/>
            <EmailAndPassword verified=data.user.email_verified/>
            <super::two_factor::TwoFactorSection status=data.two_factor new_codes=data.new_backup_codes actions=two_factor/>
            <super::passkeys::PasskeySection passkeys=data.passkeys actions=passkeys/>

            <h2 id="sessions">"Sessions"</h2>
            <p class="muted">"Where you are signed in. Signing a session out takes effect at once, open tabs included."</p>
            <ul class="list" aria-labelledby="sessions" data-testid="sessions">
                {data.sessions.into_iter().map(|s| view! {
                    <li class="row spread">
                        <span>
                            {s.user_agent.clone().unwrap_or_else(|| "Unknown client".into())}
                            <span class="muted">" · "{s.ip.clone().unwrap_or_default()}" · last used "{when(&s.last_seen_at)}</span>
                            {s.current.then(|| view! { <span class="badge">"this session"</span> })}
                        </span>
                        <ActionForm action=revoke>
                            <input type="hidden" name="id" value=s.id.to_string()/>
                            <button type="submit" class="link">{if s.current { "Sign out" } else { "Revoke" }}</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>

            <h2 id="connected">"Connected accounts"</h2>
            <ul class="list" aria-labelledby="connected" data-testid="linked-accounts">
                {data.linked.into_iter().map(|a| view! {
                    <li class="row spread">
                        <span>{provider_name(&a.provider)}<span class="muted">" · "{a.email.clone().unwrap_or_default()}" · since "{when(&a.created_at)}</span></span>
                        <ActionForm action=unlink>
                            <input type="hidden" name="id" value=a.id.to_string()/>
                            <button type="submit" class="link">"Disconnect"</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
            <p class="actions">
                {connectable.into_iter().map(|p| {
                    let href = format!("/api/auth/oauth/{}/start?returnTo=/settings/account", p.name);
                    view! { <a class="button" href=href rel="external">"Connect "{p.display_name}</a> }
                }).collect_view()}
            </p>

            <h2 id="keys">"API keys"</h2>
            <p class="muted">"A key acts as you in the REST API (" <code>"Authorization: Bearer …"</code> "). It is shown once."</p>
            {data.new_key.map(|key| view! {
                <div class="card notice" role="status" data-testid="new-key">
                    <p>"Your new key — copy it now, it will not be shown again:"</p>
                    <code class="secret">{key}</code>
                </div>
            })}
            <ul class="list" aria-labelledby="keys" data-testid="api-keys">
                {data.keys.into_iter().map(|k| view! {
                    <li class="row spread">
                        <span>{k.name.clone()}" "<code class="muted">{k.prefix.clone()}"…"</code>
                            <span class="muted">" · created "{when(&k.created_at)}" · "
                                {k.last_used_at.as_ref().map(|t| format!("last used {}", when(t))).unwrap_or_else(|| "never used".into())}
                            </span>
                        </span>
                        <ActionForm action=delete_key>
                            <input type="hidden" name="id" value=k.id.to_string()/>
                            <button type="submit" class="link">"Delete"</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
            <ActionForm action=create_key attr:class="row" attr:data-testid="new-key-form">
                <label class="sr-only" for="key-name">"Key name"</label>
                <input id="key-name" name="name" required maxlength="80" placeholder="Key name, e.g. CI"/>
                <button type="submit" class="button">"Create key"</button>
            </ActionForm>

            <h2 id="delete-account">"Delete account"</h2>
            <p class="muted">"Your sessions, keys, memberships and avatar go at once, and files you uploaded that nothing links. What you wrote stays, without your name. Delete the organizations you created first."</p>
            <ActionForm action=delete_account attr:class="row" attr:data-testid="delete-account-form">
                <label class="sr-only" for="delete-confirm">"Type your e-mail address to confirm"</label>
                <input id="delete-confirm" name="confirm" type="email" required autocomplete="off" placeholder=data.user.email.clone()/>
                <button type="submit" class="button danger">"Delete account"</button>
            </ActionForm>
        </section>
    }
    .into_any()
}

/// The address (proven or not, a new link, a new address) and the password.
#[component]
fn EmailAndPassword(verified: bool) -> impl IntoView {
    let resend = ServerAction::<ResendVerification>::new();
    let change_email = ServerAction::<ChangeEmail>::new();
    let change_password = ServerAction::<ChangePassword>::new();
    let outcome = |ok: &'static str, testid: &'static str| {
        move |r: Result<(), ServerFnError>| match r {
            Ok(()) => {
                view! { <p class="notice" role="status" data-testid=testid>{ok}</p> }.into_any()
            }
            Err(e) => view! { <p class="error" role="alert">{error_text(&e)}</p> }.into_any(),
        }
    };
    view! {
        <h2 id="email">"E-mail address"</h2>
        {if verified {
            view! { <p><span class="badge" data-testid="email-verified">"confirmed"</span></p> }.into_any()
        } else {
            view! {
                <p data-testid="email-unverified">
                    <span class="badge">"not confirmed"</span>
                    " Follow the link we mailed you. Until then you cannot accept invitations sent to this address."
                </p>
                <ActionForm action=resend>
                    <button type="submit" class="button" data-testid="resend-verification">"Send the link again"</button>
                </ActionForm>
                {move || resend.value().get().map(outcome("A new link is on its way.", "resend-done"))}
            }.into_any()
        }}
        <details>
            <summary>"Change the address"</summary>
            <ActionForm action=change_email attr:class="stack">
                <label>"New address" <input type="email" name="email" required autocomplete="email"/></label>
                <label>"Your password" <input type="password" name="password" required autocomplete="current-password"/></label>
                <button type="submit" class="button">"Change it"</button>
            </ActionForm>
            {move || change_email.value().get().map(outcome(
                "We mailed a link to the new address; it becomes yours once you follow it.",
                "email-change-sent",
            ))}
        </details>
        <h2 id="password">"Password"</h2>
        <details>
            <summary>"Change the password"</summary>
            <ActionForm action=change_password attr:class="stack">
                <label>"Current password" <input type="password" name="current" required autocomplete="current-password"/></label>
                <label>"New password" <input type="password" name="new" required minlength="8" autocomplete="new-password"/></label>
                <button type="submit" class="button">"Change it"</button>
            </ActionForm>
            {move || change_password.value().get().map(outcome(
                "Your password is changed; your other sessions were signed out.",
                "password-changed",
            ))}
        </details>
    }
}
