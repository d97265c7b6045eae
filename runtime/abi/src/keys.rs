//! The key table: the strings a module interned, shared by the metadata
//! section that carries it and the encoder that interns an input against it.

use std::collections::HashMap;
use std::sync::Arc;

use crate::KEY_UNKNOWN;

/// The strings a module interned: object keys it reads with a constant name
/// and resource types it filters by. Key id `k` is the `k`-th string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyTable {
    keys: Vec<Arc<str>>,
    ids: HashMap<Arc<str>, u32>,
}

impl KeyTable {
    /// Builds a table; a repeated string keeps its first id.
    pub fn new<'a>(keys: impl IntoIterator<Item = &'a str>) -> KeyTable {
        let mut table = KeyTable::default();
        for key in keys {
            let key: Arc<str> = Arc::from(key);
            let id = u32::try_from(table.keys.len()).unwrap_or(KEY_UNKNOWN);
            if id == KEY_UNKNOWN {
                break;
            }
            table.ids.entry(key.clone()).or_insert(id);
            table.keys.push(key);
        }
        table
    }

    /// The key id of `key`, or [`KEY_UNKNOWN`].
    pub fn id(&self, key: &str) -> u32 {
        self.ids.get(key).copied().unwrap_or(KEY_UNKNOWN)
    }

    /// The string of a key id.
    pub fn key(&self, id: u32) -> Option<&str> {
        self.keys.get(id as usize).map(|key| &**key)
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The keys in id order.
    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.keys.iter().map(|key| &**key)
    }
}
