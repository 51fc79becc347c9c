//! The template folder (`templates/cabinet/`): house style, wording, order of sections, risk
//! bands, the typst layout and the fonts. Loaded once per process and shared by every report.
//!
//! The shipped templates are compiled into the binary, so cabrep runs from any folder: `cabinet`
//! (the default) and `hwb-discussion`. A paper names its own (`template: NAME`, or a folder
//! relative to the paper), and `--template DIR` loads another council's copy for every paper. A
//! template folder without `report.typ` or `fonts/` uses the built-in layout and fonts.
//!
//! This module never opens a file: a folder's files are read by the input reader and handed to
//! [`Template::from_folder`]. It checks at load everything the code will compute with — the
//! numbers and colours of the settings, each wording rendered with the variables the code gives
//! it, every font file parsed — so that a broken template is one error naming its file and key,
//! never a wrong or failed paper later.

use std::collections::BTreeMap;

use handlebars::Handlebars;
use serde::{Deserialize, Serialize};

use crate::tree::{ChartPalette, HouseStyle};

pub mod council;
mod coverage;
pub mod fields;
pub mod paper;
pub mod reference;
pub mod resolutions;
mod wording;

pub use council::Council;
pub use coverage::CharCoverage;
pub use fields::{
    FieldKind, FrontSheet, FrontSheetField, FrontSheetLayout, ImplicationHeading, ImplicationKind, ImplicationsLayout,
};
pub use paper::{Paper, PartName, Use};
use wording::{wording_of, OPTIONAL_WORDING};

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
    /// The council the template is written for (`council = "…"` or a `[council]` table), if it
    /// names one: a paper's own council wins over it.
    #[serde(default)]
    pub council: Option<Council>,
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
    /// The implications a paper may write, in print order, each with its heading, kind and
    /// whether it is required (`[[implications]]`).
    pub implications: Vec<ImplicationHeading>,
    /// The front sheet's fields and layout (`[front_sheet]`; none by default).
    #[serde(default)]
    pub front_sheet: FrontSheet,
    /// Contact block labels.
    pub contact: BTreeMap<String, String>,
    /// Status labels.
    pub status: BTreeMap<String, String>,
    /// Other labels (table headers, captions).
    pub labels: BTreeMap<String, String>,
    /// Risk bands by score.
    pub risk_bands: Vec<RiskBand>,
    /// The colours and patterns every format draws figures in (`[chart]`; a template without
    /// one takes the built-in template's).
    #[serde(default = "builtin_chart")]
    pub chart: ChartPalette,
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
    /// The parts of this template's papers (default: the cabinet report's).
    #[serde(default)]
    pub paper: Paper,
    /// How authors' Markdown is laid out (`[markdown]`; every key optional).
    #[serde(default)]
    pub markdown: MarkdownSettings,
    /// The council's Word file whose styles, page and headers are the house style
    /// (`reference = "council-template.docx"`, or a `[reference]` table with style names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<reference::ReferenceSetting>,
}

/// The `[markdown]` table: how what authors write in Markdown is laid out.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MarkdownSettings {
    /// How a block quote (`> `) is shown: as a quotation, or as the template's callout box.
    #[serde(default)]
    pub quote: QuoteStyle,
    /// The deepest heading level an author's Markdown heading is printed at, 3 to 6: `###`
    /// is level 3 (a sub-heading), `####` level 4, and deeper ones are printed at this level.
    #[serde(default = "default_heading_depth")]
    pub heading_depth: u8,
}

impl Default for MarkdownSettings {
    fn default() -> Self {
        MarkdownSettings { quote: QuoteStyle::default(), heading_depth: default_heading_depth() }
    }
}

fn default_heading_depth() -> u8 {
    4
}

/// How a block quote is shown.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum QuoteStyle {
    /// An indented quotation.
    #[default]
    Quote,
    /// The template's callout box.
    Callout,
}

/// The built-in template's `[chart]` table.
fn builtin_chart() -> ChartPalette {
    #[derive(Deserialize)]
    struct ChartOnly {
        chart: ChartPalette,
    }
    toml::from_str::<ChartOnly>(BUILTIN_TOML).expect("the built-in template.toml has a valid [chart] table").chart
}

