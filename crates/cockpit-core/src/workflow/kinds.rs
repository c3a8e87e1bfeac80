//! The workflow's coded values: why an alert was dismissed, how urgent an intervention is, what
//! it found. Pure values with their stored text and how a front's text is read; their words are
//! in [`words`](super::words).

use serde::{Deserialize, Serialize};

use super::WorkflowError;

/// Why an alert was dismissed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DismissReason {
    /// A false alarm caused by a sensor.
    FalseAlarmSensor,
    /// A known issue, followed elsewhere.
    KnownIssue,
    /// An intervention is already planned.
    AlreadyPlanned,
    /// Another reason (say it in the note).
    Other,
}

impl DismissReason {
    /// Every reason, in the order the app lists them.
    pub const ALL: [DismissReason; 4] = [
        DismissReason::FalseAlarmSensor,
        DismissReason::KnownIssue,
        DismissReason::AlreadyPlanned,
        DismissReason::Other,
    ];

    /// `false_alarm_sensor`, `known_issue`, `already_planned`, `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            DismissReason::FalseAlarmSensor => "false_alarm_sensor",
            DismissReason::KnownIssue => "known_issue",
            DismissReason::AlreadyPlanned => "already_planned",
            DismissReason::Other => "other",
        }
    }

    /// Reads a reason (case, dashes and spaces forgiven; `sensor`, `known`, `planned` too).
    pub fn parse(text: &str) -> Result<DismissReason, WorkflowError> {
        let t = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        match t.as_str() {
            "false_alarm_sensor" | "false_alarm" | "sensor" => Ok(DismissReason::FalseAlarmSensor),
            "known_issue" | "known" => Ok(DismissReason::KnownIssue),
            "already_planned" | "planned" => Ok(DismissReason::AlreadyPlanned),
            "other" => Ok(DismissReason::Other),
            _ => Err(WorkflowError::Invalid {
                field: "reason",
                message: format!(
                    "{text:?} is not a reason: use false-alarm-sensor, known-issue, already-planned or other"
                ),
            }),
        }
    }
}

/// How urgent an intervention is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// When convenient.
    Low,
    /// In the normal course (the default).
    #[default]
    Normal,
    /// Before other work.
    High,
    /// Now.
    Urgent,
}

impl Priority {
    /// Every priority, most urgent first.
    pub const ALL: [Priority; 4] = [
        Priority::Urgent,
        Priority::High,
        Priority::Normal,
        Priority::Low,
    ];

    /// `low`, `normal`, `high`, `urgent`.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    /// Reads a priority (English or French word, case-insensitive).
    pub fn parse(text: &str) -> Result<Priority, WorkflowError> {
        match text.trim().to_lowercase().as_str() {
            "low" | "basse" | "faible" => Ok(Priority::Low),
            "normal" | "normale" => Ok(Priority::Normal),
            "high" | "haute" | "élevée" | "elevee" => Ok(Priority::High),
            "urgent" | "urgente" => Ok(Priority::Urgent),
            _ => Err(WorkflowError::Invalid {
                field: "priority",
                message: format!("{text:?} is not a priority: use low, normal, high or urgent"),
            }),
        }
    }
}

/// What an intervention found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// The fault was there (which component: see the intervention).
    Confirmed,
    /// Nothing was found.
    Nothing,
    /// Something else (say it in the note).
    Other,
}

impl Finding {
    /// `confirmed`, `nothing`, `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            Finding::Confirmed => "confirmed",
            Finding::Nothing => "nothing",
            Finding::Other => "other",
        }
    }

    /// Reads a finding (`confirmed`, `nothing`, `other`; `fault`, `none` too).
    pub fn parse(text: &str) -> Result<Finding, WorkflowError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "confirmed" | "fault" | "fault_confirmed" | "fault-confirmed" => Ok(Finding::Confirmed),
            "nothing" | "none" | "nothing_found" | "nothing-found" => Ok(Finding::Nothing),
            "other" => Ok(Finding::Other),
            _ => Err(WorkflowError::Invalid {
                field: "finding",
                message: format!("{text:?} is not a finding: use confirmed, nothing or other"),
            }),
        }
    }
}
