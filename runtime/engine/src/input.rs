//! An input document and its encodings, made once per key table.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ward_encode::EncodedInput;
use ward_model::{Assumption, Document, Variant};

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
///
/// A template with open conditions is judged once per variant
/// ([`Document::parts`]); each variant is an input of its own here, with
/// its own encodings.
#[derive(Debug)]
pub struct Input {
    document: Document,
    id: u64,
    encodings: Mutex<Vec<(EncodingKey, Arc<EncodedInput>)>>,
    /// The parts to judge in place of the document, if not the document
    /// itself.
    parts: Option<Vec<InputPart>>,
}

/// One part of an [`Input`]: a variant (or the document itself).
#[derive(Debug)]
pub(crate) struct InputPart {
    /// What it assumes, each as a phrase.
    pub(crate) phrases: Vec<String>,
    /// The assumptions, to give the document back whole.
    assumptions: Vec<Assumption>,
    /// The variant's input; `None` for the document itself.
    pub(crate) input: Option<Input>,
    /// Its resources' indexes in the document.
    pub(crate) resources: Vec<usize>,
    /// Why each of its resources may not exist, if so.
    pub(crate) undecided: Vec<Option<Arc<str>>>,
}

impl Input {
    /// Wraps a loaded document.
    pub fn new(mut document: Document) -> Input {
        let parts = document.parts().map(|parts| {
            parts
                .into_iter()
                .map(|part| InputPart {
                    phrases: part.assumptions,
                    assumptions: Vec::new(),
                    input: None,
                    resources: part.resources,
                    undecided: part.undecided,
                })
                .collect::<Vec<_>>()
        });
        let parts = parts.map(|mut parts| {
            let variants = std::mem::take(&mut document.variants);
            for (part, variant) in parts.iter_mut().zip(variants) {
                part.assumptions = variant.assumptions;
                part.input = Some(Input::new(variant.document));
            }
            parts
        });
        Input {
            document,
            id: NEXT_INPUT_ID.fetch_add(1, Ordering::Relaxed),
            encodings: Mutex::new(Vec::new()),
            parts,
        }
    }

    /// The document (without its variants, which are inputs of their own
    /// here).
    pub fn document(&self) -> &Document {
        &self.document
    }

    /// Gives the document back, with its variants.
    pub fn into_document(self) -> Document {
        let mut document = self.document;
        for part in self.parts.into_iter().flatten() {
            if let Some(input) = part.input {
                document.variants.push(Variant {
                    assumptions: part.assumptions,
                    document: input.into_document(),
                });
            }
        }
        document
    }

    /// The parts to judge in place of the document, if any.
    pub(crate) fn parts(&self) -> Option<&[InputPart]> {
        self.parts.as_deref()
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
