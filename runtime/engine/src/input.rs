//! An input document and its encodings, made once per key table.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ward_encode::EncodedInput;
use ward_model::Document;

static NEXT_INPUT_ID: AtomicU64 = AtomicU64::new(1);

/// Which encoding: the fingerprint of a key table and whether the document
/// root is included.
pub(crate) type EncodingKey = ([u8; 32], bool);

/// A document to evaluate.
///
/// The document is encoded straight into the memory of each instance that
/// evaluates it (an instance keeps it for later evaluations of the same
/// input); the side table that locates findings is made once per distinct
/// key table and kept here. An `Input` may be shared between threads.
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

    /// The side table of this input's encoding for a key table, if it has
    /// been encoded for it before.
    pub(crate) fn side_table(&self, key: EncodingKey) -> Option<Arc<EncodedInput>> {
        self.encodings
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find(|(found, _)| *found == key)
            .map(|(_, encoded)| encoded.clone())
    }

    /// Keeps the side table of an encoding (the first one made for this
    /// key table wins: encoding is deterministic, so they are equal).
    pub(crate) fn remember(&self, key: EncodingKey, encoded: EncodedInput) -> Arc<EncodedInput> {
        let mut encodings = self
            .encodings
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((_, found)) = encodings.iter().find(|(found, _)| *found == key) {
            return found.clone();
        }
        let encoded = Arc::new(encoded);
        encodings.push((key, encoded.clone()));
        encoded
    }
}

impl From<Document> for Input {
    fn from(document: Document) -> Input {
        Input::new(document)
    }
}
