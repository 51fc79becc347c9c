//! Loading: reads an input file, parses it as its kind and validates it, turning every problem
//! into located diagnostics. Each kind of paper (report, missions register, outcome, previous
//! Forward Plan) goes through the one sequence of [`read_as`]: read safely, parse into the typed
//! input, check the characters, hand the typed input to the model's validation. Meetings load in
//! [`crate::meeting`], on top of this. This room never assembles or writes anything, and it finds
//! the files a command line names ([`report_files`], [`yaml_files`]).

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, Problem};
use crate::input::file::Scope;
use crate::input::shapes::TextOrSeq;
use crate::input::types::{MissionsFile, OutcomeFile, PreviousPlanFile, ReportFile};
use crate::input::{InputKind, SourceFile};
use crate::model::{self, Report, Rules};

/// Reads `path` and parses it as a `kind` of paper (any kind that parses, when `None`): the
/// source, kept for locating later problems, with the typed file; or the located failure.
/// Every structural problem of the file is reported, not the first alone.
pub fn read_as<T: DeserializeOwned + JsonSchema>(
    path: &Path,
    kind: Option<InputKind>,
) -> Result<(SourceFile, T), LoadFailure> {
    let source = SourceFile::read(path).map_err(|d| LoadFailure { diagnostics: vec![d], source: None })?;
    match source.parse_all_as(kind) {
        Ok(file) => Ok((source, file)),
        Err(diagnostics) => Err(LoadFailure { diagnostics, source: Some(source.text.clone()) }),
    }
}

/// A report loaded and validated, with its warnings.
#[derive(Debug)]
pub struct Loaded {
    /// The report.
    pub report: Report,
    /// Warnings (located).
    pub warnings: Vec<Diagnostic>,
    /// The source file.
    pub source: SourceFile,
}

/// A failed load: located diagnostics (errors and any warnings), with the source for snippets.
#[derive(Debug)]
pub struct LoadFailure {
    /// Diagnostics, errors first.
    pub diagnostics: Vec<Diagnostic>,
    /// The file's text, when it could be read.
    pub source: Option<String>,
}

/// Chooses a paper's validation rules from the template it names (`template:`, as written) and
/// the folder it is in: the rules, and the name the chosen template is known by (`None` for the
/// default). An error is the reason the named template cannot be used.
pub trait PickRules {
    /// The rules for a paper naming `named` in folder `dir`.
    fn pick(&self, named: Option<&str>, dir: &Path) -> Result<(Option<String>, &Rules), Problem>;

    /// What the picker adds once a paper has loaded and validated, wherever it was loaded from
    /// (on its own, or as a meeting's item): the engine warns when it runs past its template's
    /// page guide. Nothing by default.
    fn loaded(&self, _loaded: &mut Loaded) {}
}

/// One set of rules for every paper, whatever template it names (a process given `--template`,
/// and tests).
impl PickRules for Rules {
    fn pick(&self, _: Option<&str>, _: &Path) -> Result<(Option<String>, &Rules), Problem> {
        Ok((None, self))
    }
}

