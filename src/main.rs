use std::process::ExitCode;

// The gazetteer is ~1.5 M small allocations; mimalloc makes loading it
// markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // The allocator asks for transparent huge pages, and each first touch of
    // one zeroes 2 MB: most of a rebuild's time and a fifth of extract's
    // went to that. Small pages cost tagging nothing measurable. (Failing to
    // set this only costs time.)
    // EVENTMAP_THP=1 keeps them, for measuring the difference.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if std::env::var_os("EVENTMAP_THP").is_none_or(|v| v != "1") {
        let _ = nix::sys::prctl::set_thp_disable(true);
    }
    match eventmap::cmd::run(<eventmap::cli::Cli as clap::Parser>::parse()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
