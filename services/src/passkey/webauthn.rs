//! A WebAuthn (Level 2/3) relying party's checks, written out over `ring`: the client's
//! data, the authenticator's data, the COSE public key and the assertion's signature.
//! Attestation is asked for as `none` and its statement is not relied on (nothing here
//! depends on which make of authenticator holds the key), so no certificate chains.
//!
//! Everything takes bytes as the browser sent them (after base64url) and either returns
//! what it proved or a [`Refusal`] saying which check failed.

use super::cbor::{self, Value};
use base64::Engine;
use ring::signature;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The authenticator saw a person (user present).
pub const FLAG_UP: u8 = 0x01;
/// The authenticator verified the person (PIN, biometrics).
pub const FLAG_UV: u8 = 0x04;
/// The credential may be backed up (synced passkey).
pub const FLAG_BE: u8 = 0x08;
/// The credential is backed up.
pub const FLAG_BS: u8 = 0x10;
/// Attested credential data follows.
pub const FLAG_AT: u8 = 0x40;
/// Extensions follow.
pub const FLAG_ED: u8 = 0x80;

/// COSE algorithms accepted: ES256, EdDSA (Ed25519), RS256.
pub const ES256: i64 = -7;
pub const EDDSA: i64 = -8;
pub const RS256: i64 = -257;

/// The longest credential id the spec allows.
pub const MAX_CREDENTIAL_ID: usize = 1023;

/// Why a ceremony's response was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refusal(pub String);

fn refuse<T>(why: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal(why.into()))
}

/// base64url without padding (what `PublicKeyCredential.toJSON()` writes); padding is
/// tolerated.
pub fn b64url_decode(text: &str) -> Result<Vec<u8>, Refusal> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim().trim_end_matches('='))
        .map_err(|_| Refusal("is not base64url".into()))
}

pub fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// The relying party: this instance, named by the host of its public URL. Origins are
/// its own and its subdomains' (org subdomains), on the same scheme and port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelyingParty {
    /// The RP ID: the public URL's host.
    pub id: String,
    scheme: String,
    port: Option<u16>,
}

impl RelyingParty {
    /// The relying party of an instance reached at `public_url`. WebAuthn takes a host
    /// name only: an instance reached by IP address has no passkeys.
    pub fn from_public_url(public_url: &str) -> Result<Self, Refusal> {
        let url = url::Url::parse(public_url)
            .map_err(|_| Refusal("the instance's public URL is not a URL".into()))?;
        let id = match url.host() {
            Some(url::Host::Domain(host)) => host.to_ascii_lowercase(),
            Some(_) => {
                return refuse(
                    "passkeys need the instance to be reached by a host name, not an IP address \
                     (set SAYR_PUBLIC_URL)",
                );
            }
            None => return refuse("the instance's public URL has no host"),
        };
        Ok(Self {
            id,
            scheme: url.scheme().to_string(),
            port: url.port_or_known_default(),
        })
    }

    /// Whether a browser's `origin` is this instance (or one of its subdomains).
    pub fn accepts_origin(&self, origin: &str) -> bool {
        let Ok(url) = url::Url::parse(origin) else {
            return false;
        };
        let Some(url::Host::Domain(host)) = url.host() else {
            return false;
        };
        let host = host.to_ascii_lowercase();
        let on_host = host == self.id
            || host
                .strip_suffix(&self.id)
                .is_some_and(|prefix| prefix.ends_with('.'));
        on_host && url.scheme() == self.scheme && url.port_or_known_default() == self.port
    }

    pub fn id_hash(&self) -> [u8; 32] {
        sha256(self.id.as_bytes())
    }
}

/// `CollectedClientData`, the fields checked.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CollectedClientData {
    #[serde(rename = "type")]
    kind: String,
    challenge: String,
    origin: String,
    #[serde(default)]
    cross_origin: Option<bool>,
}

/// What `clientDataJSON` proved: the ceremony it answers (its challenge).
#[derive(Debug)]
pub struct ClientData {
    pub challenge: Vec<u8>,
}

/// Checks `clientDataJSON`: the ceremony type (`webauthn.create` or `webauthn.get`), an
/// origin of this relying party, not from a cross-origin frame. The challenge is the
/// caller's to match against the ceremony it stored.
pub fn client_data(json: &[u8], kind: &str, rp: &RelyingParty) -> Result<ClientData, Refusal> {
    let data: CollectedClientData = serde_json::from_slice(json)
        .map_err(|_| Refusal("clientDataJSON is not the client's data".into()))?;
    if data.kind != kind {
        return refuse(format!(
            "clientDataJSON is of type {}, not {kind}",
            data.kind
        ));
    }
    if !rp.accepts_origin(&data.origin) {
        return refuse(format!("the origin {} is not this instance", data.origin));
    }
    if data.cross_origin == Some(true) {
        return refuse("the ceremony ran in a frame of another origin");
    }
    Ok(ClientData {
        challenge: b64url_decode(&data.challenge)?,
    })
}

