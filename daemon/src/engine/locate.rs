//! Finds the `gigui` engine and its Python dependencies, without environment
//! variables, in one of two layouts:
//!
//! * installed: `<prefix>/bin/gitinspector-lsp` with the engine and its
//!   dependencies in `<prefix>/lib/gitinspector-lsp/python/` (see
//!   `scripts/install.sh`, which fills it with `pip install --target`);
//! * source tree: the binary anywhere below a checkout (`target/release/…`)
//!   or built from one, with the engine in `<checkout>/python/` and its
//!   dependencies in the virtual environment `<checkout>/.venv`.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, serde::Serialize)]
pub struct EngineLocation {
    /// `installed` or `source`.
    pub layout: &'static str,
    /// Directories that hold importable packages, searched first.
    pub package_dirs: Vec<PathBuf>,
    /// Virtual environments whose site-packages are added after them.
    pub venv_dirs: Vec<PathBuf>,
}

pub fn locate() -> Result<EngineLocation, String> {
    let exe = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .map_err(|e| format!("cannot find the daemon's own path: {e}"))?;
    let exe_dir = exe.parent().unwrap_or(Path::new("/"));

    let installed = exe_dir.join("../lib/gitinspector-lsp/python");
    if installed.join("gigui/__init__.py").is_file() {
        return Ok(EngineLocation {
            layout: "installed",
            package_dirs: vec![normalize(&installed)],
            venv_dirs: vec![],
        });
    }

    let build_tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let checkout = exe_dir
        .ancestors()
        .find(|dir| is_checkout(dir))
        .map(Path::to_path_buf)
        .or_else(|| is_checkout(&build_tree).then(|| normalize(&build_tree)));
    match checkout {
        Some(root) => {
            let venv = root.join(".venv");
            Ok(EngineLocation {
                layout: "source",
                package_dirs: vec![root.join("python")],
                venv_dirs: if venv.is_dir() { vec![venv] } else { vec![] },
            })
        }
        None => Err(format!(
            "the gigui engine was not found: looked in {} and in a source checkout above {}",
            normalize(&installed).display(),
            exe_dir.display()
        )),
    }
}

fn is_checkout(dir: &Path) -> bool {
    dir.join("python/gigui/__init__.py").is_file() && dir.join("Cargo.toml").is_file()
}

fn normalize(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}
