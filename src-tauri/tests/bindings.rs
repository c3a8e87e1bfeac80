//! The TypeScript types the UI receives are generated from the Rust types (ts-rs): this test
//! renders `ui/src/generated/types.ts` in memory and fails when the committed file differs.
//! `UPDATE_BINDINGS=1 cargo test -p energitech-cockpit --test bindings` rewrites it.

use std::any::TypeId;
use std::collections::HashSet;
use std::path::PathBuf;

use ts_rs::{Config, TS};

/// The command to run when the file is stale.
const UPDATE: &str = "UPDATE_BINDINGS=1 cargo test -p energitech-cockpit --test bindings";

/// The generated file, from the shell's folder.
fn bindings_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/generated/types.ts")
}

/// ts-rs settings: 64-bit integers are plain JSON numbers for the UI, not `bigint`.
fn config() -> Config {
    Config::new().with_large_int("number")
}

/// The declarations, in file order, and what they refer to.
#[derive(Default)]
struct Bindings {
    declared: Vec<(TypeId, String, String)>,
    used: Vec<(String, TypeId, String)>,
}

impl Bindings {
    fn add<T: TS + 'static>(&mut self, cfg: &Config) {
        let name = T::ident(cfg);
        let mut decl = T::docs().unwrap_or_default();
        decl.push_str("export ");
        decl.push_str(&T::decl(cfg));
        for dep in T::dependencies(cfg) {
            self.used.push((name.clone(), dep.type_id, dep.ts_name));
        }
        self.declared.push((TypeId::of::<T>(), name, decl));
    }
}

