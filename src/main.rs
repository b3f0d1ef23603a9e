//! The `planbook` command: parses arguments, calls the library, prints findings, sets the exit
//! code. Nothing else lives here.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

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
        /// The book's folder (holding book.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace the output folder even if planbook did not make it (never the book itself).
        #[arg(long)]
        force: bool,
    },
    /// Run every validation and audit without writing anything.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output format of the findings.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Also fetch every external link written in the Markdown.
        #[arg(long)]
        external: bool,
    },
    /// Build, serve on 127.0.0.1 and rebuild on every change, reloading open pages.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// Address to bind; only change it to share the preview on a trusted network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Record the English of these chapters (all when none are named) as up to date with the
    /// Chinese, in each chapter's en.sync.yaml.
    MarkTranslated {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Chapter ids.
        pages: Vec<String>,
    },
    /// Create a new bilingual book that builds and checks clean.
    Init {
        /// The folder to create.
        dir: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { root, out, force } => {
            let out = out.unwrap_or_else(|| planbook::default_out(&root));
            let started = std::time::Instant::now();
            match planbook::build_with(&root, &out, force) {
                Ok(report) => {
                    // Formatted first: stderr is unbuffered, and each piece would be a write.
                    let text = report.warnings.to_string();
                    eprint!("{text}");
                    eprintln!(
                        "built {} pages ({} files) into {} in {} ms{}",
                        report.pages,
                        report.files,
                        out.display(),
                        started.elapsed().as_millis(),
                        if report.warnings.is_empty() {
                            String::new()
                        } else {
                            format!(", {} warnings", report.warnings.warnings())
                        }
                    );
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    let text = diags.to_string();
                    eprint!("{text}");
                    // A swap that failed half-way says where the previous output is instead.
                    let moved = diags.sorted().iter().any(|d| d.kind == "swap");
                    eprintln!(
                        "build failed: {} errors{}",
                        diags.errors(),
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
        Command::Serve {
            root,
            port,
            bind,
            open,
        } => match planbook::serve::run(&root, std::net::SocketAddr::new(bind, port), open) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Command::MarkTranslated { root, pages } => {
            match planbook::freshness::mark_translated(&root, &pages) {
                Ok(n) => {
                    eprintln!("recorded {n} chapters as translated");
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
        Command::Init { dir } => match planbook::init::run(&dir) {
            Ok(n) => {
                eprintln!(
                    "created a new book in {} ({n} files); build it with: planbook build --root {}",
                    dir.display(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(d) => {
                eprintln!("{d}");
                ExitCode::FAILURE
            }
        },
        Command::Check {
            root,
            format,
            external,
        } => {
            let diags = planbook::check_with(&root, external);
            match format {
                Format::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&diags.sorted()).unwrap_or_default()
                ),
                Format::Text => {
                    print!("{diags}");
                    if diags.is_empty() {
                        println!("check passed: no findings");
                    } else {
                        println!("check failed: {} findings", diags.len());
                    }
                }
            }
            if diags.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
