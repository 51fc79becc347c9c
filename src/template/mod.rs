//! The template folder (`templates/cabinet/`): house style, wording, order of sections, risk
//! bands, the typst layout and the fonts. Loaded once per process and shared by every report.
//!
//! The default template is compiled into the binary, so cabrep runs from any folder;
//! `--template DIR` loads another council's copy instead.

use std::collections::BTreeMap;
use std::path::Path;

use handlebars::Handlebars;
use serde::{Deserialize, Serialize};

use crate::tree::HouseStyle;

/// A broken template folder: not the author's fault (exit status 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError(pub String);

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "template: {}", self.0)
    }
}

impl std::error::Error for TemplateError {}

/// `template.toml`, as written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The council's name (document author).
    pub council: String,
    /// Document language, BCP 47 (`en-GB`).
    pub language: String,
    /// Reports estimated longer than this many pages get a warning.
    pub page_guide: u32,
    /// Fonts, sizes, colours, page.
    pub style: HouseStyle,
    /// Wording templates (Handlebars).
    pub wording: BTreeMap<String, String>,
    /// Decision type → header line.
    pub decisions: BTreeMap<String, String>,
    /// Fixed headings.
    pub headings: BTreeMap<String, String>,
    /// The implications sections, in print order.
    pub implications: Vec<ImplicationHeading>,
    /// Contact block labels.
    pub contact: BTreeMap<String, String>,
    /// Status labels.
    pub status: BTreeMap<String, String>,
    /// Other labels (table headers, captions).
    pub labels: BTreeMap<String, String>,
    /// Risk bands by score.
    pub risk_bands: Vec<RiskBand>,
    /// Working days after publication by which a decision may be called in.
    #[serde(default = "default_call_in_days")]
    pub call_in_working_days: u32,
    /// The most decimals an amount in a financial table is printed with (a column is printed
    /// with the most any of its amounts needs, up to this; rounded half up).
    #[serde(default = "default_amount_decimals")]
    pub amount_decimals: u32,
    /// Decision records: recommendation verb → the participle of "… be agreed".
    #[serde(default)]
    pub resolutions: BTreeMap<String, String>,
    /// Decision record headings and wording.
    #[serde(default)]
    pub decisions_record: BTreeMap<String, String>,
    /// The Forward Plan's headings and wording (keys missing here come from the built-in
    /// template).
    #[serde(default)]
    pub forward_plan: BTreeMap<String, String>,
}

fn default_call_in_days() -> u32 {
    5
}

fn default_amount_decimals() -> u32 {
    2
}

/// One implications section: its key in the report and its heading.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ImplicationHeading {
    /// Field name under `implications:`.
    pub key: String,
    /// Printed heading.
    pub heading: String,
}

/// A risk band: scores `min..=max`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RiskBand {
    /// Name ("High").
    pub name: String,
    /// Lowest score in the band.
    pub min: u8,
    /// Highest score in the band.
    pub max: u8,
    /// Fill colour in the matrix.
    pub fill: String,
}

impl RiskBand {
    /// The band among `bands` that a risk score (likelihood × impact) falls in: the one lookup,
    /// used by validation for a risk's band and by assembly for the matrix's cells. `None` when
    /// no band covers the score.
    pub fn for_score(bands: &[RiskBand], score: u8) -> Option<&RiskBand> {
        bands.iter().find(|b| (b.min..=b.max).contains(&score))
    }
}

/// A loaded template.
pub struct Template {
    /// The settings.
    pub settings: Settings,
    /// The typst layout source.
    pub typst: String,
    /// Font files.
    pub fonts: Vec<Vec<u8>>,
    wording: Handlebars<'static>,
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Template").field("settings", &self.settings).finish_non_exhaustive()
    }
}

const BUILTIN_TOML: &str = include_str!("../../templates/cabinet/template.toml");
const BUILTIN_TYPST: &str = include_str!("../../templates/cabinet/report.typ");
const BUILTIN_FONTS: [&[u8]; 4] = [
    include_bytes!("../../templates/cabinet/fonts/LiberationSans-Regular.ttf"),
    include_bytes!("../../templates/cabinet/fonts/LiberationSans-Bold.ttf"),
    include_bytes!("../../templates/cabinet/fonts/LiberationSans-Italic.ttf"),
    include_bytes!("../../templates/cabinet/fonts/LiberationSans-BoldItalic.ttf"),
];

impl Template {
    /// The built-in cabinet template.
    pub fn builtin() -> Result<Template, TemplateError> {
        let fonts = BUILTIN_FONTS.iter().map(|f| f.to_vec()).collect();
        Self::from_parts(BUILTIN_TOML, "the built-in template.toml", BUILTIN_TYPST.to_owned(), fonts)
    }

