//! Risk, signal and fleet trend charts, rendered as SVG text with `plotters`, in French or
//! English. Each chart is a self-contained `<svg>` document the desktop app shows as an image.
//!
//! * [`risk`](risk_chart) — a turbine's risk score at every run over the category bands, the
//!   bands read from the [`RiskPolicy`](crate::risk::RiskPolicy) (coloured *and* labelled);
//! * [`signals`](signals_chart) — the recent trend of the signals behind the turbine's drivers
//!   (one panel per signal, hourly means, the driver's "normal" reference), and the readings
//!   query behind it, [`signal_series`];
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
mod fleet_trend;
mod risk;
mod signals;

pub use draw::{category_color, CHART_HEIGHT, CHART_WIDTH};
pub use error::ChartError;
pub use fleet_trend::{fleet_trend, fleet_trend_chart, render_fleet_trend, TrendPoint};
pub use risk::{render_risk, risk_chart};
pub use signals::{
    driver_signal, render_signals, signal_series, signals_chart, signals_for, SignalSeries,
    MAX_SIGNALS, SIGNAL_DAYS, SIGNAL_PANEL_HEIGHT,
};
