//! The embedded CPython interpreter running the `gigui` analysis engine.
//!
//! Every call blocks the calling thread: callers in async code must use
//! `tokio::task::spawn_blocking`. The GIL is held only while Python runs; the
//! engine itself releases it while git subprocesses work.

pub mod convert;
pub mod locate;
pub mod results;

use std::ffi::CString;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict, PyList, PyTuple, PyType};
use serde_json::Value;

pub use locate::EngineLocation;

const BOOTSTRAP: &str = include_str!("bootstrap.py");

/// One Python `logging` record, forwarded to the daemon's log.
pub struct LogRecord {
    /// Python's numeric level (10 debug … 50 critical).
    pub level: u32,
    pub logger: String,
    pub message: String,
}

pub type LogSink = Arc<dyn Fn(LogRecord) + Send + Sync>;
pub type ProgressFn = Arc<dyn Fn(u64, u64, &str) + Send + Sync>;

/// Optional callbacks for long engine calls.
#[derive(Default, Clone)]
pub struct CallHooks {
    /// Called as `(done, total, message)` while the engine works.
    pub progress: Option<ProgressFn>,
    /// The engine polls this between files and stops when it is set.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Paths given on the command line, as the operating system gave them:
    /// they replace the first argument's `input_fstrs` as Python strings
    /// decoded as Python decodes file names, so a name that is not UTF-8
    /// (JSON cannot carry it) still names its folder.
    pub input_paths: Option<Vec<std::path::PathBuf>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineErrorKind {
    /// The engine could not be found or imported.
    Startup,
    /// Settings failed validation; `details` lists the fields.
    InvalidSettings,
    /// The call stopped because its cancel flag was set.
    Cancelled,
    /// Any other Python exception.
    Python,
    /// git, run by the daemon itself, failed.
    Git,
}

#[derive(Debug, Clone)]
pub struct EngineError {
    pub kind: EngineErrorKind,
    pub message: String,
    /// Qualified Python exception type, e.g. `gigui.errors.GitError`.
    pub python_type: Option<String>,
    pub traceback: Option<String>,
    /// Structured detail, e.g. `[{"field": …, "message": …}]` for invalid settings.
    pub details: Option<Value>,
}

impl EngineError {
    pub fn python(message: impl Into<String>) -> Self {
        EngineError {
            kind: EngineErrorKind::Python,
            message: message.into(),
            python_type: None,
            traceback: None,
            details: None,
        }
    }

    pub fn git(message: impl Into<String>) -> Self {
        EngineError {
            kind: EngineErrorKind::Git,
            python_type: Some("GitError".to_owned()),
            ..EngineError::python(message)
        }
    }

