//! What the charts share: their sizes, the colours (the category colours are the app's badge
//! colours), text styles, day axes (Unix seconds shown as UTC days) and the single-message chart
//! drawn when there is no data yet.

use std::ops::Range;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::ChartError;
use crate::lang::{format_day, Lang};
use crate::risk::Category;

/// Width of the charts, in SVG user units (the app scales them to its layout).
pub const CHART_WIDTH: u32 = 760;
/// Height of the risk and fleet trend charts.
pub const CHART_HEIGHT: u32 = 300;
/// Width of the legend column on the right of the risk and fleet trend charts.
pub(super) const LEGEND_WIDTH: u32 = 130;

/// Seconds in a day.
pub(super) const DAY: i64 = 86_400;
const FONT: &str = "sans-serif";
/// Text and axes.
pub(super) const INK: RGBColor = RGBColor(0x1f, 0x29, 0x33);
/// Grid lines.
pub(super) const GRID: RGBColor = RGBColor(0xdd, 0xe2, 0xe8);
/// Data lines.
pub(super) const LINE: RGBColor = RGBColor(0x0b, 0x3d, 0x91);

/// Colour of a category (the same as the app's badges).
pub fn category_color(c: Category) -> RGBColor {
    match c {
        Category::Critical => RGBColor(0xb4, 0x23, 0x18),
        Category::High => RGBColor(0xd9, 0x5d, 0x0b),
        Category::Moderate => RGBColor(0xc9, 0x9a, 0x00),
        Category::Low => RGBColor(0x2e, 0x7d, 0x32),
    }
}

/// Label of an x position in days, as a date in the language.
pub(super) fn day_label(days: f64, lang: Lang) -> String {
    format_day((days * DAY as f64).round() as i64, lang)
}

/// Unix seconds as (fractional) days, the charts' x unit.
pub(super) fn to_days(unix: i64) -> f64 {
    unix as f64 / DAY as f64
}

/// An x range (in days) covering `lo..=hi`, at least two days wide.
pub(super) fn day_range(lo: i64, hi: i64) -> Range<f64> {
    let (a, b) = (to_days(lo), to_days(hi));
    if b - a < 2.0 {
        let mid = (a + b) / 2.0;
        (mid - 1.0)..(mid + 1.0)
    } else {
        a..b
    }
}

/// The charts' font at `size`, in `color`.
pub(super) fn text_style(size: u32, color: RGBColor) -> TextStyle<'static> {
    (FONT, size).into_font().color(&color)
}

/// A chart with a single centred message (no data yet).
pub(super) fn message_svg(message: &str, width: u32, height: u32) -> Result<String, ChartError> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (width, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let style = text_style(16, INK).pos(Pos::new(HPos::Center, VPos::Center));
        root.draw(&Text::new(
            message.to_string(),
            (width as i32 / 2, height as i32 / 2),
            style,
        ))?;
        root.present()?;
    }
    Ok(buf)
}

/// The line of a time series (Unix seconds, value; oldest first) cut into stretches wherever the
/// data has a hole: a step longer than 1.5 times the series' median step and longer than
/// `min_gap` seconds (a missing stretch, never drawn as a straight segment across it). A stretch
/// of one point is returned alone: draw it as a dot, a line of one point shows nothing.
pub(super) fn stretches(points: &[(i64, f64)], min_gap: i64) -> Vec<Vec<(f64, f64)>> {
    let mut steps: Vec<i64> = points.windows(2).map(|w| w[1].0 - w[0].0).collect();
    steps.sort_unstable();
    let median = steps.get(steps.len() / 2).copied().unwrap_or(0);
    let gap = (median + median / 2).max(min_gap);
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut prev: Option<i64> = None;
    for &(t, v) in points {
        if prev.is_none_or(|p| t - p > gap) {
            out.push(Vec::new());
        }
        if let Some(last) = out.last_mut() {
            last.push((to_days(t), v));
        }
        prev = Some(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        let svg = message_svg("a < b & \"c\"", 200, 100).unwrap();
        assert!(svg.contains("a &lt; b &amp; &quot;c&quot;"), "{svg}");
    }

    #[test]
    fn a_hole_longer_than_the_usual_step_cuts_the_line() {
        // Hourly points, then nothing for five hours, then hourly again.
        let mut points: Vec<(i64, f64)> = (0..6).map(|h| (h * 3600, 1.0)).collect();
        points.extend((11..15).map(|h| (h * 3600, 2.0)));
        let s = stretches(&points, 1800);
        assert_eq!(s.iter().map(Vec::len).collect::<Vec<_>>(), [6, 4]);
        // One missing hour is a hole too (more than 1.5 steps).
        let s = stretches(
            &[(0, 1.0), (3600, 1.0), (3 * 3600, 1.0), (4 * 3600, 1.0)],
            1800,
        );
        assert_eq!(s.len(), 2);
        // Below the floor nothing is cut: 10-minute records with a 20-minute hole.
        let tight = [(0, 1.0), (600, 1.0), (1200, 1.0), (2400, 1.0), (3000, 1.0)];
        assert_eq!(stretches(&tight, 1800).len(), 1);
        assert!(stretches(&[], 1800).is_empty());
    }

    #[test]
    fn day_ranges_are_at_least_two_days_wide() {
        assert_eq!(day_range(DAY, DAY), 0.0..2.0);
        assert_eq!(day_range(0, 5 * DAY), 0.0..5.0);
    }
}
