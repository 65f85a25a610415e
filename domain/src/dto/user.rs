use crate::{SessionId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A user as they see themselves (the only DTO that carries an e-mail address).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub site_admin: bool,
    pub created_at: DateTime<Utc>,
    /// Where the user's avatar is served (public); none until one is set.
    pub avatar_url: Option<String>,
    /// The owner followed a link mailed to `email`.
    #[serde(default)]
    pub email_verified: bool,
    /// The account has a second factor (TOTP or a passkey): a password sign-in asks for
    /// it.
    #[serde(default)]
    pub two_factor: bool,
}

/// What an org answers (403 `two_factor_required`) to a member without a second factor
/// when it requires one; the web app recognises it and points to the account page.
pub const TWO_FACTOR_REQUIRED: &str =
    "this organization requires members to use a second factor: turn one on from your account page";

/// A TOTP secret being set up: what an authenticator app needs. Nothing is asked at sign-in
/// until a code from the app turns it on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TotpSetup {
    /// The shared secret, base32 (RFC 6238: SHA-1, 6 digits, 30 s).
    pub secret: String,
    /// `otpauth://totp/…`, what the QR code holds.
    pub otpauth_url: String,
}

/// The backup codes made when the second factor is turned on: shown once, each good once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct BackupCodes {
    pub backup_codes: Vec<String>,
}

/// Where the account's second factor stands, for the account page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TwoFactorStatus {
    pub enabled: bool,
    /// Unused backup codes.
    pub backup_codes_left: u32,
    /// A setup started and not confirmed yet, with its QR code (SVG).
    pub pending: Option<TotpSetup>,
    pub pending_qr_svg: Option<String>,
}

/// One of the user's passkeys, for the account page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Passkey {
    pub id: uuid::Uuid,
    /// What the user called it ("MacBook", "YubiKey").
    pub name: String,
    pub created_at: DateTime<Utc>,
    /// The last sign-in with it; none until the first.
    pub last_used_at: Option<DateTime<Utc>>,
    /// The authenticator may sync it to the user's other devices (iCloud Keychain, Google
    /// Password Manager).
    pub backup_eligible: bool,
    /// It is synced (backed up) now.
    pub backed_up: bool,
}

/// One of a user's sessions, for their session list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub id: SessionId,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    /// The session this request came through.
    pub current: bool,
}

/// An identity at an external provider (GitHub, an OpenID Connect provider) linked to the
/// user, for their settings page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct LinkedAccount {
    pub id: uuid::Uuid,
    /// `github` or the configured name of an OpenID Connect provider.
    pub provider: String,
    /// The e-mail address the provider gave when the account was linked.
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
}
