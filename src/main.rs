//! The `planbook` command: parses arguments, calls the library, prints findings, sets the exit
//! code. Nothing else lives here.

use clap::{Parser, Subcommand, ValueEnum};
use planbook::diag::{SHOWN_PER_SHAPE, plural};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// mimalloc instead of the system allocator: a build makes many small, short-lived
/// allocations (template values, strings), where glibc's malloc spent about a quarter of the
/// CPU. Measured in BENCHMARKS.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (libmimalloc-sys names only some of
/// the options; this one comes just before `mi_option_use_numa_nodes`, in mimalloc 2 and 3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t =
    libmimalloc_sys::mi_option_use_numa_nodes - 1;

/// How long freed memory stays with mimalloc before it goes back to the system.
const PURGE_DELAY_MS: std::ffi::c_long = 100;

/// Freed memory goes back to the system after 100 ms instead of mimalloc 3's default second.
/// At 10,000 pages per language (3 alternating runs, medians): 10 ms costs 10.3 s of CPU
/// (faulting freed pages in again, zeroed) at 618 MB; 100 ms 9.2 s at 645 MB; a second
/// 8.8 s at 714 MB (BENCHMARKS.md).
fn return_freed_memory_soon() {
    // SAFETY: sets one of mimalloc's documented options; any value is valid.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
}

#[derive(Parser)]
#[command(
    name = "planbook",
    version,
    about = "Builds a bilingual Chinese/English plan website from YAML and Markdown"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/ (or --out).
    Build {
        /// The book's folder, the one holding book.toml [default: the current folder].
        #[arg(long, default_value = ".", hide_default_value = true)]
        root: PathBuf,
        /// Where to write the site [default: ROOT/public]; replaced whole, and left untouched
        /// when the build fails.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace the output folder even if planbook did not make it (never the book itself).
        #[arg(long)]
        force: bool,
    },
    /// Run every validation and audit without writing anything.
    Check {
        /// The book's folder, the one holding book.toml [default: the current folder].
        #[arg(long, default_value = ".", hide_default_value = true)]
        root: PathBuf,
        /// How to print the findings: `text` for people, `json` (a list of findings with path,
        /// line, col, severity, kind, message and hint) for tools.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Also fetch every external (http/https) link written in the Markdown; needs the
        /// network.
        #[arg(long)]
        external: bool,
    },
    /// Build, serve on 127.0.0.1 and rebuild on every change, reloading open pages.
    Serve {
        /// The book's folder, the one holding book.toml [default: the current folder].
        #[arg(long, default_value = ".", hide_default_value = true)]
        root: PathBuf,
        /// The port to serve on; pick another one when it is taken.
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// Address to bind; only change it to share the preview on a trusted network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser (with xdg-open).
        #[arg(long)]
        open: bool,
    },
    /// Record the English of these chapters (all when none are named) as up to date with the
    /// Chinese, in each chapter's en.sync.yaml.
    MarkTranslated {
        /// The book's folder, the one holding book.toml [default: the current folder].
        #[arg(long, default_value = ".", hide_default_value = true)]
        root: PathBuf,
        /// Chapter ids (the `id:` in chapter.yaml, e.g. `review`); none means every chapter.
        pages: Vec<String>,
    },
    /// Create a new bilingual book that builds and checks clean.
    Init {
        /// The folder to create; it must not exist or be empty.
        dir: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    return_freed_memory_soon();
    match Cli::parse().command {
        Command::Build { root, out, force } => build(&root, out, force),
        Command::Serve {
            root,
            port,
            bind,
            open,
        } => serve(&root, std::net::SocketAddr::new(bind, port), open),
        Command::MarkTranslated { root, pages } => mark_translated(&root, &pages),
        Command::Init { dir } => init(&dir),
        Command::Check {
            root,
            format,
            external,
        } => check(&root, format, external),
    }
}

