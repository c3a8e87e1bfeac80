//! Model sets compared before they serve: where the set in service and a candidate live, the
//! candidate's checks, promotion and rollback (one action each, journalled), and the history of
//! which set served which run. The design is in `docs/model-sets.md`.
//!
//! | file | owns |
//! |---|---|
//! | `mod.rs` | where sets live ([`sets_dir`], [`in_service`], [`candidate`]), keeping a set (copy, verify, rename), choosing a candidate, [`promote`], [`rollback`], [`history`] |
//! | `compare.rs` | [`compare`]: agreement of the two sets' categories over the shadow-scored runs, and both sets' backtest, in words |
//! | `error.rs` | [`ModelSetError`] and the check a refused candidate failed ([`Refusal`]) |
//!
//! Nothing valid is ever overwritten: the models folder (the installed bundle, `COCKPIT_MODELS`
//! or `--models`, possibly read-only) is only read. A promoted set is copied into the cockpit's
//! own `model-sets/` folder beside the database, as `<version>-<sha8>/` (copied to a temporary
//! folder, verified — checksums, feature list, parity — then renamed), and the record of the
//! promotions (`model_set_changes`) says which kept set serves; without a record, the models
//! folder serves, as before. The set that served before a promotion is kept the same way, so a
//! rollback always finds it.

mod compare;
mod error;

use std::path::{Path, PathBuf};

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::clock::now;
use crate::journal::{self, Operation, OperationKind};
use crate::model::{set_checksum, Manifest, ModelSet, OrtRuntime};
use crate::runs::ShadowSet;
use crate::schema;
use crate::store::Store;

pub use compare::{compare, Agreement, Comparison, ComparisonText, CONFUSION_LABELS};
pub use error::{ModelSetError, Refusal};

/// Name of the folder, beside the database, where the cockpit keeps its model sets.
pub const SETS_DIR_NAME: &str = "model-sets";
/// Name of a candidate folder: inside the models folder (dropped there by hand), or inside
/// [`SETS_DIR_NAME`] (chosen with `cockpit models candidate <DIR>` or the app).
pub const CANDIDATE_DIR_NAME: &str = "candidate";

/// The folder where the cockpit keeps the model sets of the database `db`: `<db dir>/model-sets`,
/// written in full (the record keeps the folders of the kept sets, which must not depend on the
/// folder the cockpit was started from).
pub fn sets_dir(db: &Path) -> PathBuf {
    let dir = db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join(SETS_DIR_NAME);
    std::path::absolute(&dir).unwrap_or(dir)
}

/// A model set, by its identity: version and checksum (the SHA-256 of its `manifest.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ModelSetInfo {
    /// The manifest's `model_version`.
    pub version: String,
    /// SHA-256 of its `manifest.json`, lower-case hex (the manifest holds every model file's
    /// SHA-256, so this names the whole set).
    pub sha256: String,
    /// Its folder.
    pub dir: String,
}

impl ModelSetInfo {
    /// The first 8 hex digits of the checksum.
    pub fn sha8(&self) -> &str {
        &self.sha256[..self.sha256.len().min(8)]
    }

    /// `1.0.0 (ab12cd34)`.
    pub fn label(&self) -> String {
        format!("{} ({})", self.version, self.sha8())
    }

    /// The identity of the set in `dir`, read without loading it (`None`: no readable manifest).
    pub fn read(dir: &Path) -> Option<ModelSetInfo> {
        let manifest = Manifest::read(dir).ok()?;
        let sha256 = set_checksum(dir).ok()?;
        Some(ModelSetInfo {
            version: manifest.model_version,
            sha256,
            dir: dir.display().to_string(),
        })
    }

    fn of(set: &ModelSet) -> ModelSetInfo {
        ModelSetInfo {
            version: set.manifest().model_version.clone(),
            sha256: set.checksum().to_string(),
            dir: set.dir().display().to_string(),
        }
    }
}

/// The folder of the set in service: the kept set the latest promotion or rollback put in
/// service, else the models folder `models_dir`.
pub fn in_service(store: &Store, models_dir: &Path) -> Result<PathBuf, ModelSetError> {
    Ok(latest_change(store)?
        .map(|c| PathBuf::from(c.dir))
        .unwrap_or_else(|| models_dir.to_path_buf()))
}

/// The candidate folder, if any: the one chosen (`<sets_dir>/candidate`) first, else
/// `<models_dir>/candidate`; a folder counts when it holds a `manifest.json`.
pub fn candidate(sets_dir: &Path, models_dir: &Path) -> Option<PathBuf> {
    [
        sets_dir.join(CANDIDATE_DIR_NAME),
        models_dir.join(CANDIDATE_DIR_NAME),
    ]
    .into_iter()
    .find(|d| d.join(crate::model::MANIFEST_FILE).is_file())
}

