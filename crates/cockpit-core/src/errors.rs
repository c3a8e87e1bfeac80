//! The stable error codes the fronts receive, and the one place that says which code each core
//! error has ([`Coded`]) and what it means in plain words, in French and English
//! ([`ErrorCode::summary`]). The fronts keep the core's technical English message as a detail.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::background::BackgroundError;
use crate::charts::ChartError;
use crate::demo::DemoError;
use crate::features::FeatureError;
use crate::hub::HubError;
use crate::ingest::IngestError;
use crate::lang::Lang;
use crate::mapping::MappingError;
use crate::model::ModelError;
use crate::modelsets::{ModelSetError, Refusal};
use crate::notifications::NotificationError;
use crate::pack::PackError;
use crate::risk::RiskError;
use crate::runs::queries::QueryError;
use crate::runs::RunError;
use crate::service::ServiceError;
use crate::sim::SimError;
use crate::store::StoreError;
use crate::telemetry::TelemetryError;
use crate::triggers::TriggerError;
use crate::workflow::WorkflowError;

/// Every kind of error a front may receive, by a stable `snake_case` code (`no_run`,
/// `unknown_turbine`, …): the UI and the tests match on these strings, so they never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The app is still creating its database (demo park).
    Preparing,
    /// The app's start-up failed for another reason than the demo park or the models.
    Startup,
    /// A failure that is not the user's to fix (a task that died, a lock poisoned).
    Internal,
    /// The scoring service is not running.
    Service,
    /// A database read or write failed.
    Database,
    /// The database (or its folder) cannot be opened or created.
    DatabaseOpen,
    /// The database was written by a newer cockpit.
    DatabaseTooNew,
    /// No data folder could be determined for this user.
    NoDataDir,
    /// No scoring run has been made yet.
    NoRun,
    /// The database holds nothing to score.
    NoData,
    /// A scoring run is already in progress.
    RunInProgress,
    /// The turbine asked for does not exist.
    UnknownTurbine,
    /// The risk category asked for does not exist.
    UnknownCategory,
    /// The sort key asked for does not exist.
    UnknownSort,
    /// The models are missing, invalid or failed while scoring.
    Models,
    /// The model inputs could not be computed.
    Features,
    /// The risk policy cannot be read or is not valid.
    RiskPolicy,
    /// A chart could not be drawn.
    Chart,
    /// The demo park could not be prepared.
    Demo,
    /// A fleet simulation failed.
    Simulation,
    /// A data file could not be ingested.
    Ingest,
    /// A column mapping cannot be used.
    Mapping,
    /// A time of day is not `HH:MM`.
    InvalidTime,
    /// A scoring time outside the plausible window (before 1990, or after now plus one day).
    ImplausibleTime,
    /// No systemd user session here: the background service cannot be driven.
    NoUserSystemd,
    /// The background service's unit is missing or systemd refused it.
    BackgroundService,
    /// A scoring trigger (schedule, folder watcher) failed.
    Triggers,
    /// The log files could not be set up or read.
    Logs,
    /// The diagnostics bundle could not be written.
    Bundle,
    /// A log level that is not error, warn, info or debug.
    InvalidLevel,
    /// A folder could not be created or opened in the file manager.
    OpenFolder,
    /// The quarantined lines could not be written to a CSV file.
    QuarantineExport,
    /// No candidate model set to promote or compare.
    NoCandidate,
    /// No model set served before the one in service: nothing to roll back to.
    NoPreviousModelSet,
    /// The candidate model set is already the set in service.
    CandidateInService,
    /// The candidate was trained on other features than the cockpit computes.
    CandidateFeatures,
    /// A file of the candidate does not match its checksum.
    CandidateChecksum,
    /// The candidate does not reproduce its reference outputs (parity file).
    CandidateParity,
    /// The candidate cannot be read or loaded.
    CandidateInvalid,
    /// A model set folder could not be written in the cockpit's data folder.
    ModelSets,
    /// The turbine has no alert to act on.
    NoAlert,
    /// The alert is already closed (dismissed or resolved), perhaps on another machine.
    AlertClosed,
    /// The alert is already in the state asked for.
    AlertAlready,
    /// No intervention has the id given, or several start with it.
    UnknownIntervention,
    /// The intervention is already done or cancelled, or cannot make that step.
    InterventionState,
    /// A workflow value is not valid (a date, a component, a reason, a note too long).
    InvalidInput,
    /// The field document could not be written to the file chosen.
    DocumentExport,
    /// The file is not a field pack.
    NotAPack,
    /// The field pack is truncated, damaged or was changed outside the cockpit.
    PackDamaged,
    /// The field pack was written by a newer cockpit.
    PackTooNew,
    /// The field pack comes from another fleet.
    PackOtherFleet,
    /// The field pack's turbines are not in this database.
    PackUnknownTurbines,
    /// The field pack could not be written.
    PackExport,
    /// The database is a field pack: no scoring, file import or pack exchange in it.
    FieldPack,
    /// The health and metrics endpoint (`cockpit serve`) cannot listen on its address.
    Endpoint,
    /// The shared store's address is missing or malformed.
    HubAddress,
    /// The shared store cannot be reached (network, address, user or password).
    HubUnreachable,
    /// The shared store's database is not a hub yet.
    HubNotInitialised,
    /// The shared store has a newer schema than this cockpit knows.
    HubTooNew,
    /// The shared store refused or lost a request.
    HubRefused,
}

