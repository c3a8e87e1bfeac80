//! Who may do what on the hub (`cockpit hub grant`, `revoke`, `status`), run by the hub's owner.
//! Each machine connects as its own PostgreSQL login role; `grant` creates it when missing (its
//! password hashed here, with SCRAM-SHA-256, so the clear password never travels to the server,
//! its logs or `pg_stat_activity`), makes it a member of one group role (`cockpit_hub_site`,
//! `cockpit_hub_office` or `cockpit_hub_field`, see [`super::schema::GROUP_ROLES`]) and records
//! its sites in `hub.access`. The server enforces the rest with row-level security (hub
//! migration 2): a site workstation writes runs only for its sites, a field laptop reads only
//! its sites and writes actions on them, an office workstation reads everything and writes
//! actions.

use postgres::error::SqlState;
use postgres::{Client, Transaction};
use serde::Serialize;

use super::schema::{self, GROUP_ROLES};
use super::{pg_detail, HubError, HubTarget};

/// What a machine is on the hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessKind {
    /// A site workstation: scores its sites (runs, predictions, turbines, logbook, model sets,
    /// the site's claim), reads every site, writes actions.
    Site,
    /// A manager's workstation: reads every site, writes actions, scores nothing.
    Office,
    /// A field lead's laptop: reads only its sites, writes actions on them, scores nothing.
    Field,
}

impl AccessKind {
    /// Reads `site`, `office` or `field`.
    pub fn parse(text: &str) -> Result<AccessKind, HubError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "site" => Ok(AccessKind::Site),
            "office" => Ok(AccessKind::Office),
            "field" => Ok(AccessKind::Field),
            other => Err(HubError::BadAccess {
                detail: format!(
                    "unknown kind '{other}': use site (a site's workstation, scores its sites), office (reads every site, writes actions) or field (a laptop: reads its sites, writes actions on them)"
                ),
            }),
        }
    }

    /// The name stored in `hub.access.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessKind::Site => "site",
            AccessKind::Office => "office",
            AccessKind::Field => "field",
        }
    }

    /// The group role this kind is a member of.
    pub fn group_role(self) -> &'static str {
        match self {
            AccessKind::Site => GROUP_ROLES[0],
            AccessKind::Office => GROUP_ROLES[1],
            AccessKind::Field => GROUP_ROLES[2],
        }
    }
}

/// What `cockpit hub grant` did.
#[derive(Debug, Clone, Serialize)]
pub struct GrantReport {
    /// The hub's address as shown.
    pub server: String,
    /// The database user.
    pub user: String,
    /// Its kind.
    pub kind: AccessKind,
    /// Its sites (empty for an office user: every site).
    pub sites: Vec<String>,
    /// Whether the login role was created now (else it existed).
    pub created: bool,
    /// Whether a password was set.
    pub password_set: bool,
}

/// One database user's access, as `hub status` lists it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UserAccess {
    /// The database user.
    pub user: String,
    /// Its kind.
    pub kind: String,
    /// Its sites (`*` for an office user).
    pub sites: Vec<String>,
}

/// One cockpit known to the hub.
#[derive(Debug, Clone, Serialize)]
pub struct CockpitRow {
    /// Its id.
    pub id: String,
    /// Its name (the machine's).
    pub name: String,
    /// The database user it connects as.
    pub db_user: String,
    /// Its last sync (hub time, RFC 3339), if any.
    pub last_sync: Option<String>,
}

/// One site and the cockpit that scores it.
#[derive(Debug, Clone, Serialize)]
pub struct SiteRow {
    /// The site.
    pub site: String,
    /// The scoring cockpit's name.
    pub scored_by: String,
    /// Since when (hub time, RFC 3339).
    pub since: String,
}

/// What `cockpit hub status` shows.
#[derive(Debug, Clone, Serialize)]
pub struct HubStatus {
    /// The hub's address as shown.
    pub server: String,
    /// The hub's schema version.
    pub version: i64,
    /// The cockpits.
    pub cockpits: Vec<CockpitRow>,
    /// The sites and their scoring cockpit.
    pub sites: Vec<SiteRow>,
    /// The users and their access (only the connected user's own, when not the owner).
    pub users: Vec<UserAccess>,
    /// The connected user's own access (`None`: not granted — the owner, who is not limited).
    pub me: Option<UserAccess>,
}

