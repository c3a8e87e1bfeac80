//! The background service and the one owner of the daily timer.
//!
//! * The background service is the systemd *user* unit [`UNIT`] (shipped by the .deb and .rpm in
//!   `/usr/lib/systemd/user/`), which runs `cockpit watch --serve` on the user's default data
//!   folder. [`enable`], [`disable`] and [`status`] drive it through `systemctl --user`, for
//!   `cockpit service enable|disable|status` and the app's "score daily in the background"
//!   setting alike; the choice is kept in the database's settings ([`PREFERENCE_KEY`]).
//! * One owner of the timer: every process that runs the daily timer (the app, `cockpit watch`)
//!   asks [`beat`] once at start and every [`HEARTBEAT_EVERY`]; the answer comes from
//!   [`decide`]. The owner writes a heartbeat (settings row [`OWNER_KEY`], JSON
//!   [`Heartbeat`]) and runs the timer and the inbox; the others stand by. The background service
//!   (`cockpit watch`) wins over the app; the app takes the timer back once the service's
//!   heartbeat is older than [`STALE_AFTER`] seconds. The claim of each daily slot
//!   (`timer_slots`) stays as the safety net: a slot never runs twice.

use std::process::Command;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::clock::now;
use crate::lang::Lang;
use crate::store::{Store, StoreError};
use crate::triggers::local_utc_offset;

/// The systemd user unit of the background service.
pub const UNIT: &str = "energitech-cockpit.service";
/// Settings key of the timer's owner (a JSON [`Heartbeat`]).
pub const OWNER_KEY: &str = "timer_owner";
/// Settings key of "score daily in the background": `on` or `off` (absent: never chosen).
pub const PREFERENCE_KEY: &str = "background_service";
/// How often the owner of the timer writes its heartbeat (and the others look at it).
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(60);
/// A heartbeat older than this (seconds) is stale: its writer is taken to be gone, and the timer
/// is taken over. Three heartbeats missed.
pub const STALE_AFTER: i64 = 180;

/// Errors of the background service.
#[derive(Debug, thiserror::Error)]
pub enum BackgroundError {
    /// There is no systemd user manager to talk to (a container, plain ssh, not Linux).
    #[error("no systemd user session here ({0}); the background service needs one: log in to a desktop session, or run `loginctl enable-linger` once for ssh use. Until then the app (while open) or `cockpit watch` runs the daily timer")]
    NoUserSystemd(String),
    /// The unit file is not installed.
    #[error("the background service's unit {UNIT} is not installed (expected in /usr/lib/systemd/user/); reinstall the energitech-cockpit package")]
    UnitMissing,
    /// `systemctl --user` refused.
    #[error("`systemctl --user {action} {UNIT}` failed: {detail}")]
    Systemctl {
        /// The systemctl verb and options.
        action: String,
        /// What systemctl said.
        detail: String,
    },
    /// The database could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Who runs a daily timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum OwnerKind {
    /// The background service (`cockpit watch`, started by systemd or by hand): has priority.
    Service,
    /// The desktop app, while it is open.
    App,
}

/// The heartbeat of the timer's owner, as stored (settings row [`OWNER_KEY`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "TimerOwner"))]
pub struct Heartbeat {
    /// The background service or the app.
    pub kind: OwnerKind,
    /// Process id of the owner.
    pub pid: u32,
    /// Machine it runs on.
    pub host: String,
    /// When it took the timer (Unix seconds).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub since: i64,
    /// Its latest heartbeat (Unix seconds).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub beat_at: i64,
    /// The last heartbeat of the owner it replaced because that one had gone silent, if it did.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub replaced_stale: Option<i64>,
}

impl Heartbeat {
    /// Whether the heartbeat is recent enough at `now`.
    pub fn is_live(&self, now: i64) -> bool {
        now - self.beat_at <= STALE_AFTER
    }

    fn is(&self, me: &Me) -> bool {
        self.kind == me.kind && self.pid == me.pid && self.host == me.host
    }
}

/// A process that runs a timer, asking whether it owns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Me {
    /// What it is.
    pub kind: OwnerKind,
    /// Its process id.
    pub pid: u32,
    /// Its machine.
    pub host: String,
}

impl Me {
    /// This process, as `kind`.
    pub fn this_process(kind: OwnerKind) -> Me {
        Me {
            kind,
            pid: std::process::id(),
            host: crate::workflow::events::machine_name(),
        }
    }
}

