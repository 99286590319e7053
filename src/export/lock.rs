//! One build at a time per output folder: a lock file holding the builder's
//! process id. A lock left by a process that no longer runs is taken over
//! with a warning; a live one stops the second build with a clear message.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The lock's file name inside the output folder.
pub const LOCK_FILE: &str = ".eventmap.lock";

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another build is running on {out} (process {pid}); wait for it, or remove {lock} if that process is gone"
    )]
    Busy {
        out: PathBuf,
        pid: u32,
        lock: PathBuf,
    },
    #[error("{lock}: cannot create the build lock: {source}")]
    Io {
        lock: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Held for the whole build; the lock file is removed on drop.
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
}

fn alive(pid: u32) -> bool {
    // Linux: a running process has a /proc entry. Elsewhere assume alive.
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

impl OutputLock {
    /// Takes the lock on `out`, or says who holds it. Returns a note when a
    /// stale lock was taken over.
    pub fn acquire(out: &Path) -> Result<(OutputLock, Option<String>), LockError> {
        let path = out.join(LOCK_FILE);
        let io = |source| LockError::Io {
            lock: path.clone(),
            source,
        };
        let mut note = None;
        for _ in 0..2 {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    writeln!(f, "{}", std::process::id()).map_err(io)?;
                    return Ok((OutputLock { path }, note));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = fs::read_to_string(&path)
                        .ok()
                        .and_then(|t| t.trim().parse::<u32>().ok());
                    match holder {
                        Some(pid) if alive(pid) && pid != std::process::id() => {
                            return Err(LockError::Busy {
                                out: out.to_path_buf(),
                                pid,
                                lock: path,
                            });
                        }
                        _ => {
                            note = Some(format!(
                                "{}: lock left by a build that is no longer running; taken over",
                                path.display()
                            ));
                            fs::remove_file(&path).map_err(io)?;
                        }
                    }
                }
                Err(e) => return Err(io(e)),
            }
        }
        Err(io(std::io::Error::other("lock file keeps reappearing")))
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}