/// `planbook build`: the site, then one line saying what was built (or why not).
fn build(root: &Path, out: Option<PathBuf>, force: bool) -> ExitCode {
    let out = out.unwrap_or_else(|| planbook::default_out(root));
    let started = std::time::Instant::now();
    match planbook::build_leaving(root, &out, force) {
        Ok((report, leftovers)) => {
            // The process ends next: freeing the book, piece by piece, would only
            // delay the exit (the system takes the memory back at once).
            std::mem::forget(leftovers);
            // Formatted first: stderr is unbuffered, and each piece would be a write.
            // Warnings of one shape beyond the first few are counted, not listed.
            let (text, warnings) = report.warnings.summarised(SHOWN_PER_SHAPE);
            eprint!("{text}");
            eprintln!(
                "built {} ({}) into {} in {} ms{}",
                plural(report.pages, "page"),
                plural(report.files, "file"),
                out.display(),
                started.elapsed().as_millis(),
                if report.warnings.is_empty() {
                    String::new()
                } else {
                    format!(", {}", plural(warnings, "warning"))
                }
            );
            ExitCode::SUCCESS
        }
        Err(diags) => {
            let text = diags.to_string();
            eprint!("{text}");
            if let Some(note) = diags.suppressed_note() {
                eprintln!("{note}");
            }
            // A swap that failed half-way says where the previous output is instead.
            let moved = diags.sorted().iter().any(|d| d.kind == "swap");
            eprintln!(
                "build failed: {}{}",
                plural(diags.errors(), "error"),
                if moved {
                    String::new()
                } else {
                    format!("; {} was left untouched", out.display())
                }
            );
            ExitCode::FAILURE
        }
    }
}

/// `planbook serve`: a port in use is found before the first build, which takes seconds.
fn serve(root: &Path, addr: std::net::SocketAddr, open: bool) -> ExitCode {
    if let Err(e) = std::net::TcpListener::bind(addr) {
        eprintln!("error: cannot listen on {addr}: {e}");
        eprintln!("  = hint: {}", port_hint(&e, addr.port()));
        return ExitCode::FAILURE;
    }
    match planbook::serve::run(root, addr, open) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `planbook mark-translated`: records the English of these chapters as up to date.
fn mark_translated(root: &Path, pages: &[String]) -> ExitCode {
    match planbook::mark_translated(root, pages) {
        Ok(n) => {
            eprintln!("recorded {} as translated", plural(n, "chapter"));
            ExitCode::SUCCESS
        }
        Err(ds) => {
            for d in ds {
                eprintln!("{d}");
            }
            ExitCode::FAILURE
        }
    }
}

/// `planbook init`: a new book, and the command that builds it.
fn init(dir: &Path) -> ExitCode {
    match planbook::init::run(dir) {
        Ok(n) => {
            eprintln!(
                "created a new book in {} ({}); build it with: planbook build --root {}",
                dir.display(),
                plural(n, "file"),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprintln!("{d}");
            ExitCode::FAILURE
        }
    }
}

/// `planbook check`: every finding, as text or JSON; exit 1 on any.
fn check(root: &Path, format: Format, external: bool) -> ExitCode {
    let diags = planbook::check_with(root, external);
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&diags.sorted()).unwrap_or_default()
        ),
        Format::Text => {
            print!("{diags}");
            if let Some(note) = diags.suppressed_note() {
                println!("{note}");
            }
            if diags.is_empty() {
                println!("check passed: no findings");
            } else {
                println!("check failed: {}", plural(diags.len(), "finding"));
            }
        }
    }
    if diags.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// How to get past a port that cannot be listened on.
fn port_hint(e: &std::io::Error, port: u16) -> String {
    let other = port.checked_add(1).unwrap_or(3000);
    match e.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "another program (or another planbook serve) is using port {port}: stop it, or use another port, e.g. `planbook serve --port {other}`"
        ),
        std::io::ErrorKind::PermissionDenied => format!(
            "ports below 1024 need root: use a higher one, e.g. `planbook serve --port {other}`"
        ),
        _ => "check --bind (an address of this machine) and --port".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // mimalloc 3's default purge_delay is 1,000 ms (options.c); a renumbered option list in
        // a mimalloc upgrade would set another option.
        // SAFETY: reads one of mimalloc's options.
        let get = |o| unsafe { libmimalloc_sys::mi_option_get(o) };
        assert_eq!(get(MI_OPTION_PURGE_DELAY), 1000);
        return_freed_memory_soon();
        assert_eq!(get(MI_OPTION_PURGE_DELAY), PURGE_DELAY_MS);
    }

    #[test]
    fn every_option_and_argument_has_help_text() {
        let cli = Cli::command();
        cli.clone().debug_assert();
        for sub in cli.get_subcommands() {
            assert!(sub.get_about().is_some(), "{} has no help", sub.get_name());
            for arg in sub.get_arguments() {
                assert!(
                    arg.get_help().is_some(),
                    "{} {} has no help text",
                    sub.get_name(),
                    arg.get_id()
                );
            }
        }
    }
}
