//! The daemon's child processes (git, run by the daemon or by the engine).

/// Kills every child process of this one: when the editor is gone, a git
/// run for one of its requests must not outlive the daemon. Children are
/// found in /proc; none is waited for (the process is about to exit). A
/// thread may start one more git while a pass runs: passes go on until one
/// finds none (at most a few).
pub fn kill_all() {
    for _ in 0..4 {
        if kill_pass() == 0 {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// One scan of /proc, killing the children it finds; how many it found.
fn kill_pass() -> usize {
    let me = std::process::id();
    let mut found = 0;
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // "pid (comm) state ppid …": comm may hold spaces and parentheses.
        let mut fields = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace())
            .into_iter()
            .flatten();
        let state = fields.next();
        let ppid = fields.next().and_then(|p| p.parse::<u32>().ok());
        // A killed child stays a zombie (never waited for): not counted again.
        if ppid == Some(me) && state != Some("Z") {
            found += 1;
            // SAFETY: sends a signal to a process id read just above; no memory is involved.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
    }
    found
}