impl ErrorCode {
    /// Every code, in declaration order.
    pub const ALL: [ErrorCode; 60] = [
        ErrorCode::Preparing,
        ErrorCode::Startup,
        ErrorCode::Internal,
        ErrorCode::Service,
        ErrorCode::Database,
        ErrorCode::DatabaseOpen,
        ErrorCode::DatabaseTooNew,
        ErrorCode::NoDataDir,
        ErrorCode::NoRun,
        ErrorCode::NoData,
        ErrorCode::RunInProgress,
        ErrorCode::UnknownTurbine,
        ErrorCode::UnknownCategory,
        ErrorCode::UnknownSort,
        ErrorCode::Models,
        ErrorCode::Features,
        ErrorCode::RiskPolicy,
        ErrorCode::Chart,
        ErrorCode::Demo,
        ErrorCode::Simulation,
        ErrorCode::Ingest,
        ErrorCode::Mapping,
        ErrorCode::InvalidTime,
        ErrorCode::ImplausibleTime,
        ErrorCode::NoUserSystemd,
        ErrorCode::BackgroundService,
        ErrorCode::Triggers,
        ErrorCode::Logs,
        ErrorCode::Bundle,
        ErrorCode::InvalidLevel,
        ErrorCode::OpenFolder,
        ErrorCode::QuarantineExport,
        ErrorCode::NoCandidate,
        ErrorCode::NoPreviousModelSet,
        ErrorCode::CandidateInService,
        ErrorCode::CandidateFeatures,
        ErrorCode::CandidateChecksum,
        ErrorCode::CandidateParity,
        ErrorCode::CandidateInvalid,
        ErrorCode::ModelSets,
        ErrorCode::NoAlert,
        ErrorCode::AlertClosed,
        ErrorCode::AlertAlready,
        ErrorCode::UnknownIntervention,
        ErrorCode::InterventionState,
        ErrorCode::InvalidInput,
        ErrorCode::DocumentExport,
        ErrorCode::NotAPack,
        ErrorCode::PackDamaged,
        ErrorCode::PackTooNew,
        ErrorCode::PackOtherFleet,
        ErrorCode::PackUnknownTurbines,
        ErrorCode::PackExport,
        ErrorCode::FieldPack,
        ErrorCode::Endpoint,
        ErrorCode::HubAddress,
        ErrorCode::HubUnreachable,
        ErrorCode::HubNotInitialised,
        ErrorCode::HubTooNew,
        ErrorCode::HubRefused,
    ];

