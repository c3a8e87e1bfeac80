//! The daily schedule: a run at a local time of day, and which slot (Unix seconds) is due — the
//! most recent one, caught up once — or next, in a time zone whose UTC offset changes with
//! daylight saving. Calendar arithmetic and the computer's local offsets come from `chrono`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use serde::{Deserialize, Serialize};

use super::TriggerError;

/// Seconds in a day.
pub(super) const DAY: i64 = 86_400;

/// A daily run at a local time of day.
///
/// Catch-up: only the most recent slot is ever due. A machine that was off for three days runs
/// once when it comes back, not three times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailySchedule {
    /// Whether the daily run happens at all.
    pub enabled: bool,
    /// Local hour, 0..=23.
    pub hour: u8,
    /// Minute, 0..=59.
    pub minute: u8,
}

impl Default for DailySchedule {
    /// Enabled, at 06:00.
    fn default() -> Self {
        DailySchedule {
            enabled: true,
            hour: 6,
            minute: 0,
        }
    }
}

impl DailySchedule {
    /// Parses a time of day, `"06:00"` or `"6:30"` (surrounding blanks allowed).
    pub fn parse_time(text: &str) -> Result<(u8, u8), TriggerError> {
        let bad = || TriggerError::BadTime(text.to_string());
        let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if h.is_empty() || h.len() > 2 || m.len() != 2 || !digits(h) || !digits(m) {
            return Err(bad());
        }
        let hour: u8 = h.parse().map_err(|_| bad())?;
        let minute: u8 = m.parse().map_err(|_| bad())?;
        if hour > 23 || minute > 59 {
            return Err(bad());
        }
        Ok((hour, minute))
    }

    /// An enabled schedule at the given time of day (see [`DailySchedule::parse_time`]).
    pub fn at(text: &str) -> Result<DailySchedule, TriggerError> {
        let (hour, minute) = Self::parse_time(text)?;
        Ok(DailySchedule {
            enabled: true,
            hour,
            minute,
        })
    }

    /// The time of day as `HH:MM`.
    pub fn time_text(&self) -> String {
        format!("{:02}:{:02}", self.hour, self.minute)
    }

    /// Whether hour and minute are in range (a schedule read from a hand-edited file may not be).
    /// An invalid schedule never fires.
    pub fn is_valid(&self) -> bool {
        self.hour <= 23 && self.minute <= 59
    }

    /// The local time of day of the slot; None when disabled or invalid.
    fn slot_time(&self) -> Option<NaiveTime> {
        if !self.enabled {
            return None;
        }
        NaiveTime::from_hms_opt(u32::from(self.hour), u32::from(self.minute), 0)
    }

    /// The scheduled slot (Unix seconds) that is due at `now`, if the last timer run started
    /// before it: the most recent occurrence of hour:minute (in the given UTC offset, seconds
    /// east) at or before `now`.
    ///
    /// None when disabled (or invalid) or when `last_timer_run >= slot`. Catch-up: if the machine
    /// was off at 06:00 and starts at 09:00, the 06:00 slot is due at 09:00 (once). Only the most
    /// recent missed slot is caught up, never one run per missed day.
    ///
    /// With a fixed offset this is exact except around a daylight-saving change; the timer uses
    /// [`DailySchedule::due_slot_local`], which follows the offset in force at each instant.
    pub fn due_slot(
        &self,
        now: i64,
        last_timer_run: Option<i64>,
        utc_offset_secs: i32,
    ) -> Option<i64> {
        self.due_slot_in(now, last_timer_run, |_| utc_offset_secs)
    }

    /// The first slot strictly after `now` (for "next run at …" displays); None when disabled.
    pub fn next_slot(&self, now: i64, utc_offset_secs: i32) -> Option<i64> {
        self.next_slot_in(now, |_| utc_offset_secs)
    }

    /// [`DailySchedule::due_slot`] in the computer's local time zone, daylight saving included.
    pub fn due_slot_local(&self, now: i64, last_timer_run: Option<i64>) -> Option<i64> {
        self.due_slot_in(now, last_timer_run, local_utc_offset)
    }

    /// [`DailySchedule::next_slot`] in the computer's local time zone, daylight saving included.
    pub fn next_slot_local(&self, now: i64) -> Option<i64> {
        self.next_slot_in(now, local_utc_offset)
    }