/// A new credential, from an attestation's authenticator data.
#[derive(Clone, Debug)]
pub struct AttestedCredential {
    pub aaguid: [u8; 16],
    pub id: Vec<u8>,
    /// The COSE key as the authenticator encoded it (kept as is, parsed when used).
    pub public_key: Vec<u8>,
    pub algorithm: i64,
}

/// `authenticatorData`, parsed.
#[derive(Clone, Debug)]
pub struct AuthenticatorData {
    pub rp_id_hash: [u8; 32],
    pub flags: u8,
    pub sign_count: u32,
    pub attested: Option<AttestedCredential>,
}

impl AuthenticatorData {
    pub fn parse(bytes: &[u8]) -> Result<Self, Refusal> {
        if bytes.len() < 37 {
            return refuse("the authenticator data is too short");
        }
        let rp_id_hash: [u8; 32] = bytes[..32].try_into().unwrap();
        let flags = bytes[32];
        let sign_count = u32::from_be_bytes(bytes[33..37].try_into().unwrap());
        let mut rest = &bytes[37..];
        let attested = if flags & FLAG_AT != 0 {
            if rest.len() < 18 {
                return refuse("the attested credential data is too short");
            }
            let aaguid: [u8; 16] = rest[..16].try_into().unwrap();
            let id_len = usize::from(u16::from_be_bytes([rest[16], rest[17]]));
            if id_len > MAX_CREDENTIAL_ID {
                return refuse("the credential id is longer than 1023 bytes");
            }
            let id = rest
                .get(18..18 + id_len)
                .ok_or_else(|| Refusal("the credential id ends early".into()))?
                .to_vec();
            rest = &rest[18 + id_len..];
            let (key, used) = cbor::decode(rest)
                .map_err(|e| Refusal(format!("the credential's public key: {e}")))?;
            let public_key = rest[..used].to_vec();
            rest = &rest[used..];
            let algorithm = PublicKey::from_cose(&key)?.algorithm();
            Some(AttestedCredential {
                aaguid,
                id,
                public_key,
                algorithm,
            })
        } else {
            None
        };
        if flags & FLAG_ED != 0 {
            let (_, used) = cbor::decode(rest)
                .map_err(|e| Refusal(format!("the authenticator's extensions: {e}")))?;
            rest = &rest[used..];
        }
        if !rest.is_empty() {
            return refuse("the authenticator data has trailing bytes");
        }
        Ok(Self {
            rp_id_hash,
            flags,
            sign_count,
            attested,
        })
    }

    /// The checks every ceremony makes: this relying party, a person present and
    /// verified (a passkey is a whole sign-in, so user verification is required).
    pub fn check(&self, rp: &RelyingParty) -> Result<(), Refusal> {
        if self.rp_id_hash != rp.id_hash() {
            return refuse("the authenticator data is for another relying party");
        }
        if self.flags & FLAG_UP == 0 {
            return refuse("the authenticator did not see a person (user present flag)");
        }
        if self.flags & FLAG_UV == 0 {
            return refuse("the authenticator did not verify the person (user verified flag)");
        }
        if self.flags & FLAG_BS != 0 && self.flags & FLAG_BE == 0 {
            return refuse("the authenticator data says backed up but not backup eligible");
        }
        Ok(())
    }

    pub fn backup_eligible(&self) -> bool {
        self.flags & FLAG_BE != 0
    }

    pub fn backed_up(&self) -> bool {
        self.flags & FLAG_BS != 0
    }
}

/// What a registration proved: the new credential and its flags.
#[derive(Debug)]
pub struct Registration {
    pub credential: AttestedCredential,
    pub sign_count: u32,
    pub backup_eligible: bool,
    pub backed_up: bool,
}

/// Checks a registration's `attestationObject` (client data checked already): its
/// authenticator data names this relying party, with a person present and verified, and
/// carries a new credential with a key of an accepted algorithm. The attestation
/// statement is not verified (attestation is asked for as `none`).
pub fn registration(attestation_object: &[u8], rp: &RelyingParty) -> Result<Registration, Refusal> {
    let object = cbor::decode_all(attestation_object)
        .map_err(|e| Refusal(format!("the attestation object: {e}")))?;
    if object.get_text("fmt").and_then(Value::as_text).is_none() {
        return refuse("the attestation object has no format");
    }
    let auth_data = object
        .get_text("authData")
        .and_then(Value::as_bytes)
        .ok_or_else(|| Refusal("the attestation object has no authenticator data".into()))?;
    let data = AuthenticatorData::parse(auth_data)?;
    data.check(rp)?;
    let credential = data
        .attested
        .clone()
        .ok_or_else(|| Refusal("the authenticator data carries no credential".into()))?;
    Ok(Registration {
        credential,
        sign_count: data.sign_count,
        backup_eligible: data.backup_eligible(),
        backed_up: data.backed_up(),
    })
}

