//! The ceremonies' JSON, as WebAuthn Level 3 writes it (`PublicKeyCredential.toJSON()`,
//! `parseCreationOptionsFromJSON()`): binary fields are base64url without padding.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// This instance as a relying party.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RpEntity {
    /// The host of the instance's public URL.
    pub id: String,
    pub name: String,
}

/// The account a new passkey is for.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserEntity {
    /// The user handle: the account's id (16 bytes), base64url.
    pub id: String,
    /// The e-mail address.
    pub name: String,
    pub display_name: String,
}

/// An accepted key type.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CredentialParameter {
    /// Always `public-key`.
    #[serde(rename = "type")]
    pub kind: String,
    /// COSE algorithm: -7 (ES256), -8 (EdDSA), -257 (RS256).
    pub alg: i64,
}

/// A passkey named in options.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct CredentialDescriptor {
    /// Always `public-key`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The credential id, base64url.
    pub id: String,
}

/// What the authenticator must do: keep the credential (discoverable) and verify the
/// person.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticatorSelection {
    /// `required`.
    pub resident_key: String,
    pub require_resident_key: bool,
    /// `required`.
    pub user_verification: String,
}

/// Options for `navigator.credentials.create({publicKey})` (JSON form).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreationOptions {
    pub rp: RpEntity,
    pub user: UserEntity,
    /// 32 random bytes, base64url; good once, for 5 minutes.
    pub challenge: String,
    pub pub_key_cred_params: Vec<CredentialParameter>,
    /// Milliseconds.
    pub timeout: u64,
    /// The account's passkeys: an authenticator holding one makes no other.
    pub exclude_credentials: Vec<CredentialDescriptor>,
    pub authenticator_selection: AuthenticatorSelection,
    /// `none`: which make of authenticator holds the key is not asked.
    pub attestation: String,
}

/// Options for `navigator.credentials.get({publicKey})` (JSON form).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestOptions {
    /// 32 random bytes, base64url; good once, for 5 minutes.
    pub challenge: String,
    /// Milliseconds.
    pub timeout: u64,
    pub rp_id: String,
    /// Empty for a sign-in (the browser offers any passkey of this instance); the
    /// account's passkeys at a sign-in's second step.
    pub allow_credentials: Vec<CredentialDescriptor>,
    /// `required`.
    pub user_verification: String,
}

/// The authenticator's answer to `create()`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationResponse {
    /// base64url.
    #[serde(rename = "clientDataJSON")]
    pub client_data_json: String,
    /// base64url (CBOR).
    pub attestation_object: String,
}

/// A new passkey as `PublicKeyCredential.toJSON()` writes it (other fields are ignored).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationCredential {
    /// The credential id, base64url.
    pub id: String,
    pub response: RegistrationResponse,
}

/// The authenticator's answer to `get()`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssertionResponse {
    /// base64url.
    #[serde(rename = "clientDataJSON")]
    pub client_data_json: String,
    /// base64url.
    pub authenticator_data: String,
    /// base64url.
    pub signature: String,
    /// The account's user handle, base64url (discoverable passkeys send it).
    #[serde(default)]
    pub user_handle: Option<String>,
}

/// A passkey's assertion as `PublicKeyCredential.toJSON()` writes it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssertionCredential {
    /// The credential id, base64url.
    pub id: String,
    pub response: AssertionResponse,
}
