//! The pages of notification mail: `/unsubscribe` (a mail's link, without signing in) and
//! `/settings/notifications` (how each type is mailed).

use crate::api::{
    SaveNotificationSettings, kind_label, load_notification_settings, load_unsubscribe,
};
use crate::components::PageTitle;
use crate::components::text::{encode, error_text};
use domain::dto::MailMode;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/unsubscribe?token=`: says what the link stops; a button (a plain form POST to the same
/// address, which mail clients' one-click unsubscribe also uses) stops it, so that a mail
/// scanner opening the link changes nothing.
#[component]
pub fn Unsubscribe() -> impl IntoView {
    let query = use_query_map();
    let token = Memo::new(move |_| query.read().get("token").unwrap_or_default());
    let done = Memo::new(move |_| query.read().get("done").is_some());
    let info = Resource::new(move || token.get(), load_unsubscribe);
    view! {
        <PageTitle text="Unsubscribe"/>
        <section class="card narrow" data-testid="unsubscribe">
            <Suspense fallback=crate::components::Loading>
                {move || Suspend::new(async move {
                    match info.await {
                        Err(e) => view! {
                            <h1>"This link does not work"</h1>
                            <p class="error" role="alert">{error_text(&e)}</p>
                            <p class="muted">"Choose your mail on " <a href="/settings/notifications">"the notification settings"</a>"."</p>
                        }.into_any(),
                        Ok(info) if done.get() => view! {
                            <h1>"Done"</h1>
                            <p role="status" data-testid="unsubscribed">{format!("{} no longer gets {}.", info.email, info.what)}</p>
                            <p class="muted">"Changed your mind? " <a href="/settings/notifications">"Notification settings"</a></p>
                        }.into_any(),
                        Ok(info) => {
                            let action = format!("/unsubscribe?token={}", encode(&token.get_untracked()));
                            view! {
                                <h1>"Stop this mail?"</h1>
                                <p>{format!("Stop {} for {}.", info.what, info.email)}</p>
                                <form method="post" action=action>
                                    <button type="submit" class="button primary" data-testid="confirm-unsubscribe">"Stop it"</button>
                                </form>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/settings/notifications`: off, now (a few minutes' worth in one mail) or daily, per type.
#[component]
pub fn NotificationSettings() -> impl IntoView {
    let save = ServerAction::<SaveNotificationSettings>::new();
    let settings = Resource::new(
        move || save.version().get(),
        |_| load_notification_settings(),
    );
    let query = use_query_map();
    let saved = move || {
        query.read().get("saved").is_some() || save.value().get().is_some_and(|r| r.is_ok())
    };
    view! {
        <PageTitle text="Notifications"/>
        <section class="card" data-testid="notification-settings">
            <h1>"Notification mail"</h1>
            <p class="muted">"Everything also shows in your " <a href="/inbox">"inbox"</a>". Mail sent “now” waits a few minutes so that what follows comes in the same mail."</p>
            <Suspense fallback=crate::components::Loading>
                {move || Suspend::new(async move {
                    match settings.await {
                        Err(e) => view! { <p class="error" role="alert">{error_text(&e)}</p> }.into_any(),
                        Ok(list) => view! {
                            <ActionForm action=save attr:class="stack">
                                {list.into_iter().map(|s| {
                                    let name = format!("choices[{}]", s.kind.as_str());
                                    view! {
                                        <label>{kind_label(s.kind)}
                                            <select name=name data-testid=format!("mail-{}", s.kind.as_str())>
                                                {MailMode::ALL.iter().map(|m| view! {
                                                    <option value=m.as_str() selected=*m == s.mail>{match m {
                                                        MailMode::Off => "No mail",
                                                        MailMode::Now => "Mail me now",
                                                        MailMode::Daily => "Daily summary",
                                                    }}</option>
                                                }).collect_view()}
                                            </select>
                                        </label>
                                    }
                                }).collect_view()}
                                <button type="submit" class="button primary" data-testid="save-notification-settings">"Save"</button>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Suspense>
            {move || saved().then(|| view! { <p class="notice" role="status" data-testid="settings-saved">"Saved."</p> })}
            {move || save.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{error_text(&e)}</p> })}
        </section>
    }
}