/// What a process does with the timer at one heartbeat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// It holds the timer already: it writes its heartbeat again.
    Keep,
    /// Nobody holds the timer, its holder went silent or has a lower priority: it takes it.
    Take {
        /// The silent holder's last heartbeat, when that is why it takes over.
        replaced_stale: Option<i64>,
    },
    /// Another live process holds it: it stands by.
    Defer(Heartbeat),
}

/// The rule: one owner of the timer. A live holder keeps it against a process of the same kind;
/// the background service takes it from the app; anyone takes it from a holder silent for more
/// than [`STALE_AFTER`] seconds, or when nobody holds it. `holder_gone`: the holder is a process
/// of this machine that no longer exists (a service restarted after a crash takes its timer
/// back at once instead of three minutes later).
pub fn decide(current: Option<&Heartbeat>, me: &Me, now: i64, holder_gone: bool) -> Decision {
    let Some(holder) = current else {
        return Decision::Take {
            replaced_stale: None,
        };
    };
    if holder.is(me) {
        return Decision::Keep;
    }
    if !holder.is_live(now) || holder_gone {
        return Decision::Take {
            replaced_stale: Some(holder.beat_at),
        };
    }
    match (holder.kind, me.kind) {
        (OwnerKind::App, OwnerKind::Service) => Decision::Take {
            replaced_stale: None,
        },
        _ => Decision::Defer(holder.clone()),
    }
}

/// The stored heartbeat of the timer's owner, if any (an unreadable row counts as none).
pub fn owner(store: &Store) -> Result<Option<Heartbeat>, StoreError> {
    Ok(store
        .setting(OWNER_KEY)?
        .and_then(|s| serde_json::from_str(&s).ok()))
}

/// One heartbeat of `me` at `now`: decides ([`decide`]) and writes the heartbeat when it keeps or
/// takes the timer. The write is conditional on the row read, so of two processes deciding at
/// the same moment only one takes it; the other is told to stand by. Returns the decision and
/// the heartbeat now stored.
pub fn beat(store: &Store, me: &Me, now: i64) -> Result<(Decision, Heartbeat), StoreError> {
    let raw = store.setting(OWNER_KEY)?;
    beat_after_reading(store, me, now, raw)
}

/// [`beat`] once the row was read as `raw`.
fn beat_after_reading(
    store: &Store,
    me: &Me,
    now: i64,
    raw: Option<String>,
) -> Result<(Decision, Heartbeat), StoreError> {
    let current: Option<Heartbeat> = raw.as_deref().and_then(|s| serde_json::from_str(s).ok());
    let gone = current
        .as_ref()
        .is_some_and(|h| h.host == me.host && !process_exists(h.pid));
    let decision = decide(current.as_ref(), me, now, gone);
    let mine = match &decision {
        Decision::Defer(holder) => return Ok((decision.clone(), holder.clone())),
        Decision::Keep => {
            let mut h = current.clone().unwrap_or_else(|| fresh(me, now, None));
            h.beat_at = now;
            h
        }
        Decision::Take { replaced_stale } => fresh(me, now, *replaced_stale),
    };
    let json = serde_json::to_string(&mine).unwrap_or_default();
    let changed = match &raw {
        None => store.conn().execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
            rusqlite::params![OWNER_KEY, json],
        )?,
        Some(old) => store.conn().execute(
            "UPDATE settings SET value = ?2 WHERE key = ?1 AND value = ?3",
            rusqlite::params![OWNER_KEY, json, old],
        )?,
    };
    if changed == 1 {
        return Ok((decision, mine));
    }
    // Another process wrote first: it holds the timer.
    match owner(store)? {
        Some(holder) if !holder.is(me) => Ok((Decision::Defer(holder.clone()), holder)),
        _ => Ok((decision, mine)),
    }
}

