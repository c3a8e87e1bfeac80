//! The hub's address and the connection to it. The address is what PostgreSQL's own tools take
//! (a libpq URL `postgresql://user@host:port/db?sslmode=require` or a key=value string); the
//! password comes from the address, else `PGPASSWORD`, else the password file (`PGPASSFILE` or
//! `~/.pgpass`, read as libpq reads it). The address is only ever shown through
//! [`HubTarget::shown`], rebuilt from the parsed parts without the password, so no secret reaches
//! a message, a log or a support bundle.
//!
//! TLS follows libpq's `sslmode`: `disable`; `prefer` (the default) and `require` encrypt without
//! checking the server's certificate; `verify-ca` checks the certificate chain against
//! `sslrootcert` (a PEM file; else `~/.postgresql/root.crt` when present, else the system's
//! roots) but not the host name; `verify-full` checks the chain and that the certificate names
//! the host. The PostgreSQL client only knows the first three, so the two verifying modes and
//! `sslrootcert` are read out of the address here first.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use postgres::config::{Host, SslMode};
use postgres::{Client, Config, NoTls};

use super::{pg_detail, HubError};

/// How long a connection attempt waits before it reports the hub unreachable, when the address
/// sets no `connect_timeout`.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The name the cockpit gives its connections (`application_name`, seen in `pg_stat_activity`).
pub const APPLICATION_NAME: &str = "energitech-cockpit";

/// How far the server's certificate is checked (libpq's `sslmode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verify {
    /// As the client's own mode says: no TLS (`disable`), or TLS without checks (`prefer`,
    /// `require`).
    No,
    /// `verify-ca`: the chain, not the host name.
    Ca,
    /// `verify-full`: the chain and the host name.
    Full,
}

/// A parsed hub address, ready to connect.
#[derive(Clone)]
pub struct HubTarget {
    config: Config,
    shown: String,
    verify: Verify,
    root_cert: Option<PathBuf>,
}

impl std::fmt::Debug for HubTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HubTarget({})", self.shown)
    }
}