    /// [`DailySchedule::due_slot`] in a time zone given as "UTC offset in force at instant t".
    ///
    /// Daylight-saving rules: a time of day that occurs twice (clocks go back) is the first
    /// occurrence, so the slot fires once; a time that does not exist (clocks go forward over it)
    /// fires at the same wall-clock reading taken with the old offset, i.e. just after the jump
    /// (02:30 becomes 03:30 when clocks jump from 02:00 to 03:00).
    pub fn due_slot_in(
        &self,
        now: i64,
        last_timer_run: Option<i64>,
        offset_at: impl Fn(i64) -> i32,
    ) -> Option<i64> {
        let time = self.slot_time()?;
        let today = local_date(now, &offset_at)?;
        let slot = (-2..=1)
            .rev()
            .filter_map(|days| today.checked_add_signed(TimeDelta::days(days)))
            .map(|day| resolve_local(day.and_time(time), &offset_at))
            .find(|&t| t <= now)?;
        match last_timer_run {
            Some(last) if last >= slot => None,
            _ => Some(slot),
        }
    }

    /// [`DailySchedule::next_slot`] in a time zone given as "UTC offset in force at instant t".
    pub fn next_slot_in(&self, now: i64, offset_at: impl Fn(i64) -> i32) -> Option<i64> {
        let time = self.slot_time()?;
        let today = local_date(now, &offset_at)?;
        (-1..=2)
            .filter_map(|days| today.checked_add_signed(TimeDelta::days(days)))
            .map(|day| resolve_local(day.and_time(time), &offset_at))
            .find(|&t| t > now)
    }
}

/// The local calendar date at the instant `t`; None beyond chrono's range (±262,000 years).
fn local_date(t: i64, offset_at: &impl Fn(i64) -> i32) -> Option<NaiveDate> {
    let wall = t.checked_add(i64::from(offset_at(t)))?;
    DateTime::from_timestamp(wall, 0).map(|wall| wall.date_naive())
}

/// The instant (Unix seconds) at which the local wall clock reads `local`. Earliest instant when
/// ambiguous; old offset when inside a gap.
fn resolve_local(local: NaiveDateTime, offset_at: &impl Fn(i64) -> i32) -> i64 {
    // The wall-clock reading as seconds since 1970-01-01 00:00 (local).
    let wall = local.and_utc().timestamp();
    // Offsets a day either side: offset changes are months apart, so these are the offsets
    // before and after any change near `wall`.
    let before = i64::from(offset_at(wall - DAY));
    let after = i64::from(offset_at(wall + DAY));
    [before, after]
        .into_iter()
        .map(|offset| wall - offset)
        .filter(|&t| t + i64::from(offset_at(t)) == wall)
        .min()
        .unwrap_or(wall - before)
}