    fn startup(message: impl Into<String>) -> Self {
        EngineError {
            kind: EngineErrorKind::Startup,
            message: message.into(),
            python_type: None,
            traceback: None,
            details: None,
        }
    }
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EngineError {}

pub struct Engine {
    api: Py<PyModule>,
    invalid_settings: Py<PyType>,
    cancelled: Py<PyType>,
    pub location: EngineLocation,
    python_nanos: AtomicU64,
}

impl Engine {
    /// Starts the interpreter (once per process) and imports `gigui.api`.
    pub fn start(sink: LogSink, python_log_level: u32) -> Result<Engine, EngineError> {
        let location = locate::locate().map_err(EngineError::startup)?;
        initialize_interpreter()?;
        Python::attach(|py| {
            let fail = |what: &str, err: PyErr| {
                let mut e = EngineError::startup(format!("{what}: {err}"));
                e.traceback = format_traceback(py, &err);
                e
            };
            let code = CString::new(BOOTSTRAP)
                .map_err(|e| EngineError::startup(format!("bootstrap code: {e}")))?;
            let bootstrap = PyModule::from_code(
                py,
                &code,
                c"gitinspector_lsp_bootstrap.py",
                c"gitinspector_lsp_bootstrap",
            )
            .map_err(|e| fail("cannot prepare the Python interpreter", e))?;
            let sink_fn = PyCFunction::new_closure(
                py,
                Some(c"log_sink"),
                None,
                move |args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>| {
                    let (level, logger, message): (u32, String, String) = args.extract()?;
                    sink(LogRecord {
                        level,
                        logger,
                        message,
                    });
                    PyResult::Ok(())
                },
            )
            .map_err(|e| fail("cannot create the log bridge", e))?;
            let dirs = |paths: &[std::path::PathBuf]| -> Vec<String> {
                paths
                    .iter()
                    .map(|p| p.to_string_lossy().into_owned())
                    .collect()
            };
            bootstrap
                .getattr("setup")
                .and_then(|setup| {
                    setup.call1((
                        dirs(&location.package_dirs),
                        dirs(&location.venv_dirs),
                        sink_fn,
                        python_log_level,
                    ))
                })
                .map_err(|e| fail("cannot prepare the Python interpreter", e))?;
            let api = py.import("gigui.api").map_err(|e| {
                fail(
                    &format!(
                        "cannot import the gigui engine (layout {}, paths {:?})",
                        location.layout, location.package_dirs
                    ),
                    e,
                )
            })?;
            // The git policy and the commit-graph writer are the daemon's
            // (one owner each); the engine gets them here, before any work.
            let commit_graph = PyCFunction::new_closure(
                py,
                Some(c"commit_graph"),
                None,
                |args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>| {
                    let (root,): (std::path::PathBuf,) = args.extract()?;
                    // git runs without the GIL: other analyses go on meanwhile.
                    let objects = args
                        .py()
                        .detach(|| crate::git::commit_graph::refresh(&root));
                    PyResult::Ok(objects.map(|p| p.to_string_lossy().into_owned()))
                },
            )
            .map_err(|e| fail("cannot create the commit-graph bridge", e))?;
            let carried_over: Vec<String> = crate::git::policy::carried_over()
                .iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            py.import("gigui.host")
                .and_then(|host| {
                    host.getattr("configure")?.call1((
                        crate::git::policy::POLICY_JSON,
                        carried_over,
                        commit_graph,
                    ))
                })
                .map_err(|e| fail("cannot configure the engine", e))?;
            let errors = py
                .import("gigui.errors")
                .map_err(|e| fail("cannot import gigui.errors", e))?;
            let exception_type = |name: &str| -> Result<Py<PyType>, EngineError> {
                errors
                    .getattr(name)
                    .and_then(|t| Ok(t.cast_into::<PyType>()?.unbind()))
                    .map_err(|e| fail(&format!("gigui.errors.{name}"), e))
            };
            Ok(Engine {
                api: api.unbind(),
                invalid_settings: exception_type("InvalidSettingsError")?,
                cancelled: exception_type("AnalysisCancelled")?,
                location,
                python_nanos: AtomicU64::new(0),
            })
        })
    }

    /// Calls `gigui.api.<function>(*args)` with the hooks as keyword arguments.
    pub fn call(
        &self,
        function: &str,
        args: &[Value],
        hooks: &CallHooks,
    ) -> Result<Value, EngineError> {
        let started = Instant::now();
        let result = Python::attach(|py| {
            self.call_attached(py, function, args, hooks)
                .and_then(|out| convert::to_json(&out))
                .map_err(|err| self.convert_error(py, err))
        });
        self.python_nanos
            .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        result
    }

    fn call_attached<'py>(
        &self,
        py: Python<'py>,
        function: &str,
        args: &[Value],
        hooks: &CallHooks,
    ) -> PyResult<Bound<'py, PyAny>> {
        let callable = self.api.bind(py).getattr(function)?;
        let py_args = args
            .iter()
            .map(|a| convert::to_python(py, a))
            .collect::<PyResult<Vec<_>>>()?;
        let kwargs = PyDict::new(py);
        if let Some(progress) = hooks.progress.clone() {
            let f = PyCFunction::new_closure(
                py,
                Some(c"progress"),
                None,
                move |args: &Bound<'_, PyTuple>, _kw: Option<&Bound<'_, PyDict>>| {
                    let done: u64 = args.get_item(0)?.extract()?;
                    let total: u64 = args.get_item(1)?.extract()?;
                    let message: String = match args.get_item(2) {
                        Ok(m) if !m.is_none() => m.extract()?,
                        _ => String::new(),
                    };
                    progress(done, total, &message);
                    PyResult::Ok(())
                },
            )?;
            kwargs.set_item("progress", f)?;
        }
        if let Some(flag) = hooks.cancel.clone() {
            let f = PyCFunction::new_closure(
                py,
                Some(c"cancel"),
                None,
                move |_args: &Bound<'_, PyTuple>, _kw: Option<&Bound<'_, PyDict>>| {
                    PyResult::Ok(flag.load(Ordering::Relaxed))
                },
            )?;
            kwargs.set_item("cancel", f)?;
        }
        if let (Some(paths), Some(first)) = (&hooks.input_paths, py_args.first()) {
            let names = PyList::empty(py);
            for path in paths {
                names.append(path.as_os_str())?;
            }
            first.set_item("input_fstrs", names)?;
        }
        let tuple = PyTuple::new(py, py_args)?;
        callable.call(tuple, Some(&kwargs))
    }