/// Whether process `pid` exists on this machine (Linux: `/proc/<pid>`; elsewhere assumed).
fn process_exists(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        std::path::Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

fn fresh(me: &Me, now: i64, replaced_stale: Option<i64>) -> Heartbeat {
    Heartbeat {
        kind: me.kind,
        pid: me.pid,
        host: me.host.clone(),
        since: now,
        beat_at: now,
        replaced_stale,
    }
}

/// Gives the timer up when `me` holds it (a process that stops), so that the next heartbeat of
/// another process takes it at once instead of waiting for this one to go stale.
pub fn release(store: &Store, me: &Me) -> Result<(), StoreError> {
    if owner(store)?.is_some_and(|h| h.is(me)) {
        store
            .conn()
            .execute("DELETE FROM settings WHERE key = ?1", [OWNER_KEY])?;
    }
    Ok(())
}

/// A heartbeat's time as shown: `06:00:02` today (local time), `2026-11-28 06:00:02` otherwise.
pub fn heartbeat_time(at: i64, now: i64) -> String {
    let local = |t: i64| t + i64::from(local_utc_offset(t));
    let (day, today) = (local(at).div_euclid(86_400), local(now).div_euclid(86_400));
    let text = crate::schema::format_timestamp(local(at)); // YYYY-MM-DDTHH:MM:SSZ
    let (date, time) = (&text[..10], &text[11..19]);
    if day == today {
        time.to_string()
    } else {
        format!("{date} {time}")
    }
}

/// Who handles the daily run, in words (the Diagnostics line and `cockpit service status`):
/// "Daily run handled by the background service, last heartbeat 06:00:02."
pub fn owner_line(holder: Option<&Heartbeat>, now: i64, lang: Lang) -> String {
    let Some(h) = holder else {
        return lang
            .pick(
                "No process runs the daily timer yet: neither the background service nor the app has started it.",
                "Aucun processus ne tient encore l'évaluation quotidienne : ni le service d'arrière-plan ni l'application ne l'a démarrée.",
            )
            .to_string();
    };
    let at = heartbeat_time(h.beat_at, now);
    if !h.is_live(now) {
        return match h.kind {
            OwnerKind::Service => lang.pick(
                format!("The background service stopped answering (last heartbeat {at}): the app takes the daily run back while it is open."),
                format!("Le service d'arrière-plan ne répond plus (dernier signe de vie {at}) : l'application reprend l'évaluation quotidienne tant qu'elle est ouverte."),
            ),
            OwnerKind::App => lang.pick(
                format!("No process runs the daily timer: the app that held it closed (last heartbeat {at})."),
                format!("Aucun processus ne tient l'évaluation quotidienne : l'application qui la tenait est fermée (dernier signe de vie {at})."),
            ),
        };
    }
    match (h.kind, h.replaced_stale) {
        (OwnerKind::Service, _) => lang.pick(
            format!("Daily run handled by the background service, last heartbeat {at}."),
            format!("Évaluation quotidienne assurée par le service d'arrière-plan, dernier signe de vie {at}."),
        ),
        (OwnerKind::App, Some(stale)) => {
            let stale = heartbeat_time(stale, now);
            lang.pick(
                format!("Daily run handled by the app while it is open, last heartbeat {at}: the background service stopped answering (last heartbeat {stale})."),
                format!("Évaluation quotidienne assurée par l'application tant qu'elle est ouverte, dernier signe de vie {at} : le service d'arrière-plan ne répond plus (dernier signe de vie {stale})."),
            )
        }
        (OwnerKind::App, None) => lang.pick(
            format!("Daily run handled by the app while it is open, last heartbeat {at}."),
            format!("Évaluation quotidienne assurée par l'application tant qu'elle est ouverte, dernier signe de vie {at}."),
        ),
    }
}

/// The stored choice of "score daily in the background" (`None`: never chosen).
pub fn preference(store: &Store) -> Result<Option<bool>, StoreError> {
    Ok(store.setting(PREFERENCE_KEY)?.map(|v| v == "on"))
}

fn set_preference(store: &Store, on: bool) -> Result<(), StoreError> {
    store.set_setting(PREFERENCE_KEY, if on { "on" } else { "off" })
}

/// What `systemctl` printed and whether it succeeded.
struct Output {
    ok: bool,
    stdout: String,
    stderr: String,
}

fn systemctl(args: &[&str]) -> Result<Output, BackgroundError> {
    if !cfg!(target_os = "linux") {
        return Err(BackgroundError::NoUserSystemd(
            "systemd runs on Linux only; on Windows and macOS the installer sets up a scheduled task or a launchd agent".into(),
        ));
    }
    let out = Command::new("systemctl")
        .arg("--user")
        .args(args)
        .output()
        .map_err(|e| BackgroundError::NoUserSystemd(format!("systemctl cannot be started: {e}")))?;
    Ok(Output {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).trim().to_string(),
        stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
    })
}

/// Checks that a systemd user manager answers (`systemctl --user show-environment`).
fn user_manager() -> Result<(), BackgroundError> {
    let out = systemctl(&["show-environment"])?;
    if out.ok {
        Ok(())
    } else {
        let why = out.stderr.lines().next().unwrap_or("").trim().to_string();
        Err(BackgroundError::NoUserSystemd(if why.is_empty() {
            "systemctl --user cannot reach a user manager".into()
        } else {
            why
        }))
    }
}