/// Every type the UI receives from the shell's commands and events (and the filter it sends).
fn bindings() -> Bindings {
    use cockpit_core::background::{BackgroundStatus, Heartbeat, OwnerKind};
    use cockpit_core::errors::ErrorCode;
    use cockpit_core::ingest::{
        FileFailure, FileReport, IngestProgress, IngestReport, QuarantineCount, QuarantinePage,
        ReasonCount,
    };
    use cockpit_core::modelsets::{
        Agreement, ComparisonText, ModelSetChange, ModelSetHistory, ModelSetInfo, ModelSetStatus,
        ServicePeriod,
    };
    use cockpit_core::quality::{Fault, FaultKind, Watch};
    use cockpit_core::risk::Category;
    use cockpit_core::runs::drivers::Basis;
    use cockpit_core::runs::queries::{FleetItemText, HistoryPoint, Identity, LatestPrediction};
    use cockpit_core::runs::track_record::{CategoryRecord, RecordFigures};
    use cockpit_core::runs::{
        CategoryCounts, DataQuality, DataQualityText, Driver, RunRecord, Unwatched,
    };
    use cockpit_core::service::Event;
    use cockpit_core::store::QuarantinedRow;
    use cockpit_core::telemetry::health::{Check, HealthReport, Status};
    use cockpit_core::telemetry::logging::LogLine;
    use cockpit_core::telemetry::metrics::{Availability, DayErrors, OperationMetrics};
    use cockpit_core::telemetry::monitoring::{
        AlertLevel, CategoryPoint, FeatureDrift, Freshness, StaleTurbine,
    };
    use energitech_cockpit::commands::{
        AppInfo, DetailText, DriverText, FieldDocumentFile, FleetFilterArgs, FleetPage, FleetRow,
        RunProgress, ScheduleView, TrackRecordText, TurbinePage,
    };
    use energitech_cockpit::diagnostics::{BundlePath, DiagnosticsPage};
    use energitech_cockpit::error::ApiError;
    use energitech_cockpit::import::{ImportOutcome, MappingChoice, QuarantineArgs, QuarantineCsv};
    use energitech_cockpit::modelsets::{ComparisonPage, ModelSetsPage};
    use energitech_cockpit::phrased::{CategoryLabels, MeasurementText, RunRow, RunText};
    use energitech_cockpit::state::Phase;

    let cfg = config();
    let mut b = Bindings::default();
    // Runs and the fleet view.
    b.add::<Category>(&cfg);
    b.add::<CategoryLabels>(&cfg);
    b.add::<CategoryCounts>(&cfg);
    b.add::<RunRecord>(&cfg);
    b.add::<RunText>(&cfg);
    b.add::<RunRow>(&cfg);
    b.add::<Basis>(&cfg);
    b.add::<Driver>(&cfg);
    b.add::<FaultKind>(&cfg);
    b.add::<Fault>(&cfg);
    b.add::<Watch>(&cfg);
    b.add::<Unwatched>(&cfg);
    b.add::<DataQuality>(&cfg);
    b.add::<DataQualityText>(&cfg);
    {
        use cockpit_core::workflow::state::{
            AlertStatus, Closure, Conflict, InterventionStatus, Outcome, Stamp,
        };
        use cockpit_core::workflow::views::{
            AlertText, AlertView, Changes, Choices, InterventionText, InterventionView,
            LogbookEntry, TurbineHistory,
        };
        use cockpit_core::workflow::words::BadgeKind;
        use cockpit_core::workflow::{DismissReason, Finding, Priority};
        use energitech_cockpit::workflow::{AuthorInfo, PlanArgs};
        b.add::<AlertStatus>(&cfg);
        b.add::<Stamp>(&cfg);
        b.add::<DismissReason>(&cfg);
        b.add::<Closure>(&cfg);
        b.add::<Finding>(&cfg);
        b.add::<Outcome>(&cfg);
        b.add::<Conflict>(&cfg);
        b.add::<BadgeKind>(&cfg);
        b.add::<AlertText>(&cfg);
        b.add::<AlertView>(&cfg);
        b.add::<Priority>(&cfg);
        b.add::<InterventionStatus>(&cfg);
        b.add::<InterventionText>(&cfg);
        b.add::<InterventionView>(&cfg);
        b.add::<Changes>(&cfg);
        b.add::<LogbookEntry>(&cfg);
        b.add::<TurbineHistory>(&cfg);
        b.add::<Choices>(&cfg);
        b.add::<PlanArgs>(&cfg);
        b.add::<AuthorInfo>(&cfg);
    }
    b.add::<FleetItemText>(&cfg);
    b.add::<FleetRow>(&cfg);
    b.add::<RecordFigures>(&cfg);
    b.add::<CategoryRecord>(&cfg);
    b.add::<TrackRecordText>(&cfg);
    b.add::<FleetPage>(&cfg);
    b.add::<FleetFilterArgs>(&cfg);
    b.add::<FieldDocumentFile>(&cfg);
    // A turbine's detail.
    b.add::<Identity>(&cfg);
    b.add::<LatestPrediction>(&cfg);
    b.add::<HistoryPoint>(&cfg);
    b.add::<DriverText>(&cfg);
    b.add::<MeasurementText>(&cfg);
    b.add::<DetailText>(&cfg);
    b.add::<TurbinePage>(&cfg);
    // Schedule, start-up, runs and service events.
    b.add::<ScheduleView>(&cfg);
    b.add::<Phase>(&cfg);
    b.add::<AppInfo>(&cfg);
    b.add::<ErrorCode>(&cfg);
    b.add::<ApiError>(&cfg);
    b.add::<RunProgress>(&cfg);
    b.add::<Event>(&cfg);
    // Diagnostics tab.
    b.add::<Status>(&cfg);
    b.add::<Check>(&cfg);
    b.add::<HealthReport>(&cfg);
    b.add::<OperationMetrics>(&cfg);
    b.add::<DayErrors>(&cfg);
    b.add::<Availability>(&cfg);
    b.add::<AlertLevel>(&cfg);
    b.add::<CategoryPoint>(&cfg);
    b.add::<FeatureDrift>(&cfg);
    b.add::<StaleTurbine>(&cfg);
    b.add::<Freshness>(&cfg);
    b.add::<DiagnosticsPage>(&cfg);
    b.add::<LogLine>(&cfg);
    b.add::<BundlePath>(&cfg);
    // Import files… and the quarantine.
    b.add::<MappingChoice>(&cfg);
    b.add::<ReasonCount>(&cfg);
    b.add::<FileReport>(&cfg);
    b.add::<FileFailure>(&cfg);
    b.add::<IngestReport>(&cfg);
    b.add::<IngestProgress>(&cfg);
    b.add::<ImportOutcome>(&cfg);
    b.add::<QuarantinedRow>(&cfg);
    b.add::<QuarantineCount>(&cfg);
    b.add::<QuarantinePage>(&cfg);
    b.add::<QuarantineArgs>(&cfg);
    b.add::<QuarantineCsv>(&cfg);
    // Model sets (Diagnostics).
    b.add::<ModelSetInfo>(&cfg);
    b.add::<ModelSetStatus>(&cfg);
    b.add::<ServicePeriod>(&cfg);
    b.add::<ModelSetChange>(&cfg);
    b.add::<ModelSetHistory>(&cfg);
    b.add::<ModelSetsPage>(&cfg);
    b.add::<Agreement>(&cfg);
    b.add::<ComparisonText>(&cfg);
    b.add::<ComparisonPage>(&cfg);
    // Field packs.
    {
        use cockpit_core::pack::{ExportSummary, FleetIdentity, ImportSummary, PackInfo};
        b.add::<FleetIdentity>(&cfg);
        b.add::<PackInfo>(&cfg);
        b.add::<ExportSummary>(&cfg);
        b.add::<ImportSummary>(&cfg);
    }
    // The background service card.
    b.add::<OwnerKind>(&cfg);
    b.add::<Heartbeat>(&cfg);
    b.add::<BackgroundStatus>(&cfg);
    // Notifications (Diagnostics card, a click opening the fleet on their turbines).
    b.add::<cockpit_core::notifications::NotificationSettings>(&cfg);
    b.add::<energitech_cockpit::notifications::OpenTurbines>(&cfg);
    // The shared fleet store: the all-sites view and the Sync card.
    {
        use cockpit_core::hub::sync::{Notice, SyncReport, SyncSettings, SyncStatus};
        use cockpit_core::hub::view::{AllSites, SiteTurbine, SiteView};
        b.add::<SiteTurbine>(&cfg);
        b.add::<SiteView>(&cfg);
        b.add::<AllSites>(&cfg);
        b.add::<SyncSettings>(&cfg);
        b.add::<SyncStatus>(&cfg);
        b.add::<cockpit_core::hub::words::SyncText>(&cfg);
        b.add::<energitech_cockpit::sync::SyncCard>(&cfg);
        b.add::<Notice>(&cfg);
        b.add::<SyncReport>(&cfg);
    }
    b
}