/// Checks a `[chart]` table: every colour `#rrggbb`, at least one series and one band pattern.
fn check_chart(chart: &ChartPalette, file: &str) -> Result<(), TemplateError> {
    let named = [
        ("ink", &chart.ink),
        ("background", &chart.background),
        ("grid", &chart.grid),
        ("marker", &chart.marker),
        ("marker_text", &chart.marker_text),
    ];
    let series = chart.series.iter().enumerate().map(|(i, s)| (i, &s.colour));
    for (key, value) in
        named.into_iter().map(|(k, v)| (k.to_owned(), v)).chain(series.map(|(i, v)| (format!("series[{i}].colour"), v)))
    {
        if !is_colour(value) {
            return Err(TemplateError(format!("{file}: chart.{key} is {value:?}, not a colour written #rrggbb")));
        }
    }
    if chart.series.is_empty() {
        return Err(TemplateError(format!("{file}: chart.series is empty; give at least one series colour")));
    }
    if chart.band_patterns.is_empty() {
        return Err(TemplateError(format!("{file}: chart.band_patterns is empty; give at least one pattern")));
    }
    Ok(())
}

fn default_call_in_days() -> u32 {
    5
}

fn default_amount_decimals() -> u32 {
    2
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

/// The files of a template folder, read by the caller: the template never opens a file.
#[derive(Debug, Clone)]
pub struct FolderFiles {
    /// `template.toml`: its path as shown in messages, and its text.
    pub toml: (String, String),
    /// `report.typ`'s text, if the folder has one.
    pub typst: Option<String>,
    /// The font files (path shown in messages, bytes), if the folder has a `fonts/` folder.
    pub fonts: Option<Vec<(String, Vec<u8>)>>,
}

/// Whether some face of a font file (or collection) can be parsed.
fn has_font_face(data: &[u8]) -> bool {
    let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    (0..count).any(|i| ttf_parser::Face::parse(data, i).is_ok())
}

/// A loaded template.
pub struct Template {
    /// Its name in messages: a shipped template's name, or the folder's name.
    pub name: String,
    /// The settings.
    pub settings: Settings,
    /// The typst layout source.
    pub typst: String,
    /// Font files.
    pub fonts: Vec<Vec<u8>>,
    /// The Word file read as the house style, when `template.toml` names one.
    pub reference: Option<std::sync::Arc<reference::Reference>>,
    wording: Handlebars<'static>,
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Template").field("settings", &self.settings).finish_non_exhaustive()
    }
}

const BUILTIN_TOML: &str = include_str!("../../templates/cabinet/template.toml");
const HWB_TOML: &str = include_str!("../../templates/hwb-discussion/template.toml");

/// The shipped templates: name and `template.toml` (all share the built-in layout and fonts).
pub const SHIPPED: [(&str, &str); 2] = [("cabinet", BUILTIN_TOML), ("hwb-discussion", HWB_TOML)];
const BUILTIN_TYPST: &str = include_str!("../../templates/cabinet/report.typ");
const BUILTIN_FONTS: [&[u8]; 4] = [
    include_bytes!("../../templates/cabinet/fonts/LiberationSans-Regular.ttf"),
    include_bytes!("../../templates/cabinet/fonts/LiberationSans-Bold.ttf"),
    include_bytes!("../../templates/cabinet/fonts/LiberationSans-Italic.ttf"),
    include_bytes!("../../templates/cabinet/fonts/LiberationSans-BoldItalic.ttf"),
];

/// A `template.toml`'s settings: its own, over those of the shipped template it `extends`
/// (tables merged key by key; any other value, lists included, replaced whole).
fn settings_of(toml_text: &str, file: &str) -> Result<Settings, TemplateError> {
    let own: toml::Table = toml::from_str(toml_text).map_err(|e| toml_error(&e, toml_text, file))?;
    if !own.contains_key("extends") {
        // Read from the text, so that an error has its line and column.
        return toml::from_str(toml_text).map_err(|e| toml_error(&e, toml_text, file));
    }
    toml::Value::Table(table_of(toml_text, file)?).try_into().map_err(|e: toml::de::Error| toml_error(&e, "", file))
}