impl HubTarget {
    /// Reads an address; the password is looked up now (address, `PGPASSWORD`, password file).
    pub fn parse(address: &str) -> Result<HubTarget, HubError> {
        let address = address.trim();
        let (cleaned, verify, root_cert) =
            take_tls_options(address).map_err(|detail| HubError::BadUrl {
                shown: without_password(address),
                detail,
            })?;
        let mut config = Config::from_str(&cleaned).map_err(|e| HubError::BadUrl {
            shown: without_password(address),
            detail: e.to_string(),
        })?;
        if config.get_hosts().is_empty() {
            return Err(HubError::BadUrl {
                shown: without_password(address),
                detail: "it names no host".into(),
            });
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name(APPLICATION_NAME);
        }
        if config.get_user().is_none() {
            config.user(&crate::workflow::events::os_user());
        }
        if config.get_password().is_none() {
            if let Some(p) = std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty()) {
                config.password(p);
            } else if let Some(p) = password_file_entry(&config) {
                config.password(p);
            }
        }
        let shown = shown(&config, verify, root_cert.as_deref());
        Ok(HubTarget {
            config,
            shown,
            verify,
            root_cert,
        })
    }

    /// The address as it may be shown and saved: user, host, port, database and TLS mode, never
    /// the password.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// The database user the cockpit connects as.
    pub fn user(&self) -> &str {
        self.config.get_user().unwrap_or("")
    }

    /// Opens a connection (TLS as `sslmode` asks: `disable`, `prefer` — the default —,
    /// `require`, `verify-ca` or `verify-full`).
    pub fn connect(&self) -> Result<Client, HubError> {
        let tls_error = |detail: String| HubError::Tls {
            shown: self.shown.clone(),
            detail,
        };
        let result = match (self.config.get_ssl_mode(), self.verify) {
            (SslMode::Disable, _) => self.config.connect(NoTls),
            (_, Verify::No) => {
                let tls = native_tls::TlsConnector::builder()
                    // libpq's `prefer` and `require` encrypt without checking the certificate.
                    .danger_accept_invalid_certs(true)
                    .danger_accept_invalid_hostnames(true)
                    .build()
                    .map_err(|e| tls_error(e.to_string()))?;
                self.config
                    .connect(postgres_native_tls::MakeTlsConnector::new(tls))
            }
            (_, verify) => {
                let mut builder = native_tls::TlsConnector::builder();
                builder.danger_accept_invalid_hostnames(verify == Verify::Ca);
                let root = self.root_cert.clone().or_else(default_root_cert);
                if let Some(path) = &root {
                    let pem = std::fs::read(path).map_err(|e| {
                        tls_error(format!(
                            "cannot read the root certificate {} (sslrootcert): {e}",
                            crate::journal::redact(&path.display().to_string())
                        ))
                    })?;
                    let certs = native_tls::Certificate::stack_from_pem(&pem)
                        .ok()
                        .filter(|c| !c.is_empty())
                        .ok_or_else(|| {
                            tls_error(format!(
                                "the root certificate file {} (sslrootcert) holds no PEM certificate",
                                crate::journal::redact(&path.display().to_string())
                            ))
                        })?;
                    // Like libpq: the given roots only, not the system's.
                    builder.disable_built_in_roots(true);
                    for cert in certs {
                        builder.add_root_certificate(cert);
                    }
                }
                let tls = builder.build().map_err(|e| tls_error(e.to_string()))?;
                return self
                    .config
                    .connect(postgres_native_tls::MakeTlsConnector::new(tls))
                    .map_err(|e| self.verify_error(&e, root.as_deref()));
            }
        };
        result.map_err(|e| HubError::Connect {
            shown: self.shown.clone(),
            detail: pg_detail(&e),
        })
    }

    /// A failed connection in a verifying mode: a refused certificate said in words.
    fn verify_error(&self, e: &postgres::Error, root: Option<&Path>) -> HubError {
        let detail = pg_detail(e);
        let lower = detail.to_lowercase();
        if !(lower.contains("certificate") || lower.contains("ssl") || lower.contains("tls")) {
            return HubError::Connect {
                shown: self.shown.clone(),
                detail,
            };
        }
        let roots = match root {
            Some(p) => crate::journal::redact(&p.display().to_string()),
            None => "the system's root certificates".to_string(),
        };
        let what = match self.verify {
            Verify::Full => format!(
                "the server's certificate was refused: sslmode=verify-full checks that it is signed by {roots} and names the host {}",
                self.host_name()
            ),
            _ => format!(
                "the server's certificate was refused: sslmode=verify-ca checks that it is signed by {roots}"
            ),
        };
        HubError::Tls {
            shown: self.shown.clone(),
            detail: format!("{what} ({detail})"),
        }
    }

    fn host_name(&self) -> String {
        match self.config.get_hosts().first() {
            Some(Host::Tcp(name)) => name.clone(),
            #[cfg(unix)]
            Some(Host::Unix(path)) => path.display().to_string(),
            None => String::new(),
        }
    }
}

/// libpq's default root certificate file, when it exists.
fn default_root_cert() -> Option<PathBuf> {
    dirs::home_dir()
        .map(|h| h.join(".postgresql").join("root.crt"))
        .filter(|p| p.is_file())
}

/// The address without libpq's TLS options the PostgreSQL client does not know: `sslmode=
/// verify-ca|verify-full` (replaced by `require`, the client's part: encryption) and
/// `sslrootcert=FILE`; with what they asked.
fn take_tls_options(address: &str) -> Result<(String, Verify, Option<PathBuf>), String> {
    let mut verify = Verify::No;
    let mut root = None;
    let mut take = |key: &str, value: &str| -> Result<Option<String>, String> {
        match (key, value) {
            ("sslmode", "verify-ca") => {
                verify = Verify::Ca;
                Ok(Some("sslmode=require".into()))
            }
            ("sslmode", "verify-full") => {
                verify = Verify::Full;
                Ok(Some("sslmode=require".into()))
            }
            ("sslrootcert", "") => Err("sslrootcert names no file".into()),
            ("sslrootcert", "system") => Ok(None),
            ("sslrootcert", file) => {
                root = Some(PathBuf::from(file));
                Ok(None)
            }
            _ => Ok(Some(format!("{key}={value}"))),
        }
    };
    let is_url = address.starts_with("postgresql://") || address.starts_with("postgres://");
    let cleaned = if is_url {
        match address.split_once('?') {
            None => address.to_string(),
            Some((base, query)) => {
                let mut kept = Vec::new();
                for pair in query.split('&').filter(|p| !p.is_empty()) {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    if let Some(p) = take(k, &percent_decode(v))? {
                        kept.push(if k == "sslmode" || k == "sslrootcert" {
                            p
                        } else {
                            pair.to_string()
                        });
                    }
                }
                if kept.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}?{}", kept.join("&"))
                }
            }
        }
    } else {
        let mut kept = Vec::new();
        for pair in address.split_whitespace() {
            match pair.split_once('=') {
                Some((k, v)) if k == "sslmode" || k == "sslrootcert" => {
                    if let Some(p) = take(k, v.trim_matches('\''))? {
                        kept.push(p);
                    }
                }
                _ => kept.push(pair.to_string()),
            }
        }
        kept.join(" ")
    };
    if root.is_some() && verify == Verify::No {
        // libpq reads sslrootcert only to verify; say it rather than ignore a wish to check.
        return Err(
            "sslrootcert is given but sslmode does not check the certificate: add sslmode=verify-full (or verify-ca)"
                .into(),
        );
    }
    Ok((cleaned, verify, root))
}

