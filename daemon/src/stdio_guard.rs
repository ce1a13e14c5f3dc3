//! Keeps fd 1 for JSON-RPC only.
//!
//! Python `print`, `os.write(1, ..)` and child processes that inherit stdout
//! would all corrupt the LSP stream. Before anything else runs we move the real
//! stdout to a private close-on-exec descriptor and point fd 1 at stderr, so
//! every stray write lands in the log instead.

use std::fs::File;
use std::io;
use std::os::fd::FromRawFd;

/// Takes the process's stdout for exclusive JSON-RPC use.
///
/// Returns a `File` writing to the original stdout; afterwards fd 1 is a copy of
/// fd 2. Must be called once, before Python or any thread starts.
pub fn take_stdout() -> io::Result<File> {
    // SAFETY: plain descriptor syscalls on fds 1 and 2, checked for errors; the
    // new descriptor is owned by the returned File and by nothing else.
    unsafe {
        let private = libc::fcntl(libc::STDOUT_FILENO, libc::F_DUPFD_CLOEXEC, 3);
        if private < 0 {
            return Err(io::Error::last_os_error());
        }
        if libc::dup2(libc::STDERR_FILENO, libc::STDOUT_FILENO) < 0 {
            let err = io::Error::last_os_error();
            libc::close(private);
            return Err(err);
        }
        Ok(File::from_raw_fd(private))
    }
}