/// A TOML error as `file:line:column: message`, without the lines of the file that the `toml`
/// crate's own message quotes (the file may not be a TOML file at all, and its content is never
/// printed).
fn toml_error(e: &toml::de::Error, text: &str, file: &str) -> TemplateError {
    let message = e.message().trim_end();
    match e.span().filter(|s| s.start <= text.len() && !text.is_empty()) {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            TemplateError(format!("{file}:{line}:{column}: {message}"))
        }
        None => TemplateError(format!("{file}: {message}")),
    }
}

/// A `template.toml` as a table, with what it `extends` laid under it. Only shipped templates
/// can be extended, and none of them extends itself, so this ends.
fn table_of(toml_text: &str, file: &str) -> Result<toml::Table, TemplateError> {
    let mut own: toml::Table = toml::from_str(toml_text).map_err(|e| toml_error(&e, toml_text, file))?;
    match own.remove("extends") {
        None => Ok(own),
        Some(toml::Value::String(base)) => {
            let Some((name, base_text)) = SHIPPED.iter().find(|(n, _)| *n == base) else {
                let names: Vec<&str> = SHIPPED.iter().map(|(n, _)| *n).collect();
                return Err(TemplateError(format!(
                    "{file}: extends: no shipped template `{base}` to extend; the shipped ones are {}",
                    names.join(", ")
                )));
            };
            let mut merged = table_of(base_text, &format!("templates/{name}/template.toml"))?;
            merge_tables(&mut merged, own);
            Ok(merged)
        }
        Some(other) => Err(TemplateError(format!(
            "{file}: extends: must be the name of a shipped template in quotes, not {other}"
        ))),
    }
}

