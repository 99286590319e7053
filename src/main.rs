use std::process::ExitCode;

fn main() -> ExitCode {
    match eventmap::cmd::run(<eventmap::cli::Cli as clap::Parser>::parse()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
