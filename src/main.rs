//! The `cabrep` command: parses arguments, calls the library, prints diagnostics and maps
//! results to the documented exit statuses (0 built, 1 invalid input, 2 bad command line,
//! 3 anything else failed).
//!
//! Nothing here panics on a closed or full standard error: messages go through `say!`, which
//! drops a line it cannot write. The primary output of `schema` and `new` (standard output) is
//! checked, and a failure to write it is exit status 3.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

use clap::Parser;

use cabrep::commands::{self, preview, Engine, Outcome};
use cabrep::diag::{self, Diagnostic, MessageFormat};
use cabrep::jobs;
use cabrep::render::{bounds, Format};

/// Writes a line to standard error, ignoring a closed or full stream (the exit status still
/// tells how the command went).
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod cli;

use cli::*;

fn main() -> ExitCode {
    // A typesetting worker (started by this program itself): it serves on its pipes until they close.
    if std::env::args_os().nth(1).is_some_and(|a| a == bounds::WORKER_ARG) {
        let status = cabrep::render::pdf::worker::serve(std::io::stdin().lock(), std::io::stdout().lock());
        return ExitCode::from(status);
    }
    jobs::install_panic_hook();
    let started = cabrep::output::process_start();
    let cli = Cli::parse();
    if let Err(e) = cabrep::output::remove_temporaries_on_signal() {
        say!("warning: cannot handle interrupts ({e}); an interrupted build may leave `.cabrep-*.tmp` files");
    }
    // What an earlier build, killed outright, left in the output folder.
    if let Command::Build { output, .. }
    | Command::Pack { output, .. }
    | Command::Decisions { output, .. }
    | Command::ForwardPlan { output, .. }
    | Command::Watch { output, .. } = &cli.command
    {
        cabrep::output::sweep_stale_temporaries(&output.out, started);
    }
    let status = match cli.command {
        Command::Build { paths, output, formats, jobs, input, typeset, diag } => {
            with_engine(output.template.as_deref(), &input, Some(&typeset), |e| {
                build(e, &paths, &output.out, &formats.formats.0, jobs, &diag)
            })
        }
        Command::Check { paths, template, input, diag } => {
            with_engine(template.as_deref(), &input, None, |e| check(e, &paths, &diag))
        }
        Command::Pack { meeting, output, formats, jobs, no_cache, input, typeset, diag } => {
            with_engine(output.template.as_deref(), &input, Some(&typeset), |e| {
                let opts = commands::PackOptions { workers: workers(jobs), cache: !no_cache };
                report_outcome(
                    &meeting,
                    commands::build_pack(e, &meeting, &output.out, &formats.formats.0, &opts),
                    &diag,
                )
            })
        }
        Command::Decisions { meeting, outcome, output, formats, input, typeset, diag } => {
            with_engine(output.template.as_deref(), &input, Some(&typeset), |e| {
                report_outcome(
                    &meeting,
                    commands::build_decisions(e, &meeting, &outcome, &output.out, &formats.formats.0),
                    &diag,
                )
            })
        }
        Command::ForwardPlan { paths, published, previous, name, output, formats, input, typeset, diag } => {
            with_engine(output.template.as_deref(), &input, Some(&typeset), |e| {
                let name = name.unwrap_or_else(|| format!("{published}"));
                if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
                    say!("error: --name `{name}` must be a plain file name, without a folder");
                    return 2;
                }
                let outcome = commands::build_forward_plan(
                    e,
                    &paths,
                    published,
                    previous.as_deref(),
                    &name,
                    &output.out,
                    &formats.formats.0,
                );
                report_outcome(Path::new(&format!("{name}-forward-plan")), outcome, &diag)
            })
        }
        Command::Serve { path, host, port, allow_remote, template, poll, input, typeset } => {
            with_engine(template.as_deref(), &input, Some(&typeset), |e| {
                preview::serve(e, &path, &host, port, allow_remote, poll)
            })
        }
        Command::Watch { path, poll, output, formats, input, typeset } => {
            with_engine(output.template.as_deref(), &input, Some(&typeset), |e| {
                preview::watch(e, &path, &output.out, &formats.formats.0, poll)
            })
        }
        Command::Template { action } => template_command(action),
        Command::Schema { kind, template } => schema(kind, template.as_deref()),
        Command::New { kind, file, template } => new_file(kind, file.as_deref(), template.as_deref()),
    };
    ExitCode::from(status)
}