    /// The stable code, as serialized (`no_run`, `unknown_turbine`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Preparing => "preparing",
            ErrorCode::Startup => "startup",
            ErrorCode::Internal => "internal",
            ErrorCode::Service => "service",
            ErrorCode::Database => "database",
            ErrorCode::DatabaseOpen => "database_open",
            ErrorCode::DatabaseTooNew => "database_too_new",
            ErrorCode::NoDataDir => "no_data_dir",
            ErrorCode::NoRun => "no_run",
            ErrorCode::NoData => "no_data",
            ErrorCode::RunInProgress => "run_in_progress",
            ErrorCode::UnknownTurbine => "unknown_turbine",
            ErrorCode::UnknownCategory => "unknown_category",
            ErrorCode::UnknownSort => "unknown_sort",
            ErrorCode::Models => "models",
            ErrorCode::Features => "features",
            ErrorCode::RiskPolicy => "risk_policy",
            ErrorCode::Chart => "chart",
            ErrorCode::Demo => "demo",
            ErrorCode::Simulation => "simulation",
            ErrorCode::Ingest => "ingest",
            ErrorCode::Mapping => "mapping",
            ErrorCode::InvalidTime => "invalid_time",
            ErrorCode::ImplausibleTime => "implausible_time",
            ErrorCode::NoUserSystemd => "no_user_systemd",
            ErrorCode::BackgroundService => "background_service",
            ErrorCode::Triggers => "triggers",
            ErrorCode::Logs => "logs",
            ErrorCode::Bundle => "bundle",
            ErrorCode::InvalidLevel => "invalid_level",
            ErrorCode::OpenFolder => "open_folder",
            ErrorCode::QuarantineExport => "quarantine_export",
            ErrorCode::DocumentExport => "document_export",
            ErrorCode::NoCandidate => "no_candidate",
            ErrorCode::NoPreviousModelSet => "no_previous_model_set",
            ErrorCode::CandidateInService => "candidate_in_service",
            ErrorCode::CandidateFeatures => "candidate_features",
            ErrorCode::CandidateChecksum => "candidate_checksum",
            ErrorCode::CandidateParity => "candidate_parity",
            ErrorCode::CandidateInvalid => "candidate_invalid",
            ErrorCode::ModelSets => "model_sets",
            ErrorCode::NoAlert => "no_alert",
            ErrorCode::AlertClosed => "alert_closed",
            ErrorCode::AlertAlready => "alert_already",
            ErrorCode::UnknownIntervention => "unknown_intervention",
            ErrorCode::InterventionState => "intervention_state",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::NotAPack => "not_a_pack",
            ErrorCode::PackDamaged => "pack_damaged",
            ErrorCode::PackTooNew => "pack_too_new",
            ErrorCode::PackOtherFleet => "pack_other_fleet",
            ErrorCode::PackUnknownTurbines => "pack_unknown_turbines",
            ErrorCode::PackExport => "pack_export",
            ErrorCode::FieldPack => "field_pack",
            ErrorCode::Endpoint => "endpoint",
            ErrorCode::HubAddress => "hub_address",
            ErrorCode::HubUnreachable => "hub_unreachable",
            ErrorCode::HubNotInitialised => "hub_not_initialised",
            ErrorCode::HubTooNew => "hub_too_new",
            ErrorCode::HubRefused => "hub_refused",
        }
    }

    /// The code whose [`as_str`](Self::as_str) is `code`, if any.
    pub fn parse(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == code)
    }

    /// What the error means, in one plain sentence in `lang` (the only source of these words:
    /// the UI shows what it receives).
    pub fn summary(self, lang: Lang) -> &'static str {
        let (en, fr) = match self {
            ErrorCode::Preparing => (
                "The cockpit is still preparing its data.",
                "Le cockpit prépare encore ses données.",
            ),
            ErrorCode::Startup => (
                "The cockpit could not start properly.",
                "Le cockpit n'a pas pu démarrer correctement.",
            ),
            ErrorCode::Internal => (
                "An unexpected internal failure occurred.",
                "Une défaillance interne inattendue s'est produite.",
            ),
            ErrorCode::Service => (
                "The scoring service is not running.",
                "Le service d'évaluation n'est pas en marche.",
            ),
            ErrorCode::Database => (
                "The database could not be read or written.",
                "La base de données n'a pas pu être lue ou écrite.",
            ),
            ErrorCode::DatabaseOpen => (
                "The database cannot be opened.",
                "La base de données ne peut pas être ouverte.",
            ),
            ErrorCode::DatabaseTooNew => (
                "The database was written by a newer version of the cockpit.",
                "La base de données a été écrite par une version plus récente du cockpit.",
            ),
            ErrorCode::NoDataDir => (
                "No data folder could be found for this user.",
                "Aucun dossier de données n'a pu être déterminé pour cet utilisateur.",
            ),
            ErrorCode::NoRun => ("No scoring run yet.", "Aucune évaluation pour l'instant."),
            ErrorCode::NoData => (
                "There is no turbine data to score yet.",
                "Il n'y a pas encore de données d'éoliennes à évaluer.",
            ),
            ErrorCode::RunInProgress => (
                "A scoring run is already in progress.",
                "Une évaluation est déjà en cours.",
            ),
            ErrorCode::UnknownTurbine => ("Unknown turbine.", "Éolienne inconnue."),
            ErrorCode::UnknownCategory => {
                ("Unknown risk category.", "Catégorie de risque inconnue.")
            }
            ErrorCode::UnknownSort => ("Unknown sort order.", "Ordre de tri inconnu."),
            ErrorCode::Models => (
                "The models are not available.",
                "Les modèles ne sont pas disponibles.",
            ),
            ErrorCode::Features => (
                "The model inputs could not be computed.",
                "Les entrées des modèles n'ont pas pu être calculées.",
            ),
            ErrorCode::RiskPolicy => (
                "The risk policy cannot be read or is not valid.",
                "La politique de risque est illisible ou non valide.",
            ),
            ErrorCode::Chart => (
                "The chart could not be drawn.",
                "Le graphique n'a pas pu être tracé.",
            ),
            ErrorCode::Demo => (
                "The demo park could not be prepared.",
                "Le parc de démonstration n'a pas pu être préparé.",
            ),
            ErrorCode::Simulation => (
                "The simulation could not be completed.",
                "La simulation n'a pas pu aboutir.",
            ),
            ErrorCode::Ingest => (
                "The data file could not be imported.",
                "Le fichier de données n'a pas pu être importé.",
            ),
            ErrorCode::Mapping => (
                "The column mapping cannot be used.",
                "La correspondance de colonnes est inutilisable.",
            ),
            ErrorCode::InvalidTime => (
                "Time of day not valid: use HH:MM.",
                "Heure non valide : utilisez HH:MM.",
            ),
            ErrorCode::ImplausibleTime => (
                "That date is outside the plausible range: from 1990 to tomorrow.",
                "Cette date est hors de la plage plausible : de 1990 à demain.",
            ),
            ErrorCode::NoUserSystemd => (
                "No systemd user session here: the background service cannot run; the app scores daily while it is open.",
                "Pas de session utilisateur systemd ici : le service d'arrière-plan ne peut pas fonctionner ; l'application évalue chaque jour tant qu'elle est ouverte.",
            ),
            ErrorCode::BackgroundService => (
                "The background service could not be switched: its unit is missing or systemd refused it.",
                "Le service d'arrière-plan n'a pas pu être changé : son unité manque ou systemd l'a refusé.",
            ),
            ErrorCode::Triggers => (
                "A scoring trigger (schedule or watched folder) failed.",
                "Un déclencheur d'évaluation (horaire ou dossier surveillé) a échoué.",
            ),
            ErrorCode::Logs => (
                "The log files could not be read or set up.",
                "Les fichiers journaux n'ont pas pu être lus ou mis en place.",
            ),
            ErrorCode::Bundle => (
                "The diagnostics bundle could not be written.",
                "Le paquet de diagnostic n'a pas pu être écrit.",
            ),
            ErrorCode::InvalidLevel => ("Unknown log level.", "Niveau de journal inconnu."),
            ErrorCode::OpenFolder => (
                "The folder could not be opened.",
                "Le dossier n'a pas pu être ouvert.",
            ),
            ErrorCode::QuarantineExport => (
                "The quarantined lines could not be exported.",
                "Les lignes en quarantaine n'ont pas pu être exportées.",
            ),
            ErrorCode::DocumentExport => (
                "The field document could not be saved.",
                "Le dossier terrain n'a pas pu être enregistré.",
            ),
            ErrorCode::Endpoint => (
                "The health and metrics endpoint cannot listen on this address.",
                "Le point d'accès santé et métriques ne peut pas écouter sur cette adresse.",
            ),
            ErrorCode::HubAddress => (
                "The shared store's address is missing or not a PostgreSQL connection string.",
                "L'adresse du stockage partagé manque ou n'est pas une chaîne de connexion PostgreSQL.",
            ),
            ErrorCode::HubUnreachable => (
                "The shared store cannot be reached; this cockpit keeps working and will sync when it returns.",
                "Le stockage partagé est injoignable ; ce cockpit continue de fonctionner et se synchronisera à son retour.",
            ),
            ErrorCode::HubNotInitialised => (
                "The shared store's database has not been prepared (cockpit hub init).",
                "La base du stockage partagé n'a pas été préparée (cockpit hub init).",
            ),
            ErrorCode::HubTooNew => (
                "The shared store was upgraded by a newer cockpit; update this one.",
                "Le stockage partagé a été mis à niveau par un cockpit plus récent ; mettez celui-ci à jour.",
            ),
            ErrorCode::HubRefused => (
                "The shared store refused the request (permission) or the connection was lost; nothing local was changed.",
                "Le stockage partagé a refusé la demande (droits) ou la connexion a été perdue ; rien n'a été modifié localement.",
            ),
            ErrorCode::NoCandidate => (
                "There is no candidate model set: choose one, or drop it in the models folder's candidate/ folder.",
                "Aucun jeu de modèles candidat : choisissez-en un, ou déposez-le dans le dossier candidate/ du dossier des modèles.",
            ),
            ErrorCode::NoPreviousModelSet => (
                "There is no previous model set to roll back to.",
                "Il n'y a pas de jeu de modèles précédent vers lequel revenir.",
            ),
            ErrorCode::CandidateInService => (
                "The candidate model set is already the one in service.",
                "Le jeu de modèles candidat est déjà celui en service.",
            ),
            ErrorCode::CandidateFeatures => (
                "The candidate models were trained on other features than this cockpit computes; the set in service is unchanged.",
                "Les modèles candidats ont été entraînés sur d'autres variables que celles calculées par ce cockpit ; le jeu en service est inchangé.",
            ),
            ErrorCode::CandidateChecksum => (
                "A file of the candidate model set does not match its checksum; the set in service is unchanged.",
                "Un fichier du jeu de modèles candidat ne correspond pas à sa somme de contrôle ; le jeu en service est inchangé.",
            ),
            ErrorCode::CandidateParity => (
                "The candidate models do not reproduce their reference outputs; the set in service is unchanged.",
                "Les modèles candidats ne reproduisent pas leurs sorties de référence ; le jeu en service est inchangé.",
            ),
            ErrorCode::CandidateInvalid => (
                "The candidate model set cannot be loaded; the set in service is unchanged.",
                "Le jeu de modèles candidat ne peut pas être chargé ; le jeu en service est inchangé.",
            ),
            ErrorCode::ModelSets => (
                "A model set could not be copied into the cockpit's data folder.",
                "Un jeu de modèles n'a pas pu être copié dans le dossier de données du cockpit.",
            ),
            ErrorCode::NoAlert => (
                "This turbine has no alert to act on.",
                "Cette éolienne n'a aucune alerte sur laquelle agir.",
            ),
            ErrorCode::AlertClosed => (
                "This alert is already closed, perhaps on another machine; nothing was changed.",
                "Cette alerte est déjà close, peut-être sur un autre poste ; rien n'a été modifié.",
            ),
            ErrorCode::AlertAlready => (
                "The alert is already in that state; nothing was changed.",
                "L'alerte est déjà dans cet état ; rien n'a été modifié.",
            ),
            ErrorCode::UnknownIntervention => (
                "No intervention has this id.",
                "Aucune intervention ne porte cet identifiant.",
            ),
            ErrorCode::InterventionState => (
                "This intervention is already done or cancelled, or cannot take that step; nothing was changed.",
                "Cette intervention est déjà terminée ou annulée, ou ne peut pas passer à cette étape ; rien n'a été modifié.",
            ),
            ErrorCode::NotAPack => (
                "This file is not a field pack.",
                "Ce fichier n'est pas un paquet terrain.",
            ),
            ErrorCode::PackDamaged => (
                "The field pack is truncated or damaged; nothing was imported.",
                "Le paquet terrain est tronqué ou endommagé ; rien n'a été importé.",
            ),
            ErrorCode::PackTooNew => (
                "The field pack was written by a newer version of the cockpit.",
                "Le paquet terrain a été écrit par une version plus récente du cockpit.",
            ),
            ErrorCode::PackOtherFleet => (
                "The field pack comes from another fleet; nothing was imported.",
                "Le paquet terrain vient d'une autre flotte ; rien n'a été importé.",
            ),
            ErrorCode::PackUnknownTurbines => (
                "The field pack names turbines this cockpit does not know; nothing was imported.",
                "Le paquet terrain cite des éoliennes que ce cockpit ne connaît pas ; rien n'a été importé.",
            ),
            ErrorCode::PackExport => (
                "The field pack could not be written.",
                "Le paquet terrain n'a pas pu être écrit.",
            ),
            ErrorCode::FieldPack => (
                "This is a field pack: scoring, file imports and pack exchanges are done in the office's cockpit.",
                "Ceci est un paquet terrain : évaluations, imports de fichiers et échanges de paquets se font dans le cockpit du bureau.",
            ),
            ErrorCode::InvalidInput => (
                "A value is not valid; nothing was recorded.",
                "Une valeur n'est pas valide ; rien n'a été enregistré.",
            ),
        };
        lang.pick(en, fr)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error that knows its stable [`ErrorCode`]: every core error that reaches a front.
