//! The `ward` Python module: a thin edge over `ward-embed`.
//!
//! Every behaviour belongs to `ward-embed`; this crate only converts
//! Python values to Rust ones and back, maps `ward_embed::Error` to typed
//! exceptions, lets other Python threads run while policies compile and
//! inputs are judged, and turns a panic into `WardError` rather than letting
//! it reach the interpreter.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::Value;
use ward_embed::{CheckOptions, Checked, Format, Threshold};

create_exception!(
    ward,
    WardError,
    PyException,
    "Base class of every error Ward raises."
);
create_exception!(
    ward,
    PolicyError,
    WardError,
    "The policies do not compile; the message holds every diagnostic."
);
create_exception!(
    ward,
    ModuleError,
    WardError,
    "A module could not be made, loaded or run by the engine."
);
create_exception!(
    ward,
    ParamsError,
    WardError,
    "A policy parameter names no parameter, or its value does not fit."
);
create_exception!(
    ward,
    UsageError,
    WardError,
    "Nothing can be judged: no input found, a bad exclusion, an unreadable baseline or parameters file."
);

fn to_python_error(error: ward_embed::Error) -> PyErr {
    match error {
        ward_embed::Error::Policy(text) => PolicyError::new_err(text),
        ward_embed::Error::Module(text) => ModuleError::new_err(text),
        ward_embed::Error::Params(text) => ParamsError::new_err(text),
        ward_embed::Error::Usage(text) => UsageError::new_err(text),
    }
}

/// Runs `work` without the GIL, so that other Python threads go on while
/// Ward compiles or judges, and turns a panic into `WardError`: no panic
/// may unwind into the interpreter.
fn detached<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce() -> T + Send,
{
    py.detach(|| catch_unwind(AssertUnwindSafe(work)))
        .map_err(|payload| {
            let message = payload
                .downcast_ref::<&str>()
                .map(|text| (*text).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".to_string());
            WardError::new_err(format!("internal error in ward: {message}"))
        })
}

/// A Python value as JSON, for policy parameters.
fn to_json(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(boolean) = value.cast::<PyBool>() {
        return Ok(Value::Bool(boolean.is_true()));
    }
    if value.cast::<PyInt>().is_ok() {
        if let Ok(number) = value.extract::<i64>() {
            return Ok(Value::from(number));
        }
        if let Ok(number) = value.extract::<u64>() {
            return Ok(Value::from(number));
        }
        return Err(PyValueError::new_err(
            "an integer parameter must fit in 64 bits",
        ));
    }
    if let Ok(number) = value.cast::<PyFloat>() {
        return serde_json::Number::from_f64(number.value())
            .map(Value::Number)
            .ok_or_else(|| PyValueError::new_err("a parameter cannot be NaN or infinite"));
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Value::String(text.to_cow()?.into_owned()));
    }
    if let Ok(list) = value.cast::<PyList>() {
        return list.iter().map(|item| to_json(&item)).collect();
    }
    if let Ok(tuple) = value.cast::<PyTuple>() {
        return tuple.iter().map(|item| to_json(&item)).collect();
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut object = serde_json::Map::new();
        for (key, item) in dict.iter() {
            let key: String = key
                .extract()
                .map_err(|_| PyTypeError::new_err("parameter object keys must be strings"))?;
            object.insert(key, to_json(&item)?);
        }
        return Ok(Value::Object(object));
    }
    Err(PyTypeError::new_err(format!(
        "a parameter value must be None, a bool, a number, a string, a list or a dict, not {}",
        value.get_type().name()?
    )))
}