fn engine(template: Option<&Path>) -> Result<Engine, u8> {
    Engine::new(template).map_err(|e| {
        say!("error: {e}");
        match e {
            cabrep::engine::EngineError::SourceDateEpoch(_) => 2,
            cabrep::engine::EngineError::Template(_) => 3,
        }
    })
}

/// Writes the command's primary output to standard output: exit status 0, or 3 if it could not
/// be written (a full disk, a closed pipe).
fn to_stdout(text: &str) -> u8 {
    if stdout_was_closed() {
        say!("error: cannot write to standard output: it is closed");
        return 3;
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(e) => {
            drop(out);
            say!("error: cannot write to standard output: {e}");
            3
        }
    }
}

/// Whether standard output was closed when cabrep started (`>&-`). The Rust runtime opens
/// `/dev/null` read-write in its place before `main`, so that writes to it would succeed unseen;
/// a shell's `>/dev/null` opens it write-only. Known on Linux only (elsewhere: `false`).
fn stdout_was_closed() -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        let (Ok(out), Ok(null)) = (std::fs::metadata("/proc/self/fd/1"), std::fs::metadata("/dev/null")) else {
            return false;
        };
        if !out.file_type().is_char_device() || out.rdev() != null.rdev() {
            return false;
        }
        // `flags:` in octal; the access mode is its two lowest bits (2: read-write).
        let info = std::fs::read_to_string("/proc/self/fdinfo/1").unwrap_or_default();
        let flags = info.lines().find_map(|l| l.strip_prefix("flags:")).map(str::trim);
        flags.and_then(|f| u32::from_str_radix(f, 8).ok()).is_some_and(|f| f & 3 == 2)
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

fn message_format(d: &DiagArgs) -> MessageFormat {
    match d.message_format {
        MsgFormat::Json => MessageFormat::Json,
        MsgFormat::Human => MessageFormat::Human { snippet: std::io::stderr().is_terminal() },
    }
}

/// Prints diagnostics under a lock so that parallel builds do not interleave.
fn print_diags(lock: &Mutex<()>, diags: &[Diagnostic], source: Option<&str>, fmt: MessageFormat) {
    let _guard = lock.lock();
    let stderr = std::io::stderr();
    let mut out = stderr.lock();
    diag::emit(&mut out, diags, source, fmt);
    let _ = out.flush();
}

/// Threads to use: `-j N`, else one per core.
fn workers(jobs: Option<usize>) -> usize {
    jobs.unwrap_or_else(cabrep::jobs::cores).max(1)
}

fn build(engine: &Engine, paths: &[PathBuf], out: &Path, formats: &[Format], jobs: Option<usize>, d: &DiagArgs) -> u8 {
    let inputs = cabrep::load::report_files(paths);
    if inputs.is_empty() {
        say!(
            "error: no report files found in {}",
            paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        );
        return 1;
    }
    // Two inputs of one name would overwrite each other's files, and which survived would vary
    // from run to run: refuse before anything is written.
    let collisions = commands::output_collisions(&inputs, out, formats);
    for c in &collisions {
        say!("error: {} and {} would both be written to {}", c.first, c.second, c.path.display());
        say!("  help: rename one of them, or build them into different folders with -o");
    }
    if !collisions.is_empty() {
        return 1;
    }
    let fmt = message_format(d);
    let show_bar = !d.quiet && std::io::stderr().is_terminal() && inputs.len() > 1;
    let bar = if show_bar {
        let b = indicatif::ProgressBar::new(inputs.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}") {
            b.set_style(style);
        }
        Some(b)
    } else {
        None
    };
    let lock = Mutex::new(());
    let each = |input: &Path, outcome: &Outcome| {
        let print = |diags: &[Diagnostic], src: Option<&str>| {
            if let Some(b) = &bar {
                b.suspend(|| print_diags(&lock, diags, src, fmt));
            } else {
                print_diags(&lock, diags, src, fmt);
            }
        };
        match outcome {
            Outcome::Built { warnings, source, .. } => print(warnings, Some(source)),
            Outcome::Invalid(f) => print(&f.diagnostics, f.source.as_deref()),
            Outcome::Failed { input, message } => {
                let _g = lock.lock();
                say!("{}: error: {message}", input.display());
            }
        }
        if let Some(b) = &bar {
            b.inc(1);
            b.set_message(input.display().to_string());
        }
    };
    let outcomes = commands::build_batch(engine, &inputs, out, formats, workers(jobs), &each);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let built = outcomes.iter().filter(|(_, o)| matches!(o, Outcome::Built { .. })).count();
    let invalid = outcomes.iter().filter(|(_, o)| matches!(o, Outcome::Invalid(_))).count();
    let failed = outcomes.iter().filter(|(_, o)| matches!(o, Outcome::Failed { .. })).count();
    let warned = outcomes.iter().any(|(_, o)| matches!(o, Outcome::Built { warnings, .. } if !warnings.is_empty()));
    if !d.quiet {
        if outcomes.len() == 1 {
            if let (_, Outcome::Built { files, .. }) = &outcomes[0] {
                for f in files {
                    say!("wrote {}", f.display());
                }
            }
        }
        say!(
            "built {built} of {} report(s) into {}{}{}",
            outcomes.len(),
            out.display(),
            if invalid > 0 { format!("; {invalid} invalid") } else { String::new() },
            if failed > 0 { format!("; {failed} failed") } else { String::new() }
        );
    }
    if invalid > 0 || (d.deny_warnings && warned) {
        1
    } else if failed > 0 {
        3
    } else {
        0
    }
}

