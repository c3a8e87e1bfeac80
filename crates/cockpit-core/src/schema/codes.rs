//! The coded values of the contract: turbine status, tracked components, the kinds of file and
//! the columns of the registry and logbook files.

use std::fmt;

/// Operating state reported by the turbine controller for a 10-minute record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Producing, or ready and waiting for wind.
    Running,
    /// Stopped by the controller on a fault.
    Fault,
    /// Stopped for maintenance or repair.
    Maintenance,
    /// Stopped on purpose (curtailment, grid request, storm).
    Stopped,
}

impl Status {
    /// Every status, in code order.
    pub const ALL: [Status; 4] = [
        Status::Running,
        Status::Fault,
        Status::Maintenance,
        Status::Stopped,
    ];

    /// The canonical text written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Fault => "fault",
            Status::Maintenance => "maintenance",
            Status::Stopped => "stopped",
        }
    }

    /// Small integer stored in SQLite.
    pub const fn code(self) -> i64 {
        match self {
            Status::Running => 0,
            Status::Fault => 1,
            Status::Maintenance => 2,
            Status::Stopped => 3,
        }
    }

    /// Parses the canonical text (case-insensitive).
    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Columns of the turbine registry file (`turbines.csv`). All are required but
/// `commissioning_date`, which may be absent or empty (unknown: ENGIE's asset table has none).
pub const REGISTRY_COLUMNS: &[&str] = &[
    "turbine_id",
    "site",
    "model",
    "rated_power_kw",
    "latitude",
    "longitude",
    "commissioning_date",
];

/// Columns of the maintenance/failure logbook (`logbook.csv`). `back_in_service_time` and `action`
/// may be empty (repair still ongoing, action not yet written). `precursor_start` is optional and
/// only written by the simulator: when the precursor of the failure began (empty: the failure had
/// none); real logbooks have no such column, and then nothing is known about precursors.
pub const LOGBOOK_COLUMNS: &[&str] = &[
    "turbine_id",
    "component",
    "failure_time",
    "back_in_service_time",
    "action",
    "precursor_start",
];

/// Turbine components whose failures the cockpit tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Component {
    /// Gearbox high-speed shaft bearing.
    GearboxBearing,
    /// Generator drive-end bearing.
    GeneratorBearing,
    /// Generator stator winding.
    GeneratorWinding,
    /// Pitch hydraulic system.
    PitchHydraulic,
    /// Power converter.
    Converter,
    /// HV transformer.
    Transformer,
}

impl Component {
    /// Every component, in a stable order.
    pub const ALL: [Component; 6] = [
        Component::GearboxBearing,
        Component::GeneratorBearing,
        Component::GeneratorWinding,
        Component::PitchHydraulic,
        Component::Converter,
        Component::Transformer,
    ];

    /// Canonical text written in logbook files and stored in SQLite.
    pub fn as_str(self) -> &'static str {
        match self {
            Component::GearboxBearing => "gearbox_bearing",
            Component::GeneratorBearing => "generator_bearing",
            Component::GeneratorWinding => "generator_winding",
            Component::PitchHydraulic => "pitch_hydraulic",
            Component::Converter => "converter",
            Component::Transformer => "transformer",
        }
    }

    /// Parses the canonical text (case-insensitive; spaces and dashes accepted for underscores).
    pub fn parse(text: &str) -> Option<Component> {
        let norm: String = text
            .trim()
            .chars()
            .map(|c| {
                if c == ' ' || c == '-' {
                    '_'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        Component::ALL.into_iter().find(|c| c.as_str() == norm)
    }
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The three kinds of file the cockpit ingests, told apart by their header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// 10-minute SCADA records.
    Scada,
    /// The turbine registry.
    Registry,
    /// The maintenance/failure logbook.
    Logbook,
}

impl FileKind {
    /// The name shown in reports and stored with each ingestion.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Scada => "scada",
            FileKind::Registry => "registry",
            FileKind::Logbook => "logbook",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_and_status_round_trip() {
        for c in Component::ALL {
            assert_eq!(Component::parse(c.as_str()), Some(c));
        }
        assert_eq!(
            Component::parse("Gearbox Bearing"),
            Some(Component::GearboxBearing)
        );
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("bogus"), None);
    }
}
