//! Working days in England and Wales, for the call-in deadline of a decision.

use std::collections::BTreeSet;

use time::{Date, Weekday};

use crate::input::types::IsoDate;

const BANK_HOLIDAYS: &str = include_str!("../../templates/bank-holidays-england-and-wales.toml");

/// Bank holidays, loaded from the data file in `templates/`.
#[derive(Debug, Clone)]
pub struct Calendar {
    holidays: BTreeSet<Date>,
}

#[derive(serde::Deserialize)]
struct HolidayFile {
    #[allow(dead_code)]
    source: String,
    dates: Vec<String>,
}

impl Calendar {
    /// The built-in calendar of England and Wales.
    pub fn england_and_wales() -> Calendar {
        // The file is part of the binary and checked by a test; a bad line is skipped.
        let file: HolidayFile =
            toml::from_str(BANK_HOLIDAYS).unwrap_or(HolidayFile { source: String::new(), dates: Vec::new() });
        Calendar { holidays: file.dates.iter().filter_map(|d| IsoDate::parse(d)).collect() }
    }

    /// The years the calendar covers.
    pub fn years(&self) -> Option<(i32, i32)> {
        Some((self.holidays.first()?.year(), self.holidays.last()?.year()))
    }

    /// Whether a day is a working day (not a weekend, not a bank holiday).
    pub fn is_working_day(&self, d: Date) -> bool {
        !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && !self.holidays.contains(&d)
    }

    /// The `n`th working day after `d`; `None` when it would fall after the last day a date can
    /// be (31 December 9999).
    pub fn add_working_days(&self, d: Date, n: u32) -> Option<Date> {
        let mut day = d;
        let mut left = n;
        while left > 0 {
            day = day.next_day()?;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        Some(day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn covers_2023_to_2032_with_eight_holidays_a_year() {
        let c = Calendar::england_and_wales();
        assert_eq!(c.years(), Some((2023, 2032)));
        assert!(!c.is_working_day(date!(2023 - 05 - 08)), "the coronation bank holiday");
        for y in 2024..=2032 {
            assert_eq!(c.holidays.iter().filter(|d| d.year() == y).count(), 8, "{y}");
        }
        // Published dates (GOV.UK): Easter 2024, Christmas 2026 with Boxing Day substituted.
        for d in [
            date!(2024 - 03 - 29),
            date!(2024 - 04 - 01),
            date!(2026 - 12 - 28),
            date!(2027 - 12 - 27),
            date!(2028 - 01 - 03),
        ] {
            assert!(!c.is_working_day(d), "{d}");
        }
    }

    #[test]
    fn the_computed_years_follow_the_statutory_rules() {
        let c = Calendar::england_and_wales();
        // Easter Sunday 13 April 2031 and 28 March 2032 (Gregorian computus).
        for d in [date!(2031 - 04 - 11), date!(2031 - 04 - 14), date!(2032 - 03 - 26), date!(2032 - 03 - 29)] {
            assert!(!c.is_working_day(d), "{d}");
        }
        // Christmas 2032 is a Saturday and Boxing Day a Sunday: Monday 27 and Tuesday 28 instead.
        assert!(c.is_working_day(date!(2032 - 12 - 29)));
        assert!(!c.is_working_day(date!(2032 - 12 - 27)) && !c.is_working_day(date!(2032 - 12 - 28)));
        // Published Tuesday 24 December 2030: Fri 27, Mon 30, Tue 31, (New Year's Day 2031), Thu 2,
        // Fri 3 January.
        assert_eq!(c.add_working_days(date!(2030 - 12 - 24), 5), Some(date!(2031 - 01 - 03)));
    }

    #[test]
    fn call_in_across_easter() {
        let c = Calendar::england_and_wales();
        // Published Wednesday 27 March 2024: Thu 28, (Good Friday 29, weekend, Easter Monday 1 April),
        // Tue 2, Wed 3, Thu 4, Fri 5 April.
        assert_eq!(c.add_working_days(date!(2024 - 03 - 27), 5), Some(date!(2024 - 04 - 05)));
    }

    #[test]
    fn call_in_across_christmas_and_the_year_end() {
        let c = Calendar::england_and_wales();
        // Published Friday 20 December 2024: Mon 23, Tue 24, (25, 26), Fri 27, (weekend), Mon 30,
        // Tue 31 December.
        assert_eq!(c.add_working_days(date!(2024 - 12 - 20), 5), Some(date!(2024 - 12 - 31)));
        // Published Monday 29 December 2025: Tue 30, Wed 31, (New Year's Day), Fri 2, Mon 5, Tue 6 January 2026.
        assert_eq!(c.add_working_days(date!(2025 - 12 - 29), 5), Some(date!(2026 - 01 - 06)));
    }

    #[test]
    fn the_seed_record_deadline() {
        // Decided Thursday 18 April 2024, published Friday 19 April: call-in by Friday 26 April.
        let c = Calendar::england_and_wales();
        assert_eq!(c.add_working_days(date!(2024 - 04 - 19), 5), Some(date!(2024 - 04 - 26)));
    }
}
