//! The pages behind lazy routes: each group of pages is its own WASM chunk, loaded when one
//! of its routes is first shown (in parallel with its data), so a first visit loads the shell
//! and one group rather than the whole app. On the server nothing is lazy.

use crate::pages;
use leptos::prelude::*;
use leptos_router::LazyRoute;

/// A lazily loaded route whose view is the page component `$page`, in the WASM chunk
/// `$chunk`. Pages visited together share a chunk: every chunk boundary adds the chunks of
/// code shared across it, and each one is a fetch and a compile before hydration (one chunk
/// per page made a first visit of the board load 101 of them). `$view` and `$preload` only
/// name the generated functions (macro_rules cannot build identifiers).
macro_rules! lazy_page {
    ($route:ident, $page:path, $chunk:ident, $view:ident, $preload:ident) => {
        pub struct $route;

        #[cfg_attr(feature = "hydrate", ::leptos::wasm_split::wasm_split($chunk, preload($preload), wasm_split_path = ::leptos::wasm_split))]
        fn $view() -> AnyView {
            view! { <$page/> }.into_any()
        }

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView {
                #[cfg(feature = "hydrate")]
                {
                    $view().await
                }
                #[cfg(not(feature = "hydrate"))]
                {
                    // The server renders everything; it only names the chunk for preloading.
                    ::leptos::prefetch_lazy_fn_on_server(stringify!($chunk));
                    $view()
                }
            }

            async fn preload() {
                #[cfg(feature = "hydrate")]
                $preload().await;
            }
        }
    };
}

// What a team member has open all day: home, the board and a task.
lazy_page!(RootRoute, pages::Root, team, root_view, preload_root);
lazy_page!(BoardRoute, pages::Board, team, board_view, preload_board);
lazy_page!(TaskRoute, pages::TaskPage, team, task_view, preload_task);
lazy_page!(InboxRoute, pages::Inbox, team, inbox_view, preload_inbox);
lazy_page!(
    MyTasksRoute,
    pages::MyTasks,
    team,
    my_tasks_view,
    preload_my_tasks
);
lazy_page!(
    SettingsRoute,
    pages::Settings,
    settings,
    settings_view,
    preload_settings
);
lazy_page!(
    PortalRoute,
    pages::Portal,
    portal,
    portal_view,
    preload_portal
);
lazy_page!(
    ReleasesRoute,
    pages::Releases,
    portal,
    releases_view,
    preload_releases
);
lazy_page!(
    ReleaseRoute,
    pages::ReleasePage,
    portal,
    release_view,
    preload_release
);
lazy_page!(
    AccountRoute,
    pages::Account,
    account,
    account_view,
    preload_account
);
lazy_page!(
    NotificationSettingsRoute,
    pages::NotificationSettings,
    account,
    notification_settings_view,
    preload_notification_settings
);
// Signing in and up, and the pages mail links open: a visitor's first page, never a
// member's board, so none of it rides in the main module. They share the account page's
// chunk (the passkey and second-factor code is in both): a group of their own would add
// a chunk for every combination of groups their shared code falls in, and each chunk is a
// fetch and a compile before a page is interactive (BENCHMARKS.md, "The main module").
lazy_page!(LoginRoute, pages::Login, account, login_view, preload_login);
lazy_page!(
    LoginSecondStepRoute,
    pages::LoginSecondStep,
    account,
    login_second_step_view,
    preload_login_second_step
);
lazy_page!(
    SignupRoute,
    pages::Signup,
    account,
    signup_view,
    preload_signup
);
lazy_page!(
    VerifyEmailRoute,
    pages::VerifyEmail,
    account,
    verify_email_view,
    preload_verify_email
);
lazy_page!(
    ForgotPasswordRoute,
    pages::ForgotPassword,
    account,
    forgot_password_view,
    preload_forgot_password
);
lazy_page!(
    ResetPasswordRoute,
    pages::ResetPassword,
    account,
    reset_password_view,
    preload_reset_password
);
lazy_page!(
    InviteRoute,
    pages::InvitePage,
    account,
    invite_view,
    preload_invite
);
lazy_page!(
    UnsubscribeRoute,
    pages::Unsubscribe,
    account,
    unsubscribe_view,
    preload_unsubscribe
);
lazy_page!(AdminRoute, pages::Admin, admin, admin_view, preload_admin);
lazy_page!(
    AdminUsersRoute,
    pages::AdminUsers,
    admin,
    admin_users_view,
    preload_admin_users
);
lazy_page!(
    AdminOrgsRoute,
    pages::AdminOrgs,
    admin,
    admin_orgs_view,
    preload_admin_orgs
);
lazy_page!(
    AdminOrgRoute,
    pages::AdminOrg,
    admin,
    admin_org_view,
    preload_admin_org
);
lazy_page!(
    AdminConnectionsRoute,
    pages::AdminConnections,
    admin,
    admin_connections_view,
    preload_admin_connections
);
lazy_page!(
    AdminJobsRoute,
    pages::AdminJobs,
    admin,
    admin_jobs_view,
    preload_admin_jobs
);
lazy_page!(
    AdminMailRoute,
    pages::AdminMail,
    admin,
    admin_mail_view,
    preload_admin_mail
);