fn check(engine: &Engine, paths: &[PathBuf], d: &DiagArgs) -> u8 {
    let fmt = message_format(d);
    let lock = Mutex::new(());
    let inputs = cabrep::check::expand(paths);
    let mut shown = std::collections::HashSet::new();
    let mut status = 0;
    let mut failed = false;
    for input in &inputs {
        match jobs::catch_panic(|| cabrep::check::check_file(engine, input)) {
            Err(message) => {
                let _g = lock.lock();
                say!("{}: error: {message}", input.display());
                failed = true;
            }
            Ok(c) => {
                // A report named on the command line and by a meeting file is reported once.
                for f in &c.files {
                    let fresh: Vec<Diagnostic> = f
                        .diagnostics
                        .iter()
                        .filter(|x| {
                            shown.insert(format!("{}:{}:{}:{}:{}", x.file, x.line, x.column, x.path, x.message))
                        })
                        .cloned()
                        .collect();
                    print_diags(&lock, &fresh, f.source.as_deref(), fmt);
                }
                if !c.ok || (d.deny_warnings && c.files.iter().any(|f| !f.diagnostics.is_empty())) {
                    status = 1;
                }
            }
        }
    }
    if failed && status == 0 {
        status = 3;
    }
    if !d.quiet {
        say!("checked {} file(s): {}", inputs.len(), if status == 0 { "ok" } else { "problems found" });
    }
    status
}

/// `template new` and `template check`.
fn template_command(action: TemplateAction) -> u8 {
    match action {
        TemplateAction::New { name, from } => match cabrep::commands::template_folder::new(&name, &from) {
            Ok(lines) => {
                for l in lines {
                    say!("{l}");
                }
                0
            }
            Err(e) => {
                say!("error: {}", e.message);
                e.status
            }
        },
        TemplateAction::Check { dir } => match named_template(&dir) {
            Ok(t) => {
                for l in cabrep::commands::template_folder::report(&t) {
                    say!("{l}");
                }
                0
            }
            Err(code) => code,
        },
    }
}

/// A template named on the command line: a shipped one by name, else a folder.
fn named_template(name: &str) -> Result<cabrep::template::Template, u8> {
    let loaded = cabrep::template::Template::shipped(name)
        .unwrap_or_else(|| cabrep::input::template_folder::load(Path::new(name)));
    loaded.map_err(|e| {
        say!("error: {e}");
        3
    })
}

fn schema(kind: SchemaKind, template: Option<&str>) -> u8 {
    if let (SchemaKind::Report, Some(name)) = (kind, template) {
        // A report's fields are its template's.
        let t = match named_template(name) {
            Ok(t) => t,
            Err(code) => return code,
        };
        let full = serde_json::to_value(schemars::schema_for!(cabrep::input::types::ReportFile))
            .unwrap_or(serde_json::Value::Null);
        let cut = cabrep::input::paper_fields::report_schema(full, &t.settings, &t.name);
        return print_json(&cut);
    }
    if let SchemaKind::Report = kind {
        // Without --template: the fields of each shipped template's papers, by their `template:`.
        let mut shipped = Vec::new();
        for (name, _) in cabrep::template::SHIPPED {
            match named_template(name) {
                Ok(t) => shipped.push((name, t.settings)),
                Err(code) => return code,
            }
        }
        let papers: Vec<(&str, &cabrep::template::Settings)> = shipped.iter().map(|(n, p)| (*n, p)).collect();
        let full = serde_json::to_value(schemars::schema_for!(cabrep::input::types::ReportFile))
            .unwrap_or(serde_json::Value::Null);
        let all = cabrep::input::paper_fields::shipped_report_schema(full, &papers);
        return print_json(&all);
    }
    if template.is_some() {
        say!("error: --template describes a report's fields; the other files are the same for every template");
        return 2;
    }
    let s = match kind {
        SchemaKind::Report => schemars::schema_for!(cabrep::input::types::ReportFile),
        SchemaKind::Meeting => schemars::schema_for!(cabrep::input::types::MeetingFile),
        SchemaKind::Missions => schemars::schema_for!(cabrep::input::types::MissionsFile),
        SchemaKind::Outcome => schemars::schema_for!(cabrep::input::types::OutcomeFile),
        SchemaKind::ForwardPlan => schemars::schema_for!(cabrep::input::types::PreviousPlanFile),
    };
    print_json(&s)
}

