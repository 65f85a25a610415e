//! The web app: routes, pages, components and thin server functions. Rendered on the server
//! and hydrated in the browser (feature `hydrate`).

#![recursion_limit = "256"]

pub mod api;
mod components;
/// The keyboard shortcuts, for the guide's table.
pub use components::keys;
mod org_host;
mod pages;
pub mod realtime;
mod routes;
mod webauthn;

pub use org_host::OrgHost;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::SsrMode;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, path};
use routes::*;

/// The HTML document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let css = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <meta name="theme-color" content="#5b5bd6"/>
                <link rel="stylesheet" href=css/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="apple-touch-icon" href="/icon-180.png"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                // The page's title and share card (leptos_meta) go here.
                <MetaTags/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
            </head>
            <body data-org-host=OrgHost::current().map(|h| h.0)>
                <App/>
                // The icons the page draws (`<use href="#i-…">`), after the app so that
                // hydration, which walks the body from its start, never meets them.
                <div hidden inner_html=components::SPRITE></div>
            </body>
        </html>
    }
}

/// The routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    components::Palette::provide();
    // In the browser, after hydration: no markup of its own.
    Effect::new(|_| components::focus_trap::install());
    components::InboxFeed::provide();
    components::ViewsChanged::provide();
    provide_context(OrgHost::current());
    view! {
        // Pages that set no title of their own.
        <Title text="Sayr"/>
        <Router>
            <div class="app">
            <components::Sidebar/>
            // Erased: the page's type stays shallow enough for the browser build, which
            // keeps full view types (the compiler's query depth limit).
            {view! {
            <div class="app-main">
            <components::Header/>
            <components::CommandPalette/>
            <components::ShortcutSheet/>
            <main>
                <Routes fallback=pages::NotFound>
                    // Pages with data render whole before the first byte: the status code
                    // is right (404 for what you may not see) and the page works without JS.
                    <Route path=path!("/") view={Lazy::<RootRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/login/2fa") view={Lazy::<LoginSecondStepRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/signup") view={Lazy::<SignupRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/verify-email") view={Lazy::<VerifyEmailRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/forgot-password") view={Lazy::<ForgotPasswordRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/reset-password") view={Lazy::<ResetPasswordRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/invite") view={Lazy::<InviteRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/settings/account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/settings/notifications") view={Lazy::<NotificationSettingsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/inbox") view={Lazy::<InboxRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/my-tasks") view={Lazy::<MyTasksRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/unsubscribe") view={Lazy::<UnsubscribeRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view={Lazy::<AdminRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view={Lazy::<AdminUsersRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/orgs") view={Lazy::<AdminOrgsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/orgs/:slug") view={Lazy::<AdminOrgRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/connections") view={Lazy::<AdminConnectionsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/jobs") view={Lazy::<AdminJobsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/mail") view={Lazy::<AdminMailRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/orgs/:slug") view={Lazy::<PortalRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/orgs/:slug/tasks") view={Lazy::<BoardRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/orgs/:slug/tasks/:number") view={Lazy::<TaskRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/orgs/:slug/settings") view={Lazy::<SettingsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/orgs/:slug/releases") view={Lazy::<ReleasesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/orgs/:slug/releases/:release") view={Lazy::<ReleaseRoute>::new()} ssr=SsrMode::Async/>
                    // On an org's subdomain (`SAYR_ROOT_DOMAIN`), the same pages without the prefix.
                    <Route path=path!("/tasks") view={Lazy::<BoardRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/tasks/:number") view={Lazy::<TaskRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/settings") view={Lazy::<SettingsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/releases") view={Lazy::<ReleasesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/releases/:release") view={Lazy::<ReleaseRoute>::new()} ssr=SsrMode::Async/>
                </Routes>
            </main>
            </div>
            }.into_any()}
            </div>
        </Router>
    }
}