/// `%XX` sequences decoded (a URL's query value); anything else kept.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The address rebuilt from its parsed parts, without the password.
fn shown(config: &Config, verify: Verify, root: Option<&Path>) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let host = match h {
                Host::Tcp(name) => name.clone(),
                #[cfg(unix)]
                Host::Unix(path) => path.display().to_string(),
            };
            match config.get_ports().get(i).or(config.get_ports().first()) {
                Some(p) => format!("{host}:{p}"),
                None => host,
            }
        })
        .collect();
    let mode = match (config.get_ssl_mode(), verify) {
        (_, Verify::Ca) => "verify-ca",
        (_, Verify::Full) => "verify-full",
        (SslMode::Disable, _) => "disable",
        (SslMode::Require, _) => "require",
        _ => "prefer",
    };
    let mut extra = String::new();
    let addrs: Vec<String> = config
        .get_hostaddrs()
        .iter()
        .map(|a| a.to_string())
        .collect();
    if !addrs.is_empty() {
        extra.push_str(&format!("&hostaddr={}", addrs.join(",")));
    }
    if let Some(p) = root {
        extra.push_str(&format!("&sslrootcert={}", p.display()));
    }
    format!(
        "postgresql://{}@{}/{}?sslmode={mode}{extra}",
        config.get_user().unwrap_or(""),
        hosts.join(","),
        config
            .get_dbname()
            .or(config.get_user())
            .unwrap_or("postgres"),
    )
}

