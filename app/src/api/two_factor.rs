//! The second factor on the account page: set up, confirm (the backup codes are shown
//! once), turn off. Plain forms: each posts, then the page loads again.

use leptos::prelude::*;

/// The cookie that carries new backup codes to the one page view that shows them.
#[cfg(feature = "ssr")]
pub(super) const NEW_CODES_COOKIE: &str = "sayr_backup_codes";

#[cfg(feature = "ssr")]
const SECTION: &str = "/settings/account#two-factor";

/// Starts setting up TOTP: the page then shows the QR code and the secret.
#[server(prefix = "/sfn", endpoint = "start_two_factor")]
pub async fn start_two_factor() -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::two_factor::setup(&cx.svc, &cx.actor)
        .await
        .map_err(fail)?;
    leptos_axum::redirect(SECTION);
    Ok(())
}

/// Turns TOTP on with a code from the app; the page shows the backup codes once.
#[server(prefix = "/sfn", endpoint = "enable_two_factor")]
pub async fn enable_two_factor(code: String) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    let codes = services::two_factor::enable(&cx.svc, &cx.actor, &code)
        .await
        .map_err(fail)?;
    // Codes are `xxxxx-xxxxx` (letters and digits): '.' joins them safely.
    super::account::show_once(NEW_CODES_COOKIE, &codes.join("."));
    leptos_axum::redirect(SECTION);
    Ok(())
}

/// Turns the second factor off with a current code or a backup code.
#[server(prefix = "/sfn", endpoint = "disable_two_factor")]
pub async fn disable_two_factor(code: String) -> Result<(), ServerFnError> {
    use super::ssr::*;
    let cx = caller()?;
    services::two_factor::disable(&cx.svc, &cx.actor, &code, cx.client)
        .await
        .map_err(fail)?;
    leptos_axum::redirect(SECTION);
    Ok(())
}