/// Reads, parses and validates a report (and its missions register file, if any), with the rules
/// of the template it names. Every file the report names must lie inside `scope`'s root.
pub fn load_report(path: &Path, pick: &dyn PickRules, scope: &Scope) -> Result<Loaded, LoadFailure> {
    let source = SourceFile::read(path).map_err(|d| LoadFailure { diagnostics: vec![d], source: None })?;
    let fail = |diagnostics: Vec<Diagnostic>, source: &SourceFile| LoadFailure {
        diagnostics,
        source: Some(source.text.clone()),
    };
    if let Ok(Some(kind)) = source.told_kind().map(|k| k.filter(|k| *k != InputKind::Report)) {
        let mut d = source.locate(
            Problem::error("", format!("this is {}, not a report", kind.describe()))
                .help(kind.command().replace("FILE", &source.name)),
        );
        (d.line, d.column) = source.locator.key_position("schema").map_or((1, 1), |p| (p.line, p.column));
        return Err(fail(vec![d], &source));
    }
    let file: ReportFile = source.parse_all_as(Some(InputKind::Report)).map_err(|d| fail(d, &source))?;
    let (template, rules) = pick.pick(file.template.as_deref(), &source.dir()).map_err(|p| {
        let mut d = source.locate(p);
        if let Some(at) = source.locator.key_position("template") {
            (d.line, d.column) = (at.line, at.column);
        }
        fail(vec![d], &source)
    })?;

    let mut diags: Vec<Diagnostic> = character_problems(&source, rules)
        .into_iter()
        .chain(unquoted_phones(&source))
        .map(|p| source.locate(p))
        .collect();
    let register = match &file.missions {
        Some(TextOrSeq::Text(name)) => match scope.resolve(&source.dir(), name) {
            Err(e) => {
                let p = match e.message.split_once("`: ") {
                    // Not found: the reason as the hint.
                    Some((_, reason)) if e.message.starts_with("cannot read") => {
                        Problem::error("missions", format!("cannot use missions register `{name}`")).help(reason)
                    }
                    _ => Problem {
                        help: e.help,
                        ..Problem::error("missions", format!("cannot use missions register: {}", e.message))
                    },
                };
                diags.push(source.locate(p));
                None
            }
            Ok(_) => match load_missions(&source.dir().join(name), rules) {
                Ok(m) => Some(m.missions),
                Err(mut d) => {
                    // Point at the `missions:` line too, so the author sees which file is meant.
                    diags.push(
                        source.locate(Problem::error("missions", format!("cannot use missions register `{name}`"))),
                    );
                    diags.append(&mut d);
                    None
                }
            },
        },
        _ => None,
    };
    // Appendix files: inside the root. (A missing one is reported when a pack binds it in.)
    for (i, a) in file.appendices.iter().flatten().enumerate() {
        if let Some(Err(e)) = a.file.as_ref().map(|f| scope.resolve(&source.dir(), f)) {
            if e.outside {
                diags.push(
                    source
                        .locate(Problem { help: e.help, ..Problem::error(format!("appendices[{i}].file"), e.message) }),
                );
            }
        }
    }
    let pictures = crate::input::picture::Pictures { dir: source.dir(), scope: scope.clone() };
    let validated = model::validate_report(&file, register.as_deref(), rules, &source.dir(), Some(pictures));
    diags.extend(validated.problems.into_iter().map(|p| source.locate(p)));
    diags.sort_by_key(|d| (d.severity, d.file != source.name, d.line, d.column));
    match validated.value {
        Some(mut report) if !diags.iter().any(Diagnostic::is_error) => {
            report.template = template;
            let mut loaded = Loaded { report, warnings: diags, source };
            pick.loaded(&mut loaded);
            Ok(loaded)
        }
        _ => Err(fail(diags, &source)),
    }
}

/// The characters of an input file's text that cannot be printed (see [`model::characters`]),
/// as problems by field path. The file is read again as a generic tree, so that every text field
/// is seen, unless its text alone shows that no field can have one
/// ([`model::characters::text_is_clean`]); a file that does not read so has been reported by the
/// typed parse already.
pub fn character_problems(source: &SourceFile, rules: &Rules) -> Vec<Problem> {
    // Told from the text in one pass, for nearly every file, without reading it again as a tree.
    if model::characters::text_is_clean(&source.text, &rules.coverage) {
        return Vec::new();
    }
    match source.parse::<serde_json::Value>() {
        Ok(tree) => model::characters::check(&tree, &rules.coverage, &rules.font),
        Err(_) => Vec::new(),
    }
}