/// An address that did not parse, shown with anything that looks like a password removed.
fn without_password(address: &str) -> String {
    if let Some(rest) = address
        .strip_prefix("postgresql://")
        .or_else(|| address.strip_prefix("postgres://"))
    {
        let scheme = &address[..address.len() - rest.len()];
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        let authority = match authority.rsplit_once('@') {
            Some((userinfo, host)) => {
                let user = userinfo.split(':').next().unwrap_or("");
                format!("{user}@{host}")
            }
            None => authority.to_string(),
        };
        let tail: String = tail
            .split('&')
            .map(|p| {
                if p.trim_start_matches('?').starts_with("password=") {
                    if p.starts_with('?') {
                        "?password=***"
                    } else {
                        "password=***"
                    }
                    .to_string()
                } else {
                    p.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("&");
        format!("{scheme}{authority}{tail}")
    } else {
        address
            .split_whitespace()
            .map(|kv| {
                if kv.starts_with("password=") {
                    "password=***"
                } else {
                    kv
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The password file libpq would read: `PGPASSFILE`, else `~/.pgpass`.
fn password_file() -> Option<PathBuf> {
    std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".pgpass")))
}

/// The password of the first matching line of the password file (`host:port:database:user:
/// password`, `*` matching anything, `\` escaping `:` and `\`), as libpq reads it; a file other
/// users can read is ignored, as libpq ignores it.
fn password_file_entry(config: &Config) -> Option<String> {
    let path = password_file()?;
    if !private_enough(&path) {
        tracing::warn!(file = %path.display(), "password file ignored: other users can read it (chmod 0600)");
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    let host = match config.get_hosts().first()? {
        Host::Tcp(name) => name.clone(),
        #[cfg(unix)]
        Host::Unix(_) => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user().unwrap_or("").to_string();
    let db = config.get_dbname().unwrap_or(&user).to_string();
    let wanted = [host.as_str(), port.as_str(), db.as_str(), user.as_str()];
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .find_map(|line| {
            let fields = split_pgpass(line);
            if fields.len() < 5 {
                return None;
            }
            let matches = fields[..4]
                .iter()
                .zip(wanted)
                .all(|(f, w)| f == "*" || f == w);
            matches.then(|| fields[4].clone())
        })
}

/// A password-file line's fields, with `\:` and `\\` unescaped.
fn split_pgpass(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    if let Some(f) = fields.last_mut() {
                        f.push(next);
                    }
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            _ => {
                if let Some(f) = fields.last_mut() {
                    f.push(c);
                }
            }
        }
    }
    fields
}

#[cfg(unix)]
fn private_enough(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o077 == 0)
        .unwrap_or(false)
}

#[cfg(not(unix))]
fn private_enough(path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shown_address_never_carries_the_password() {
        let t =
            HubTarget::parse("postgresql://ws1:s3cret@hub.example.org:5433/fleet?sslmode=require")
                .expect("parses");
        assert_eq!(
            t.shown(),
            "postgresql://ws1@hub.example.org:5433/fleet?sslmode=require"
        );
        assert!(!format!("{t:?}").contains("s3cret"));
        let kv = HubTarget::parse("host=127.0.0.1 port=5999 user=lead password=s3cret dbname=hub")
            .expect("parses");
        assert_eq!(
            kv.shown(),
            "postgresql://lead@127.0.0.1:5999/hub?sslmode=prefer"
        );
    }

    #[test]
    fn a_bad_address_is_refused_without_echoing_its_password() {
        let e =
            HubTarget::parse("postgresql://ws1:s3cret@hub:notaport/fleet").expect_err("bad port");
        let text = e.to_string();
        assert!(
            text.contains("not a PostgreSQL connection string"),
            "{text}"
        );
        assert!(!text.contains("s3cret"), "{text}");
        let e = HubTarget::parse("user=x password=s3cret bogus_key=1").expect_err("bad key");
        assert!(!e.to_string().contains("s3cret"), "{e}");
    }

    #[test]
    fn the_verifying_tls_modes_are_read_as_libpq_names_them_and_kept_in_the_shown_address() {
        let t = HubTarget::parse(
            "postgresql://ws1:pw@hub.test:5433/fleet?hostaddr=127.0.0.1&sslmode=verify-full&sslrootcert=%2Fetc%2Fhub%2Fca.pem",
        )
        .expect("parses");
        assert_eq!(t.verify, Verify::Full);
        assert_eq!(t.root_cert.as_deref(), Some(Path::new("/etc/hub/ca.pem")));
        assert_eq!(
            t.shown(),
            "postgresql://ws1@hub.test:5433/fleet?sslmode=verify-full&hostaddr=127.0.0.1&sslrootcert=/etc/hub/ca.pem"
        );
        // The shown address reads back to the same target (it is what the Sync setting saves).
        let again = HubTarget::parse(t.shown()).expect("the shown address parses");
        assert_eq!(again.shown(), t.shown());
        let kv = HubTarget::parse("host=hub.test user=lead dbname=hub sslmode=verify-ca")
            .expect("parses");
        assert_eq!(kv.verify, Verify::Ca);
        assert_eq!(
            kv.shown(),
            "postgresql://lead@hub.test/hub?sslmode=verify-ca"
        );
        let plain = HubTarget::parse("postgresql://a@h/db?sslmode=require").expect("parses");
        assert_eq!(plain.verify, Verify::No);
        let e = HubTarget::parse("postgresql://a@h/db?sslmode=require&sslrootcert=/x.pem")
            .expect_err("a root without a verifying mode");
        assert!(e.to_string().contains("add sslmode=verify-full"), "{e}");
    }

    #[test]
    fn the_password_file_is_read_as_libpq_reads_it() {
        assert_eq!(
            split_pgpass(r"hub\:1:5432:*:ws1:pa\:ss\\word"),
            vec!["hub:1", "5432", "*", "ws1", r"pa:ss\word"]
        );
        assert_eq!(split_pgpass("a:b:c:d:e:f"), vec!["a", "b", "c", "d", "e:f"]);
    }
}