pub trait Coded {
    /// The stable code of this error (nested errors give their inner error's code).
    fn code(&self) -> ErrorCode;
}

impl Coded for StoreError {
    fn code(&self) -> ErrorCode {
        match self {
            StoreError::TooNew { .. } => ErrorCode::DatabaseTooNew,
            StoreError::NoDataDir => ErrorCode::NoDataDir,
            StoreError::CreateDir { .. }
            | StoreError::Open { .. }
            | StoreError::NotMigrated { .. } => ErrorCode::DatabaseOpen,
            StoreError::Sql(_) => ErrorCode::Database,
        }
    }
}

impl Coded for RunError {
    fn code(&self) -> ErrorCode {
        match self {
            RunError::InProgress { .. } => ErrorCode::RunInProgress,
            RunError::NoData => ErrorCode::NoData,
            RunError::FutureAt { .. } | RunError::TooEarlyAt { .. } => ErrorCode::ImplausibleTime,
            RunError::Model(_) => ErrorCode::Models,
            RunError::Features(_) => ErrorCode::Features,
            RunError::Store(s) => s.code(),
            RunError::Sql(_) | RunError::Lock { .. } => ErrorCode::Database,
            RunError::Workflow(w) => w.as_ref().code(),
            RunError::FieldPack => ErrorCode::FieldPack,
        }
    }
}