/// Loads and checks the model set in `dir` for scoring by this cockpit; a refusal says which
/// check failed.
pub fn check(dir: &Path, ort: &OrtRuntime) -> Result<ModelSet, ModelSetError> {
    ModelSet::load_for_scoring(dir, ort).map_err(|e| ModelSetError::refused(dir, e))
}

/// The candidate to score in shadow beside `served`: `None` when there is no candidate or when
/// it is the set in service itself; a candidate that fails its checks is returned with the
/// reason (the run records why its shadow was skipped).
pub fn shadow_candidate(
    sets_dir: &Path,
    models_dir: &Path,
    served: &ModelSet,
    ort: &OrtRuntime,
) -> Option<ShadowSet> {
    let dir = candidate(sets_dir, models_dir)?;
    let sha256 = set_checksum(&dir).ok();
    if sha256.as_deref() == Some(served.checksum()) {
        return None;
    }
    let version = Manifest::read(&dir).ok().map(|m| m.model_version);
    Some(ShadowSet {
        version,
        sha256,
        models: check(&dir, ort).map_err(|e| e.to_string()),
    })
}

/// Copies every file (not sub-folder) of `from` into a new temporary folder of `sets_dir`,
/// checks the copy, and renames it to `name` (or to `<version>-<sha8>` when `name` is `None`).
/// An existing folder of that name is replaced only for the candidate; a kept set of the same
/// identity is reused (it holds the same bytes, checked again).
fn keep(
    sets_dir: &Path,
    from: &Path,
    name: Option<&str>,
    ort: &OrtRuntime,
) -> Result<ModelSetInfo, ModelSetError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ModelSetError::Io { path, source }
    };
    let manifest = from.join(crate::model::MANIFEST_FILE);
    if !manifest.is_file() {
        // Not a model set (or no such folder): refused as such, nothing is created.
        return Err(ModelSetError::refused(
            from,
            crate::model::ModelError::ManifestMissing { path: manifest },
        ));
    }
    std::fs::create_dir_all(sets_dir).map_err(io(sets_dir))?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let tmp = sets_dir.join(format!(".incoming-{}-{nanos}", std::process::id()));
    let result = (|| {
        std::fs::create_dir(&tmp).map_err(io(&tmp))?;
        for entry in std::fs::read_dir(from).map_err(io(from))? {
            let entry = entry.map_err(io(from))?;
            let path = entry.path();
            if path.is_file() {
                std::fs::copy(&path, tmp.join(entry.file_name())).map_err(io(&path))?;
            }
        }
        // The copy is what will serve: it is the one checked (a file changed while copying is
        // caught here, not later).
        let checked = check(&tmp, ort).map_err(|e| match e {
            ModelSetError::CandidateRefused {
                refusal, source, ..
            } => ModelSetError::CandidateRefused {
                dir: from.to_path_buf(),
                refusal,
                source,
            },
            other => other,
        })?;
        let info = ModelSetInfo::of(&checked);
        drop(checked);
        let name = name
            .map(str::to_string)
            .unwrap_or_else(|| format!("{}-{}", folder_safe(&info.version), info.sha8()));
        let dest = sets_dir.join(&name);
        if dest.exists() {
            if name == CANDIDATE_DIR_NAME {
                let old = sets_dir.join(format!(".replaced-{}-{nanos}", std::process::id()));
                std::fs::rename(&dest, &old).map_err(io(&dest))?;
                std::fs::rename(&tmp, &dest).map_err(io(&dest))?;
                let _ = std::fs::remove_dir_all(&old);
            } else {
                // Same version and checksum prefix: the same set, kept before; check it again.
                let kept = check(&dest, ort)?;
                if kept.checksum() != info.sha256 {
                    return Err(ModelSetError::Io {
                        path: dest.clone(),
                        source: std::io::Error::other(
                            "a different model set is kept under this name",
                        ),
                    });
                }
                let _ = std::fs::remove_dir_all(&tmp);
            }
        } else {
            std::fs::rename(&tmp, &dest).map_err(io(&dest))?;
        }
        Ok(ModelSetInfo {
            dir: dest.display().to_string(),
            ..info
        })
    })();
    if result.is_err() || tmp.exists() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

/// A version as a folder name: letters, digits, `.`, `_` and `-` kept, anything else `_`.
fn folder_safe(version: &str) -> String {
    let s: String = version
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    match s.trim_start_matches('.') {
        "" => "set".to_string(),
        t => t.to_string(),
    }
}

