//! An input document and its encodings, made once per key table.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ward_abi::{EncodeError, EncodeOptions, EncodedInput, KeyTable};
use ward_model::Document;

static NEXT_INPUT_ID: AtomicU64 = AtomicU64::new(1);

/// Which encoding: the fingerprint of a key table and whether the document
/// root is included.
pub(crate) type EncodingKey = ([u8; 32], bool);

/// A document to evaluate.
///
/// The document is encoded for a policy the first time that policy (or any
/// policy with the same key table) evaluates it, and the encoding is kept:
/// evaluating many policies over one input encodes it once per distinct key
/// table. An `Input` may be shared between threads.
#[derive(Debug)]
pub struct Input {
    document: Document,
    id: u64,
    encodings: Mutex<Vec<(EncodingKey, Arc<EncodedInput>)>>,
}

impl Input {
    /// Wraps a loaded document.
    pub fn new(document: Document) -> Input {
        Input {
            document,
            id: NEXT_INPUT_ID.fetch_add(1, Ordering::Relaxed),
            encodings: Mutex::new(Vec::new()),
        }
    }

    /// The document.
    pub fn document(&self) -> &Document {
        &self.document
    }

    /// Gives the document back.
    pub fn into_document(self) -> Document {
        self.document
    }

    /// A number unique to this input within the process.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// The encoding for a key table, made on first use. The lock is held
    /// while encoding so that concurrent evaluations do not encode twice.
    pub(crate) fn encoding(
        &self,
        key: EncodingKey,
        keys: &KeyTable,
    ) -> Result<Arc<EncodedInput>, EncodeError> {
        let mut encodings = self
            .encodings
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((_, encoded)) = encodings.iter().find(|(found, _)| *found == key) {
            return Ok(encoded.clone());
        }
        let options = EncodeOptions {
            include_root: key.1,
        };
        let encoded = Arc::new(ward_abi::encode_input_with(&self.document, keys, &options)?);
        encodings.push((key, encoded.clone()));
        Ok(encoded)
    }
}

impl From<Document> for Input {
    fn from(document: Document) -> Input {
        Input::new(document)
    }
}