impl Coded for QueryError {
    fn code(&self) -> ErrorCode {
        match self {
            QueryError::NoRun => ErrorCode::NoRun,
            QueryError::UnknownTurbine { .. } => ErrorCode::UnknownTurbine,
            QueryError::UnknownCategory(_) => ErrorCode::UnknownCategory,
            QueryError::UnknownSort(_) => ErrorCode::UnknownSort,
            QueryError::Run(r) => r.code(),
            QueryError::Sql(_) => ErrorCode::Database,
            QueryError::Workflow(w) => w.as_ref().code(),
        }
    }
}

impl Coded for ChartError {
    fn code(&self) -> ErrorCode {
        match self {
            ChartError::Query(q) => q.code(),
            ChartError::Sql(_) => ErrorCode::Database,
            ChartError::Draw(_) => ErrorCode::Chart,
            ChartError::Write { .. } => ErrorCode::DocumentExport,
            ChartError::Workflow(w) => w.as_ref().code(),
        }
    }
}

impl Coded for ModelError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Models
    }
}

impl Coded for FeatureError {
    fn code(&self) -> ErrorCode {
        match self {
            FeatureError::NoData => ErrorCode::NoData,
            FeatureError::BadInterval(_) | FeatureError::Write(_) | FeatureError::Csv(_) => {
                ErrorCode::Features
            }
            FeatureError::Store(s) => s.code(),
            FeatureError::Sql(_) => ErrorCode::Database,
        }
    }
}

