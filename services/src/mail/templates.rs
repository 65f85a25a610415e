//! The mails' words: one template per part (`<name>.subject`, `.txt`, `.html`) under
//! `services/templates/mail`, compiled into the binary. HTML is escaped, text is not.

use super::Mail;
use crate::{DomainError, Result, Services};
use minijinja::Environment;
use serde::Serialize;
use std::sync::OnceLock;
use uuid::Uuid;

/// Every mail Sayr sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Template {
    /// `name`, `email`, `link`.
    VerifyEmail,
    /// `name`, `email`, `link`.
    ResetPassword,
    /// `email`, `inviter`, `org_name`, `link`, `expires`.
    Invitation,
    /// To the old address: `name`, `email`, `new_email`.
    EmailChanged,
    /// `sayr mail test`.
    Test,
    /// Notifications, several at once: `heading`, `items` (each `text`, `link`,
    /// `unfollow`?), `settings`, `unsubscribe`.
    Notifications,
    /// To an org's admins: `org_name`, `account`, `unlinked`, `link`.
    GithubUninstalled,
}

impl Template {
    fn name(self) -> &'static str {
        match self {
            Template::VerifyEmail => "verify_email",
            Template::ResetPassword => "reset_password",
            Template::Invitation => "invitation",
            Template::EmailChanged => "email_changed",
            Template::Test => "test",
            Template::Notifications => "notifications",
            Template::GithubUninstalled => "github_uninstalled",
        }
    }
}

macro_rules! templates {
    ($($file:literal),* $(,)?) => {
        [$(($file, include_str!(concat!("../../templates/mail/", $file)))),*]
    };
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // HTML escaping that leaves `/` alone, so that links read as links in the source
        // of the mail too (minijinja's own escapes it as `&#x2f;`).
        env.set_formatter(|out, state, value| {
            if state.auto_escape() == minijinja::AutoEscape::Html && !value.is_safe() {
                let text = value.to_string();
                let mut escaped = String::with_capacity(text.len());
                for c in text.chars() {
                    match c {
                        '&' => escaped.push_str("&amp;"),
                        '<' => escaped.push_str("&lt;"),
                        '>' => escaped.push_str("&gt;"),
                        '"' => escaped.push_str("&quot;"),
                        '\'' => escaped.push_str("&#39;"),
                        c => escaped.push(c),
                    }
                }
                out.write_str(&escaped).map_err(minijinja::Error::from)
            } else {
                minijinja::escape_formatter(out, state, value)
            }
        });
        for (name, source) in templates![
            "base.html",
            "button.html",
            "verify_email.subject",
            "verify_email.txt",
            "verify_email.html",
            "reset_password.subject",
            "reset_password.txt",
            "reset_password.html",
            "invitation.subject",
            "invitation.txt",
            "invitation.html",
            "email_changed.subject",
            "email_changed.txt",
            "email_changed.html",
            "test.subject",
            "test.txt",
            "test.html",
            "notifications.subject",
            "notifications.txt",
            "notifications.html",
            "github_uninstalled.subject",
            "github_uninstalled.txt",
            "github_uninstalled.html",
        ] {
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("the mail template {name} compiles: {e}"));
        }
        env
    })
}

/// Renders `template` for `to`, with the instance's name and URL beside `context`'s
/// values.
pub fn compose(
    svc: &Services,
    template: Template,
    to: &str,
    context: impl Serialize,
) -> Result<Mail> {
    let env = environment();
    let base = minijinja::context! {
        instance => svc.settings.instance_name.clone(),
        public_url => svc.settings.public_url.clone(),
    };
    let ctx = minijinja::context! { ..minijinja::Value::from_serialize(&context), ..base };
    let render = |part: &str| -> Result<String> {
        let name = format!("{}.{part}", template.name());
        env.get_template(&name)
            .and_then(|t| t.render(&ctx))
            .map_err(|e| DomainError::Internal(format!("the mail template {name}: {e}")))
    };
    let subject = render("subject")?.trim().to_string();
    let html = {
        let ctx = minijinja::context! { subject => subject.clone(), ..ctx.clone() };
        let name = format!("{}.html", template.name());
        env.get_template(&name)
            .and_then(|t| t.render(&ctx))
            .map_err(|e| DomainError::Internal(format!("the mail template {name}: {e}")))?
    };
    Ok(Mail {
        id: Uuid::new_v4().to_string(),
        to: to.to_string(),
        subject,
        text: render("txt")?,
        html,
        unsubscribe: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;

    #[tokio::test]
    async fn every_template_renders_both_parts_and_escapes_only_the_html() {
        let db = TestDb::sqlite().await;
        let svc = db.services();
        let ctx = minijinja::context! {
            name => "Ada <script>",
            email => "ada@example.test",
            new_email => "ada@new.test",
            link => "http://127.0.0.1:3000/verify-email?token=abc&x=1",
            inviter => "Bob",
            org_name => "Acme",
            expires => "2026-12-13",
            subject => "Ann assigned you",
            heading => "Ann assigned you ACME-1",
            items => vec![minijinja::context! { text => "Ann <b> assigned you", link => "http://x/y?a=1&b=2", unfollow => "http://x/u" }],
            settings => "http://127.0.0.1:3000/settings/notifications",
            unsubscribe => "http://127.0.0.1:3000/unsubscribe?token=t",
        };
        for t in [
            Template::VerifyEmail,
            Template::ResetPassword,
            Template::Invitation,
            Template::EmailChanged,
            Template::Test,
            Template::Notifications,
        ] {
            let mail = compose(&svc, t, "ada@example.test", &ctx).unwrap();
            assert!(
                !mail.subject.is_empty() && !mail.subject.contains('\n'),
                "{t:?}"
            );
            assert!(mail.text.contains("Sayr"), "{t:?} names the instance");
            assert!(mail.html.contains("<html>"), "{t:?}");
            if matches!(
                t,
                Template::VerifyEmail | Template::ResetPassword | Template::Invitation
            ) {
                assert!(
                    mail.text.contains("verify-email?token=abc&x=1"),
                    "{t:?}: the link as is in text"
                );
                assert!(
                    mail.html.contains("token=abc&amp;x=1"),
                    "{t:?}: the link escaped in HTML"
                );
            }
            if matches!(t, Template::VerifyEmail) {
                assert!(mail.text.contains("Ada <script>"));
                assert!(
                    mail.html.contains("Ada &lt;script&gt;") && !mail.html.contains("<script>")
                );
            }
        }
    }
}
