//! TLS for the mail transport: a rustls client configuration trusting the Mozilla roots
//! compiled into the binary (webpki-roots), plus the certificate authorities of an
//! optional PEM file; and the mapping of connection failures to what the user can do.

use std::io;
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

use super::{Endpoint, MailTransportError};

/// A TLS stream over TCP.
pub type TlsStream = StreamOwned<ClientConnection, TcpStream>;

/// The client configuration: built-in roots, plus those of `extra_ca` when given.
pub fn client_config(extra_ca: Option<&Path>) -> Result<Arc<ClientConfig>, MailTransportError> {
    let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    if let Some(path) = extra_ca {
        let certs =
            CertificateDer::pem_file_iter(path).and_then(|certs| certs.collect::<Result<Vec<_>, _>>()).map_err(
                |e| MailTransportError::Invalid(format!("cannot read the CA certificate file {}: {e}", path.display())),
            )?;
        if certs.is_empty() {
            return Err(MailTransportError::Invalid(format!(
                "the CA certificate file {} holds no PEM certificate",
                path.display()
            )));
        }
        for cert in certs {
            roots.add(cert).map_err(|e| {
                MailTransportError::Invalid(format!("a certificate of {} is unusable: {e}", path.display()))
            })?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| MailTransportError::Invalid(format!("TLS setup: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Opens a TCP connection within the endpoint's timeout, with read and write timeouts set.
pub fn connect_tcp(endpoint: &Endpoint) -> Result<TcpStream, MailTransportError> {
    let timeout = endpoint.timeout();
    let addrs: Vec<_> = (endpoint.host.as_str(), endpoint.port)
        .to_socket_addrs()
        .map_err(|e| unreachable(endpoint, e.to_string()))?
        .collect();
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(tcp) => {
                tcp.set_read_timeout(Some(timeout)).map_err(|e| io_error(endpoint, e))?;
                tcp.set_write_timeout(Some(timeout)).map_err(|e| io_error(endpoint, e))?;
                return Ok(tcp);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(match last {
        Some(e) => io_error(endpoint, e),
        None => unreachable(endpoint, "the name has no address".into()),
    })
}

/// Wraps a connected socket in TLS and completes the handshake, so that a refused
/// certificate shows here and not at the first command.
pub fn handshake(endpoint: &Endpoint, tcp: TcpStream) -> Result<TlsStream, MailTransportError> {
    let config = client_config(endpoint.extra_ca.as_deref())?;
    let name = ServerName::try_from(endpoint.host.clone())
        .map_err(|_| MailTransportError::Invalid(format!("\"{}\" is not a valid server name", endpoint.host)))?;
    let conn = ClientConnection::new(config, name)
        .map_err(|e| MailTransportError::Protocol { host: endpoint.host.clone(), detail: e.to_string() })?;
    let mut stream = StreamOwned::new(conn, tcp);
    while stream.conn.is_handshaking() {
        stream.conn.complete_io(&mut stream.sock).map_err(|e| io_error(endpoint, e))?;
    }
    Ok(stream)
}

fn unreachable(endpoint: &Endpoint, detail: String) -> MailTransportError {
    MailTransportError::Unreachable { host: endpoint.host.clone(), port: endpoint.port, detail }
}

/// What an I/O failure on a mail connection means to the user.
pub fn io_error(endpoint: &Endpoint, e: io::Error) -> MailTransportError {
    if let Some(tls) = e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
        return tls_error(endpoint, tls);
    }
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => MailTransportError::Timeout {
            host: endpoint.host.clone(),
            port: endpoint.port,
            seconds: endpoint.timeout_secs,
        },
        io::ErrorKind::ConnectionRefused
        | io::ErrorKind::HostUnreachable
        | io::ErrorKind::NetworkUnreachable
        | io::ErrorKind::AddrNotAvailable
        | io::ErrorKind::NotFound => unreachable(endpoint, e.to_string()),
        _ => {
            MailTransportError::Protocol { host: endpoint.host.clone(), detail: format!("the connection failed: {e}") }
        }
    }
}

/// A TLS failure: a certificate problem is the user's to fix (trust, server name);
/// anything else is the server's.
pub fn tls_error(endpoint: &Endpoint, e: &rustls::Error) -> MailTransportError {
    match e {
        rustls::Error::InvalidCertificate(_)
        | rustls::Error::NoCertificatesPresented
        | rustls::Error::AlertReceived(rustls::AlertDescription::BadCertificate)
        | rustls::Error::AlertReceived(rustls::AlertDescription::UnknownCA) => {
            MailTransportError::CertificateRefused { host: endpoint.host.clone(), detail: e.to_string() }
        }
        other => MailTransportError::Protocol {
            host: endpoint.host.clone(),
            detail: format!("the TLS handshake failed ({other}); check the security setting (TLS or STARTTLS)"),
        },
    }
}