impl Coded for RiskError {
    fn code(&self) -> ErrorCode {
        ErrorCode::RiskPolicy
    }
}

impl Coded for DemoError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Demo
    }
}

impl Coded for SimError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Simulation
    }
}

impl Coded for NotificationError {
    fn code(&self) -> ErrorCode {
        match self {
            NotificationError::Store(s) => s.code(),
            NotificationError::Query(q) => q.code(),
        }
    }
}

impl Coded for TriggerError {
    fn code(&self) -> ErrorCode {
        match self {
            TriggerError::BadTime(_) => ErrorCode::InvalidTime,
            TriggerError::BadSettle(_)
            | TriggerError::Watch { .. }
            | TriggerError::Io { .. }
            | TriggerError::Thread(_) => ErrorCode::Triggers,
        }
    }
}

impl Coded for BackgroundError {
    fn code(&self) -> ErrorCode {
        match self {
            BackgroundError::NoUserSystemd(_) => ErrorCode::NoUserSystemd,
            BackgroundError::UnitMissing | BackgroundError::Systemctl { .. } => {
                ErrorCode::BackgroundService
            }
            BackgroundError::Store(s) => s.code(),
        }
    }
}

impl Coded for ServiceError {
    fn code(&self) -> ErrorCode {
        match self {
            ServiceError::Store(s) => s.code(),
            ServiceError::Model(m) => m.code(),
            ServiceError::Run(r) => r.code(),
            ServiceError::Trigger(t) => t.code(),
            ServiceError::NoModels(_) => ErrorCode::Models,
        }
    }
}

