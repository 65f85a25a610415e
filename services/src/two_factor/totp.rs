//! RFC 6238 time-based one-time passwords as authenticator apps make them: HMAC-SHA1,
//! 6 digits, 30-second steps, the secret shared as base32. Written out over `hmac` and
//! `sha1` (a page of code) rather than pulling in a TOTP crate.

use hmac::{Hmac, Mac};

/// Seconds per step.
pub const STEP_SECS: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Steps either side of now that still count (clock skew between phone and server).
pub const SKEW: i64 = 1;
/// Bytes of a new secret (160 bits, as RFC 4226 recommends).
const SECRET_BYTES: usize = 20;

/// A new random secret, base32 without padding (what the user types into an app).
pub fn new_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    getrandom::getrandom(&mut bytes).expect("the OS random source is available");
    data_encoding::BASE32_NOPAD.encode(&bytes)
}

/// The secret's bytes; none when it is not base32.
pub fn decode_secret(secret: &str) -> Option<Vec<u8>> {
    data_encoding::BASE32_NOPAD
        .decode(secret.trim_end_matches('=').as_bytes())
        .ok()
}

/// The step a Unix time falls in.
pub fn step_at(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// The code for one step (RFC 4226's HOTP with the step as counter).
pub fn code_at(key: &[u8], step: i64) -> u32 {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(&(step as u64).to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[digest.len() - 1] & 0x0f) as usize;
    let word = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    word % 10u32.pow(DIGITS)
}

/// A code as typed: six digits, spaces allowed between them. None for anything else.
pub fn parse_code(input: &str) -> Option<u32> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == DIGITS as usize && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// The step within [`SKEW`] of `now_step` whose code is `code`, nearest first; none when
/// no step matches. Codes are compared in constant time.
pub fn matching_step(key: &[u8], code: u32, now_step: i64) -> Option<i64> {
    let mut found = None;
    for offset in [0, -1, 1] {
        debug_assert!(i64::abs(offset) <= SKEW);
        let step = now_step + offset;
        let same = constant_eq(code_at(key, step), code);
        if same && found.is_none() {
            found = Some(step);
        }
    }
    found
}

fn constant_eq(a: u32, b: u32) -> bool {
    (a ^ b) == 0
}

/// The `otpauth://` URL that authenticator apps read from the QR code.
pub fn otpauth_url(issuer: &str, account: &str, secret: &str) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let issuer_enc = utf8_percent_encode(issuer, NON_ALPHANUMERIC);
    let account_enc = utf8_percent_encode(account, NON_ALPHANUMERIC);
    format!(
        "otpauth://totp/{issuer_enc}:{account_enc}?secret={secret}&issuer={issuer_enc}\
         &algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}"
    )
}

/// The QR code of `data` as an SVG document (black on white, with its quiet zone).
pub fn qr_svg(data: &str) -> Option<String> {
    let code = qrcode::QrCode::new(data.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 secret and times (its 8-digit codes, last six digits).
    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let key = b"12345678901234567890";
        for (time, code) in [
            (59, 287_082),
            (1_111_111_109, 81_804),
            (1_111_111_111, 50_471),
            (1_234_567_890, 5_924),
            (2_000_000_000, 279_037),
            (20_000_000_000, 353_130),
        ] {
            assert_eq!(code_at(key, step_at(time)), code, "at {time}");
        }
    }

    #[test]
    fn a_code_counts_one_step_either_side_and_no_further() {
        let key = b"12345678901234567890";
        let now = 1_000_000;
        for offset in -1..=1 {
            let code = code_at(key, now + offset);
            assert_eq!(matching_step(key, code, now), Some(now + offset));
        }
        for offset in [-3, -2, 2, 3] {
            assert_eq!(matching_step(key, code_at(key, now + offset), now), None);
        }
    }

    #[test]
    fn secrets_round_trip_and_codes_parse_strictly() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        assert_eq!(decode_secret(&secret).unwrap().len(), 20);
        assert!(decode_secret("not base32!").is_none());
        assert_eq!(parse_code("123 456"), Some(123_456));
        assert_eq!(parse_code("012345"), Some(12_345));
        assert_eq!(parse_code("12345"), None);
        assert_eq!(parse_code("12345a"), None);
        assert_eq!(parse_code("abcde-fghij"), None);
    }

    #[test]
    fn the_otpauth_url_names_the_issuer_and_account() {
        let url = otpauth_url("Sayr", "ada@example.test", "JBSWY3DPEHPK3PXP");
        assert_eq!(
            url,
            "otpauth://totp/Sayr:ada%40example%2Etest?secret=JBSWY3DPEHPK3PXP&issuer=Sayr\
             &algorithm=SHA1&digits=6&period=30"
        );
        let svg = qr_svg(&url).unwrap();
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }
}