/// The connected user's own access, as the sync needs it to push only what its kind may write
/// (a site user: its sites' runs; office and field users: actions only). `None` for a user with
/// no `hub.access` row — the hub's owner, whom the policies do not limit.
pub fn own_access(
    client: &mut impl postgres::GenericClient,
) -> Result<Option<(AccessKind, Vec<String>)>, postgres::Error> {
    let rows = client.query(
        "SELECT kind, site FROM hub.access WHERE db_user = current_user ORDER BY site",
        &[],
    )?;
    let mut kind = None;
    let mut sites = Vec::new();
    for r in &rows {
        let k: String = r.try_get(0)?;
        kind = AccessKind::parse(&k).ok().or(kind);
        let site: String = r.try_get(1)?;
        if site != "*" {
            sites.push(site);
        }
    }
    Ok(kind.map(|k| (k, sites)))
}

/// The site list of a grant, checked: a site or field user needs at least one, an office user
/// none (it reads every site).
pub fn check_sites(kind: AccessKind, sites: &[String]) -> Result<Vec<String>, HubError> {
    let mut list: Vec<String> = sites
        .iter()
        .flat_map(|s| s.split(','))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    list.sort();
    list.dedup();
    match kind {
        AccessKind::Office if !list.is_empty() => Err(HubError::BadAccess {
            detail: format!(
                "an office user reads every site: drop --sites {} (or use --kind field for a laptop limited to those sites)",
                list.join(",")
            ),
        }),
        AccessKind::Office => Ok(vec!["*".to_string()]),
        _ if list.is_empty() => Err(HubError::BadAccess {
            detail: format!(
                "a {} user needs its sites: give --sites A,B",
                kind.as_str()
            ),
        }),
        _ => match list.iter().find(|s| s.as_str() == "*") {
            Some(_) => Err(HubError::BadAccess {
                detail: "'*' is not a site name (an office user is the one that reads every site)"
                    .into(),
            }),
            None => Ok(list),
        },
    }
}

/// A database user name as the grant takes it: 1 to 63 bytes, no NUL.
fn check_user(user: &str) -> Result<&str, HubError> {
    let user = user.trim();
    if user.is_empty() || user.len() > 63 || user.contains('\0') {
        return Err(HubError::BadAccess {
            detail: format!("'{user}' is not a PostgreSQL user name (1 to 63 characters)"),
        });
    }
    if GROUP_ROLES.contains(&user) {
        return Err(HubError::BadAccess {
            detail: format!("'{user}' is one of the hub's group roles, not a machine's user"),
        });
    }
    Ok(user)
}

/// An identifier quoted for SQL (`"name"`, inner quotes doubled).
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A string literal for SQL (`'text'`, inner quotes doubled; standard strings).
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The error of a statement refused for lack of privilege: run it as the hub's owner.
fn owner_or_server(target: &HubTarget, doing: &str, e: postgres::Error) -> HubError {
    let denied = e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE);
    if denied {
        HubError::NotOwner {
            shown: target.shown().to_string(),
            user: target.user().to_string(),
            doing: doing.to_string(),
            detail: pg_detail(&e),
        }
    } else {
        HubError::Server {
            shown: target.shown().to_string(),
            doing: doing.to_string(),
            detail: pg_detail(&e),
        }
    }
}

fn connect_checked(target: &HubTarget) -> Result<(Client, i64), HubError> {
    let mut client = target.connect()?;
    let version = schema::check(&mut client, target)?;
    Ok((client, version))
}