fn change(action: &[&str]) -> Result<(), BackgroundError> {
    user_manager()?;
    let mut args = action.to_vec();
    args.push(UNIT);
    let out = systemctl(&args)?;
    if out.ok {
        return Ok(());
    }
    let detail = if out.stderr.is_empty() {
        out.stdout
    } else {
        out.stderr
    };
    if detail.contains("does not exist") || detail.contains("not found") {
        return Err(BackgroundError::UnitMissing);
    }
    Err(BackgroundError::Systemctl {
        action: action.join(" "),
        detail,
    })
}

/// "Score daily in the background" on: `systemctl --user enable --now` the unit, and the choice
/// kept. The choice is kept only when systemd accepted it.
pub fn enable(store: &Store) -> Result<(), BackgroundError> {
    change(&["enable", "--now"])?;
    set_preference(store, true)?;
    Ok(())
}

/// "Score daily in the background" off: `systemctl --user disable --now` the unit, and the
/// choice kept (also without systemd: nothing then runs in the background anyway). The stopped
/// service's heartbeat is cleared, so the app takes the timer at its next heartbeat rather than
/// three minutes later.
pub fn disable(store: &Store) -> Result<(), BackgroundError> {
    let result = change(&["disable", "--now"]);
    if result.is_ok() {
        let host = crate::workflow::events::machine_name();
        if owner(store)?.is_some_and(|h| h.kind == OwnerKind::Service && h.host == host) {
            store
                .conn()
                .execute("DELETE FROM settings WHERE key = ?1", [OWNER_KEY])
                .map_err(StoreError::from)?;
        }
    }
    match &result {
        Ok(()) | Err(BackgroundError::NoUserSystemd(_)) | Err(BackgroundError::UnitMissing) => {
            set_preference(store, false)?
        }
        Err(_) => {}
    }
    result
}

/// The background service as the Diagnostics card and `cockpit service status` show it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackgroundStatus {
    /// The stored choice of "score daily in the background" (`null`: never chosen).
    pub preference: Option<bool>,
    /// Why the unit cannot be driven here (no systemd user session), if so.
    pub unavailable: Option<String>,
    /// Whether the unit is enabled (starts with the user's session).
    pub enabled: bool,
    /// Whether the unit is running now.
    pub active: bool,
    /// The heartbeat of the timer's owner, if any.
    pub owner: Option<Heartbeat>,
    /// Whether that heartbeat is recent (younger than three minutes).
    pub owner_live: bool,
    /// Whether the daily run is handled by a live background service.
    pub service_owns_timer: bool,
    /// The service's state in one sentence.
    pub summary: String,
    /// Who handles the daily run, in one sentence ("Daily run handled by the background
    /// service, last heartbeat 06:00:02.").
    pub owner_line: String,
}

/// The unit's state (`systemctl --user is-enabled` / `is-active`), the choice and the timer's
/// owner. Without a systemd user session, `unavailable` says why and the owner is still read.
pub fn status(store: &Store, lang: Lang) -> Result<BackgroundStatus, BackgroundError> {
    let now = now();
    let owner = owner(store)?;
    let preference = preference(store)?;
    let (unavailable, enabled, active) = match user_manager() {
        Ok(()) => {
            let enabled = systemctl(&["is-enabled", UNIT])?.stdout == "enabled";
            let active = systemctl(&["is-active", UNIT])?.stdout == "active";
            (None, enabled, active)
        }
        Err(BackgroundError::NoUserSystemd(why)) => (Some(why), false, false),
        Err(e) => return Err(e),
    };
    let owner_live = owner.as_ref().is_some_and(|h| h.is_live(now));
    let service_owns_timer =
        owner_live && owner.as_ref().is_some_and(|h| h.kind == OwnerKind::Service);
    let summary = summary(unavailable.as_deref(), enabled, active, lang);
    Ok(BackgroundStatus {
        preference,
        unavailable,
        enabled,
        active,
        owner_line: owner_line(owner.as_ref(), now, lang),
        owner,
        owner_live,
        service_owns_timer,
        summary,
    })
}

