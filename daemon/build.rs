fn main() {
    // Without an rpath the binary silently loads whichever libpython the
    // dynamic linker finds first (Debian's), not the one PyO3 compiled against.
    pyo3_build_config::add_libpython_rpath_link_args();
}