/// Gives `user` the access of `kind` on `sites` (run as the hub's owner, who needs CREATEROLE
/// to create a missing login role): creates the login role when missing (with `password` when
/// given, hashed here), makes it a member of the kind's group role only, and replaces its
/// `hub.access` rows — all in one transaction.
pub fn grant(
    target: &HubTarget,
    user: &str,
    kind: AccessKind,
    sites: &[String],
    password: Option<&str>,
) -> Result<GrantReport, HubError> {
    let user = check_user(user)?.to_string();
    let sites = check_sites(kind, sites)?;
    if password.is_some_and(|p| p.is_empty()) {
        return Err(HubError::BadAccess {
            detail: "the password read from standard input is empty".into(),
        });
    }
    let (mut client, _) = connect_checked(target)?;
    let mut tx = client
        .transaction()
        .map_err(|e| owner_or_server(target, "starting the grant", e))?;
    let exists: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
            &[&user],
        )
        .and_then(|r| r.try_get(0))
        .map_err(|e| owner_or_server(target, "looking up the user", e))?;
    let secret =
        password.map(|p| literal(&postgres_protocol::password::scram_sha_256(p.as_bytes())));
    let role_sql = match (&secret, exists) {
        (Some(s), false) => Some(format!("CREATE ROLE {} LOGIN PASSWORD {s}", ident(&user))),
        (None, false) => Some(format!("CREATE ROLE {} LOGIN", ident(&user))),
        (Some(s), true) => Some(format!("ALTER ROLE {} PASSWORD {s}", ident(&user))),
        (None, true) => None,
    };
    if let Some(sql) = role_sql {
        tx.batch_execute(&sql)
            .map_err(|e| owner_or_server(target, "creating the user's login role", e))?;
    }
    set_membership(&mut tx, target, &user, Some(kind))?;
    tx.execute("DELETE FROM hub.access WHERE db_user = $1", &[&user])
        .map_err(|e| owner_or_server(target, "replacing the user's access", e))?;
    for site in &sites {
        tx.execute(
            "INSERT INTO hub.access (db_user, site, kind) VALUES ($1, $2, $3)",
            &[&user, site, &kind.as_str()],
        )
        .map_err(|e| owner_or_server(target, "recording the user's access", e))?;
    }
    tx.commit()
        .map_err(|e| owner_or_server(target, "committing the grant", e))?;
    Ok(GrantReport {
        server: target.shown().to_string(),
        user,
        kind,
        sites: if kind == AccessKind::Office {
            Vec::new()
        } else {
            sites
        },
        created: !exists,
        password_set: password.is_some(),
    })
}

/// Makes `user` a member of `kind`'s group role and of no other hub group (`None`: of none).
fn set_membership(
    tx: &mut Transaction<'_>,
    target: &HubTarget,
    user: &str,
    kind: Option<AccessKind>,
) -> Result<(), HubError> {
    for group in GROUP_ROLES {
        let member: bool = tx
            .query_one("SELECT pg_has_role($1, $2, 'MEMBER')", &[&user, &group])
            .and_then(|r| r.try_get(0))
            .map_err(|e| owner_or_server(target, "reading the user's groups", e))?;
        let wanted = kind.map(AccessKind::group_role) == Some(group);
        let sql = match (member, wanted) {
            (false, true) => format!("GRANT {group} TO {}", ident(user)),
            (true, false) => format!("REVOKE {group} FROM {}", ident(user)),
            _ => continue,
        };
        tx.batch_execute(&sql)
            .map_err(|e| owner_or_server(target, "setting the user's group role", e))?;
    }
    Ok(())
}

/// Takes every hub access away from `user` (its `hub.access` rows and its group role); its
/// login role stays (it may be used elsewhere: drop it with PostgreSQL's own `DROP ROLE`). What
/// it already wrote stays on the hub. Returns whether it had any access.
pub fn revoke(target: &HubTarget, user: &str) -> Result<bool, HubError> {
    let user = check_user(user)?.to_string();
    let (mut client, _) = connect_checked(target)?;
    let mut tx = client
        .transaction()
        .map_err(|e| owner_or_server(target, "starting the revoke", e))?;
    let removed = tx
        .execute("DELETE FROM hub.access WHERE db_user = $1", &[&user])
        .map_err(|e| owner_or_server(target, "removing the user's access", e))?;
    let exists: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
            &[&user],
        )
        .and_then(|r| r.try_get(0))
        .map_err(|e| owner_or_server(target, "looking up the user", e))?;
    if exists {
        set_membership(&mut tx, target, &user, None)?;
    }
    tx.commit()
        .map_err(|e| owner_or_server(target, "committing the revoke", e))?;
    Ok(removed > 0)
}

