//! The disk cache of compiled modules.
//!
//! An entry is named by a hash of the module's bytes, wasmtime's
//! compatibility hash of the engine configuration and this crate's version,
//! so a changed module, a changed configuration (fuel, memory layout) or a
//! new runtime never picks up a stale entry. Each file holds a header with a
//! SHA-256 of its payload: a truncated or corrupted entry is detected before
//! wasmtime sees it, ignored, and rebuilt.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};
use wasmtime::Module;

const MAGIC: [u8; 8] = *b"WARDCWSM";
const HEADER_LEN: usize = 8 + 32;

static NEXT_TEMP: AtomicU64 = AtomicU64::new(0);

pub(crate) struct DiskCache {
    dir: PathBuf,
}

/// Feeds what a `Hash` implementation writes into SHA-256.
struct DigestHasher(Sha256);

impl Hasher for DigestHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        0
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

impl DiskCache {
    pub(crate) fn new(dir: PathBuf) -> DiskCache {
        DiskCache { dir }
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of a module for this engine.
    pub(crate) fn path(&self, engine: &wasmtime::Engine, module_hash: &[u8; 32]) -> PathBuf {
        let mut hasher = DigestHasher(Sha256::new());
        hasher.write(module_hash);
        engine.precompile_compatibility_hash().hash(&mut hasher);
        hasher.write(env!("CARGO_PKG_VERSION").as_bytes());
        let key = hasher.0.finalize();
        self.dir.join(format!("{}.cwasm", hex(&key)))
    }

    /// The cached module, or `None` when there is no usable entry.
    pub(crate) fn load(&self, engine: &wasmtime::Engine, module_hash: &[u8; 32]) -> Option<Module> {
        let bytes = std::fs::read(self.path(engine, module_hash)).ok()?;
        let payload = verified_payload(&bytes)?;
        deserialize_verified(engine, payload).ok()
    }

    /// Stores a module; failures only cost a later recompilation.
    pub(crate) fn store(&self, engine: &wasmtime::Engine, module_hash: &[u8; 32], module: &Module) {
        let Ok(payload) = module.serialize() else {
            return;
        };
        let _ = self.write_atomically(&self.path(engine, module_hash), &payload);
    }

    /// Writes to a temporary file in the same directory and renames it, so
    /// that concurrent readers see a whole entry or none.
    fn write_atomically(&self, path: &Path, payload: &[u8]) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let temp = self.dir.join(format!(
            ".tmp-{}-{}",
            std::process::id(),
            NEXT_TEMP.fetch_add(1, Ordering::Relaxed)
        ));
        let result = (|| {
            let mut file = std::fs::File::create(&temp)?;
            file.write_all(&MAGIC)?;
            file.write_all(&Sha256::digest(payload))?;
            file.write_all(payload)?;
            // No fsync: an entry torn by a crash fails its checksum and is
            // rebuilt, which is cheaper than syncing on every compilation.
            std::fs::rename(&temp, path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        result
    }
}

/// The payload of a cache file if its header and checksum hold.
fn verified_payload(bytes: &[u8]) -> Option<&[u8]> {
    let magic = bytes.get(..MAGIC.len())?;
    let digest = bytes.get(MAGIC.len()..HEADER_LEN)?;
    let payload = bytes.get(HEADER_LEN..)?;
    (magic == MAGIC && digest == Sha256::digest(payload).as_slice()).then_some(payload)
}

/// Turns a cache payload back into a module.
///
/// `Module::deserialize` is unsafe because wasmtime trusts the bytes to be
/// its own output: arbitrary bytes could hold arbitrary machine code. The
/// payload here was written by `Module::serialize` of this crate into the
/// user's own cache directory and its SHA-256 was checked by
/// `verified_payload`, so truncation and corruption are caught; wasmtime
/// itself checks that the entry matches this engine's version and
/// configuration and refuses it otherwise.
#[expect(
    unsafe_code,
    reason = "deserializing a precompiled module; the payload is checksummed output of Module::serialize"
)]
fn deserialize_verified(engine: &wasmtime::Engine, payload: &[u8]) -> wasmtime::Result<Module> {
    // SAFETY: see the function documentation: the bytes are this crate's own
    // serialized module, verified by checksum.
    unsafe { Module::deserialize(engine, payload) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_checks() {
        let payload = b"compiled";
        let mut file = MAGIC.to_vec();
        file.extend_from_slice(&Sha256::digest(payload));
        file.extend_from_slice(payload);
        assert_eq!(verified_payload(&file), Some(&payload[..]));
        let mut flipped = file.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(verified_payload(&flipped), None);
        assert_eq!(verified_payload(&file[..file.len() - 1]), None);
        assert_eq!(verified_payload(&file[..10]), None);
        assert_eq!(verified_payload(b""), None);
    }
}