    /// Loads a template folder: `template.toml`, `report.typ` and `fonts/*.ttf|otf`.
    pub fn load(dir: &Path) -> Result<Template, TemplateError> {
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name))
                .map_err(|e| TemplateError(format!("{}: {e}", dir.join(name).display())))
        };
        let toml = read("template.toml")?;
        let typst = read("report.typ")?;
        let mut font_files: Vec<_> = std::fs::read_dir(dir.join("fonts"))
            .map_err(|e| TemplateError(format!("{}: {e}", dir.join("fonts").display())))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "ttf" || x == "otf"))
            .collect();
        font_files.sort();
        let fonts = font_files
            .iter()
            .map(|p| std::fs::read(p).map_err(|e| TemplateError(format!("{}: {e}", p.display()))))
            .collect::<Result<Vec<_>, _>>()?;
        if fonts.is_empty() {
            return Err(TemplateError(format!("no fonts in {}", dir.join("fonts").display())));
        }
        Self::from_parts(&toml, &dir.join("template.toml").display().to_string(), typst, fonts)
    }

    /// A template from its settings' text (`file` names it in errors), layout and fonts.
    fn from_parts(toml_text: &str, file: &str, typst: String, fonts: Vec<Vec<u8>>) -> Result<Template, TemplateError> {
        let mut settings: Settings =
            toml::from_str(toml_text).map_err(|e| TemplateError(format!("template.toml: {e}")))?;
        // Wording added after a template was written comes from the built-in template.
        if OPTIONAL_WORDING.iter().any(|k| !settings.wording.contains_key(*k)) {
            let builtin: Settings =
                toml::from_str(BUILTIN_TOML).map_err(|e| TemplateError(format!("built-in template.toml: {e}")))?;
            for key in OPTIONAL_WORDING {
                if let (false, Some(text)) = (settings.wording.contains_key(*key), builtin.wording.get(*key)) {
                    settings.wording.insert((*key).to_owned(), text.clone());
                }
            }
        }
        // Forward Plan wording a template leaves out comes from the built-in template.
        if toml_text != BUILTIN_TOML {
            let builtin: Settings =
                toml::from_str(BUILTIN_TOML).map_err(|e| TemplateError(format!("built-in template.toml: {e}")))?;
            for (k, v) in builtin.forward_plan {
                settings.forward_plan.entry(k).or_insert(v);
            }
        }
        let mut wording = Handlebars::new();
        wording.set_strict_mode(true);
        wording.register_escape_fn(handlebars::no_escape);
        for (name, text) in &settings.wording {
            wording.register_template_string(name, text).map_err(|e| TemplateError(format!("wording.{name}: {e}")))?;
        }
        for key in REQUIRED_WORDING {
            if !settings.wording.contains_key(*key) {
                return Err(TemplateError(format!("wording.{key} is missing")));
            }
        }
        // The decision record's wording, filled in by `words` as `decisions_record.KEY`.
        for key in REQUIRED_RECORD_WORDING {
            let Some(text) = settings.decisions_record.get(*key) else {
                return Err(TemplateError(format!(
                    "{file}: [decisions_record] has no `{key}`, which the decision record prints; copy it from the built-in template"
                )));
            };
            wording
                .register_template_string(&format!("decisions_record.{key}"), text)
                .map_err(|e| TemplateError(format!("{file}: decisions_record.{key}: {e}")))?;
        }
        Ok(Template { settings, typst, fonts, wording })
    }

    /// Fills a wording template with data: a `[wording]` name, or `decisions_record.KEY` for
    /// the decision record's. The data's strings are never parsed as templates.
    pub fn words(&self, name: &str, data: &serde_json::Value) -> String {
        // Every wording name used in code is checked at load time (REQUIRED_WORDING), and strict
        // mode only fails on a variable the template names but the code does not supply: a
        // template bug, reported in the text rather than by a panic.
        self.wording.render(name, data).unwrap_or_else(|e| format!("[template error in wording.{name}: {e}]"))
    }

    /// A label from `[labels]` (falls back to the key).
    pub fn label<'a>(&'a self, key: &'a str) -> &'a str {
        self.settings.labels.get(key).map(String::as_str).unwrap_or(key)
    }

    /// The short form of a label, printed where the full one would widen a column: `[labels]`
    /// `<key>_short`, if the template gives one.
    pub fn short_label(&self, key: &str) -> Option<&str> {
        self.settings.labels.get(&format!("{key}_short")).map(String::as_str)
    }

    /// A heading from `[headings]` (falls back to the key upper-cased).
    pub fn heading(&self, key: &str) -> String {
        self.settings.headings.get(key).cloned().unwrap_or_else(|| key.to_uppercase())
    }

    /// The text around a cross-reference in a resolution, from `[decisions_record] cross_ref`
    /// ("{{reference}} of the report" → ("", " of the report")).
    pub fn record_cross_ref(&self) -> (String, String) {
        const MARK: &str = "\u{1}";
        let text = self
            .settings
            .decisions_record
            .get("cross_ref")
            .map(String::as_str)
            .unwrap_or("{{reference}} of the report");
        let mut hb = Handlebars::new();
        hb.register_escape_fn(handlebars::no_escape);
        let filled =
            hb.render_template(text, &serde_json::json!({ "reference": MARK })).unwrap_or_else(|_| MARK.to_owned());
        match filled.split_once(MARK) {
            Some((a, b)) => (a.to_owned(), b.to_owned()),
            None => (String::new(), String::new()),
        }
    }

    /// Fills a Forward Plan wording (`[forward_plan]`) with data; author data is never parsed
    /// as a template.
    pub fn plan_words(&self, key: &str, data: &serde_json::Value) -> String {
        let text = self.settings.forward_plan.get(key).cloned().unwrap_or_else(|| key.to_owned());
        let mut hb = Handlebars::new();
        hb.register_escape_fn(handlebars::no_escape);
        hb.render_template(&text, data).unwrap_or(text)
    }

    /// The band a risk score falls in.
    pub fn band(&self, score: u8) -> Option<&RiskBand> {
        RiskBand::for_score(&self.settings.risk_bands, score)
    }

    /// How many of the template's bands start below `band`: 0 for the least severe.
    pub fn band_severity(&self, band: &RiskBand) -> u8 {
        let below = self.settings.risk_bands.iter().filter(|b| b.min < band.min).count();
        u8::try_from(below).unwrap_or(u8::MAX)
    }
}