/// The file's content.
fn render(b: &Bindings) -> String {
    let mut out = String::new();
    out.push_str("// Generated by `cargo test -p energitech-cockpit --test bindings` with\n");
    out.push_str("// UPDATE_BINDINGS=1 from the Rust types (ts-rs): do not edit.\n");
    for (_, _, decl) in &b.declared {
        out.push('\n');
        out.push_str(decl);
        out.push('\n');
    }
    out
}

#[test]
fn every_referenced_type_is_declared() {
    let b = bindings();
    let declared: HashSet<TypeId> = b.declared.iter().map(|(id, _, _)| *id).collect();
    let missing: Vec<String> = b
        .used
        .iter()
        .filter(|(_, id, _)| !declared.contains(id))
        .map(|(user, _, name)| format!("{name} (used by {user})"))
        .collect();
    assert!(
        missing.is_empty(),
        "add these types to bindings() in src-tauri/tests/bindings.rs: {}",
        missing.join(", ")
    );
    let mut names = HashSet::new();
    for (_, name, _) in &b.declared {
        assert!(names.insert(name.clone()), "{name} is declared twice");
    }
}

#[test]
fn generated_types_are_up_to_date() {
    let content = render(&bindings());
    let path = bindings_path();
    if std::env::var_os("UPDATE_BINDINGS").is_some_and(|v| !v.is_empty() && v != "0") {
        let dir = path.parent().expect("the file has a folder");
        std::fs::create_dir_all(dir).expect("create ui/src/generated");
        std::fs::write(&path, &content).expect("write ui/src/generated/types.ts");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    // Git on Windows may check the file out with CRLF line ends.
    if committed.replace("\r\n", "\n") != content {
        panic!("ui/src/generated/types.ts is stale: run {UPDATE}");
    }
}