fn summary(unavailable: Option<&str>, enabled: bool, active: bool, lang: Lang) -> String {
    match (unavailable, enabled, active) {
        (Some(why), _, _) => lang.pick(
            format!("The background service cannot run here: {why}. The app runs the daily timer while it is open."),
            format!("Le service d'arrière-plan ne peut pas fonctionner ici : {why}. L'application tient l'évaluation quotidienne tant qu'elle est ouverte."),
        ),
        (None, true, true) => lang
            .pick(
                "The background service is on and running: the fleet is scored daily even with the app closed.",
                "Le service d'arrière-plan est activé et en marche : la flotte est évaluée chaque jour même application fermée.",
            )
            .to_string(),
        (None, true, false) => lang
            .pick(
                "The background service is on but not running (stopped or failed): see `systemctl --user status energitech-cockpit`.",
                "Le service d'arrière-plan est activé mais ne tourne pas (arrêté ou en échec) : voir `systemctl --user status energitech-cockpit`.",
            )
            .to_string(),
        (None, false, true) => lang
            .pick(
                "The background service is running but not enabled: it will not start with the next session.",
                "Le service d'arrière-plan tourne mais n'est pas activé : il ne démarrera pas avec la prochaine session.",
            )
            .to_string(),
        (None, false, false) => lang
            .pick(
                "The background service is off: the fleet is scored daily only while the app or `cockpit watch` is open.",
                "Le service d'arrière-plan est désactivé : la flotte n'est évaluée chaque jour que lorsque l'application ou `cockpit watch` est ouvert.",
            )
            .to_string(),
    }
}