/// The characters a template's fonts can print: every code point that some face of some font
/// file maps to a glyph (its `cmap`). Validation checks authors' text against it, so a character
/// no font has is a located error in the input, not a failure of the typesetter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CharCoverage {
    /// Sorted, disjoint, inclusive ranges of code points.
    ranges: Vec<(u32, u32)>,
}

impl CharCoverage {
    /// What `fonts` (font files or collections) cover.
    pub fn of_fonts<'a>(fonts: impl IntoIterator<Item = &'a [u8]>) -> CharCoverage {
        let mut points = Vec::new();
        for data in fonts {
            let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
            for index in 0..count {
                let Ok(face) = ttf_parser::Face::parse(data, index) else { continue };
                let Some(cmap) = face.tables().cmap else { continue };
                for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
                    sub.codepoints(|cp| {
                        if sub.glyph_index(cp).is_some_and(|g| g.0 != 0) {
                            points.push(cp);
                        }
                    });
                }
            }
        }
        points.sort_unstable();
        points.dedup();
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        for cp in points {
            match ranges.last_mut() {
                Some((_, end)) if *end + 1 == cp => *end = cp,
                _ => ranges.push((cp, cp)),
            }
        }
        CharCoverage { ranges }
    }

    /// Whether a font has a glyph for `c`.
    pub fn contains(&self, c: char) -> bool {
        let cp = u32::from(c);
        let i = self.ranges.partition_point(|&(_, end)| end < cp);
        self.ranges.get(i).is_some_and(|&(start, _)| start <= cp)
    }
}

impl Template {
    /// The characters the template's fonts cover (read from the fonts on each call: the engine's
    /// rules keep one for the process).
    pub fn char_coverage(&self) -> CharCoverage {
        CharCoverage::of_fonts(self.fonts.iter().map(Vec::as_slice))
    }
}

/// The decision record's wording (`[decisions_record]`) the code fills in; a template must
/// define each (`cross_ref` and the Proper Officer's name and post have defaults).
const REQUIRED_RECORD_WORDING: &[&str] = &[
    "title",
    "item",
    "consideration",
    "consideration_plain",
    "resolved",
    "summary",
    "decision",
    "reasons",
    "options",
    "interests",
    "dispensations",
    "call_in",
    "call_in_deadline",
    "not_applicable",
    "proper_officer",
];

/// Wording a template may leave out (added since the first template format): the built-in
/// template's is used. (`bound_page_alt`, the alt text of a bound page when packs bound pages as
/// pictures, is no longer used; a template that still has it loads, and the key is ignored.)
const OPTIONAL_WORDING: &[&str] = &["index_pack_link"];