/// Chooses the model set in `dir` as the candidate: checks it and keeps a copy as
/// `<sets_dir>/candidate` (replacing the previously chosen one). A refused folder changes
/// nothing.
pub fn choose_candidate(
    store: &Store,
    sets_dir: &Path,
    dir: &Path,
    ort: &OrtRuntime,
) -> Result<ModelSetInfo, ModelSetError> {
    let started = std::time::Instant::now();
    let result = keep(sets_dir, dir, Some(CANDIDATE_DIR_NAME), ort);
    journal_change(store, "candidate", started, &result);
    result
}

/// A promotion or a rollback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ModelSetChange {
    /// `promote` or `rollback`.
    pub action: String,
    /// When (`YYYY-MM-DDTHH:MM:SSZ`, UTC).
    pub at: String,
    /// The set in service from then on.
    pub set: ModelSetInfo,
    /// The set it replaced; `None` when that was unknown (no readable set served).
    pub replaced: Option<ModelSetInfo>,
}

struct ChangeRow {
    id: i64,
    model_set: i64,
    previous: Option<i64>,
    dir: String,
}

fn latest_change(store: &Store) -> Result<Option<ChangeRow>, ModelSetError> {
    Ok(store
        .conn()
        .query_row(
            "SELECT c.id, c.model_set, c.previous, s.dir FROM model_set_changes c
             JOIN model_sets s ON s.id = c.model_set ORDER BY c.id DESC LIMIT 1",
            [],
            |r| {
                Ok(ChangeRow {
                    id: r.get(0)?,
                    model_set: r.get(1)?,
                    previous: r.get(2)?,
                    dir: r.get(3)?,
                })
            },
        )
        .optional()?)
}

fn set_row(store: &Store, id: i64) -> Result<ModelSetInfo, ModelSetError> {
    Ok(store.conn().query_row(
        "SELECT version, sha256, dir FROM model_sets WHERE id = ?1",
        [id],
        |r| {
            Ok(ModelSetInfo {
                version: r.get(0)?,
                sha256: r.get(1)?,
                dir: r.get(2)?,
            })
        },
    )?)
}

fn journal_change<T>(
    store: &Store,
    name: &str,
    started: std::time::Instant,
    result: &Result<T, ModelSetError>,
) {
    let op = Operation::finished(
        OperationKind::ModelSetChange,
        name,
        started,
        result.as_ref().map(|_| ()).map_err(|e| e.to_string()),
        None,
    );
    journal::record_quietly(store, &op);
}

/// Promotes the candidate: checks it, keeps a verified copy as `<sets_dir>/<version>-<sha8>`,
/// keeps the set in service the same way (so a rollback finds it), and records the change in one
/// transaction. A chosen candidate is consumed; `<models_dir>/candidate` is left as it is (the
/// cockpit never writes the models folder). The set in service is unchanged on any error.
pub fn promote(
    store: &mut Store,
    sets_dir: &Path,
    models_dir: &Path,
    ort: &OrtRuntime,
) -> Result<ModelSetChange, ModelSetError> {
    let started = std::time::Instant::now();
    let result = promote_inner(store, sets_dir, models_dir, ort);
    journal_change(store, "promote", started, &result);
    result
}

