//! The house's way of writing dates, times, numbers and lists in running text: "Thursday 18
//! January 2024", "4.30 pm", "1,234,000", "5, 6 and 8". One home for these words, below the
//! model and the assembly that print them; it imports nothing of the crate.

use rust_decimal::Decimal;
use time::Date;

/// A date in the house style: "18 January 2024".
pub fn long_date(d: Date) -> String {
    format!("{} {} {}", d.day(), d.month(), d.year())
}

/// A date's month and year: "January 2025" (a cover's month).
pub fn month_year(d: Date) -> String {
    format!("{} {}", d.month(), d.year())
}

/// A date with its weekday: "Thursday 18 January 2024".
pub fn date_with_weekday(d: Date) -> String {
    format!("{} {}", d.weekday(), long_date(d))
}

/// A date as ISO text, for metadata and machine-read fields: "2024-01-18".
pub fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// A 24-hour time as the house writes it: "16:30" → "4.30 pm"; "09:00" → "9.00 am". Text that
/// is not `HH:MM` is returned as it is.
pub fn twelve_hour(t: &str) -> String {
    let Some((h, m)) = t.split_once(':') else { return t.to_owned() };
    let (Ok(h), Ok(m)) = (h.trim().parse::<u32>(), m.trim().parse::<u32>()) else { return t.to_owned() };
    let suffix = if h < 12 { "am" } else { "pm" };
    let h12 = match h % 12 {
        0 => 12,
        x => x,
    };
    format!("{h12}.{m:02} {suffix}")
}

/// Items joined as a sentence lists them: "5", "5 and 6", "5, 6 and 8"; empty for none.
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A count with thousands separators: 50000 → "50,000".
pub fn count(n: usize) -> String {
    amount_text(Decimal::from(n), 0)
}

/// Formats a number with thousands separators: 1234000 → "1,234,000"; keeps up to 2 decimals
/// (rounded half up, as the number was typed: 2.675 → "2.68"), without trailing zeros.
pub fn group_thousands(v: f64) -> String {
    // The shortest text that reads back as `v` is what the author typed; as a decimal it rounds
    // the way it reads. A number too large for a decimal is printed as it is (validation refuses
    // such numbers before they get here).
    match v.to_string().parse::<Decimal>() {
        Ok(d) => {
            let r = round_half_up(d, 2).normalize();
            amount_text(r, r.scale())
        }
        Err(_) => v.to_string(),
    }
}

/// `d` rounded half up (away from zero) to `decimals` places.
pub fn round_half_up(d: Decimal, decimals: u32) -> Decimal {
    d.round_dp_with_strategy(decimals, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

/// Formats an amount with thousands separators and exactly `decimals` decimals (rounded half
/// up): `amount_text(1234.5, 2)` → "1,234.50".
pub fn amount_text(d: Decimal, decimals: u32) -> String {
    let mut r = round_half_up(d, decimals);
    r.rescale(decimals);
    if r.is_zero() {
        r.set_sign_positive(true);
    }
    let text = r.abs().to_string();
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    if r.is_sign_negative() {
        out.push('-');
    }
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn dates_in_house_style() {
        assert_eq!(long_date(date!(2024 - 01 - 18)), "18 January 2024");
        assert_eq!(long_date(date!(2024 - 03 - 05)), "5 March 2024");
        assert_eq!(date_with_weekday(date!(2024 - 01 - 18)), "Thursday 18 January 2024");
        assert_eq!(iso(date!(2024 - 03 - 05)), "2024-03-05");
        assert_eq!(iso(date!(0999 - 12 - 31)), "0999-12-31");
    }

    #[test]
    fn times_in_house_style() {
        assert_eq!(twelve_hour("16:30"), "4.30 pm");
        assert_eq!(twelve_hour("09:05"), "9.05 am");
        assert_eq!(twelve_hour("12:00"), "12.00 pm");
        assert_eq!(twelve_hour("00:15"), "12.15 am");
        assert_eq!(twelve_hour("noon"), "noon");
    }

    #[test]
    fn lists_read_as_a_sentence() {
        let l = |items: &[&str]| and_list(&items.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(l(&[]), "");
        assert_eq!(l(&["5"]), "5");
        assert_eq!(l(&["5", "6"]), "5 and 6");
        assert_eq!(l(&["5", "6", "8"]), "5, 6 and 8");
    }

    #[test]
    fn numbers_in_house_style() {
        assert_eq!(group_thousands(1234000.0), "1,234,000");
        assert_eq!(group_thousands(950.0), "950");
        assert_eq!(group_thousands(-2500.5), "-2,500.5");
        assert_eq!(group_thousands(0.0), "0");
        assert_eq!(group_thousands(2.675), "2.68", "half up, as typed");
        assert_eq!(group_thousands(1.005), "1.01");
        assert_eq!(group_thousands(12.5), "12.5");
        assert_eq!(count(50_000), "50,000");
        assert_eq!(count(999), "999");
    }

    #[test]
    fn amounts_print_with_their_columns_decimals() {
        let d = |s: &str| s.parse::<Decimal>().expect("decimal");
        assert_eq!(amount_text(d("1234.5"), 2), "1,234.50");
        assert_eq!(amount_text(d("1.005"), 2), "1.01");
        assert_eq!(amount_text(d("-1.005"), 2), "-1.01");
        assert_eq!(amount_text(d("2797.325"), 0), "2,797");
        assert_eq!(amount_text(d("-0.001"), 2), "0.00");
        assert_eq!(amount_text(d("950"), 0), "950");
        assert_eq!(amount_text(d("-1234567"), 0), "-1,234,567");
    }
}