/// Lays `over` on `base`: tables key by key, anything else replaced.
fn merge_tables(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge_tables(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

impl Template {
    /// The built-in cabinet template.
    pub fn builtin() -> Result<Template, TemplateError> {
        Self::shipped("cabinet").expect("the cabinet template is shipped")
    }

    /// A shipped template by name (`None` when no shipped template has the name).
    pub fn shipped(name: &str) -> Option<Result<Template, TemplateError>> {
        let (name, toml) = SHIPPED.iter().find(|(n, _)| *n == name)?;
        let fonts = BUILTIN_FONTS.iter().map(|f| f.to_vec()).collect();
        let file = format!("templates/{name}/template.toml");
        Some(Self::from_parts(name, toml, &file, BUILTIN_TYPST.to_owned(), fonts))
    }

    /// A template from a folder's files, as read by the input reader (this module never opens a
    /// file): `template.toml`, and `report.typ` and the fonts where the folder has them (the
    /// built-in layout and fonts where it has not). A font file in which no font face can be
    /// found is refused, naming the file.
    pub fn from_folder(name: &str, files: FolderFiles) -> Result<Template, TemplateError> {
        let FolderFiles { toml: (file, toml), typst, fonts } = files;
        let fonts = match fonts {
            None => BUILTIN_FONTS.iter().map(|f| f.to_vec()).collect(),
            Some(fonts) => {
                for (shown, data) in &fonts {
                    if !has_font_face(data) {
                        return Err(TemplateError(format!(
                            "{shown}: is not a font (no TrueType or OpenType face could be read from it)"
                        )));
                    }
                }
                fonts.into_iter().map(|(_, data)| data).collect()
            }
        };
        Self::from_parts(name, &toml, &file, typst.unwrap_or_else(|| BUILTIN_TYPST.to_owned()), fonts)
    }

    /// A template from its settings' text (`file` names it in errors), layout and fonts.
    fn from_parts(
        name: &str,
        toml_text: &str,
        file: &str,
        typst: String,
        fonts: Vec<Vec<u8>>,
    ) -> Result<Template, TemplateError> {
        let mut settings = settings_of(toml_text, file)?;
        let mut problems = settings.paper.problems();
        problems.extend(settings.council.iter().flat_map(Council::problems));
        // A heading the paper prints must say something (an empty one would be an untitled
        // heading in every format).
        for part in settings.paper.parts.iter().filter(|p| p.use_ != Use::Absent) {
            if let Some(key) = part.part.heading_key() {
                if settings.headings.get(key).is_some_and(|h| h.trim().is_empty()) {
                    problems.push(format!("[headings] {key}: must not be empty"));
                }
            }
        }
        problems.extend(fields::problems(
            &settings.implications,
            &settings.front_sheet,
            settings.paper.has(PartName::Implications),
        ));
        if settings.paper.implications == ImplicationsLayout::Numbered
            && settings.headings.get("implications").is_none_or(|h| h.trim().is_empty())
        {
            problems.push("[headings] implications: numbered implications need their section's heading".into());
        }
        // Labels head table columns and captions, contact labels lead lines: an empty one would
        // be an empty header cell or a bare colon.
        for (table, map) in [("labels", &settings.labels), ("contact", &settings.contact)] {
            for (key, text) in map.iter() {
                if text.trim().is_empty() {
                    problems.push(format!("[{table}] {key}: must not be empty"));
                }
            }
        }
        if let Some(first) = problems.first() {
            return Err(TemplateError(format!("{file}: {first}")));
        }
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
        check_chart(&settings.chart, file)?;
        resolutions::style_of(&settings.resolutions).map_err(|e| TemplateError(format!("{file}: {e}")))?;
        if let Some(first) = value_problems(&settings).first() {
            return Err(TemplateError(format!("{file}: {first}")));
        }
        let wording = wording_of(&settings, file)?;
        Ok(Template { name: name.to_owned(), settings, typst, fonts, reference: None, wording })
    }

    /// Takes the Word file `template.toml` names (`file` as shown in messages, its bytes, read by
    /// the caller) as the house style: its values are laid on `[style]`, with fonts the
    /// template's fonts lack mapped to metric-compatible ones (see [`reference`]).
    pub fn attach_reference(&mut self, file: &str, data: &[u8]) -> Result<(), TemplateError> {
        let overrides = self.settings.reference.as_ref().map(reference::ReferenceSetting::styles).unwrap_or_default();
        let mut r = reference::Reference::read(file, data, overrides).map_err(|e| TemplateError(e.0))?;
        // The logo's alt text: the council's `logo_alt`, else its name (else the paper's council,
        // filled in when a document is assembled).
        let alt = self.settings.council.as_ref().map(|c| c.logo_alt.clone().unwrap_or_else(|| c.name.clone()));
        let added = r.apply(&mut self.settings.style, &reference::families(&self.fonts), alt.as_deref().unwrap_or(""));
        self.fonts.extend(added.into_iter().map(<[u8]>::to_vec));
        self.reference = Some(std::sync::Arc::new(r));
        Ok(())
    }

    /// Fills a wording template with data: a `[wording]` name, `decisions_record.KEY` for the
    /// decision record's or `forward_plan.KEY` for the Forward Plan's. The data's strings are
    /// never parsed as templates.
    ///
    /// Every wording the code fills in was rendered when the template loaded, with each variable
    /// its callers give (listed in `WORDING`, `RECORD_WORDING`, `PLAN_WORDING`) set to a string,
    /// a number and nothing in turn, in strict mode, and partials are refused: the values callers
    /// give are of those kinds, so rendering cannot fail here. (Should it, the text is empty
    /// rather than an error message printed in a paper.)
    pub fn words(&self, name: &str, data: &serde_json::Value) -> String {
        self.wording.render(name, data).unwrap_or_default()
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
        let filled = self.words("decisions_record.cross_ref", &serde_json::json!({ "reference": MARK }));
        match filled.split_once(MARK) {
            Some((a, b)) => (a.to_owned(), b.to_owned()),
            None => (String::new(), String::new()),
        }
    }

    /// Fills a Forward Plan wording (`[forward_plan]`) with data; author data is never parsed
    /// as a template.
    pub fn plan_words(&self, key: &str, data: &serde_json::Value) -> String {
        self.words(&format!("forward_plan.{key}"), data)
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

/// The numbers and colours of a template's settings that the code computes with, each checked
/// against the range it can use (`key: is V; it must be …`).
fn value_problems(s: &Settings) -> Vec<String> {
    let mut problems = Vec::new();
    let mut whole = |key: &str, value: u64, range: std::ops::RangeInclusive<u64>| {
        if !range.contains(&value) {
            problems.push(format!("{key} is {value}; it must be {} to {}", range.start(), range.end()));
        }
    };
    whole("page_guide", u64::from(s.page_guide), 1..=500);
    whole("call_in_working_days", u64::from(s.call_in_working_days), 1..=60);
    whole("amount_decimals", u64::from(s.amount_decimals), 0..=6);
    if !(3..=6).contains(&s.markdown.heading_depth) {
        problems.push(format!(
            "markdown.heading_depth is {}; it must be 3 to 6 (3: `###` sub-headings only)",
            s.markdown.heading_depth
        ));
    }
    let st = &s.style;
    let mut real = |key: &str, value: f32, min: f32, max: f32| {
        if !(value.is_finite() && (min..=max).contains(&value)) {
            problems.push(format!("style.{key} is {value}; it must be {min} to {max}"));
        }
    };
    for (key, value) in [
        ("body_size", st.body_size),
        ("title_size", st.title_size),
        ("heading_size", st.heading_size),
        ("subheading_size", st.subheading_size),
    ] {
        real(key, value, 6.0, 72.0);
    }
    real("line_spacing", st.line_spacing, 1.0, 3.0);
    real("page_width_mm", st.page_width_mm, 90.0, 600.0);
    real("page_height_mm", st.page_height_mm, 90.0, 600.0);
    // At least 50 mm of text either way.
    let short_side = st.page_width_mm.min(st.page_height_mm);
    let max_margin = if short_side.is_finite() { ((short_side - 50.0) / 2.0).max(0.0).floor() } else { 0.0 };
    real("margin_mm", st.margin_mm, 0.0, max_margin);
    for (key, value) in [
        ("style.heading_colour", &st.heading_colour),
        ("style.table_header_fill", &st.table_header_fill),
        ("style.table_header_text", &st.table_header_text),
    ] {
        if !is_colour(value) {
            problems.push(format!("{key} is {value:?}, not a colour written #rrggbb"));
        }
    }
    if s.risk_bands.is_empty() {
        problems.push("risk_bands: give at least one band".to_owned());
    }
    for (i, b) in s.risk_bands.iter().enumerate() {
        let at = format!("risk_bands[{i}] ({})", b.name);
        if b.name.trim().is_empty() {
            problems.push(format!("risk_bands[{i}].name: must not be empty"));
        }
        if !(1..=25).contains(&b.min) || !(1..=25).contains(&b.max) || b.min > b.max {
            problems
                .push(format!("{at}: min {} and max {} must be scores from 1 to 25, min not above max", b.min, b.max));
        }
        if !is_colour(&b.fill) {
            problems.push(format!("{at}.fill is {:?}, not a colour written #rrggbb", b.fill));
        }
        if let Some((j, other)) =
            s.risk_bands.iter().enumerate().take(i).find(|(_, o)| o.min <= b.max && b.min <= o.max)
        {
            problems.push(format!("{at} overlaps risk_bands[{j}] ({}); a score falls in one band", other.name));
        }
    }
    problems
}

/// Whether a colour is written `#rrggbb`.
fn is_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

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
        assert_eq!(
            t.words("portfolio", &serde_json::json!({"title": "{{x}} <b>", "holder": "A"})),
            "Portfolio Title – {{x}} <b>, A"
        );
        // `upper` prints the value in capitals, and never evaluates it either.
        assert_eq!(t.words("report_to", &serde_json::json!({"body": "{{x}} <b>"})), "REPORT TO {{X}} <B>");
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
        let t = Template::from_parts("council", &older, "template.toml", BUILTIN_TYPST.to_owned(), Vec::new())
            .expect("an older template loads");
        assert_eq!(
            t.words("index_pack_link", &serde_json::json!({"pages": 9})),
            "The whole agenda pack as one PDF (9 pages)"
        );
        let broken: String =
            BUILTIN_TOML.lines().filter(|l| !l.starts_with("agenda_caption")).map(|l| format!("{l}\n")).collect();
        let err = Template::from_parts("council", &broken, "template.toml", BUILTIN_TYPST.to_owned(), Vec::new())
            .expect_err("required wording");
        assert!(err.0.contains("wording.agenda_caption is missing"), "{}", err.0);
    }

    #[test]
    fn a_template_without_a_chart_table_takes_the_built_in_one_and_a_bad_chart_colour_is_refused() {
        let builtin = Template::builtin().expect("builtin template").settings.chart;
        assert_eq!(builtin.series.len(), 6);
        let at = BUILTIN_TOML.find("\n[chart]").expect("[chart]");
        let end = at + 1 + BUILTIN_TOML[at + 1..].find("\n[").expect("the table after [chart]");
        let without = format!("{}{}", &BUILTIN_TOML[..at], &BUILTIN_TOML[end..]);
        assert!(!without.contains("[chart]"));
        let t = Template::from_parts("council", &without, "template.toml", BUILTIN_TYPST.to_owned(), Vec::new())
            .expect("a template without [chart] loads");
        assert_eq!(t.settings.chart, builtin);

        let bad = BUILTIN_TOML.replacen("grid = \"#d0d0d0\"", "grid = \"light grey\"", 1);
        assert_ne!(bad, BUILTIN_TOML);
        let err = Template::from_parts("council", &bad, "council/template.toml", BUILTIN_TYPST.to_owned(), Vec::new())
            .expect_err("a colour that is not #rrggbb");
        assert_eq!(err.0, "council/template.toml: chart.grid is \"light grey\", not a colour written #rrggbb");
        let none = BUILTIN_TOML.replacen(
            "band_patterns = [\"solid\", \"diagonal\", \"cross\", \"dense-cross\"]",
            "band_patterns = []",
            1,
        );
        assert_ne!(none, BUILTIN_TOML);
        let err = Template::from_parts("council", &none, "template.toml", BUILTIN_TYPST.to_owned(), Vec::new())
            .expect_err("no band patterns");
        assert!(err.0.contains("chart.band_patterns is empty"), "{}", err.0);
    }

    #[test]
    fn decision_record_wording_is_filled_in_through_words() {
        let t = Template::builtin().expect("builtin template");
        assert_eq!(t.words("decisions_record.item", &serde_json::json!({"number": 7})), "Agenda item 7");
        assert_eq!(t.words("decisions_record.resolved", &serde_json::json!({})), "RESOLVED that:");
    }

    #[test]
    fn every_shipped_template_loads_and_the_discussion_paper_extends_the_cabinet_wording() {
        for (name, _) in SHIPPED {
            let t = Template::shipped(name).expect("shipped").unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(t.name, name);
        }
        let hwb = Template::shipped("hwb-discussion").expect("shipped").expect("loads");
        assert!(hwb.settings.paper.has(PartName::Cover) && !hwb.settings.paper.has(PartName::Portfolio));
        assert_eq!(hwb.settings.paper.number_depth, 3);
        assert_eq!(hwb.words("footer", &serde_json::json!({})), "Page {page} of {pages}");
        assert_eq!(hwb.heading("summary"), "Summary");
    }

    #[test]
    fn an_empty_heading_or_label_is_refused_naming_the_key_and_the_file() {
        for (table, line) in [("headings", "risk = \"\""), ("labels", "likelihood = \" \"")] {
            let text = format!("extends = \"cabinet\"\n[{table}]\n{line}\n");
            let err =
                Template::from_parts("x", &text, "templates/x/template.toml", BUILTIN_TYPST.to_owned(), Vec::new())
                    .expect_err("empty text");
            let key = line.split(' ').next().unwrap_or_default();
            assert_eq!(err.0, format!("templates/x/template.toml: [{table}] {key}: must not be empty"));
        }
    }

    #[test]
    fn a_template_extending_an_unknown_one_is_refused_naming_the_shipped_ones() {
        let err = Template::from_parts(
            "x",
            "extends = \"cabnet\"\n",
            "x/template.toml",
            BUILTIN_TYPST.to_owned(),
            Vec::new(),
        )
        .expect_err("unknown base");
        assert!(err.0.starts_with("x/template.toml: extends: no shipped template `cabnet`"), "{}", err.0);
        assert!(err.0.contains("cabinet, hwb-discussion"), "{}", err.0);
    }

    #[test]
    fn a_template_without_a_decision_record_wording_is_refused_naming_the_key_and_the_file() {
        let broken: String =
            BUILTIN_TOML.lines().filter(|l| !l.starts_with("call_in_deadline")).map(|l| format!("{l}\n")).collect();
        let err =
            Template::from_parts("council", &broken, "council/template.toml", BUILTIN_TYPST.to_owned(), Vec::new())
                .expect_err("required record wording");
        assert_eq!(
            err.0,
            "council/template.toml: [decisions_record] has no `call_in_deadline`, which the decision record prints; copy it from the built-in template"
        );
    }
}
