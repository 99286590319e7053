use std::process::ExitCode;

// The gazetteer is ~1.5 M small allocations; mimalloc makes loading it
// markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match eventmap::cmd::run(<eventmap::cli::Cli as clap::Parser>::parse()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