fn promote_inner(
    store: &mut Store,
    sets_dir: &Path,
    models_dir: &Path,
    ort: &OrtRuntime,
) -> Result<ModelSetChange, ModelSetError> {
    let Some(cand_dir) = candidate(sets_dir, models_dir) else {
        return Err(ModelSetError::NoCandidate {
            action: "promote",
            models_candidate: models_dir.join(CANDIDATE_DIR_NAME),
        });
    };
    let serving_dir = in_service(store, models_dir)?;
    let serving = ModelSetInfo::read(&serving_dir);
    if let (Some(s), Ok(sha)) = (&serving, set_checksum(&cand_dir)) {
        if s.sha256 == sha {
            return Err(ModelSetError::AlreadyInService {
                version: s.version.clone(),
                sha8: s.sha8().to_string(),
            });
        }
    }
    let promoted = keep(sets_dir, &cand_dir, None, ort)?;
    // The set it replaces, kept too when it is not yet (the models folder's set): a set that
    // no longer passes its checks is not kept, and the promotion records no previous set.
    let replaced = match &serving {
        Some(s) if Path::new(&s.dir).starts_with(sets_dir) => Some(s.clone()),
        Some(_) => keep(sets_dir, &serving_dir, None, ort).ok(),
        None => None,
    };
    let tx = store.conn_mut().transaction()?;
    let change = {
        let store_tx = &tx;
        let insert = |set: &ModelSetInfo, source: &str| -> Result<i64, ModelSetError> {
            store_tx.execute(
                "INSERT INTO model_sets (version, sha256, dir, source, added_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (version, sha256) DO UPDATE SET dir = excluded.dir",
                params![set.version, set.sha256, set.dir, source, now()],
            )?;
            Ok(store_tx.query_row(
                "SELECT id FROM model_sets WHERE version = ?1 AND sha256 = ?2",
                params![set.version, set.sha256],
                |r| r.get(0),
            )?)
        };
        let source = cand_dir.display().to_string();
        let promoted_id = insert(&promoted, &source)?;
        let replaced_id = match &replaced {
            Some(r) => Some(insert(r, &serving_dir.display().to_string())?),
            None => None,
        };
        let at = now();
        tx.execute(
            "INSERT INTO model_set_changes (at, action, model_set, previous) VALUES (?1, 'promote', ?2, ?3)",
            params![at, promoted_id, replaced_id],
        )?;
        ModelSetChange {
            action: "promote".into(),
            at: schema::format_timestamp(at),
            set: promoted,
            replaced,
        }
    };
    tx.commit()?;
    if cand_dir == sets_dir.join(CANDIDATE_DIR_NAME) {
        // Kept under its own name now; the chosen candidate is consumed.
        let _ = std::fs::remove_dir_all(&cand_dir);
    }
    tracing::info!(set = %change.set.label(), "model set promoted");
    Ok(change)
}

/// Rolls back to the set that served before the one in service (the set the latest promotion
/// replaced; rolling back again goes one step further back). Its kept copy is checked first.
pub fn rollback(
    store: &mut Store,
    models_dir: &Path,
    ort: &OrtRuntime,
) -> Result<ModelSetChange, ModelSetError> {
    let started = std::time::Instant::now();
    let result = rollback_inner(store, models_dir, ort);
    journal_change(store, "rollback", started, &result);
    result
}

fn rollback_inner(
    store: &mut Store,
    models_dir: &Path,
    ort: &OrtRuntime,
) -> Result<ModelSetChange, ModelSetError> {
    let latest = latest_change(store)?;
    let current_label = || {
        let dir = in_service(store, models_dir).unwrap_or_else(|_| models_dir.to_path_buf());
        ModelSetInfo::read(&dir)
            .map(|s| s.label())
            .unwrap_or_else(|| dir.display().to_string())
    };
    let Some((latest, previous)) = latest.and_then(|l| l.previous.map(|p| (l, p))) else {
        return Err(ModelSetError::NoPrevious {
            current: current_label(),
        });
    };
    let target = set_row(store, previous)?;
    if let Err(e) = ModelSet::load_for_scoring(Path::new(&target.dir), ort) {
        return Err(ModelSetError::PreviousRefused {
            version: target.version,
            dir: PathBuf::from(target.dir),
            source: Box::new(e),
        });
    }
    // What served before the target: the previous of the latest change that put it in service.
    let before: Option<i64> = store
        .conn()
        .query_row(
            "SELECT previous FROM model_set_changes WHERE id < ?1 AND model_set = ?2
             ORDER BY id DESC LIMIT 1",
            params![latest.id, previous],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let at = now();
    store.conn().execute(
        "INSERT INTO model_set_changes (at, action, model_set, previous) VALUES (?1, 'rollback', ?2, ?3)",
        params![at, previous, before],
    )?;
    let replaced = set_row(store, latest.model_set).ok();
    tracing::info!(set = %target.label(), "model set rolled back");
    Ok(ModelSetChange {
        action: "rollback".into(),
        at: schema::format_timestamp(at),
        set: target,
        replaced,
    })
}

/// A stretch of consecutive runs scored by one model set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServicePeriod {
    /// The set's version.
    pub version: String,
    /// Its checksum (SHA-256 of its manifest); `None` for runs recorded before checksums were.
    pub sha256: Option<String>,
    /// Start of its first run (`YYYY-MM-DDTHH:MM:SSZ`, UTC).
    pub from: String,
    /// Start of its last run.
    pub to: String,
    /// First and last run ids.
    pub first_run: i64,
    /// Last run id.
    pub last_run: i64,
    /// Runs it scored.
    pub runs: i64,
}

/// Which model set served which run, and every promotion and rollback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ModelSetHistory {
    /// The stretches of runs, oldest first: a new stretch starts whenever the set changes.
    pub periods: Vec<ServicePeriod>,
    /// The promotions and rollbacks, oldest first.
    pub changes: Vec<ModelSetChange>,
}

