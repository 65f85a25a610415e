//! The org's logo and banner, in its settings (admin.manageSettings).

use crate::api::SettingsData;
use crate::components::upload::ImagePicker;
use leptos::prelude::*;

#[component]
pub fn Branding(data: SettingsData) -> impl IntoView {
    let may = data.permissions.admin.manage_settings;
    let org = data.org;
    may.then(|| {
        view! {
            <h2 id="branding">"Logo and banner"</h2>
            <p class="muted small">"PNG, JPEG, GIF or WebP, up to 10 MiB. Both are public."</p>
            <div class="branding">
                <ImagePicker label="Logo" kind="logo" testid="logo-picker"
                    endpoint=format!("/api/v1/orgs/{}/logo", org.slug) current=org.logo_url.clone()/>
                <ImagePicker label="Banner" kind="banner" testid="banner-picker"
                    endpoint=format!("/api/v1/orgs/{}/banner", org.slug) current=org.banner_url.clone()/>
            </div>
            <noscript><p class="muted small">"Changing them needs JavaScript."</p></noscript>
        }
        .into_any()
    })
}