/// What an assertion proved, for the stored credential to be updated with.
#[derive(Debug)]
pub struct Assertion {
    pub sign_count: u32,
    pub backed_up: bool,
}

/// Checks an assertion (client data checked already) against the stored credential: this
/// relying party, a person present and verified, the signature over `authenticatorData ‖
/// SHA-256(clientDataJSON)` by the credential's key, and a signature counter that grew
/// (a non-zero counter that did not suggests a cloned authenticator).
pub fn assertion(
    authenticator_data: &[u8],
    client_data_json: &[u8],
    signature: &[u8],
    public_key: &[u8],
    stored_count: u32,
    rp: &RelyingParty,
) -> Result<Assertion, Refusal> {
    let data = AuthenticatorData::parse(authenticator_data)?;
    data.check(rp)?;
    let key = cbor::decode_all(public_key)
        .map_err(|e| Refusal(format!("the stored public key: {e}")))
        .and_then(|key| PublicKey::from_cose(&key))?;
    let mut signed = authenticator_data.to_vec();
    signed.extend_from_slice(&sha256(client_data_json));
    if !key.verifies(&signed, signature) {
        return refuse("the signature does not verify");
    }
    if (data.sign_count != 0 || stored_count != 0) && data.sign_count <= stored_count {
        return refuse(
            "the authenticator's signature counter went backwards: it may have been cloned",
        );
    }
    Ok(Assertion {
        sign_count: data.sign_count,
        backed_up: data.backed_up(),
    })
}

/// A credential's public key, of an accepted algorithm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicKey {
    /// ES256: the uncompressed point (`04 ‖ x ‖ y`).
    P256(Vec<u8>),
    /// EdDSA over Ed25519: the 32-byte key.
    Ed25519(Vec<u8>),
    /// RS256: modulus and exponent, big-endian.
    Rsa { n: Vec<u8>, e: Vec<u8> },
}

impl PublicKey {
    /// Parses a COSE_Key (RFC 9053): kty 2 (EC2) with alg -7 on P-256, kty 1 (OKP) with
    /// alg -8 on Ed25519, or kty 3 (RSA) with alg -257.
    pub fn from_cose(key: &Value) -> Result<Self, Refusal> {
        let int = |label: i128| key.get_int(label).and_then(Value::as_int);
        let bytes = |label: i128| key.get_int(label).and_then(Value::as_bytes);
        let (kty, alg) = (int(1), int(3));
        match (kty, alg) {
            (Some(2), Some(-7)) => {
                let (x, y) = (bytes(-2), bytes(-3));
                match (int(-1), x, y) {
                    (Some(1), Some(x), Some(y)) if x.len() == 32 && y.len() == 32 => {
                        let mut point = vec![0x04];
                        point.extend_from_slice(x);
                        point.extend_from_slice(y);
                        Ok(PublicKey::P256(point))
                    }
                    _ => refuse("the EC2 key is not a P-256 point"),
                }
            }
            (Some(1), Some(-8)) => match (int(-1), bytes(-2)) {
                (Some(6), Some(x)) if x.len() == 32 => Ok(PublicKey::Ed25519(x.to_vec())),
                _ => refuse("the OKP key is not an Ed25519 key"),
            },
            (Some(3), Some(-257)) => match (bytes(-1), bytes(-2)) {
                (Some(n), Some(e)) if !n.is_empty() && !e.is_empty() => Ok(PublicKey::Rsa {
                    n: n.to_vec(),
                    e: e.to_vec(),
                }),
                _ => refuse("the RSA key lacks its modulus or exponent"),
            },
            _ => refuse("the key's algorithm is not ES256, EdDSA or RS256"),
        }
    }

    pub fn algorithm(&self) -> i64 {
        match self {
            PublicKey::P256(_) => ES256,
            PublicKey::Ed25519(_) => EDDSA,
            PublicKey::Rsa { .. } => RS256,
        }
    }

    /// Whether `sig` is this key's signature of `message` (ES256 signatures are ASN.1
    /// DER, as WebAuthn sends them).
    pub fn verifies(&self, message: &[u8], sig: &[u8]) -> bool {
        match self {
            PublicKey::P256(point) => {
                signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_ASN1, point)
                    .verify(message, sig)
                    .is_ok()
            }
            PublicKey::Ed25519(key) => signature::UnparsedPublicKey::new(&signature::ED25519, key)
                .verify(message, sig)
                .is_ok(),
            PublicKey::Rsa { n, e } => signature::RsaPublicKeyComponents { n, e }
                .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, sig)
                .is_ok(),
        }
    }
}