impl Coded for ModelSetError {
    fn code(&self) -> ErrorCode {
        match self {
            ModelSetError::NoCandidate { .. } => ErrorCode::NoCandidate,
            ModelSetError::NoPrevious { .. } => ErrorCode::NoPreviousModelSet,
            ModelSetError::AlreadyInService { .. } => ErrorCode::CandidateInService,
            ModelSetError::CandidateRefused { refusal, .. } => match refusal {
                Refusal::Features => ErrorCode::CandidateFeatures,
                Refusal::Checksum => ErrorCode::CandidateChecksum,
                Refusal::Parity => ErrorCode::CandidateParity,
                Refusal::Invalid => ErrorCode::CandidateInvalid,
            },
            ModelSetError::PreviousRefused { .. } => ErrorCode::Models,
            ModelSetError::Io { .. } => ErrorCode::ModelSets,
            ModelSetError::Model(m) => m.code(),
            ModelSetError::Store(s) => s.code(),
            ModelSetError::Sql(_) => ErrorCode::Database,
            ModelSetError::Run(r) => r.code(),
        }
    }
}

impl Coded for WorkflowError {
    fn code(&self) -> ErrorCode {
        match self {
            WorkflowError::UnknownTurbine { .. } => ErrorCode::UnknownTurbine,
            WorkflowError::NoAlert { .. } => ErrorCode::NoAlert,
            WorkflowError::AlertClosed { .. } => ErrorCode::AlertClosed,
            WorkflowError::AlertAlready { .. } => ErrorCode::AlertAlready,
            WorkflowError::UnknownIntervention { .. }
            | WorkflowError::AmbiguousIntervention { .. } => ErrorCode::UnknownIntervention,
            WorkflowError::InterventionState { .. } => ErrorCode::InterventionState,
            WorkflowError::Invalid { .. } => ErrorCode::InvalidInput,
            WorkflowError::Store(s) => s.code(),
            WorkflowError::Sql(_) => ErrorCode::Database,
        }
    }
}

impl Coded for HubError {
    fn code(&self) -> ErrorCode {
        match self {
            HubError::BadUrl { .. } | HubError::NoServer => ErrorCode::HubAddress,
            HubError::Connect { .. } | HubError::Tls { .. } => ErrorCode::HubUnreachable,
            HubError::NotInitialised { .. } => ErrorCode::HubNotInitialised,
            HubError::TooNew { .. } => ErrorCode::HubTooNew,
            HubError::Server { .. } | HubError::NotOwner { .. } => ErrorCode::HubRefused,
            HubError::BadAccess { .. } => ErrorCode::InvalidInput,
            HubError::Local { .. } => ErrorCode::Database,
        }
    }
}

impl Coded for PackError {
    fn code(&self) -> ErrorCode {
        match self {
            PackError::NotAPack { .. } => ErrorCode::NotAPack,
            PackError::Unreadable { .. }
            | PackError::Damaged { .. }
            | PackError::BadEvent { .. } => ErrorCode::PackDamaged,
            PackError::TooNew { .. } => ErrorCode::PackTooNew,
            PackError::OtherFleet { .. } => ErrorCode::PackOtherFleet,
            PackError::UnknownTurbines { .. } => ErrorCode::PackUnknownTurbines,
            PackError::Selection(_) => ErrorCode::InvalidInput,
            PackError::IsAPack { .. } => ErrorCode::FieldPack,
            PackError::Write { .. } => ErrorCode::PackExport,
            PackError::Workflow(w) => w.code(),
            PackError::Store(s) => s.code(),
            PackError::Sql(_) => ErrorCode::Database,
        }
    }
}