/// JSON as a Python value, for the summary.
fn from_json<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(boolean) => PyBool::new(py, *boolean).to_owned().into_any(),
        Value::Number(number) => match number.as_i64() {
            Some(integer) => integer.into_pyobject(py)?.into_any(),
            None => match number.as_u64() {
                Some(integer) => integer.into_pyobject(py)?.into_any(),
                None => number
                    .as_f64()
                    .unwrap_or(f64::NAN)
                    .into_pyobject(py)?
                    .into_any(),
            },
        },
        Value::String(text) => PyString::new(py, text).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(from_json(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(object) => {
            let dict = PyDict::new(py);
            for (key, item) in object {
                dict.set_item(key, from_json(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// A serialisable enum's name as its JSON spells it.
fn word(value: impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(text)) => text,
        _ => String::new(),
    }
}

/// One path or a list of them.
fn paths_of(value: &Bound<'_, PyAny>) -> PyResult<Vec<PathBuf>> {
    if value.cast::<PyString>().is_ok() {
        return Ok(vec![value.extract()?]);
    }
    if let Ok(path) = value.extract::<PathBuf>() {
        return Ok(vec![path]);
    }
    value
        .try_iter()
        .map_err(|_| PyTypeError::new_err("paths must be a path or a list of paths"))?
        .map(|item| item?.extract::<PathBuf>())
        .collect()
}

fn threshold(name: &str) -> PyResult<Threshold> {
    serde_json::from_value(Value::String(name.to_string())).map_err(|_| {
        PyValueError::new_err(format!(
            "`{name}` is not a threshold: use info, low, medium, high, critical, advisory, soft-mandatory, hard-mandatory or never"
        ))
    })
}

/// A rule of a policy, in evaluation order.
#[pyclass(module = "ward", frozen, get_all)]
struct Rule {
    id: String,
    name: String,
    package: String,
    severity: String,
    level: String,
    title: String,
    description: String,
    controls: Vec<String>,
    tags: Vec<String>,
    resource_types: Vec<String>,
    formats: Vec<String>,
}

#[pymethods]
impl Rule {
    fn __repr__(&self) -> String {
        format!(
            "Rule(id={:?}, severity={:?}, level={:?}, title={:?})",
            self.id, self.severity, self.level, self.title
        )
    }
}

/// One outcome of a rule on a resource that is reported: a failure or an
/// unknown.
#[pyclass(module = "ward", frozen, get_all)]
#[derive(Clone)]
struct Finding {
    rule: String,
    severity: String,
    outcome: String,
    resource: String,
    resource_type: String,
    path: String,
    message: String,
    file: String,
    line: u32,
    column: u32,
}

impl From<&ward_embed::Finding> for Finding {
    fn from(finding: &ward_embed::Finding) -> Finding {
        Finding {
            rule: finding.rule.to_string(),
            severity: finding.severity.as_str().to_string(),
            outcome: finding.outcome.as_str().to_string(),
            resource: finding.resource.to_string(),
            resource_type: finding.resource_type.to_string(),
            path: finding.path.clone(),
            message: finding.message.clone(),
            file: finding.file.to_string(),
            line: finding.line,
            column: finding.column,
        }
    }
}

#[pymethods]
impl Finding {
    fn __repr__(&self) -> String {
        format!(
            "Finding(rule={:?}, outcome={:?}, resource={:?}, file={:?}, line={})",
            self.rule, self.outcome, self.resource, self.file, self.line
        )
    }
}

/// A finding taken out by a suppression in the template or a baseline.
#[pyclass(module = "ward", frozen, get_all)]
struct Suppressed {
    finding: Finding,
    /// `template` or `baseline`.
    source: String,
    reason: String,
}

#[pymethods]
impl Suppressed {
    fn __repr__(&self) -> String {
        format!(
            "Suppressed(rule={:?}, resource={:?}, source={:?}, reason={:?})",
            self.finding.rule, self.finding.resource, self.source, self.reason
        )
    }
}

/// An input that could not be judged.
#[pyclass(module = "ward", frozen, get_all)]
struct InputError {
    file: String,
    line: u32,
    column: u32,
    reason: String,
}

#[pymethods]
impl InputError {
    fn __repr__(&self) -> String {
        format!(
            "InputError(file={:?}, line={}, column={}, reason={:?})",
            self.file, self.line, self.column, self.reason
        )
    }
}

/// A rule that could not finish on an input; the other rules' findings
/// are still in the report.
#[pyclass(module = "ward", frozen, get_all)]
struct RuleError {
    rule: String,
    file: String,
    message: String,
    /// `out_of_fuel`, `timeout`, `memory_limit`, `trap`, ...
    kind: String,
}

#[pymethods]
impl RuleError {
    fn __repr__(&self) -> String {
        format!(
            "RuleError(rule={:?}, file={:?}, kind={:?}, message={:?})",
            self.rule, self.file, self.kind, self.message
        )
    }
}

/// A file that was read but is not an input Ward judges.
#[pyclass(module = "ward", frozen, get_all)]
struct NotAnInput {
    file: String,
    reason: String,
}

#[pymethods]
impl NotAnInput {
    fn __repr__(&self) -> String {
        format!("NotAnInput(file={:?}, reason={:?})", self.file, self.reason)
    }
}

/// The report of one call: findings, suppressions, errors, counts, and
/// every output format of `ward check`.
#[pyclass(module = "ward", frozen)]
struct Report {
    checked: Checked,
}

impl Report {
    fn render(&self, py: Python<'_>, format: Format) -> PyResult<String> {
        detached(py, || self.checked.render(format))
    }
}

#[pymethods]
impl Report {
    #[getter]
    fn findings(&self) -> Vec<Finding> {
        self.checked
            .report
            .findings
            .iter()
            .map(Finding::from)
            .collect()
    }

    #[getter]
    fn suppressed(&self) -> Vec<Suppressed> {
        self.checked
            .report
            .suppressed
            .iter()
            .map(|entry| Suppressed {
                finding: Finding::from(&entry.finding),
                source: word(entry.suppression.source),
                reason: entry.suppression.reason.clone(),
            })
            .collect()
    }

    #[getter]
    fn input_errors(&self) -> Vec<InputError> {
        self.checked
            .report
            .input_errors
            .iter()
            .map(|error| InputError {
                file: error.file.clone(),
                line: error.line,
                column: error.column,
                reason: error.reason.clone(),
            })
            .collect()
    }

    #[getter]
    fn rule_errors(&self) -> Vec<RuleError> {
        self.checked
            .report
            .errors
            .iter()
            .map(|error| RuleError {
                rule: error.rule.clone(),
                file: error.file.clone(),
                message: error.message.clone(),
                kind: word(error.kind),
            })
            .collect()
    }

    #[getter]
    fn not_inputs(&self) -> Vec<NotAnInput> {
        self.checked
            .report
            .not_inputs
            .iter()
            .map(|entry| NotAnInput {
                file: entry.file.clone(),
                reason: entry.reason.clone(),
            })
            .collect()
    }

    /// The counts, as the JSON report's `summary`.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let value = serde_json::to_value(&self.checked.report.summary)
            .map_err(|error| WardError::new_err(error.to_string()))?;
        from_json(py, &value)
    }

    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        self.render(py, Format::Json)
    }

    fn to_sarif(&self, py: Python<'_>) -> PyResult<String> {
        self.render(py, Format::Sarif)
    }

    fn to_junit(&self, py: Python<'_>) -> PyResult<String> {
        self.render(py, Format::Junit)
    }

    fn to_human(&self, py: Python<'_>) -> PyResult<String> {
        self.render(py, Format::Human)
    }

    /// The exit code `ward check` would end with on the same inputs.
    #[pyo3(signature = (fail_on = "low", fail_on_unknown = "never"))]
    fn exit_code(&self, fail_on: &str, fail_on_unknown: &str) -> PyResult<u8> {
        Ok(self
            .checked
            .exit_code(threshold(fail_on)?, threshold(fail_on_unknown)?))
    }

    fn __repr__(&self) -> String {
        let summary = &self.checked.report.summary;
        format!(
            "Report(inputs={}, findings={}, suppressed={}, errors={}, input_errors={})",
            summary.inputs,
            summary.findings,
            summary.suppressed,
            summary.errors,
            summary.input_errors
        )
    }
}

/// Compiled policies, ready to judge inputs many times.
#[pyclass(module = "ward")]
struct Policy {
    policy: ward_embed::Policy,
}

#[pymethods]
impl Policy {
    /// The standard library, as `ward check` runs it without `--policy`.
    #[staticmethod]
    fn from_stdlib(py: Python<'_>) -> PyResult<Policy> {
        let policy = detached(py, ward_embed::Policy::from_stdlib)?.map_err(to_python_error)?;
        Ok(Policy { policy })
    }

    /// The `.ward` files under `paths`, with the standard library beside
    /// them when `stdlib` is true.
    #[staticmethod]
    #[pyo3(signature = (paths, stdlib = false))]
    fn from_sources(py: Python<'_>, paths: &Bound<'_, PyAny>, stdlib: bool) -> PyResult<Policy> {
        let paths = paths_of(paths)?;
        let policy = detached(py, || ward_embed::Policy::from_sources(&paths, stdlib))?
            .map_err(to_python_error)?;
        Ok(Policy { policy })
    }

    /// A module built by `ward build`.
    #[staticmethod]
    fn from_module(py: Python<'_>, module: &[u8]) -> PyResult<Policy> {
        let module = module.to_vec();
        let policy =
            detached(py, || ward_embed::Policy::from_module(&module))?.map_err(to_python_error)?;
        Ok(Policy { policy })
    }

    /// Sets policy parameters, a dict from name to value; the others keep
    /// their values.
    fn set_params(&mut self, py: Python<'_>, params: &Bound<'_, PyDict>) -> PyResult<()> {
        let mut overrides = Vec::with_capacity(params.len());
        for (name, value) in params.iter() {
            let name: String = name
                .extract()
                .map_err(|_| PyTypeError::new_err("parameter names must be strings"))?;
            overrides.push((name, to_json(&value)?));
        }
        let policy = &mut self.policy;
        detached(py, || policy.set_params(&overrides))?.map_err(to_python_error)
    }

    /// The rules, in evaluation order.
    #[getter]
    fn rules(&self) -> Vec<Rule> {
        self.policy
            .rules()
            .iter()
            .map(|rule| Rule {
                id: rule.id.clone(),
                name: rule.name.clone(),
                package: rule.package.clone(),
                severity: rule.severity.as_str().to_string(),
                level: rule.level.as_str().to_string(),
                title: rule.title.clone(),
                description: rule.description.clone(),
                controls: rule.controls.clone(),
                tags: rule.tags.clone(),
                resource_types: rule.resource_types.clone(),
                formats: rule.formats.clone(),
            })
            .collect()
    }

    /// Judges the inputs under `paths` (a path or a list of paths: files,
    /// folders) as `ward check PATHS` does.
    #[pyo3(signature = (
        paths,
        *,
        exclude = None,
        baseline = None,
        parameters = None,
        verbose = false,
        max_input_size = None,
        max_values = None,
        timeout = None,
        strict = false,
        keep_passes = false,
    ))]
    #[expect(
        clippy::too_many_arguments,
        reason = "each keyword argument is one flag of `ward check`"
    )]
    fn check(
        &self,
        py: Python<'_>,
        paths: &Bound<'_, PyAny>,
        exclude: Option<Vec<String>>,
        baseline: Option<PathBuf>,
        parameters: Option<PathBuf>,
        verbose: bool,
        max_input_size: Option<u64>,
        max_values: Option<usize>,
        timeout: Option<f64>,
        strict: bool,
        keep_passes: bool,
    ) -> PyResult<Report> {
        let paths = paths_of(paths)?;
        let defaults = CheckOptions::default();
        if let Some(seconds) = timeout
            && !(seconds.is_finite() && seconds > 0.0)
        {
            return Err(PyValueError::new_err(
                "timeout must be a positive number of seconds",
            ));
        }
        let options = CheckOptions {
            exclude: exclude.unwrap_or_default(),
            baseline,
            parameters,
            verbose,
            max_input_size: max_input_size.unwrap_or(defaults.max_input_size),
            timeout,
            max_values: max_values.unwrap_or(defaults.max_values),
            strict,
            keep_passes,
        };
        let policy = &self.policy;
        let checked = detached(py, || policy.check(&paths, &options))?.map_err(to_python_error)?;
        Ok(Report { checked })
    }

    /// Judges one input held in memory (bytes or a string), named `name`
    /// in the report.
    fn check_bytes(&self, py: Python<'_>, name: &str, data: &Bound<'_, PyAny>) -> PyResult<Report> {
        let bytes: Vec<u8> = if let Ok(bytes) = data.cast::<PyBytes>() {
            bytes.as_bytes().to_vec()
        } else if let Ok(text) = data.cast::<PyString>() {
            text.to_cow()?.as_bytes().to_vec()
        } else {
            return Err(PyTypeError::new_err("data must be bytes or a string"));
        };
        let name = name.to_string();
        let policy = &self.policy;
        let checked = detached(py, || policy.check_bytes(&name, &bytes))?;
        Ok(Report { checked })
    }

    fn __repr__(&self) -> String {
        format!("Policy(rules={})", self.policy.rules().len())
    }
}

/// Ward: policy as code for AWS infrastructure, with the answers of
/// `ward check`.
#[pymodule]
fn ward(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add("WardError", py.get_type::<WardError>())?;
    module.add("PolicyError", py.get_type::<PolicyError>())?;
    module.add("ModuleError", py.get_type::<ModuleError>())?;
    module.add("ParamsError", py.get_type::<ParamsError>())?;
    module.add("UsageError", py.get_type::<UsageError>())?;
    module.add_class::<Policy>()?;
    module.add_class::<Report>()?;
    module.add_class::<Rule>()?;
    module.add_class::<Finding>()?;
    module.add_class::<Suppressed>()?;
    module.add_class::<InputError>()?;
    module.add_class::<RuleError>()?;
    module.add_class::<NotAnInput>()?;
    Ok(())
}
