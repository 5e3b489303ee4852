//! SMTP sending with lettre over rustls: one already built message (its bytes fixed in the
//! outbox) handed to the configured server, and "test connection". A failure is mapped to
//! what the user can do (wrong password, untrusted certificate, unreachable, timeout) or
//! to a refusal of the message itself (a 5xx answer: trying again will not help).

use lettre::address::Envelope;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::{Error as SmtpError, SmtpTransport};
use lettre::{Address, Transport};

use super::{Endpoint, MailPassword, MailTransportError, Security};

/// A transport for `endpoint`, logging in with `password`. Nothing is connected yet.
pub fn transport(endpoint: &Endpoint, password: &MailPassword) -> Result<SmtpTransport, MailTransportError> {
    endpoint.check()?;
    let tls = match endpoint.security {
        Security::Plain => Tls::None,
        Security::Tls => Tls::Wrapper(parameters(endpoint)?),
        Security::StartTls => Tls::Required(parameters(endpoint)?),
    };
    Ok(SmtpTransport::builder_dangerous(endpoint.host.clone())
        .port(endpoint.port)
        .tls(tls)
        .credentials(Credentials::new(endpoint.user.clone(), password.expose_secret().to_owned()))
        .timeout(Some(endpoint.timeout()))
        .build())
}

fn parameters(endpoint: &Endpoint) -> Result<TlsParameters, MailTransportError> {
    let mut builder = TlsParameters::builder(endpoint.host.clone());
    if let Some(path) = &endpoint.extra_ca {
        let pem = std::fs::read(path).map_err(|e| {
            MailTransportError::Invalid(format!("cannot read the CA certificate file {}: {e}", path.display()))
        })?;
        let cert = Certificate::from_pem(&pem).map_err(|e| {
            MailTransportError::Invalid(format!("the CA certificate file {} is unusable: {e}", path.display()))
        })?;
        builder = builder.add_root_certificate(cert);
    }
    builder.build_rustls().map_err(|e| MailTransportError::Invalid(format!("TLS setup for {}: {e}", endpoint.host)))
}

/// Test connection: connect, secure, log in, then quit.
pub fn test_connection(endpoint: &Endpoint, password: &MailPassword) -> Result<(), MailTransportError> {
    let transport = transport(endpoint, password)?;
    match transport.test_connection() {
        Ok(true) => Ok(()),
        Ok(false) => Err(MailTransportError::Protocol {
            host: endpoint.host.clone(),
            detail: "the server did not answer a NOOP".into(),
        }),
        Err(e) => Err(smtp_error(endpoint, &e)),
    }
}

/// Sends `raw` (a complete RFC 5322 message) from `from` to `to`.
pub fn send_raw(
    endpoint: &Endpoint,
    password: &MailPassword,
    from: &str,
    to: &[String],
    raw: &[u8],
) -> Result<(), MailTransportError> {
    let envelope = envelope(from, to)?;
    let transport = transport(endpoint, password)?;
    transport.send_raw(&envelope, raw).map(|_| ()).map_err(|e| smtp_error(endpoint, &e))
}

/// The SMTP envelope: sender and recipients as bare addresses (a display name such as
/// `Jobs <jobs@example.org>` is accepted and left out).
pub fn envelope(from: &str, to: &[String]) -> Result<Envelope, MailTransportError> {
    let parse = |a: &str| -> Result<Address, MailTransportError> {
        a.trim()
            .parse::<Mailbox>()
            .map(|m| m.email)
            .map_err(|e| MailTransportError::Invalid(format!("\"{a}\" is not an email address ({e})")))
    };
    let from = parse(from)?;
    let to = to.iter().map(|a| parse(a)).collect::<Result<Vec<_>, _>>()?;
    Envelope::new(Some(from), to).map_err(|e| MailTransportError::Invalid(format!("no recipient ({e})")))
}

/// What an SMTP failure means to the user.
pub fn smtp_error(endpoint: &Endpoint, e: &SmtpError) -> MailTransportError {
    let host = endpoint.host.clone();
    let detail = chain(e);
    if let Some(code) = e.status() {
        let code_text = code.to_string();
        // 530 authentication required, 534/535 credentials refused, 454 temporary auth failure.
        if matches!(code_text.as_str(), "530" | "534" | "535" | "454") {
            return MailTransportError::AuthFailed { host, detail };
        }
        if e.is_permanent() {
            return MailTransportError::Rejected { host, detail };
        }
        return MailTransportError::Protocol { host, detail };
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return super::tls::tls_error(endpoint, tls);
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if let Some(tls) = io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                return super::tls::tls_error(endpoint, tls);
            }
            if !matches!(io.kind(), std::io::ErrorKind::Other) {
                return super::tls::io_error(endpoint, std::io::Error::new(io.kind(), detail));
            }
        }
        source = err.source();
    }
    if e.is_timeout() {
        return MailTransportError::Timeout { host, port: endpoint.port, seconds: endpoint.timeout_secs };
    }
    if e.is_tls() {
        return MailTransportError::CertificateRefused { host, detail };
    }
    MailTransportError::Protocol { host, detail }
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}