/// The computer's UTC offset (seconds east) in force at Unix time `at`, daylight saving included.
/// 0 for an instant chrono cannot represent.
pub fn local_utc_offset(at: i64) -> i32 {
    DateTime::from_timestamp(at, 0)
        .map(|utc| utc.with_timezone(&chrono::Local).offset().local_minus_utc())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    /// 2024-03-15 00:00:00 UTC.
    const D: i64 = 1_710_460_800;
    const H: i64 = 3600;

    fn at(hour: u8, minute: u8) -> DailySchedule {
        DailySchedule {
            enabled: true,
            hour,
            minute,
        }
    }

    #[test]
    fn parse_time_accepts_and_rejects() {
        assert_eq!(DailySchedule::parse_time("06:00").unwrap(), (6, 0));
        assert_eq!(DailySchedule::parse_time("6:30").unwrap(), (6, 30));
        assert_eq!(DailySchedule::parse_time(" 23:59 ").unwrap(), (23, 59));
        assert_eq!(DailySchedule::parse_time("00:00").unwrap(), (0, 0));
        for bad in [
            "24:00", "25:00", "12:60", "6", "6:5", "06-00", "", "ab:cd", "+6:00", "006:00",
            "6:000", ":30", "6:+3",
        ] {
            assert!(DailySchedule::parse_time(bad).is_err(), "{bad:?} accepted");
        }
        let message = DailySchedule::parse_time("25:00").unwrap_err().to_string();
        assert_eq!(
            message,
            "time of day '25:00' is not valid: use HH:MM, 00:00 to 23:59"
        );
        assert_eq!(DailySchedule::at("7:05").unwrap(), at(7, 5));
        assert_eq!(at(7, 5).time_text(), "07:05");
    }

    #[test]
    fn schedule_default_and_serde() {
        let schedule = DailySchedule::default();
        assert_eq!(schedule, at(6, 0));
        let json = serde_json::to_string(&schedule).unwrap();
        assert_eq!(json, r#"{"enabled":true,"hour":6,"minute":0}"#);
        let back: DailySchedule = serde_json::from_str(&json).unwrap();
        assert_eq!(back, schedule);
    }

    #[test]
    fn due_slot_table_utc() {
        let six = at(6, 0);
        let yesterday_slot = D - DAY + 6 * H;
        let today_slot = D + 6 * H;
        // (now, last timer run, expected)
        let cases: [(i64, Option<i64>, Option<i64>); 9] = [
            // Before today's slot, never ran: yesterday's slot is the most recent one.
            (D + 5 * H, None, Some(yesterday_slot)),
            // Before today's slot, yesterday's ran.
            (D + 5 * H, Some(yesterday_slot + 30), None),
            // Exactly at the slot.
            (D + 6 * H, Some(yesterday_slot), Some(today_slot)),
            // Just before the slot.
            (D + 6 * H - 1, Some(yesterday_slot), None),
            // Catch-up: machine off at 06:00, on at 09:00.
            (D + 9 * H, Some(yesterday_slot + 60), Some(today_slot)),
            // Already ran today.
            (D + 9 * H, Some(today_slot + 5), None),
            // Off for three days: a single catch-up, for the most recent slot.
            (D + 9 * H, Some(D - 3 * DAY + 6 * H), Some(today_slot)),
            // A manual run is not the timer run: only the last timer run counts, at the slot.
            (D + 9 * H, Some(today_slot - 1), Some(today_slot)),
            (D + 9 * H, Some(today_slot), None),
        ];
        for (now, last, expected) in cases {
            assert_eq!(
                six.due_slot(now, last, 0),
                expected,
                "now {now}, last {last:?}"
            );
        }
    }

    #[test]
    fn disabled_or_invalid_schedule_never_fires() {
        let off = DailySchedule {
            enabled: false,
            ..at(6, 0)
        };
        assert_eq!(off.due_slot(D + 9 * H, None, 0), None);
        assert_eq!(off.next_slot(D + 9 * H, 0), None);
        let invalid = at(25, 0);
        assert!(!invalid.is_valid());
        assert_eq!(invalid.due_slot(D + 9 * H, None, 0), None);
        assert_eq!(invalid.next_slot(D, 0), None);
    }

    #[test]
    fn midnight_edges() {
        let midnight = at(0, 0);
        assert_eq!(midnight.due_slot(D, None, 0), Some(D));
        assert_eq!(midnight.due_slot(D - 1, None, 0), Some(D - DAY));
        assert_eq!(midnight.next_slot(D - 1, 0), Some(D));
        assert_eq!(midnight.next_slot(D, 0), Some(D + DAY));
        let late = at(23, 59);
        assert_eq!(late.due_slot(D + 1, None, 0), Some(D - 60));
        assert_eq!(late.due_slot(D - 60, Some(D - 61), 0), Some(D - 60));
        assert_eq!(late.next_slot(D - 61, 0), Some(D - 60));
        // Local midnight east of UTC is the previous UTC day.
        assert_eq!(midnight.due_slot(D, None, 2 * 3600), Some(D - 2 * H));
    }

    #[test]
    fn utc_offsets_east_and_west() {
        let six = at(6, 0);
        // UTC+2: 06:00 local is 04:00 UTC.
        assert_eq!(six.due_slot(D + 5 * H, None, 7200), Some(D + 4 * H));
        assert_eq!(six.next_slot(D + 5 * H, 7200), Some(D + DAY + 4 * H));
        // UTC-5: 06:00 local is 11:00 UTC; at 05:00 UTC (00:00 local) yesterday's slot is due.
        assert_eq!(
            six.due_slot(D + 5 * H, None, -18_000),
            Some(D - DAY + 11 * H)
        );
        assert_eq!(six.next_slot(D + 5 * H, -18_000), Some(D + 11 * H));
        // UTC+13: at 12:00 UTC it is already 01:00 tomorrow locally.
        assert_eq!(six.due_slot(D + 12 * H, None, 13 * 3600), Some(D - 7 * H));
        assert_eq!(six.next_slot(D + 12 * H, 13 * 3600), Some(D + 17 * H));
        // UTC-12.
        assert_eq!(six.due_slot(D + 12 * H, None, -12 * 3600), Some(D - 6 * H));
        assert_eq!(six.next_slot(D + 12 * H, -12 * 3600), Some(D + 18 * H));
        // UTC+5:30.
        assert_eq!(six.due_slot(D + H, None, 19_800), Some(D + H / 2));
    }

    #[test]
    fn daylight_saving_changes() {
        // Clocks change at D + 01:00 UTC (as in the EU).
        let change = D + H;
        let spring = move |t: i64| if t < change { 3600 } else { 7200 };
        let autumn = move |t: i64| if t < change { 7200 } else { 3600 };
        let six = at(6, 0);

        // Autumn: yesterday's 06:00 (+2) ran at 04:00 UTC; at 04:00 local (+1) nothing is due.
        let ran = D - DAY + 4 * H;
        assert_eq!(six.due_slot_in(D + 3 * H, Some(ran), autumn), None);
        // A fixed offset taken at `now` would get this wrong (a spurious second run).
        assert_eq!(
            six.due_slot(D + 3 * H, Some(ran), 3600),
            Some(D - DAY + 5 * H)
        );
        // Today's 06:00 (+1) is 05:00 UTC.
        assert_eq!(
            six.due_slot_in(D + 5 * H, Some(ran), autumn),
            Some(D + 5 * H)
        );
        assert_eq!(six.next_slot_in(D, autumn), Some(D + 5 * H));

        // Spring: today's 06:00 (+2) is 04:00 UTC, yesterday's (+1) was 05:00 UTC.
        assert_eq!(six.due_slot_in(D + 4 * H, None, spring), Some(D + 4 * H));
        assert_eq!(
            six.due_slot_in(D + 4 * H - 1, None, spring),
            Some(D - DAY + 5 * H)
        );
        assert_eq!(six.next_slot_in(D, spring), Some(D + 4 * H));

        // 02:30 does not exist on the spring day (02:00 -> 03:00): it fires at 03:30 (+2).
        let half_two = at(2, 30);
        assert_eq!(half_two.next_slot_in(D, spring), Some(D + 90 * 60));
        assert_eq!(
            half_two.due_slot_in(D + 2 * H, None, spring),
            Some(D + 90 * 60)
        );
        // 02:30 happens twice on the autumn day: fires at the first one only.
        let first = D + 30 * 60;
        assert_eq!(half_two.due_slot_in(D + 45 * 60, None, autumn), Some(first));
        assert_eq!(
            half_two.due_slot_in(D + 105 * 60, Some(first), autumn),
            None
        );
        assert_eq!(half_two.next_slot_in(first, autumn), Some(first + DAY + H));
    }

    #[test]
    fn local_offset_matches_fixed_offset_functions() {
        let offset = local_utc_offset(D);
        assert!(offset.abs() <= 18 * 3600);
        let six = DailySchedule::default();
        assert_eq!(
            six.due_slot_local(D + 12 * H, None),
            six.due_slot_in(D + 12 * H, None, local_utc_offset)
        );
        assert!(six.next_slot_local(D).is_some_and(|t| t > D));
    }

    /// The day-number arithmetic this module used before `chrono`, kept as the reference.
    fn reference_slots(
        schedule: DailySchedule,
        now: i64,
        offset_at: &impl Fn(i64) -> i32,
    ) -> (Option<i64>, Option<i64>) {
        if !(schedule.enabled && schedule.is_valid()) {
            return (None, None);
        }
        let second = i64::from(schedule.hour) * 3600 + i64::from(schedule.minute) * 60;
        let today = (now + i64::from(offset_at(now))).div_euclid(DAY);
        let resolve = |naive: i64| {
            let before = i64::from(offset_at(naive - DAY));
            let after = i64::from(offset_at(naive + DAY));
            [before, after]
                .into_iter()
                .map(|offset| naive - offset)
                .filter(|&t| t + i64::from(offset_at(t)) == naive)
                .min()
                .unwrap_or(naive - before)
        };
        let due = ((today - 2)..=(today + 1))
            .rev()
            .map(|day| resolve(day * DAY + second))
            .find(|&t| t <= now);
        let next = ((today - 1)..=(today + 2))
            .map(|day| resolve(day * DAY + second))
            .find(|&t| t > now);
        (due, next)
    }

    #[test]
    fn calendar_arithmetic_matches_the_day_number_reference() {
        let change = D + H;
        type OffsetAt = Box<dyn Fn(i64) -> i32>;
        let zones: [(&str, OffsetAt); 6] = [
            ("utc", Box::new(|_| 0)),
            ("+5:30", Box::new(|_| 19_800)),
            ("-12", Box::new(|_| -12 * 3600)),
            ("+14", Box::new(|_| 14 * 3600)),
            (
                "spring",
                Box::new(move |t| if t < change { 3600 } else { 7200 }),
            ),
            (
                "autumn",
                Box::new(move |t| if t < change { 7200 } else { 3600 }),
            ),
        ];
        // Around the change, and before 1970 (negative Unix times).
        let starts = [D - 2 * DAY, -DAY - 7 * H];
        for (zone, offset_at) in &zones {
            for schedule in [at(0, 0), at(2, 30), at(6, 0), at(23, 59), at(25, 0)] {
                for start in starts {
                    for step in 0..(4 * 24 * 4) {
                        let now = start + step * 15 * 60 + 7;
                        let (due, next) = reference_slots(schedule, now, offset_at);
                        let what = format!("{zone} {} at {now}", schedule.time_text());
                        assert_eq!(schedule.due_slot_in(now, None, offset_at), due, "{what}");
                        assert_eq!(schedule.next_slot_in(now, offset_at), next, "{what}");
                    }
                }
            }
        }
    }
}
