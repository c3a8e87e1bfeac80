//! The hub's address and the connection to it. The address is what PostgreSQL's own tools take
//! (a libpq URL `postgresql://user@host:port/db?sslmode=require` or a key=value string); the
//! password comes from the address, else `PGPASSWORD`, else the password file (`PGPASSFILE` or
//! `~/.pgpass`, read as libpq reads it). The address is only ever shown through
//! [`HubTarget::shown`], rebuilt from the parsed parts without the password, so no secret reaches
//! a message, a log or a support bundle.

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

/// A parsed hub address, ready to connect.
#[derive(Clone)]
pub struct HubTarget {
    config: Config,
    shown: String,
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
        let mut config = Config::from_str(address).map_err(|e| HubError::BadUrl {
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
        let shown = shown(&config);
        Ok(HubTarget { config, shown })
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

    /// Opens a connection (TLS as `sslmode` asks: `disable`, `prefer` — the default — or
    /// `require`).
    pub fn connect(&self) -> Result<Client, HubError> {
        let result = match self.config.get_ssl_mode() {
            SslMode::Disable => self.config.connect(NoTls),
            _ => {
                let tls = native_tls::TlsConnector::builder()
                    // libpq's `prefer` and `require` encrypt without checking the certificate.
                    .danger_accept_invalid_certs(true)
                    .danger_accept_invalid_hostnames(true)
                    .build()
                    .map_err(|e| HubError::Tls {
                        shown: self.shown.clone(),
                        detail: e.to_string(),
                    })?;
                self.config
                    .connect(postgres_native_tls::MakeTlsConnector::new(tls))
            }
        };
        result.map_err(|e| HubError::Connect {
            shown: self.shown.clone(),
            detail: pg_detail(&e),
        })
    }
}

/// The address rebuilt from its parsed parts, without the password.
fn shown(config: &Config) -> String {
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
    let mode = match config.get_ssl_mode() {
        SslMode::Disable => "disable",
        SslMode::Require => "require",
        _ => "prefer",
    };
    format!(
        "postgresql://{}@{}/{}?sslmode={mode}",
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
    let port = config.get_ports().first().copied().unwrap_or(5432).to_string();
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
        let t = HubTarget::parse("postgresql://ws1:s3cret@hub.example.org:5433/fleet?sslmode=require")
            .expect("parses");
        assert_eq!(
            t.shown(),
            "postgresql://ws1@hub.example.org:5433/fleet?sslmode=require"
        );
        assert!(!format!("{t:?}").contains("s3cret"));
        let kv = HubTarget::parse("host=127.0.0.1 port=5999 user=lead password=s3cret dbname=hub")
            .expect("parses");
        assert_eq!(kv.shown(), "postgresql://lead@127.0.0.1:5999/hub?sslmode=prefer");
    }

    #[test]
    fn a_bad_address_is_refused_without_echoing_its_password() {
        let e = HubTarget::parse("postgresql://ws1:s3cret@hub:notaport/fleet")
            .expect_err("bad port");
        let text = e.to_string();
        assert!(text.contains("not a PostgreSQL connection string"), "{text}");
        assert!(!text.contains("s3cret"), "{text}");
        let e = HubTarget::parse("user=x password=s3cret bogus_key=1").expect_err("bad key");
        assert!(!e.to_string().contains("s3cret"), "{e}");
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
