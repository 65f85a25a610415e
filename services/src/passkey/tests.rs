//! The verifier's parsing and checks, on bytes built here (a P-256 key from ring).

use super::cbor::{self, Value};
use super::webauthn::{self, AuthenticatorData, PublicKey, RelyingParty};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};

fn rp() -> RelyingParty {
    RelyingParty::from_public_url("https://sayr.example.com").unwrap()
}

/// CBOR of a small map, written by hand: {1: 2, 3: -7, "a": h'0102', -1: [true, null]}.
const SAMPLE: &[u8] = &[
    0xa4, 0x01, 0x02, 0x03, 0x26, 0x61, b'a', 0x42, 0x01, 0x02, 0x20, 0x82, 0xf5, 0xf6,
];

#[test]
fn cbor_decodes_maps_of_ints_text_bytes_and_arrays() {
    let value = cbor::decode_all(SAMPLE).unwrap();
    assert_eq!(value.get_int(1), Some(&Value::Int(2)));
    assert_eq!(value.get_int(3), Some(&Value::Int(-7)));
    assert_eq!(
        value.get_text("a").and_then(Value::as_bytes),
        Some(&[1u8, 2][..])
    );
    assert_eq!(
        value.get_int(-1),
        Some(&Value::Array(vec![Value::Bool(true), Value::Null]))
    );
}

