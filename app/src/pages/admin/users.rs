//! `/admin/users`: search, site role, bans, sessions.

use super::{AdminNav, day, failure, pager, when};
use crate::api::{
    BanUser, ResetTwoFactor, RevokeUserSessions, SetUserRole, UnbanUser, load_admin_users,
};
use crate::components::NotFound;
use crate::components::PageTitle;
use domain::dto::AdminUser;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminUsers() -> impl IntoView {
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let page = Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(0)
    });
    let set_role = ServerAction::<SetUserRole>::new();
    let ban = ServerAction::<BanUser>::new();
    let unban = ServerAction::<UnbanUser>::new();
    let revoke = ServerAction::<RevokeUserSessions>::new();
    let reset = ServerAction::<ResetTwoFactor>::new();
    let data = Resource::new(
        move || {
            (
                q.get(),
                page.get(),
                set_role.version().get()
                    + ban.version().get()
                    + unban.version().get()
                    + revoke.version().get()
                    + reset.version().get(),
            )
        },
        |(q, page, _)| load_admin_users(Some(q), Some(page)),
    );
    let errors = move || {
        failure(vec![
            set_role.value().get().map(|r| r.map(|_| ())),
            ban.value().get().map(|r| r.map(|_| ())),
            unban.value().get().map(|r| r.map(|_| ())),
            revoke.value().get().map(|r| r.map(|_| ())),
            reset.value().get().map(|r| r.map(|_| ())),
        ])
    };
    let revoked = move || {
        revoke.value().get().and_then(|r| r.ok()).map(|n| {
            view! { <p class="muted" role="status">{format!("{n} session(s) ended.")}</p> }
        })
    };
    view! {
        <PageTitle text="Users · Admin"/>
        <Transition fallback=crate::components::Loading>
            {move || Suspend::new(async move {
                match data.await {
                    Err(_) => view! { <NotFound/> }.into_any(),
                    Ok(list) => {
                        let q = q.get_untracked();
                        let pages = list.pages();
                        view! {
                            <section class="admin" data-testid="admin-users">
                                <h1>"Users"</h1>
                                <AdminNav current="/admin/users"/>
                                {errors}
                                {revoked}
                                <form method="get" action="/admin/users" class="row" role="search">
                                    <label class="sr-only" for="user-search">"Name or e-mail"</label>
                                    <input id="user-search" type="search" name="q" value=q.clone() placeholder="Name or e-mail"/>
                                    <button type="submit" class="button">"Search"</button>
                                    <span class="muted">{format!("{} found", list.total)}</span>
                                </form>
                                <table class="grid" data-testid="users">
                                    <thead><tr>
                                        <th scope="col">"User"</th><th scope="col">"Role"</th><th scope="col">"Status"</th>
                                        <th scope="col">"Orgs"</th><th scope="col">"Joined"</th><th scope="col">"Actions"</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.rows.into_iter().map(|u| view! { <UserRow u set_role ban unban revoke reset/> }).collect_view()}
                                    </tbody>
                                </table>
                                {pager("/admin/users", &q, list.page, pages)}
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn UserRow(
    u: AdminUser,
    set_role: ServerAction<SetUserRole>,
    ban: ServerAction<BanUser>,
    unban: ServerAction<UnbanUser>,
    revoke: ServerAction<RevokeUserSessions>,
    reset: ServerAction<ResetTwoFactor>,
) -> impl IntoView {
    // One copy per form: each form's children capture their own.
    let id = u.id.to_string();
    let (ban_id, role_id, revoke_id, reset_id) = (id.clone(), id.clone(), id.clone(), id.clone());
    let status = match &u.ban {
        None => view! { <span class="muted">"Active"</span> }.into_any(),
        Some(b) => {
            let until = b
                .until
                .as_ref()
                .map(when)
                .unwrap_or_else(|| "lifted".into());
            view! {
                <span class="error" data-testid="banned">"Banned until "{until}</span>
                <span class="muted small">" · "{b.reason.clone()}</span>
            }
            .into_any()
        }
    };
    let ban_control = match u.ban {
        Some(_) => view! {
            <ActionForm action=unban>
                <input type="hidden" name="user" value=id/>
                <button type="submit" class="link">"Lift ban"</button>
            </ActionForm>
        }
        .into_any(),
        None => view! {
            <details class="menu">
                <summary class="link">"Ban…"</summary>
                <ActionForm action=ban attr:class="stack menu-items">
                    <input type="hidden" name="user" value=ban_id/>
                    <label>"Reason (they are told)" <input name="reason" required maxlength="500"/></label>
                    <label>"Until (empty: until lifted)" <input type="date" name="until"/></label>
                    <button type="submit" class="button danger">"Ban and sign out"</button>
                </ActionForm>
            </details>
        }
        .into_any(),
    };
    let (role, role_label) = if u.site_admin {
        ("user", "Make user")
    } else {
        ("admin", "Make admin")
    };
    view! {
        <tr data-user=u.email.clone()>
            <td>{u.name.clone()}<br/><span class="muted small">{u.email.clone()}</span></td>
            <td>{if u.site_admin { "Admin" } else { "User" }}</td>
            <td>{status}{u.two_factor.then(|| view! { <span class="badge" title="Signs in with a second factor">"2FA"</span> })}</td>
            <td>{u.org_count}</td>
            <td>{day(&u.created_at)}</td>
            <td class="actions">
                <ActionForm action=set_role>
                    <input type="hidden" name="user" value=role_id/>
                    <input type="hidden" name="role" value=role/>
                    <button type="submit" class="link">{role_label}</button>
                </ActionForm>
                {ban_control}
                <ActionForm action=revoke>
                    <input type="hidden" name="user" value=revoke_id/>
                    <button type="submit" class="link">"Sign out everywhere"</button>
                </ActionForm>
                {u.two_factor.then(|| view! {
                    <ActionForm action=reset>
                        <input type="hidden" name="user" value=reset_id/>
                        <button type="submit" class="link" data-testid="reset-two-factor">"Reset second factor"</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
