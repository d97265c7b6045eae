//! Errors of engine creation and policy loading.

use std::fmt;

use ward_abi::MetaError;

/// Why an [`Engine`](crate::Engine) could not be created.
#[derive(Debug)]
pub struct EngineError {
    pub(crate) message: String,
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot create the webassembly engine: {}", self.message)
    }
}

impl std::error::Error for EngineError {}

/// Why a module could not be loaded as a policy.
#[derive(Debug)]
pub enum PolicyError {
    /// The bytes are not a WebAssembly module.
    NotWasm {
        /// The parser's message.
        message: String,
    },
    /// The `ward.meta` section is missing, for another ABI version, or
    /// malformed.
    Metadata(MetaError),
    /// The module does not compile (it is invalid WebAssembly).
    Compile {
        /// The compiler's message.
        message: String,
    },
    /// The module imports something; Ward modules import nothing.
    Import {
        /// `module.name` of the first import.
        name: String,
    },
    /// An export the ABI requires is missing or has the wrong type.
    Export {
        /// The export's name.
        name: &'static str,
        /// What is wrong, lowercase.
        problem: String,
    },
    /// The module cannot be prepared for instantiation.
    Instantiate {
        /// The engine's message.
        message: String,
    },
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyError::NotWasm { message } => {
                write!(f, "not a webassembly module: {message}")
            }
            PolicyError::Metadata(error) => write!(f, "{error}"),
            PolicyError::Compile { message } => {
                write!(f, "the module does not compile: {message}")
            }
            PolicyError::Import { name } => write!(
                f,
                "the module imports `{name}`, but a ward policy module must not import anything"
            ),
            PolicyError::Export { name, problem } => {
                write!(f, "the module's export `{name}` {problem}")
            }
            PolicyError::Instantiate { message } => {
                write!(f, "the module cannot be instantiated: {message}")
            }
        }
    }
}

impl std::error::Error for PolicyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PolicyError::Metadata(error) => Some(error),
            _ => None,
        }
    }
}

impl From<MetaError> for PolicyError {
    fn from(error: MetaError) -> PolicyError {
        PolicyError::Metadata(error)
    }
}

/// Formats a wasmtime error with its causes on one line.
pub(crate) fn describe(error: &wasmtime::Error) -> String {
    let mut text = String::new();
    for (index, cause) in error.chain().enumerate() {
        if index > 0 {
            text.push_str(": ");
        }
        text.push_str(&cause.to_string());
    }
    text
}