/// A `phone:` written as bare digits (`01642527657`): cabrep reads it as text, but YAML 1.1
/// tools (and many editors' linters) read it as a number — an octal one, with its leading 0 —
/// so it is warned about, to be quoted.
pub fn unquoted_phones(source: &SourceFile) -> Vec<Problem> {
    let mut paths: Vec<&str> = source.locator.paths().filter(|p| *p == "phone" || p.ends_with(".phone")).collect();
    paths.sort_unstable();
    paths
        .into_iter()
        .filter_map(|path| {
            let (a, b) = source.locator.scalar_value(path)?;
            let text = source.text.get(a..b)?.trim();
            let digits = text.strip_prefix('+').unwrap_or(text);
            (!digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit())).then(|| {
                Problem::warning(
                    path,
                    format!(
                        "the phone number `{text}` is not in quotes: YAML 1.1 tools read it as a number{}",
                        if digits.starts_with('0') { " (an octal one)" } else { "" }
                    ),
                )
                .help(format!("write it in quotes, as text: `phone: \"{text}\"`"))
            })
        })
        .collect()
}

/// Reads a missions register file.
pub fn load_missions(path: &Path, rules: &Rules) -> Result<MissionsFile, Vec<Diagnostic>> {
    let source = SourceFile::read(path).map_err(|d| vec![d])?;
    let file: MissionsFile = source.parse_all_as(Some(InputKind::Missions))?;
    let mut problems: Vec<Diagnostic> =
        character_problems(&source, rules).into_iter().map(|p| source.locate(p)).collect();
    let mut seen = std::collections::HashSet::new();
    for (i, m) in file.missions.iter().enumerate() {
        if !seen.insert(m.id.as_str()) {
            problems.push(
                source.locate(Problem::error(format!("missions[{i}].id"), format!("duplicate mission id `{}`", m.id))),
            );
        }
    }
    if problems.is_empty() {
        Ok(file)
    } else {
        Err(problems)
    }
}

/// Reads a meeting's outcome file (`cabrep/outcome/v1`), refusing characters the house font
/// cannot print; what it decides is checked against the meeting by [`crate::meeting::decisions`].
pub fn load_outcome(path: &Path, rules: &Rules) -> Result<(SourceFile, OutcomeFile), LoadFailure> {
    let (source, file) = read_as::<OutcomeFile>(path, Some(InputKind::Outcome))?;
    let unprintable: Vec<Diagnostic> =
        character_problems(&source, rules).into_iter().map(|p| source.locate(p)).collect();
    if !unprintable.is_empty() {
        return Err(LoadFailure { diagnostics: unprintable, source: Some(source.text.clone()) });
    }
    Ok((source, file))
}

/// Reads a previous Forward Plan (`cabrep/forward-plan/v1`).
pub fn load_previous_plan(path: &Path) -> Result<crate::model::forward_plan::Previous, LoadFailure> {
    let (source, file) = read_as::<PreviousPlanFile>(path, None)?;
    let fail = |d: Vec<Diagnostic>| LoadFailure { diagnostics: d, source: Some(source.text.clone()) };
    let published = file.published.date("published").map_err(|p| fail(vec![source.locate(p)]))?;
    Ok(crate::model::forward_plan::Previous {
        published,
        references: file.references.iter().map(|r| r.trim().to_owned()).collect(),
    })
}

/// Expands the command line's paths: a folder means every report `*.yaml`/`*.yml` in it
/// (meeting files and missions registers are recognised and skipped), sorted by name.
pub fn report_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    yaml_files(paths, |f| match SourceFile::read(f) {
        Ok(s) => s.kind() == InputKind::Report,
        // An unreadable file is still reported, by the build itself.
        Err(_) => true,
    })
}

/// The files the command line names: each file as named, and for a folder its `*.yaml`/`*.yml`
/// files that `keep` accepts, sorted by name. A file named twice (`build a.yaml a.yaml`, or a
/// folder and a file in it) is listed once.
pub fn yaml_files(paths: &[PathBuf], keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .filter(|f| keep(f))
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    out
}