/// First launch of a new installation: when the choice was never made, turn the background
/// service on (the default) — quietly kept off where systemd cannot run it. Returns the status
/// after the attempt; an installation where the choice was made (on or off) is left alone.
pub fn apply_default(store: &Store, lang: Lang) -> Result<BackgroundStatus, BackgroundError> {
    if preference(store)?.is_none() {
        match enable(store) {
            Ok(()) => tracing::info!("background service enabled (default of a new installation)"),
            Err(e) => tracing::warn!(
                error = %crate::journal::redact(&e.to_string()),
                "the background service could not be enabled; the app runs the daily timer"
            ),
        }
    }
    status(store, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_764_489_602; // 2025-11-30T08:00:02Z

    fn me(kind: OwnerKind, pid: u32) -> Me {
        Me {
            kind,
            pid,
            host: "ws-01".into(),
        }
    }

    fn beat_of(kind: OwnerKind, pid: u32, beat_at: i64) -> Heartbeat {
        Heartbeat {
            kind,
            pid,
            host: "ws-01".into(),
            since: beat_at - 3600,
            beat_at,
            replaced_stale: None,
        }
    }

    #[test]
    fn the_first_process_takes_the_free_timer() {
        assert_eq!(
            decide(None, &me(OwnerKind::App, 1), T, false),
            Decision::Take {
                replaced_stale: None
            }
        );
    }

    #[test]
    fn a_live_background_service_keeps_the_timer_and_the_app_stands_by() {
        let service = beat_of(OwnerKind::Service, 10, T - 30);
        assert_eq!(
            decide(Some(&service), &me(OwnerKind::App, 20), T, false),
            Decision::Defer(service.clone())
        );
        assert_eq!(
            decide(Some(&service), &me(OwnerKind::Service, 10), T, false),
            Decision::Keep
        );
        // A second `cockpit watch` on the same database stands by too.
        assert_eq!(
            decide(Some(&service), &me(OwnerKind::Service, 11), T, false),
            Decision::Defer(service)
        );
    }

    #[test]
    fn the_background_service_takes_the_timer_from_a_live_app() {
        let app = beat_of(OwnerKind::App, 20, T - 10);
        assert_eq!(
            decide(Some(&app), &me(OwnerKind::Service, 10), T, false),
            Decision::Take {
                replaced_stale: None
            }
        );
    }

    #[test]
    fn the_app_takes_the_timer_back_from_a_silent_service_only_once_it_is_stale() {
        let service = beat_of(OwnerKind::Service, 10, T - STALE_AFTER);
        assert!(matches!(
            decide(Some(&service), &me(OwnerKind::App, 20), T, false),
            Decision::Defer(_)
        ));
        assert_eq!(
            decide(Some(&service), &me(OwnerKind::App, 20), T + 1, false),
            Decision::Take {
                replaced_stale: Some(T - STALE_AFTER)
            }
        );
    }

    #[test]
    fn a_holder_that_no_longer_exists_on_this_machine_is_replaced_at_once() {
        let service = beat_of(OwnerKind::Service, 10, T - 5);
        assert_eq!(
            decide(Some(&service), &me(OwnerKind::Service, 11), T, true),
            Decision::Take {
                replaced_stale: Some(T - 5)
            }
        );
    }

    #[test]
    fn a_pid_on_another_machine_is_another_process() {
        let mut other = beat_of(OwnerKind::Service, 10, T);
        other.host = "ws-02".into();
        assert!(matches!(
            decide(Some(&other), &me(OwnerKind::Service, 10), T, false),
            Decision::Defer(_)
        ));
    }

    /// Through the database: the service takes, the app stands by and reads who holds it, the
    /// service's heartbeat goes silent, the app takes over and says so; released on stop.
    #[test]
    fn heartbeats_in_the_database_hand_the_timer_over() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("c.db")).unwrap();
        // On another machine (a shared folder): its pid cannot be looked up from here.
        let service = Me {
            host: "ws-02".into(),
            ..me(OwnerKind::Service, 10)
        };
        let app = me(OwnerKind::App, 20);
        let (d, h) = beat(&store, &service, T).unwrap();
        assert_eq!(
            d,
            Decision::Take {
                replaced_stale: None
            }
        );
        assert_eq!(owner(&store).unwrap(), Some(h.clone()));
        let (d, holder) = beat(&store, &app, T + 30).unwrap();
        assert_eq!(d, Decision::Defer(h.clone()));
        assert_eq!(holder.kind, OwnerKind::Service);
        let (d, h2) = beat(&store, &service, T + 60).unwrap();
        assert_eq!(d, Decision::Keep);
        assert_eq!((h2.since, h2.beat_at), (T, T + 60));
        // Silent for more than three minutes: the app takes it back.
        let (d, mine) = beat(&store, &app, T + 60 + STALE_AFTER + 1).unwrap();
        assert_eq!(
            d,
            Decision::Take {
                replaced_stale: Some(T + 60)
            }
        );
        assert_eq!(mine.kind, OwnerKind::App);
        let line = owner_line(Some(&mine), mine.beat_at, Lang::En);
        assert!(
            line.contains("background service stopped answering"),
            "{line}"
        );
        // The service comes back: it takes the timer from the app.
        let (d, _) = beat(&store, &service, T + 400).unwrap();
        assert!(matches!(d, Decision::Take { .. }));
        // Only the holder's release clears the row.
        release(&store, &app).unwrap();
        assert!(owner(&store).unwrap().is_some());
        release(&store, &service).unwrap();
        assert_eq!(owner(&store).unwrap(), None);
    }

    /// Two processes that read the same free row: the conditional write lets one take it.
    #[test]
    fn of_two_processes_deciding_together_one_takes_the_timer() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("c.db");
        let a = Store::open(&db).unwrap();
        let b = Store::open(&db).unwrap();
        let stale = beat_of(OwnerKind::Service, 1, T - 1000);
        a.set_setting(OWNER_KEY, &serde_json::to_string(&stale).unwrap())
            .unwrap();
        // Both read the stale row; a writes first.
        let read_by_b = b.setting(OWNER_KEY).unwrap();
        let (da, _) = beat(&a, &me(OwnerKind::Service, 10), T).unwrap();
        let (db_, holder) =
            beat_after_reading(&b, &me(OwnerKind::Service, 11), T, read_by_b).unwrap();
        assert!(matches!(da, Decision::Take { .. }));
        assert!(matches!(db_, Decision::Defer(_)));
        assert_eq!(holder.pid, 10);
    }

    #[test]
    fn the_owner_line_names_the_background_service_and_its_heartbeat_in_both_languages() {
        let now = T + 5;
        let h = beat_of(OwnerKind::Service, 10, T);
        let time = heartbeat_time(T, now);
        assert_eq!(time.len(), 8, "{time}");
        assert_eq!(
            owner_line(Some(&h), now, Lang::En),
            format!("Daily run handled by the background service, last heartbeat {time}.")
        );
        assert_eq!(
            owner_line(Some(&h), now, Lang::Fr),
            format!("Évaluation quotidienne assurée par le service d'arrière-plan, dernier signe de vie {time}.")
        );
        // Another day: the date is shown too.
        assert_eq!(heartbeat_time(T, T + 3 * 86_400).len(), 19);
        // Stale: said so.
        assert!(owner_line(Some(&h), T + STALE_AFTER + 1, Lang::En).contains("stopped answering"));
        assert!(owner_line(None, now, Lang::Fr).starts_with("Aucun processus"));
    }
}
