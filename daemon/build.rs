use std::process::Command;

fn main() {
    // Without an rpath the binary silently loads whichever libpython the
    // dynamic linker finds first (Debian's), not the one PyO3 compiled against.
    pyo3_build_config::add_libpython_rpath_link_args();

    // The embedded interpreter finds its standard library from `python3` on
    // PATH unless told otherwise, pairing another Python's stdlib with this
    // libpython. Record the home of the interpreter we link against.
    let config = pyo3_build_config::get();
    if let Some(executable) = config.executable() {
        let home = Command::new(executable)
            .args(["-c", "import sys; print(sys.base_prefix)"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
        if let Some(home) = home {
            println!("cargo:rustc-env=GITINSPECTOR_PYTHON_HOME={home}");
        }
    }
    println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
}
