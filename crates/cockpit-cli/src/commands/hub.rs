//! `cockpit hub init|grant|revoke|status`: the shared fleet store on PostgreSQL (see
//! docs/shared-store.md). The address is a libpq URL or key=value string; the password comes
//! from it, `PGPASSWORD` or `~/.pgpass`, and is never printed. `grant` reads a new user's
//! password from standard input only (`--password-stdin`), never from the command line.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use cockpit_core::hub::access::{self, AccessKind};
use cockpit_core::hub::{schema, HubTarget};

use super::CliError;
use crate::Cli;

/// Arguments of `cockpit hub`.
#[derive(Debug, Args)]
pub struct HubArgs {
    #[command(subcommand)]
    pub command: HubCommand,
}

/// The hub sub-commands.
#[derive(Debug, Subcommand)]
pub enum HubCommand {
    /// Create the hub's schema in a PostgreSQL database, or bring it to this cockpit's version
    /// (run as the database's owner; running it again changes nothing)
    Init {
        /// The hub database, e.g. postgresql://owner@hub.example.org:5432/cockpit?sslmode=require
        #[arg(long, value_name = "URL", env = "COCKPIT_HUB")]
        server: String,
        /// Print the outcome as JSON
        #[arg(long)]
        json: bool,
    },
    /// Give a machine's database user its access (run as the hub's owner): creates the login
    /// role when missing, makes it a site, office or field user, and replaces its sites
    Grant {
        /// The hub database, as its owner
        #[arg(long, value_name = "URL", env = "COCKPIT_HUB")]
        server: String,
        /// The machine's PostgreSQL user (created when missing)
        #[arg(long, value_name = "NAME")]
        user: String,
        /// site (a site's workstation: scores its sites, reads all, writes actions), office
        /// (reads all, writes actions) or field (a laptop: reads its sites, writes actions on them)
        #[arg(long, value_name = "KIND")]
        kind: String,
        /// The sites of a site or field user, comma-separated (none for an office user)
        #[arg(long, value_name = "A,B")]
        sites: Vec<String>,
        /// Read the user's password from standard input (one line), to create the role with it
        /// or change it
        #[arg(long)]
        password_stdin: bool,
        /// Print the outcome as JSON
        #[arg(long)]
        json: bool,
    },
    /// Take a user's hub access away (its login role stays; what it wrote stays on the hub)
    Revoke {
        /// The hub database, as its owner
        #[arg(long, value_name = "URL", env = "COCKPIT_HUB")]
        server: String,
        /// The machine's PostgreSQL user
        #[arg(long, value_name = "NAME")]
        user: String,
    },
    /// The hub's version, cockpits, sites with their scoring cockpit, users and their access
    Status {
        /// The hub database
        #[arg(long, value_name = "URL", env = "COCKPIT_HUB")]
        server: String,
        /// Print it as JSON
        #[arg(long)]
        json: bool,
    },
}

/// One line of standard input, without its line end.
fn password_from_stdin() -> Result<String, CliError> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|e| {
        CliError::Usage(format!("cannot read the password from standard input: {e}"))
    })?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

/// Runs `cockpit hub …`.
pub fn run(_cli: &Cli, args: &HubArgs) -> Result<ExitCode, CliError> {
    match &args.command {
        HubCommand::Init { server, json } => {
            let target = HubTarget::parse(server)?;
            let report = schema::init(&target)?;
            if *json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
            } else if report.from == report.to {
                println!(
                    "The hub {} is up to date (schema version {}).",
                    report.server, report.to
                );
            } else {
                println!(
                    "The hub {} is ready: schema version {} (was {}).",
                    report.server, report.to, report.from
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        HubCommand::Grant {
            server,
            user,
            kind,
            sites,
            password_stdin,
            json,
        } => {
            let kind = AccessKind::parse(kind)?;
            // The list is checked before reading a password or connecting.
            access::check_sites(kind, sites)?;
            let target = HubTarget::parse(server)?;
            let password = if *password_stdin {
                Some(password_from_stdin()?)
            } else {
                None
            };
            let report = access::grant(&target, user, kind, sites, password.as_deref())?;
            if *json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
            } else {
                let scope = if report.sites.is_empty() {
                    "every site".to_string()
                } else {
                    report.sites.join(", ")
                };
                println!(
                    "{} {} is a {} user of the hub {} ({scope}){}.",
                    if report.created {
                        "Created:"
                    } else {
                        "Updated:"
                    },
                    report.user,
                    report.kind.as_str(),
                    report.server,
                    if report.password_set {
                        ", password set"
                    } else {
                        ""
                    }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        HubCommand::Revoke { server, user } => {
            let target = HubTarget::parse(server)?;
            if access::revoke(&target, user)? {
                println!(
                    "{user} has no access to the hub {} any more.",
                    target.shown()
                );
            } else {
                println!("{user} had no access to the hub {}.", target.shown());
            }
            Ok(ExitCode::SUCCESS)
        }
        HubCommand::Status { server, json } => {
            let target = HubTarget::parse(server)?;
            let st = access::status(&target)?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&st).unwrap_or_default());
                return Ok(ExitCode::SUCCESS);
            }
            println!("Hub {} — schema version {}", st.server, st.version);
            match &st.me {
                Some(me) => println!(
                    "You ({}) are a {} user: {}",
                    me.user,
                    me.kind,
                    if me.sites == ["*"] {
                        "every site".to_string()
                    } else {
                        me.sites.join(", ")
                    }
                ),
                None => println!(
                    "You ({}) are not limited by a grant (the hub's owner).",
                    target.user()
                ),
            }
            println!("Cockpits ({}):", st.cockpits.len());
            for c in &st.cockpits {
                println!(
                    "  {}  user {}  last sync {}",
                    c.name,
                    c.db_user,
                    c.last_sync.as_deref().unwrap_or("never")
                );
            }
            println!("Sites ({}):", st.sites.len());
            for s in &st.sites {
                println!("  {}  scored by {} since {}", s.site, s.scored_by, s.since);
            }
            println!("Users ({}):", st.users.len());
            for u in &st.users {
                let sites = if u.sites == ["*"] {
                    "every site".to_string()
                } else {
                    u.sites.join(", ")
                };
                println!("  {}  {}  {sites}", u.user, u.kind);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