impl Coded for IngestError {
    fn code(&self) -> ErrorCode {
        match self {
            IngestError::Store(s) => s.code(),
            IngestError::Database { .. } => ErrorCode::Database,
            IngestError::Export { .. } => ErrorCode::QuarantineExport,
            IngestError::FieldPack => ErrorCode::FieldPack,
            _ => ErrorCode::Ingest,
        }
    }
}

impl Coded for MappingError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Mapping
    }
}

impl Coded for TelemetryError {
    fn code(&self) -> ErrorCode {
        match self {
            TelemetryError::Store(s) => s.code(),
            TelemetryError::Query(q) => q.code(),
            TelemetryError::Sql(_) => ErrorCode::Database,
            TelemetryError::ReadLogs { .. }
            | TelemetryError::LogDir { .. }
            | TelemetryError::LogFile { .. }
            | TelemetryError::Filter { .. }
            | TelemetryError::AlreadyInitialised => ErrorCode::Logs,
            TelemetryError::Bundle { .. } | TelemetryError::Json(_) => ErrorCode::Bundle,
            TelemetryError::Draw(_) => ErrorCode::Chart,
            TelemetryError::ListenAddress { .. }
            | TelemetryError::ListenInUse { .. }
            | TelemetryError::Listen { .. } => ErrorCode::Endpoint,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_code_has_a_distinct_summary_in_both_languages() {
        for lang in [Lang::En, Lang::Fr] {
            let mut seen = HashSet::new();
            for code in ErrorCode::ALL {
                let s = code.summary(lang);
                assert!(!s.trim().is_empty(), "{code} has no summary in {lang:?}");
                assert!(seen.insert(s), "{code} shares its {lang:?} summary: {s}");
            }
        }
        for code in ErrorCode::ALL {
            assert_ne!(code.summary(Lang::En), code.summary(Lang::Fr), "{code}");
        }
    }

    #[test]
    fn codes_serialize_as_their_stable_string_and_parse_back() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{code} is listed twice");
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
        }
        assert_eq!(ErrorCode::parse("weird"), None);
    }

    #[test]
    fn nested_errors_give_their_inner_code() {
        assert_eq!(QueryError::NoRun.code().as_str(), "no_run");
        assert_eq!(QueryError::Run(RunError::NoData).code().as_str(), "no_data");
        assert_eq!(
            ChartError::Query(QueryError::UnknownSort("x".into())).code(),
            ErrorCode::UnknownSort
        );
        assert_eq!(
            ServiceError::Trigger(TriggerError::BadTime("25:00".into())).code(),
            ErrorCode::InvalidTime
        );
        assert_eq!(
            ServiceError::Store(StoreError::NoDataDir).code().as_str(),
            "no_data_dir"
        );
        assert_eq!(
            TelemetryError::Query(QueryError::NoRun).code(),
            ErrorCode::NoRun
        );
    }

    /// A refused candidate's code says which check it failed.
    #[test]
    fn a_refused_candidate_gives_the_code_of_the_check_it_failed() {
        let refused = |source| ModelSetError::refused(std::path::Path::new("c"), source);
        let features = refused(ModelError::FeatureMismatch {
            position: 0,
            expected: Some("a".into()),
            found: Some("b".into()),
            expected_count: 1,
            found_count: 1,
        });
        assert_eq!(features.code().as_str(), "candidate_features");
        let checksum = refused(ModelError::ChecksumMismatch {
            file: "m.onnx".into(),
            expected: "0".repeat(64),
            found: "1".repeat(64),
        });
        assert_eq!(checksum.code().as_str(), "candidate_checksum");
        let parity = refused(ModelError::ParityMissing {
            path: "parity.csv".into(),
        });
        assert_eq!(parity.code().as_str(), "candidate_parity");
        let missing = refused(ModelError::ManifestMissing {
            path: "manifest.json".into(),
        });
        assert_eq!(missing.code().as_str(), "candidate_invalid");
        let none = ModelSetError::NoPrevious {
            current: "1.0.0".into(),
        };
        assert_eq!(none.code().as_str(), "no_previous_model_set");
    }
}