    fn convert_error(&self, py: Python<'_>, err: PyErr) -> EngineError {
        let ty = err.get_type(py);
        let python_type = match (ty.module(), ty.qualname()) {
            (Ok(m), Ok(q)) if m != "builtins" => format!("{m}.{q}"),
            (_, Ok(q)) => q.to_string(),
            _ => "Exception".to_owned(),
        };
        let (kind, details) = if err.is_instance(py, self.invalid_settings.bind(py)) {
            let details = err
                .value(py)
                .getattr("errors")
                .ok()
                .and_then(|e| convert::to_json(&e).ok());
            (EngineErrorKind::InvalidSettings, details)
        } else if err.is_instance(py, self.cancelled.bind(py)) {
            (EngineErrorKind::Cancelled, None)
        } else {
            (EngineErrorKind::Python, None)
        };
        let text = err
            .value(py)
            .str()
            .map(|s| s.to_string())
            .unwrap_or_default();
        let message = if text.is_empty() {
            python_type.clone()
        } else {
            text
        };
        EngineError {
            kind,
            message,
            traceback: format_traceback(py, &err),
            python_type: Some(python_type),
            details,
        }
    }

    /// Total wall time spent inside Python calls.
    pub fn python_time(&self) -> Duration {
        Duration::from_nanos(self.python_nanos.load(Ordering::Relaxed))
    }
}

/// Starts CPython with its home set to the interpreter the daemon was built
/// against (unless PYTHONHOME says otherwise), without signal handlers
/// (Ctrl-C and SIGTERM stay the daemon's).
fn initialize_interpreter() -> Result<(), EngineError> {
    let home = option_env!("GITINSPECTOR_PYTHON_HOME")
        .filter(|h| std::env::var_os("PYTHONHOME").is_none() && Path::new(h).is_dir());
    let Some(home) = home else {
        Python::initialize();
        return Ok(());
    };
    let home = CString::new(home).map_err(|_| EngineError::startup("bad Python home"))?;
    // SAFETY: the documented PyConfig sequence, once, before any other Python
    // call; the config is cleared on every path after initialization.
    unsafe {
        if pyo3::ffi::Py_IsInitialized() != 0 {
            return Ok(());
        }
        let mut config = std::mem::MaybeUninit::<pyo3::ffi::PyConfig>::uninit();
        pyo3::ffi::PyConfig_InitPythonConfig(config.as_mut_ptr());
        let mut config = config.assume_init();
        config.install_signal_handlers = 0;
        let status =
            pyo3::ffi::PyConfig_SetBytesString(&mut config, &mut config.home, home.as_ptr());
        let status = if pyo3::ffi::PyStatus_Exception(status) != 0 {
            status
        } else {
            pyo3::ffi::Py_InitializeFromConfig(&config)
        };
        pyo3::ffi::PyConfig_Clear(&mut config);
        if pyo3::ffi::PyStatus_Exception(status) != 0 {
            return Err(EngineError::startup(format!(
                "cannot start Python with home {}",
                home.to_string_lossy()
            )));
        }
        // PyO3 expects the thread that initialized Python not to hold the GIL.
        pyo3::ffi::PyEval_SaveThread();
    }
    Ok(())
}

/// The three-argument form: on 3.11 the one-argument form drops the frames.
fn format_traceback(py: Python<'_>, err: &PyErr) -> Option<String> {
    let format = py
        .import("traceback")
        .ok()?
        .getattr("format_exception")
        .ok()?;
    let lines = format
        .call1((err.get_type(py), err.value(py), err.traceback(py)))
        .ok()?;
    let lines = lines.cast::<PyList>().ok()?;
    Some(
        lines
            .iter()
            .filter_map(|l| l.extract::<String>().ok())
            .collect(),
    )
}
