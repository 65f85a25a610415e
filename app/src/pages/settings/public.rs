//! The public side of org settings: who is blocked from public actions, and a preview of
//! the public page.

use crate::api::{UnblockUser, load_blocked};
use crate::components::text::error_text;
use leptos::prelude::*;

/// Blocked people (for members who may moderate) and the public page's preview.
#[component]
pub fn PublicSettings(slug: String, may_moderate: bool) -> impl IntoView {
    let unblock = ServerAction::<UnblockUser>::new();
    let blocked = Resource::new(
        {
            let slug = slug.clone();
            move || (slug.clone(), unblock.version().get())
        },
        |(slug, _)| load_blocked(slug),
    );
    let preview = format!("/orgs/{slug}");
    view! {
        <h2 id="public">"Public page"</h2>
        <p>"What visitors see: " <a href=preview.clone() data-testid="public-preview-link">{preview.clone()}</a></p>
        <iframe class="portal-preview" src=preview title="Preview of the public page" data-testid="public-preview"></iframe>
        {may_moderate.then(|| view! {
            <h3 id="blocked">"Blocked people"</h3>
            <p class="muted small">"They can still read the public page, but cannot vote, comment or suggest tasks. Block someone from one of their comments."</p>
            <Suspense fallback=crate::components::Loading>
                {move || Suspend::new({
                    let slug = slug.clone();
                    async move {
                        match blocked.await {
                            Err(e) => view! { <p class="error">{error_text(&e)}</p> }.into_any(),
                            Ok(list) if list.is_empty() => view! { <p class="muted" data-testid="blocked-empty">"Nobody is blocked."</p> }.into_any(),
                            Ok(list) => view! {
                                <ul class="plain" data-testid="blocked-list">
                                    {list.into_iter().map(|b| { let slug = slug.clone(); view! {
                                        <li class="row">
                                            <strong>{b.user.name.clone()}</strong>
                                            {(!b.reason.is_empty()).then(|| view! { <span class="muted">"— "{b.reason.clone()}</span> })}
                                            <span class="muted small">{b.created_at.format("%Y-%m-%d").to_string()}</span>
                                            <ActionForm action=unblock>
                                                <input type="hidden" name="slug" value=slug.clone()/>
                                                <input type="hidden" name="user_id" value=b.user.id.to_string()/>
                                                <button type="submit" class="button small">"Unblock"</button>
                                            </ActionForm>
                                        </li>
                                    }}).collect_view()}
                                </ul>
                            }.into_any(),
                        }
                    }
                })}
            </Suspense>
        })}
    }
    .into_any()
}
