//! Finding the faulty stretches of one signal, and masking them.

use crate::schema::RECORD_SECONDS;

use super::{limits, Fault, FaultKind, Rules};

/// The faults of one signal of one turbine: `ts` are the record times (increasing), `values`
/// the signal (NaN = missing), `running` whether the turbine produced or turned at each record.
/// A signal without [`limits`] has none. Faults come sorted by start.
pub fn signal_faults(
    column: &str,
    ts: &[i64],
    values: &[f32],
    running: &[bool],
    rules: &Rules,
) -> Vec<Fault> {
    let Some(lim) = limits(column) else {
        return Vec::new();
    };
    let n = ts.len().min(values.len()).min(running.len());
    let mut out = Vec::new();
    let fault = |kind, start, end| Fault {
        signal: Some(column.to_string()),
        kind,
        start,
        end,
    };
    // Out of physics: runs of implausible values (missing values do not break a run).
    let mut open: Option<(i64, i64)> = None;
    for i in 0..n {
        let v = f64::from(values[i]);
        if v.is_nan() {
            continue;
        }
        if v < lim.min || v > lim.max {
            open = Some(open.map_or((ts[i], ts[i]), |(s, _)| (s, ts[i])));
        } else if let Some((s, e)) = open.take() {
            out.push(fault(FaultKind::OutOfRange, s, e));
        }
    }
    if let Some((s, e)) = open {
        out.push(fault(FaultKind::OutOfRange, s, e));
    }
    // Spikes: a record that leaves both its consecutive neighbours by more than the step, in the
    // same direction.
    if let Some(step) = lim.max_step {
        for i in 1..n.saturating_sub(1) {
            let consecutive =
                ts[i] - ts[i - 1] == RECORD_SECONDS && ts[i + 1] - ts[i] == RECORD_SECONDS;
            let (a, b, c) = (
                f64::from(values[i - 1]),
                f64::from(values[i]),
                f64::from(values[i + 1]),
            );
            if !consecutive || a.is_nan() || b.is_nan() || c.is_nan() {
                continue;
            }
            let (up, back) = (b - a, b - c);
            if up.abs() > step && back.abs() > step && up.signum() == back.signum() {
                out.push(fault(FaultKind::Spike, ts[i], ts[i]));
            }
        }
    }
    // Frozen: one value held (missing values skipped) for at least the frozen time of running.
    if lim.freezes {
        let mut run: Option<(usize, usize, f32, i64)> = None; // first, last, value, running s
        let close = |run: Option<(usize, usize, f32, i64)>, out: &mut Vec<Fault>| {
            if let Some((first, last, _, secs)) = run {
                if secs >= rules.frozen_seconds {
                    out.push(fault(FaultKind::Frozen, ts[first], ts[last]));
                }
            }
        };
        for i in 0..n {
            let v = values[i];
            if v.is_nan() {
                continue;
            }
            let add = if running[i] { RECORD_SECONDS } else { 0 };
            run = match run {
                Some((first, last, value, secs))
                    if value == v && ts[i] - ts[last] < rules.gap_seconds =>
                {
                    Some((first, i, value, secs + add))
                }
                other => {
                    close(other, &mut out);
                    Some((i, i, v, add))
                }
            };
        }
        close(run, &mut out);
    }
    out.sort_by_key(|f| (f.start, f.kind));
    out
}

/// The gaps of a turbine's records: stretches of at least [`Rules::gap_seconds`] between two
/// consecutive records.
pub fn gaps(ts: &[i64], rules: &Rules) -> Vec<Fault> {
    ts.windows(2)
        .filter(|w| w[1] - w[0] >= rules.gap_seconds)
        .map(|w| Fault {
            signal: None,
            kind: FaultKind::Gap,
            start: w[0],
            end: w[1],
        })
        .collect()
}

/// Sets to NaN the values of `values` (at times `ts`) that fall in one of `faults` (gaps hold no
/// value and are ignored). Returns how many values were masked.
pub fn mask(ts: &[i64], values: &mut [f32], faults: &[Fault]) -> usize {
    let mut masked = 0;
    for f in faults.iter().filter(|f| f.kind != FaultKind::Gap) {
        let from = ts.partition_point(|&t| t < f.start);
        let to = ts.partition_point(|&t| t <= f.end);
        for v in values.iter_mut().take(to).skip(from) {
            if !v.is_nan() {
                *v = f32::NAN;
                masked += 1;
            }
        }
    }
    masked
}