/// Wording templates the code fills in; a template folder must define each.
const REQUIRED_WORDING: &[&str] = &[
    "agenda_item",
    "report_to",
    "date",
    "report_of",
    "forward_plan",
    "portfolio",
    "recommendations_lead",
    "exempt_banner",
    "exempt_header",
    "footer",
    "subject",
    "appendix",
    "appendix_attached",
    "mission_status",
    "none",
    "pack_title",
    "part2_title",
    "front_date",
    "front_time",
    "front_venue",
    "members",
    "pack_contact",
    "agenda",
    "agenda_item_column",
    "agenda_title_column",
    "agenda_pages_column",
    "agenda_caption",
    "exempt_listing",
    "pages_one",
    "pages_many",
    "bound_heading",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_house_font_covers_latin_text_but_not_emoji_or_cjk() {
        let c = Template::builtin().expect("template").char_coverage();
        for ch in ['a', 'Z', '£', '€', '–', '’', 'é', 'ŵ', ' ', '\u{a0}'] {
            assert!(c.contains(ch), "{ch:?}");
        }
        for ch in ['😀', '漢', 'ع', '\u{e000}', '\u{1b}'] {
            assert!(!c.contains(ch), "{ch:?}");
        }
    }

    #[test]
    fn builtin_template_loads_and_fills_wording() {
        let t = Template::builtin().expect("builtin template");
        assert_eq!(t.words("agenda_item", &serde_json::json!({"number": 7})), "AGENDA ITEM 7");
        assert_eq!(t.words("agenda_item", &serde_json::json!({"number": null})), "AGENDA ITEM");
        // Author data is never evaluated as a template.
        assert_eq!(t.words("report_to", &serde_json::json!({"body": "{{x}} <b>"})), "REPORT TO {{x}} <b>");
        assert_eq!(t.band(15).map(|b| b.name.as_str()), Some("High"));
        assert_eq!(t.band(20).map(|b| b.name.as_str()), Some("Very high"));
        assert_eq!(t.band(4).map(|b| b.name.as_str()), Some("Low"));
        let severity = |score| t.band(score).map(|b| t.band_severity(b));
        assert_eq!([1, 5, 10, 25].map(severity), [Some(0), Some(1), Some(2), Some(3)]);
    }

    #[test]
    fn a_score_falls_in_the_band_that_covers_it_or_in_none() {
        let band = |name: &str, min, max| RiskBand { name: name.into(), min, max, fill: "#ffffff".into() };
        let bands = [band("Low", 1, 4), band("High", 5, 25)];
        assert_eq!(RiskBand::for_score(&bands, 4).map(|b| b.name.as_str()), Some("Low"));
        assert_eq!(RiskBand::for_score(&bands, 5).map(|b| b.name.as_str()), Some("High"));
        assert_eq!(RiskBand::for_score(&bands, 0), None);
        assert_eq!(RiskBand::for_score(&bands[..1], 9), None);
    }

    #[test]
    fn a_template_without_later_wording_gets_the_built_in_one_but_required_wording_stays_required() {
        let key = |k: &str| format!("\n{k} = ");
        let older: String =
            BUILTIN_TOML.lines().filter(|l| !l.starts_with("index_pack_link")).map(|l| format!("{l}\n")).collect();
        assert!(!older.contains(&key("index_pack_link")));
        let t = Template::from_parts(&older, "template.toml", BUILTIN_TYPST.to_owned(), Vec::new())
            .expect("an older template loads");
        assert_eq!(
            t.words("index_pack_link", &serde_json::json!({"pages": 9})),
            "The whole agenda pack as one PDF (9 pages)"
        );
        let broken: String =
            BUILTIN_TOML.lines().filter(|l| !l.starts_with("agenda_caption")).map(|l| format!("{l}\n")).collect();
        let err = Template::from_parts(&broken, "template.toml", BUILTIN_TYPST.to_owned(), Vec::new())
            .expect_err("required wording");
        assert!(err.0.contains("wording.agenda_caption is missing"), "{}", err.0);
    }

    #[test]
    fn decision_record_wording_is_filled_in_through_words() {
        let t = Template::builtin().expect("builtin template");
        assert_eq!(t.words("decisions_record.item", &serde_json::json!({"number": 7})), "Agenda item 7");
        assert_eq!(t.words("decisions_record.resolved", &serde_json::json!({})), "RESOLVED that:");
    }

    #[test]
    fn a_template_without_a_decision_record_wording_is_refused_naming_the_key_and_the_file() {
        let broken: String =
            BUILTIN_TOML.lines().filter(|l| !l.starts_with("call_in_deadline")).map(|l| format!("{l}\n")).collect();
        let err = Template::from_parts(&broken, "council/template.toml", BUILTIN_TYPST.to_owned(), Vec::new())
            .expect_err("required record wording");
        assert_eq!(
            err.0,
            "council/template.toml: [decisions_record] has no `call_in_deadline`, which the decision record prints; copy it from the built-in template"
        );
    }
}
