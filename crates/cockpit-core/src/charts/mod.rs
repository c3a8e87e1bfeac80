//! Risk, signal and fleet trend charts, rendered as SVG text with `plotters`, in French or
//! English, and the field document built around them. Each chart is a self-contained `<svg>` document the desktop app shows as an image.
//!
//! * [`risk`](risk_chart) — a turbine's risk score at every run over the category bands, the
//!   bands read from the [`RiskPolicy`](crate::risk::RiskPolicy) (coloured *and* labelled);
//! * [`signals`](signals_chart) — the recent trend of the signals behind the turbine's drivers
//!   (one panel per signal, hourly means broken where data is missing, the driver's "normal"
//!   reference), and the readings
//!   query behind it, [`signal_series`];
//! * [`markers`](risk_markers) — what happened to the turbine (logged failures, returns to
//!   service, alerts, interventions) as [`Marker`]s on its risk history, built in one place;
//! * [`field`](field_document) — the field document: a cover list of the selected turbines and
//!   one printable A4 sheet each (identity, last measurements, drivers, risk history, planned
//!   interventions), one self-contained HTML file for the CLI and the app alike;
//! * [`fleet_trend`](fleet_trend_chart) — the number of turbines in each category at every run,
//!   and its query, [`fleet_trend()`];
//! * `draw` — what the charts share: sizes, colours, text styles, day axes, the "no data yet"
//!   message chart;
//! * `error` — [`ChartError`].
//!
//! Text is written as SVG `<text>` elements (escaped by the backend) and laid out by the web view
//! with its own fonts: no font file is read here. Dates are UTC days.

mod draw;
mod error;
mod field;
mod fleet_trend;
mod markers;
mod risk;
mod signals;

pub use draw::{category_color, CHART_HEIGHT, CHART_WIDTH};
pub use error::ChartError;
pub use field::{
    escape_html, field_document, field_sheet, planned_interventions, FieldDocument, FieldSheet,
    Measurement, PlannedIntervention, FIELD_CSS,
};
pub use fleet_trend::{fleet_trend, fleet_trend_chart, render_fleet_trend, TrendPoint};
pub use markers::{risk_markers, Marker, MarkerKind};
pub use risk::{history_window, render_risk, risk_chart, RUN_GAP_FLOOR};
pub use signals::{
    driver_signal, render_signals, signal_series, signals_chart, signals_for, SignalSeries,
    GAP_FLOOR, MAX_SIGNALS, SIGNAL_DAYS, SIGNAL_PANEL_HEIGHT,
};
