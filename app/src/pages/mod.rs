//! One module per route.

mod account;
mod admin;
mod auth;
pub(crate) mod board;
mod home;
mod inbox;
mod my_tasks;
mod notify;
mod passkeys;
mod portal;
mod releases;
mod settings;
mod task;
mod two_factor;

pub use account::Account;
pub use admin::{Admin, AdminConnections, AdminJobs, AdminMail, AdminOrg, AdminOrgs, AdminUsers};
pub use auth::{ForgotPassword, InvitePage, Login, ResetPassword, Signup, VerifyEmail};
pub use board::Board;
pub use home::Home;
pub use inbox::Inbox;
pub use my_tasks::MyTasks;
pub use notify::{NotificationSettings, Unsubscribe};
pub use portal::Portal;
pub use releases::{ReleasePage, Releases};
pub use settings::Settings;
pub use task::TaskPage;
pub use two_factor::LoginSecondStep;

pub use crate::components::NotFound;

use leptos::prelude::*;

/// `/`: the org's public page on an org's subdomain, the home page everywhere else.
#[component]
pub fn Root() -> impl IntoView {
    match use_context::<Option<crate::OrgHost>>().flatten() {
        Some(_) => view! { <Portal/> }.into_any(),
        None => view! { <Home/> }.into_any(),
    }
}