/// The history of the model sets: the succeeded runs grouped by consecutive set, and the changes.
pub fn history(store: &Store) -> Result<ModelSetHistory, ModelSetError> {
    let mut stmt = store.conn().prepare(
        "SELECT id, started_at, model_version, model_sha FROM runs
         WHERE status = 'succeeded' AND model_version IS NOT NULL ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut periods: Vec<ServicePeriod> = Vec::new();
    for row in rows {
        let (id, started, version, sha) = row?;
        match periods.last_mut() {
            Some(p) if p.version == version && p.sha256 == sha => {
                p.to = schema::format_timestamp(started);
                p.last_run = id;
                p.runs += 1;
            }
            _ => periods.push(ServicePeriod {
                version,
                sha256: sha,
                from: schema::format_timestamp(started),
                to: schema::format_timestamp(started),
                first_run: id,
                last_run: id,
                runs: 1,
            }),
        }
    }
    let mut stmt = store.conn().prepare(
        "SELECT c.at, c.action, c.model_set, c.previous FROM model_set_changes c ORDER BY c.id",
    )?;
    let raw: Vec<(i64, String, i64, Option<i64>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    let mut changes = Vec::with_capacity(raw.len());
    let mut served_before: Option<i64> = None;
    for (at, action, set, previous) in raw {
        // A rollback replaced the set the change before it put in service.
        let replaced = if action == "rollback" {
            served_before
        } else {
            previous
        };
        changes.push(ModelSetChange {
            action,
            at: schema::format_timestamp(at),
            set: set_row(store, set)?,
            replaced: replaced.map(|id| set_row(store, id)).transpose()?,
        });
        served_before = Some(set);
    }
    Ok(ModelSetHistory { periods, changes })
}

/// Where the model sets stand: the set in service, the candidate and its check, whether a
/// rollback is possible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ModelSetStatus {
    /// The set in service; `None` when its folder holds no readable set.
    pub in_service: Option<ModelSetInfo>,
    /// The candidate; `None` when there is none.
    pub candidate: Option<ModelSetInfo>,
    /// Why the candidate is refused (the check's message); `None` when it passes or is absent.
    pub candidate_refused: Option<String>,
    /// The set a rollback would return to.
    pub rollback_to: Option<ModelSetInfo>,
}

impl ModelSetStatus {
    /// The question asked before promoting, in `lang`; `None` when there is nothing to promote
    /// (no candidate, or a refused one).
    pub fn confirm_promote(&self, lang: crate::lang::Lang) -> Option<String> {
        let cand = self
            .candidate
            .as_ref()
            .filter(|_| self.candidate_refused.is_none())?;
        let serving = self
            .in_service
            .as_ref()
            .map(ModelSetInfo::label)
            .unwrap_or_else(|| "-".into());
        Some(lang.pick(
            format!(
                "Put the candidate model set {} in service in place of {serving}? Every run from now on uses it; a rollback returns to {serving}.",
                cand.label()
            ),
            format!(
                "Mettre en service le jeu de modèles candidat {} à la place de {serving} ? Toutes les évaluations suivantes l'utiliseront ; un retour arrière revient à {serving}.",
                cand.label()
            ),
        ))
    }

    /// The question asked before rolling back, in `lang`; `None` when there is no previous set.
    pub fn confirm_rollback(&self, lang: crate::lang::Lang) -> Option<String> {
        let to = self.rollback_to.as_ref()?;
        Some(lang.pick(
            format!(
                "Return to the model set {} that served before? Every run from now on uses it.",
                to.label()
            ),
            format!(
                "Revenir au jeu de modèles {} en service auparavant ? Toutes les évaluations suivantes l'utiliseront.",
                to.label()
            ),
        ))
    }
}

/// The model sets' status; the candidate is checked (loaded) when there is one.
pub fn status(
    store: &Store,
    sets_dir: &Path,
    models_dir: &Path,
    ort: Option<&OrtRuntime>,
) -> Result<ModelSetStatus, ModelSetError> {
    let serving = in_service(store, models_dir)?;
    let cand = candidate(sets_dir, models_dir);
    let candidate_refused = match (&cand, ort) {
        (Some(d), Some(ort)) => check(d, ort).err().map(|e| e.to_string()),
        _ => None,
    };
    let rollback_to = match latest_change(store)?.and_then(|c| c.previous) {
        Some(id) => Some(set_row(store, id)?),
        None => None,
    };
    Ok(ModelSetStatus {
        in_service: ModelSetInfo::read(&serving),
        candidate: cand.as_deref().and_then(ModelSetInfo::read),
        candidate_refused,
        rollback_to,
    })
}

#[cfg(test)]
pub(crate) mod tests;