/// Prints a value as pretty JSON on standard output.
fn print_json(value: &impl serde::Serialize) -> u8 {
    match serde_json::to_string_pretty(value) {
        Ok(text) => to_stdout(&format!("{text}\n")),
        Err(e) => {
            say!("error: {e}");
            3
        }
    }
}

fn new_file(kind: StarterKind, file: Option<&Path>, template: Option<&str>) -> u8 {
    let cut;
    let text = match (kind, template) {
        (StarterKind::Report, Some(name)) => {
            let t = match named_template(name) {
                Ok(t) => t,
                Err(code) => return code,
            };
            cut = cabrep::input::paper_fields::report_starter(cabrep::STARTER_REPORT, &t.settings, name);
            cut.as_str()
        }
        (_, Some(_)) => {
            say!("error: --template is for a report starter; the other files are the same for every template");
            return 2;
        }
        (kind, None) => match kind {
            StarterKind::Report => cabrep::STARTER_REPORT,
            StarterKind::Meeting => cabrep::STARTER_MEETING,
            StarterKind::Missions => cabrep::STARTER_MISSIONS,
            StarterKind::Outcome => cabrep::STARTER_OUTCOME,
            StarterKind::ForwardPlan => cabrep::STARTER_FORWARD_PLAN,
        },
    };
    match file {
        None => to_stdout(text),
        Some(p) if p.exists() => {
            say!("error: {} already exists; not overwriting it", p.display());
            1
        }
        Some(p) => match cabrep::output::write_atomic(p, text.as_bytes(), cabrep::output::Visibility::Public) {
            Ok(()) => {
                say!("wrote {}", p.display());
                0
            }
            Err(e) => {
                say!("error: cannot write {}: {e}", p.display());
                3
            }
        },
    }
}

/// Sets up the engine and runs `f` with it; `typeset` bounds the typesetting of a command that
/// typesets (`None`: one that never does, such as `check`).
fn with_engine(
    template: Option<&Path>,
    input: &InputArgs,
    typeset: Option<&TypesetArgs>,
    f: impl FnOnce(&Engine) -> u8,
) -> u8 {
    let access = match input.access() {
        Ok(a) => a,
        Err(code) => return code,
    };
    let bounds = match typeset.map(TypesetArgs::bounds).transpose() {
        Ok(b) => b,
        Err(code) => return code,
    };
    match engine(template) {
        Ok(mut e) => {
            e.access = access;
            if let Some(b) = bounds {
                e.set_bounds(b);
            }
            f(&e)
        }
        Err(code) => code,
    }
}

/// Prints what a pack or decision record build produced; returns the exit status.
fn report_outcome(input: &Path, outcome: commands::PapersOutcome, d: &DiagArgs) -> u8 {
    let fmt = message_format(d);
    let lock = Mutex::new(());
    match outcome {
        commands::PapersOutcome::Built { files, unchanged, warnings, pages, removed } => {
            for (w, src) in &warnings {
                print_diags(&lock, w, Some(src), fmt);
            }
            // Said even with -q: a file the clerk may have published has gone.
            for (f, why) in &removed {
                say!("removed {}: {why}", f.display());
            }
            if !d.quiet {
                for f in &files {
                    say!("wrote {}", f.display());
                }
                for f in &unchanged {
                    say!("kept {} (nothing in it changed)", f.display());
                }
                say!("built {} ({pages} pages)", input.display());
            }
            if d.deny_warnings && warnings.iter().any(|(w, _)| !w.is_empty()) {
                1
            } else {
                0
            }
        }
        commands::PapersOutcome::Invalid(f) => {
            for file in &f.files {
                print_diags(&lock, &file.diagnostics, file.source.as_deref(), fmt);
            }
            1
        }
        commands::PapersOutcome::Failed(msg) => {
            say!("{}: error: {msg}", input.display());
            3
        }
    }
}
