//! Validation of a report's fixed parts after the sections: the exemption, financial tables, amounts, the risk assessment and the contact officer. Reports problems
//! to the [`Checker`]; never reads files.

use super::*;

impl Checker {
    pub(super) fn exemption(&mut self, e: &raw::Exemption) -> Exemption {
        if e.paragraphs.is_empty() {
            self.err("exempt.paragraphs", "name at least one paragraph of Schedule 12A (1 to 7)");
        }
        for (i, p) in e.paragraphs.iter().enumerate() {
            if e.paragraphs[..i].contains(p) {
                self.warn(format!("exempt.paragraphs[{i}]"), format!("paragraph {p} is named twice")).help =
                    Some("name each paragraph of Schedule 12A once".into());
            }
            if !(1..=7).contains(p) {
                self.err(
                    format!("exempt.paragraphs[{i}]"),
                    format!("paragraph {p} is not in Part 1 of Schedule 12A"),
                )
                .help = Some("Schedule 12A has paragraphs 1 to 7".into());
            }
        }
        let reason = self.text("exempt.reason", &e.reason);
        Exemption { paragraphs: e.paragraphs.clone(), reason }
    }

    pub(super) fn financial_table(
        &mut self,
        p: &str,
        t: &raw::FinancialTableInput,
        max_decimals: u32,
    ) -> FinancialTable {
        let caption = self.text(&format!("{p}.caption"), &t.caption);
        if t.columns.is_empty() {
            self.err(format!("{p}.columns"), "a table needs at least one column");
        }
        let mut rows: Vec<(String, Vec<Decimal>)> = Vec::new();
        for (r, row) in t.rows.iter().enumerate() {
            if row.values.len() != t.columns.len() {
                self.err(
                    format!("{p}.rows[{r}].values"),
                    format!("{} for {}", count(row.values.len(), "value"), count(t.columns.len(), "column")),
                )
                .help = Some("give one value per column (0 for none)".into());
            }
            let values = row
                .values
                .iter()
                .enumerate()
                .map(|(c, v)| self.amount(&format!("{p}.rows[{r}].values[{c}]"), v))
                .collect();
            rows.push((row.label.clone(), values));
        }
        // One precision per column: the most decimals any of its values needs, up to the
        // template's limit; each value is rounded (half up) to it, and the total is the sum of
        // the values as printed, so the column adds up as printed.
        let decimals: Vec<u32> = (0..t.columns.len())
            .map(|c| {
                rows.iter()
                    .filter_map(|(_, v)| v.get(c))
                    .map(|d| d.normalize().scale())
                    .max()
                    .unwrap_or(0)
                    .min(max_decimals)
            })
            .collect();
        for (_, values) in &mut rows {
            for (v, &places) in values.iter_mut().zip(&decimals) {
                *v = round_half_up(*v, places);
            }
        }
        let totals = t.total.then(|| {
            (0..t.columns.len())
                .map(|c| rows.iter().filter_map(|(_, v)| v.get(c)).fold(Decimal::ZERO, |sum, v| sum.saturating_add(*v)))
                .collect()
        });
        FinancialTable {
            caption,
            unit: t.unit.clone(),
            columns: t.columns.clone(),
            rows,
            decimals,
            totals,
            chart: t.chart,
        }
    }

    /// An amount as typed, read as an exact decimal: `1.005`, `-250`, `2.5e3`. Text, an
    /// infinity, or a number too large to be an amount (`1e308`) is an error.
    fn amount(&mut self, path: &str, a: &Amount) -> Decimal {
        let typed = a.0.trim();
        let digits = typed.strip_prefix('+').unwrap_or(typed);
        let numeric = !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
            && digits.chars().any(|c| c.is_ascii_digit());
        let shown: String = typed.chars().take(40).collect();
        if !numeric {
            self.err(path, format!("expected a number, found `{shown}`")).help =
                Some("write the amount as a number, e.g. 1500 or -250.5 (the unit goes in `unit:`)".into());
            return Decimal::ZERO;
        }
        let parsed = if digits.contains(['e', 'E']) {
            Decimal::from_scientific(digits)
        } else {
            Decimal::from_str_exact(digits)
        };
        // Too large, whether or not a decimal could hold it (`1e308` cannot), is its own error.
        let too_large = match &parsed {
            Ok(d) => d.abs() >= Decimal::from(MAX_AMOUNT),
            Err(_) => digits.parse::<f64>().is_ok_and(|f| f.abs() >= MAX_AMOUNT as f64),
        };
        match parsed {
            _ if too_large => {
                self.err(
                    path,
                    format!(
                        "`{shown}` is too large for an amount; amounts have at most 15 digits before the decimal point"
                    ),
                )
                .help = Some("write it in a larger unit (e.g. `unit: £m`)".into());
                Decimal::ZERO
            }
            Ok(d) => d,
            Err(_) => {
                self.err(path, format!("`{shown}` is not a number that can be printed exactly")).help =
                    Some("write the amount with at most 28 decimal places, e.g. 1500 or -250.5".into());
                Decimal::ZERO
            }
        }
    }

    pub(super) fn risk(&mut self, f: &TextOr<raw::RiskInput>, rules: &Rules, xrefs: &Xrefs) -> RiskAssessment {
        match f {
            TextOr::Text(md) => {
                RiskAssessment { text: self.rich("risk", md, xrefs, true), register: RiskRegister::default() }
            }
            TextOr::Full(r) => {
                let text = self.rich("risk.text", &r.text, xrefs, true);
                let mut risks = Vec::new();
                for (i, e) in r.register.iter().enumerate() {
                    let p = format!("risk.register[{i}]");
                    for (scale, v) in [(Scale::LIKELIHOOD, e.likelihood), (Scale::IMPACT, e.impact)] {
                        if !Scale::contains(v) {
                            let field = scale.name;
                            self.err(format!("{p}.{field}"), format!("{field} must be {}, not {v}", Scale::range()))
                                .help = Some(scale.hint());
                        }
                    }
                    let score = Scale::clamp(e.likelihood) * Scale::clamp(e.impact);
                    let band = RiskBand::for_score(&rules.bands, score).map(|b| b.name.clone()).unwrap_or_default();
                    risks.push(Risk {
                        number: i as u32 + 1,
                        risk: self.text(&format!("{p}.risk"), &e.risk),
                        likelihood: e.likelihood,
                        impact: e.impact,
                        score,
                        band,
                        mitigation: self.rich(&format!("{p}.mitigation"), &e.mitigation, xrefs, true),
                        owner: self.text(&format!("{p}.owner"), &e.owner),
                    });
                }
                RiskAssessment { text, register: RiskRegister { risks } }
            }
        }
    }

    pub(super) fn contact(&mut self, c: &Contact) -> Contact {
        let email = c.email.trim();
        let valid_email = {
            let mut parts = email.splitn(2, '@');
            let local = parts.next().unwrap_or("");
            let domain = parts.next().unwrap_or("");
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.contains(char::is_whitespace)
                && !domain.contains('@')
        };
        if !valid_email {
            self.err("contact.email", format!("`{email}` does not look like an email address")).help =
                Some("e.g. firstname.lastname@example.gov.uk".into());
        }
        let phone = c.phone.trim();
        if !looks_like_uk_phone(phone) {
            self.err("contact.phone", format!("`{phone}` does not look like a UK telephone number")).help =
                Some("e.g. 01642 527657 or +44 1642 527657".into());
        }
        Contact {
            name: self.text("contact.name", &c.name),
            post: self.text("contact.post", &c.post),
            phone: phone.to_owned(),
            email: email.to_owned(),
        }
    }
}