#[test]
fn cbor_refuses_truncated_trailing_indefinite_and_repeated_keys() {
    assert!(cbor::decode_all(&SAMPLE[..SAMPLE.len() - 1]).is_err());
    let mut trailing = SAMPLE.to_vec();
    trailing.push(0);
    assert!(cbor::decode_all(&trailing).is_err());
    assert!(
        cbor::decode_all(&[0x5f, 0x41, 0x00, 0xff]).is_err(),
        "indefinite bytes"
    );
    assert!(
        cbor::decode_all(&[0xa2, 0x01, 0x01, 0x01, 0x02]).is_err(),
        "key twice"
    );
    // A length far beyond the input is refused before anything is allocated.
    assert!(cbor::decode_all(&[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err());
    // Nesting deeper than any WebAuthn structure.
    assert!(cbor::decode_all(&[0x81; 64]).is_err());
}

#[test]
fn relying_party_is_the_public_hosts_and_takes_its_subdomains() {
    let rp = rp();
    assert_eq!(rp.id, "sayr.example.com");
    assert!(rp.accepts_origin("https://sayr.example.com"));
    assert!(rp.accepts_origin("https://acme.sayr.example.com"));
    assert!(!rp.accepts_origin("https://evil-sayr.example.com"));
    assert!(!rp.accepts_origin("https://example.com"));
    assert!(
        !rp.accepts_origin("http://sayr.example.com"),
        "another scheme"
    );
    assert!(
        !rp.accepts_origin("https://sayr.example.com:8443"),
        "another port"
    );
    assert!(!rp.accepts_origin("https://sayr.example.com.evil.org"));
    let local = RelyingParty::from_public_url("http://localhost:3000").unwrap();
    assert!(local.accepts_origin("http://localhost:3000"));
    assert!(!local.accepts_origin("http://localhost:3001"));
}

#[test]
fn an_instance_reached_by_ip_address_has_no_relying_party() {
    assert!(RelyingParty::from_public_url("http://127.0.0.1:3000").is_err());
    assert!(RelyingParty::from_public_url("http://[::1]:3000").is_err());
}

fn client_json(kind: &str, origin: &str, cross: Option<bool>) -> Vec<u8> {
    let mut json = serde_json::json!({
        "type": kind,
        "challenge": webauthn::b64url(b"the challenge"),
        "origin": origin,
    });
    if let Some(cross) = cross {
        json["crossOrigin"] = cross.into();
    }
    serde_json::to_vec(&json).unwrap()
}

#[test]
fn client_data_checks_type_origin_and_cross_origin() {
    let rp = rp();
    let ok = webauthn::client_data(
        &client_json("webauthn.get", "https://sayr.example.com", Some(false)),
        "webauthn.get",
        &rp,
    )
    .unwrap();
    assert_eq!(ok.challenge, b"the challenge");
    let refused = |json: Vec<u8>| webauthn::client_data(&json, "webauthn.get", &rp).is_err();
    assert!(refused(client_json(
        "webauthn.create",
        "https://sayr.example.com",
        None
    )));
    assert!(refused(client_json(
        "webauthn.get",
        "https://evil.example",
        None
    )));
    assert!(refused(client_json(
        "webauthn.get",
        "https://sayr.example.com",
        Some(true)
    )));
    assert!(refused(b"not json".to_vec()));
}

/// A P-256 key pair and its COSE form.
fn p256() -> (EcdsaKeyPair, Vec<u8>) {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
    let pair =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    let point = pair.public_key().as_ref();
    let mut cose = vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20];
    cose.extend_from_slice(&point[1..33]);
    cose.extend_from_slice(&[0x22, 0x58, 0x20]);
    cose.extend_from_slice(&point[33..65]);
    (pair, cose)
}

fn auth_data(flags: u8, count: u32, attested: Option<(&[u8], &[u8])>) -> Vec<u8> {
    let mut data = rp().id_hash().to_vec();
    data.push(flags);
    data.extend_from_slice(&count.to_be_bytes());
    if let Some((id, cose)) = attested {
        data.extend_from_slice(&[0u8; 16]);
        data.extend_from_slice(&(id.len() as u16).to_be_bytes());
        data.extend_from_slice(id);
        data.extend_from_slice(cose);
    }
    data
}

const UP_UV: u8 = webauthn::FLAG_UP | webauthn::FLAG_UV;

#[test]
fn authenticator_data_with_a_credential_parses() {
    let (_, cose) = p256();
    let bytes = auth_data(UP_UV | webauthn::FLAG_AT, 7, Some((b"cred-id", &cose)));
    let data = AuthenticatorData::parse(&bytes).unwrap();
    assert_eq!(data.sign_count, 7);
    let attested = data.attested.unwrap();
    assert_eq!(attested.id, b"cred-id");
    assert_eq!(attested.public_key, cose);
    assert_eq!(attested.algorithm, webauthn::ES256);
    assert!(AuthenticatorData::parse(&bytes[..bytes.len() - 1]).is_err());
    assert!(AuthenticatorData::parse(&bytes[..36]).is_err());
}

#[test]
fn checks_refuse_another_rp_and_missing_presence_or_verification() {
    let rp = rp();
    let parse = |bytes: Vec<u8>| AuthenticatorData::parse(&bytes).unwrap();
    assert!(parse(auth_data(UP_UV, 0, None)).check(&rp).is_ok());
    assert!(
        parse(auth_data(webauthn::FLAG_UP, 0, None))
            .check(&rp)
            .is_err()
    );
    assert!(
        parse(auth_data(webauthn::FLAG_UV, 0, None))
            .check(&rp)
            .is_err()
    );
    let mut other = auth_data(UP_UV, 0, None);
    other[0] ^= 1;
    assert!(parse(other).check(&rp).is_err());
}

#[test]
fn cose_keys_of_other_algorithms_or_curves_are_refused() {
    let (_, cose) = p256();
    let key = cbor::decode_all(&cose).unwrap();
    assert!(matches!(PublicKey::from_cose(&key), Ok(PublicKey::P256(_))));
    let mut other_alg = cose.clone();
    other_alg[4] = 0x27; // alg -8 on an EC2 key
    assert!(PublicKey::from_cose(&cbor::decode_all(&other_alg).unwrap()).is_err());
    let mut other_curve = cose.clone();
    other_curve[6] = 0x02; // P-384
    assert!(PublicKey::from_cose(&cbor::decode_all(&other_curve).unwrap()).is_err());
}

#[test]
fn an_assertion_verifies_and_its_counter_must_grow() {
    let rp = rp();
    let (pair, cose) = p256();
    let client = client_json("webauthn.get", "https://sayr.example.com", None);
    let sign = |data: &[u8]| {
        let mut message = data.to_vec();
        message.extend_from_slice(&webauthn::sha256(&client));
        pair.sign(&SystemRandom::new(), &message)
            .unwrap()
            .as_ref()
            .to_vec()
    };
    let data = auth_data(UP_UV, 5, None);
    let sig = sign(&data);
    let ok = webauthn::assertion(&data, &client, &sig, &cose, 4, &rp).unwrap();
    assert_eq!(ok.sign_count, 5);
    assert!(
        webauthn::assertion(&data, &client, &sig, &cose, 5, &rp).is_err(),
        "same count"
    );
    let mut bad = sig.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    assert!(webauthn::assertion(&data, &client, &bad, &cose, 0, &rp).is_err());
    // Authenticators without a counter send 0 each time.
    let zero = auth_data(UP_UV, 0, None);
    assert!(webauthn::assertion(&zero, &client, &sign(&zero), &cose, 0, &rp).is_ok());
}
