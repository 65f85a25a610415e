//! The pages behind lazy routes: each page's view is its own WASM chunk, loaded when the
//! route is first shown (in parallel with its data), so a first visit loads the shell and
//! one page rather than the whole app. On the server nothing is lazy.

use crate::pages;
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// A lazily loaded route whose view is the page component `$page`.
macro_rules! lazy_page {
    ($route:ident, $page:path) => {
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    };
}

lazy_page!(RootRoute, pages::Root);
lazy_page!(AccountRoute, pages::Account);
lazy_page!(AdminRoute, pages::Admin);
lazy_page!(AdminUsersRoute, pages::AdminUsers);
lazy_page!(AdminOrgsRoute, pages::AdminOrgs);
lazy_page!(AdminOrgRoute, pages::AdminOrg);
lazy_page!(AdminConnectionsRoute, pages::AdminConnections);
lazy_page!(PortalRoute, pages::Portal);
lazy_page!(BoardRoute, pages::Board);
lazy_page!(TaskRoute, pages::TaskPage);
lazy_page!(SettingsRoute, pages::Settings);
