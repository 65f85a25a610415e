use super::*;
use crate::testing::{self, on_each_database, person};
use crate::{access, session};
use domain::dto::OrgSettings;

/// The code of `secret` for `step`, as an app shows it.
fn code_for(secret: &str, step: i64) -> String {
    let key = totp::decode_secret(secret).unwrap();
    format!("{:06}", totp::code_at(&key, step))
}

fn now_step() -> i64 {
    totp::step_at(Utc::now().timestamp())
}

/// The code of `secret` `offset` steps from now.
fn code(secret: &str, offset: i64) -> String {
    code_for(secret, now_step() + offset)
}

/// Turns TOTP on for `actor` with the code of the step before now (so that the next
/// steps' codes stay usable however long the test takes); returns the secret, that step
/// and the backup codes.
async fn turn_on(svc: &Services, actor: &Actor) -> (String, i64, Vec<String>) {
    let setup = setup(svc, actor).await.unwrap();
    let step = now_step() - 1;
    let codes = enable(svc, actor, &code_for(&setup.secret, step))
        .await
        .unwrap();
    (setup.secret, step, codes)
}

on_each_database!(a_setup_asks_nothing_until_a_code_turns_it_on, |svc| {
    let ada = person(&svc, "ada@example.test").await;
    let started = setup(&svc, &ada).await.unwrap();
    assert!(started.otpauth_url.starts_with("otpauth://totp/Sayr:"));
    let pending = status(&svc, &ada).await.unwrap();
    assert!(!pending.enabled && pending.pending.is_some() && pending.pending_qr_svg.is_some());
    let plain = session::sign_in(
        &svc,
        "ada@example.test",
        "correct horse battery",
        Default::default(),
    )
    .await
    .unwrap();
    assert!(matches!(plain, SignIn::Session { .. }), "still one step");

    let wrong = enable(&svc, &ada, "000000").await;
    assert!(matches!(wrong, Err(DomainError::Invalid(f)) if f.contains_key("code")));
    let codes = enable(&svc, &ada, &code(&started.secret, 0)).await.unwrap();
    assert_eq!(codes.len(), BACKUP_CODES);
    let on = status(&svc, &ada).await.unwrap();
    assert!(on.enabled && on.pending.is_none());
    assert_eq!(on.backup_codes_left, 10);
    assert!(matches!(
        setup(&svc, &ada).await,
        Err(DomainError::Conflict { .. })
    ));
});

on_each_database!(
    a_password_sign_in_waits_for_the_code_and_a_code_counts_once,
    |svc| {
        let ada = person(&svc, "ada@example.test").await;
        let (secret, step, backup) = turn_on(&svc, &ada).await;
        let sign_in = || {
            session::sign_in(
                &svc,
                "ada@example.test",
                "correct horse battery",
                Default::default(),
            )
        };
        let SignIn::Challenge { challenge } = sign_in().await.unwrap() else {
            panic!("no session before the second factor");
        };
        // The code that turned it on is spent.
        let reused = complete_sign_in(
            &svc,
            &challenge,
            &code_for(&secret, step),
            Default::default(),
        )
        .await;
        assert!(matches!(reused, Err(DomainError::Invalid(_))), "{reused:?}");
        let (token, user) = complete_sign_in(
            &svc,
            &challenge,
            &code_for(&secret, step + 1),
            Default::default(),
        )
        .await
        .unwrap();
        assert!(user.two_factor);
        assert!(
            session::resolve(&svc, &token)
                .await
                .unwrap()
                .user_id()
                .is_some()
        );
        let again = complete_sign_in(&svc, &challenge, &backup[0], Default::default()).await;
        assert!(
            matches!(again, Err(DomainError::Gone(_))),
            "a challenge is used once"
        );

        let SignIn::Challenge { challenge } = sign_in().await.unwrap() else {
            panic!()
        };
        complete_sign_in(
            &svc,
            &challenge,
            &backup[0].to_uppercase(),
            Default::default(),
        )
        .await
        .unwrap();
        let SignIn::Challenge { challenge } = sign_in().await.unwrap() else {
            panic!()
        };
        let spent = complete_sign_in(&svc, &challenge, &backup[0], Default::default()).await;
        assert!(
            matches!(spent, Err(DomainError::Invalid(_))),
            "a backup code is used once"
        );
        assert_eq!(status(&svc, &ada).await.unwrap().backup_codes_left, 9);
    }
);

on_each_database!(
    an_org_that_requires_a_second_factor_holds_back_members_without_one,
    |svc| {
        let owner = testing::acme(&svc, OrgSettings::default()).await;
        let bob = testing::member(&svc, &owner, "bob@example.test").await;
        let require = domain::dto::OrgPatch {
            settings: Some(OrgSettings {
                members_must_use_two_factor: true,
                ..Default::default()
            }),
            ..Default::default()
        };
        let refused = crate::org::update(&svc, &owner, "acme", require.clone()).await;
        assert!(
            matches!(&refused, Err(DomainError::Invalid(f)) if f.contains_key("settings.membersMustUseTwoFactor")),
            "the owner turns on their own first: {refused:?}"
        );
        turn_on(&svc, &owner).await;
        crate::org::update(&svc, &owner, "acme", require)
            .await
            .unwrap();

        assert!(matches!(
            access::load_member(&svc, &bob, "acme").await,
            Err(DomainError::TwoFactorRequired)
        ));
        assert!(matches!(
            access::load(&svc, &bob, "acme").await,
            Err(DomainError::TwoFactorRequired)
        ));
        assert!(access::load_member(&svc, &owner, "acme").await.is_ok());
        turn_on(&svc, &bob).await;
        assert!(
            access::load_member(&svc, &bob, "acme")
                .await
                .unwrap()
                .member
        );
    }
);

#[test]
fn backup_codes_are_ten_letters_and_digits_in_any_case() {
    let code = new_backup_code();
    assert_eq!(code.len(), 11);
    let normal = normalize_backup_code(&code).unwrap();
    assert_eq!(
        normalize_backup_code(&code.to_uppercase()),
        Some(normal.clone())
    );
    assert_eq!(normalize_backup_code(&normal), Some(normal));
    assert_eq!(normalize_backup_code("123456"), None);
    assert_eq!(normalize_backup_code("abcde-fghi!"), None);
}
