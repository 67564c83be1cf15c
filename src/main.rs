//! The `cocreate` binary: parses the command line, runs the command, and maps errors to exit
//! codes (0 success, 2 invalid input, 1 anything else).

use std::process::ExitCode;

use clap::Parser;
use cocreate::app::{self, AppError};
use cocreate::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Err(error) = dispatch(cli.command) else {
        return ExitCode::SUCCESS;
    };
    match &error {
        // Diagnostics start with FILE:LINE:COLUMN so editors can jump to them.
        AppError::Scenario(diagnostics) => {
            for line in &diagnostics.lines {
                eprintln!("{line}");
            }
        }
        _ => eprintln!("error: {error}"),
    }
    ExitCode::from(error.exit_code())
}

fn dispatch(command: Command) -> Result<(), AppError> {
    match command {
        Command::Run(args) => {
            let outcome = app::run(&args)?;
            print_written(
                &outcome.report,
                &outcome.files,
                &outcome.out_dir,
                args.quiet,
            );
        }
        Command::Check(args) => print!("{}", app::check(&args)?),
        Command::Sweep(args) => report(&app::sweep(&args)?, args.quiet),
        Command::Merge(args) => report(&app::merge(&args)?, args.quiet),
        Command::Slurm(args) => println!("{}", app::slurm(&args)?.message),
        Command::Validate(args) => {
            let outcome = app::validate(&args)?;
            print_written(&outcome.table, &outcome.files, &outcome.out_dir, args.quiet);
            outcome.verdict()?;
        }
        Command::Verify(args) => println!("{}", app::verify(&args.dir)?),
        Command::Compare(args) => {
            let outcome = app::compare(&args)?;
            print_written(
                &outcome.report,
                &outcome.files,
                &outcome.out_dir,
                args.quiet,
            );
        }
        Command::Report(args) => {
            let path = app::report(&args.dir)?;
            println!("wrote {}", path.display());
        }
        Command::Survey(args) => {
            let outcome = app::survey(&args)?;
            print_written(
                &outcome.report,
                &outcome.files,
                &outcome.out_dir,
                args.quiet,
            );
        }
    }
    Ok(())
}

/// Prints a command's report and where its files went, unless `quiet`.
fn print_written(
    report: &str,
    files: &[std::path::PathBuf],
    out_dir: &std::path::Path,
    quiet: bool,
) {
    if !quiet {
        print!("{report}");
        println!("wrote {} files to {}", files.len(), out_dir.display());
    }
}

fn report(outcome: &app::SweepOutcome, quiet: bool) {
    if quiet {
        return;
    }
    println!("{}", outcome.message);
    if !outcome.files.is_empty() {
        println!(
            "wrote {} files to {}",
            outcome.files.len(),
            outcome.out_dir.display()
        );
    }
}