/// The hub's version, cockpits, sites and users (a user other than the owner sees only its own
/// access rows).
pub fn status(target: &HubTarget) -> Result<HubStatus, HubError> {
    let (mut client, version) = connect_checked(target)?;
    let err = |doing: &str, e: postgres::Error| owner_or_server(target, doing, e);
    let cockpits = client
        .query(
            "SELECT id::text, name, db_user,
                    to_char(last_sync AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
             FROM hub.cockpits ORDER BY name, id",
            &[],
        )
        .map_err(|e| err("reading the cockpits", e))?
        .iter()
        .map(|r| {
            Ok(CockpitRow {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                db_user: r.try_get(2)?,
                last_sync: r.try_get(3)?,
            })
        })
        .collect::<Result<Vec<_>, postgres::Error>>()
        .map_err(|e| err("reading the cockpits", e))?;
    let sites = client
        .query(
            "SELECT s.site, coalesce(c.name, s.scored_by::text),
                    to_char(s.since AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
             FROM hub.sites s LEFT JOIN hub.cockpits c ON c.id = s.scored_by ORDER BY s.site",
            &[],
        )
        .map_err(|e| err("reading the sites", e))?
        .iter()
        .map(|r| {
            Ok(SiteRow {
                site: r.try_get(0)?,
                scored_by: r.try_get(1)?,
                since: r.try_get(2)?,
            })
        })
        .collect::<Result<Vec<_>, postgres::Error>>()
        .map_err(|e| err("reading the sites", e))?;
    let users = client
        .query(
            "SELECT db_user, min(kind), array_agg(site ORDER BY site)
             FROM hub.access GROUP BY db_user ORDER BY db_user",
            &[],
        )
        .map_err(|e| err("reading the users", e))?
        .iter()
        .map(|r| {
            Ok(UserAccess {
                user: r.try_get(0)?,
                kind: r.try_get(1)?,
                sites: r.try_get(2)?,
            })
        })
        .collect::<Result<Vec<_>, postgres::Error>>()
        .map_err(|e| err("reading the users", e))?;
    let me = own_access(&mut client)
        .map_err(|e| err("reading the user's own access", e))?
        .map(|(kind, sites)| UserAccess {
            user: target.user().to_string(),
            kind: kind.as_str().to_string(),
            sites: if kind == AccessKind::Office {
                vec!["*".to_string()]
            } else {
                sites
            },
        });
    Ok(HubStatus {
        server: target.shown().to_string(),
        version,
        cockpits,
        sites,
        users,
        me,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_site_lists_are_checked_before_any_connection() {
        assert_eq!(AccessKind::parse(" Field ").unwrap(), AccessKind::Field);
        let e = AccessKind::parse("admin").unwrap_err().to_string();
        assert!(e.contains("unknown kind 'admin'"), "{e}");
        let e = check_sites(AccessKind::Office, &["Lyon".into()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("drop --sites Lyon"), "{e}");
        assert_eq!(check_sites(AccessKind::Office, &[]).unwrap(), vec!["*"]);
        let e = check_sites(AccessKind::Site, &[]).unwrap_err().to_string();
        assert!(e.contains("needs its sites"), "{e}");
        assert_eq!(
            check_sites(AccessKind::Field, &["Nantes, Lyon".into(), "Lyon".into()]).unwrap(),
            vec!["Lyon", "Nantes"]
        );
        assert!(check_sites(AccessKind::Field, &["*".into()]).is_err());
        assert!(check_user("cockpit_hub_site").is_err());
        assert!(check_user("").is_err());
    }

    #[test]
    fn names_and_secrets_are_quoted_for_sql() {
        assert_eq!(ident("ws\"1"), "\"ws\"\"1\"");
        assert_eq!(literal("it's"), "'it''s'");
        let hashed = postgres_protocol::password::scram_sha_256(b"s3cret");
        assert!(hashed.starts_with("SCRAM-SHA-256$"), "{hashed}");
        assert!(!hashed.contains("s3cret"));
    }
}
