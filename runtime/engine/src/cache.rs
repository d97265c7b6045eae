//! The disk cache of compiled modules.
//!
//! An entry holds native code: wasmtime's serialized module, which it maps
//! as executable when the entry is loaded. Whoever can write an entry that
//! this process loads can run code outside the sandbox, so nothing is
//! deserialized unless it was written by this user's own ward:
//!
//! - Each entry carries an HMAC-SHA256 tag over its name and its payload,
//!   under a per-user secret key of 32 random bytes kept outside the cache
//!   (`$XDG_CONFIG_HOME/ward/cache-key`, else `$HOME/.config/ward/cache-key`,
//!   created on first use, readable by its owner only). An entry whose tag
//!   does not verify (tampered with, truncated, written by another user or
//!   copied from another entry's name) is never deserialized: the module is
//!   compiled again and the entry overwritten.
//! - On Unix, a cache folder that belongs to another user or that others
//!   may write to, and a key file that belongs to another user or that
//!   others may read or write, are not used: the run compiles in memory.
//!   So does a run whose key file cannot be read or created.
//! - An entry is named by a hash of the module's bytes, wasmtime's
//!   compatibility hash of the engine configuration and this crate's
//!   version, so a changed module, a changed configuration (fuel, memory
//!   layout) or a new runtime never picks up a stale entry.
//! - Entries are written to a temporary file in the same folder and renamed,
//!   so a concurrent reader sees a whole entry or none; the folder is kept
//!   under a size bound by removing the entries used least recently (an
//!   entry's modification time is updated when it is loaded).
//!
//! Nothing here fails a run: what the cache refuses is recorded as a note
//! ([`DiskCache::notes`]) and costs a compilation.

use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};
use wasmtime::Module;

/// The first bytes of an entry (the second format: the first one carried a
/// plain SHA-256 of the payload, which anyone can recompute).
const MAGIC: [u8; 8] = *b"WARDCWM2";
const TAG_LEN: usize = 32;
const HEADER_LEN: usize = MAGIC.len() + TAG_LEN;
const ENTRY_EXTENSION: &str = "cwasm";
const TEMP_PREFIX: &str = ".tmp-";
/// A temporary file this old was left by a process that ended while
/// writing; eviction removes it.
const STALE_TEMP: Duration = Duration::from_secs(3600);
/// At most this many notes are kept; later ones are dropped.
const MAX_NOTES: usize = 64;

static NEXT_TEMP: AtomicU64 = AtomicU64::new(0);

/// A per-user secret key of the cache.
type Key = [u8; 32];

pub(crate) struct DiskCache {
    dir: PathBuf,
    key_file: PathBuf,
    /// The most bytes the entries may take together.
    limit: u64,
    /// The key, read or created on first use, or why there is none.
    key: OnceLock<Result<Key, String>>,
    notes: Mutex<Vec<String>>,
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

/// The bytes of a text of hexadecimal digit pairs.
fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| {
            let digits = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(digits, 16).ok()
        })
        .collect()
}

/// HMAC-SHA256 (RFC 2104) of the concatenated parts.
fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        for (to, from) in block.iter_mut().zip(Sha256::digest(key)) {
            *to = from;
        }
    } else {
        for (to, from) in block.iter_mut().zip(key) {
            *to = *from;
        }
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|byte| byte ^ 0x36));
    for part in parts {
        inner.update(part);
    }
    let mut outer = Sha256::new();
    outer.update(block.map(|byte| byte ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// Compares in time that does not depend on where the bytes differ.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// The tag of an entry: its name (the cache key) and its payload.
fn entry_tag(key: &Key, name: &[u8; 32], payload: &[u8]) -> [u8; TAG_LEN] {
    hmac_sha256(key, &[&MAGIC, name, payload])
}

impl DiskCache {
    pub(crate) fn new(dir: PathBuf, key_file: PathBuf, limit: u64) -> DiskCache {
        DiskCache {
            dir,
            key_file,
            limit,
            key: OnceLock::new(),
            notes: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// What the cache refused and why, in order, each once.
    pub(crate) fn notes(&self) -> Vec<String> {
        self.notes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn note(&self, note: String) {
        let mut notes = self.notes.lock().unwrap_or_else(PoisonError::into_inner);
        if notes.len() < MAX_NOTES && !notes.contains(&note) {
            notes.push(note);
        }
    }

    /// The cache key of a module for this engine, which names its entry.
    fn name(engine: &wasmtime::Engine, module_hash: &[u8; 32]) -> [u8; 32] {
        let mut hasher = DigestHasher(Sha256::new());
        hasher.write(module_hash);
        engine.precompile_compatibility_hash().hash(&mut hasher);
        hasher.write(env!("CARGO_PKG_VERSION").as_bytes());
        hasher.0.finalize().into()
    }

    fn path(&self, name: &[u8; 32]) -> PathBuf {
        self.dir.join(format!("{}.{ENTRY_EXTENSION}", hex(name)))
    }

    /// The key, read or created on first use; `None` (with a note) when
    /// there is no safe key, and then the cache is not used.
    fn key(&self) -> Option<Key> {
        let key = self.key.get_or_init(|| {
            // Whoever can write the cache could write a key there too.
            if self.key_file.starts_with(&self.dir) {
                return Err(format!(
                    "the cache key {} is inside the cache folder",
                    self.key_file.display()
                ));
            }
            load_or_create_key(&self.key_file)
        });
        match key {
            Ok(key) => Some(*key),
            Err(reason) => {
                self.note(format!("{reason}; compiling without the disk cache"));
                None
            }
        }
    }

    /// Whether the folder exists and is safe to load from; a note says why
    /// when it exists and is not.
    fn usable_dir(&self) -> bool {
        match check_dir(&self.dir) {
            Ok(exists) => exists,
            Err(reason) => {
                self.note(format!("{reason}; compiling without the disk cache"));
                false
            }
        }
    }

    /// The cached module, or `None` when there is no entry that verifies.
    pub(crate) fn load(&self, engine: &wasmtime::Engine, module_hash: &[u8; 32]) -> Option<Module> {
        if !self.usable_dir() {
            return None;
        }
        let key = self.key()?;
        let name = Self::name(engine, module_hash);
        let path = self.path(&name);
        let bytes = match read_entry(&path, self.limit) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => return None,
            Err(reason) => {
                self.note(format!("{}: {reason}; compiled again", path.display()));
                return None;
            }
        };
        let payload = match verified_payload(&bytes, &key, &name) {
            Ok(payload) => payload,
            Err(reason) => {
                self.note(format!("{}: {reason}; compiled again", path.display()));
                return None;
            }
        };
        match deserialize_verified(engine, payload) {
            Ok(module) => {
                // The entry was used: eviction keeps it longer.
                let _ = File::options()
                    .append(true)
                    .open(&path)
                    .and_then(|file| file.set_modified(SystemTime::now()));
                Some(module)
            }
            Err(error) => {
                self.note(format!(
                    "{}: refused by wasmtime ({error}); compiled again",
                    path.display()
                ));
                None
            }
        }
    }

    /// Stores a module; failures only cost a later recompilation.
    pub(crate) fn store(&self, engine: &wasmtime::Engine, module_hash: &[u8; 32], module: &Module) {
        let Some(key) = self.key() else {
            return;
        };
        let Ok(payload) = module.serialize() else {
            return;
        };
        let size = (HEADER_LEN + payload.len()) as u64;
        if size > self.limit {
            self.note(format!(
                "a compiled module of {size} bytes is larger than the cache's bound of {} bytes; not cached",
                self.limit
            ));
            return;
        }
        match ensure_dir(&self.dir) {
            Ok(()) => {}
            Err(reason) => {
                self.note(format!("{reason}; compiling without the disk cache"));
                return;
            }
        }
        let name = Self::name(engine, module_hash);
        let path = self.path(&name);
        let tag = entry_tag(&key, &name, &payload);
        if self.write_atomically(&path, &tag, &payload).is_ok() {
            self.evict(&path);
        }
    }

    /// Writes to a temporary file in the same directory and renames it, so
    /// that concurrent readers see a whole entry or none.
    fn write_atomically(&self, path: &Path, tag: &[u8], payload: &[u8]) -> std::io::Result<()> {
        let temp = self.dir.join(format!(
            "{TEMP_PREFIX}{}-{}",
            std::process::id(),
            NEXT_TEMP.fetch_add(1, Ordering::Relaxed)
        ));
        let result = (|| {
            let mut file = create_private_file(&temp)?;
            file.write_all(&MAGIC)?;
            file.write_all(tag)?;
            file.write_all(payload)?;
            // No fsync: an entry torn by a crash fails its tag and is
            // rebuilt, which is cheaper than syncing on every compilation.
            std::fs::rename(&temp, path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        result
    }

    /// Removes the entries used least recently until the rest fit in the
    /// bound (never `keep`, the entry just written), and temporary files
    /// left by processes that ended while writing. Another process may be
    /// evicting at the same time: a file already gone is no error.
    fn evict(&self, keep: &Path) {
        let Ok(listing) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let now = SystemTime::now();
        let mut entries: Vec<(SystemTime, u64, PathBuf)> = Vec::new();
        let mut total: u64 = 0;
        for item in listing.flatten() {
            let path = item.path();
            let Ok(metadata) = item.metadata() else {
                continue;
            };
            if !metadata.is_file() {
                continue;
            }
            let modified = metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            let file_name = item.file_name();
            let file_name = file_name.to_string_lossy();
            if file_name.starts_with(TEMP_PREFIX) {
                if now.duration_since(modified).unwrap_or_default() > STALE_TEMP {
                    let _ = std::fs::remove_file(&path);
                }
                continue;
            }
            if path.extension().is_some_and(|ext| ext == ENTRY_EXTENSION) {
                total = total.saturating_add(metadata.len());
                entries.push((modified, metadata.len(), path));
            }
        }
        if total <= self.limit {
            return;
        }
        entries.sort();
        for (_, len, path) in entries {
            if total <= self.limit {
                break;
            }
            if path != keep && std::fs::remove_file(&path).is_ok() {
                total = total.saturating_sub(len);
            }
        }
    }
}

/// The bytes of an entry; `None` when there is none; an error for a file
/// that is not a regular file or is larger than the cache's bound.
fn read_entry(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, String> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(format!("cannot be read ({error})")),
    };
    let metadata = file
        .metadata()
        .map_err(|error| format!("cannot be read ({error})"))?;
    if !metadata.is_file() {
        return Err("is not a regular file".to_string());
    }
    if metadata.len() > limit {
        return Err(format!("is larger than the cache's bound of {limit} bytes"));
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| format!("cannot be read ({error})"))?;
    Ok(Some(bytes))
}

/// The payload of an entry if its header holds and its tag verifies under
/// this key for this name.
fn verified_payload<'a>(bytes: &'a [u8], key: &Key, name: &[u8; 32]) -> Result<&'a [u8], String> {
    let (Some(magic), Some(tag), Some(payload)) = (
        bytes.get(..MAGIC.len()),
        bytes.get(MAGIC.len()..HEADER_LEN),
        bytes.get(HEADER_LEN..),
    ) else {
        return Err("is too short to be an entry".to_string());
    };
    if magic != MAGIC {
        return Err("is not an entry of this format".to_string());
    }
    if !same_bytes(tag, &entry_tag(key, name, payload)) {
        return Err(
            "its tag does not verify with this user's cache key (changed, truncated, or not written for this module by this user)"
                .to_string(),
        );
    }
    Ok(payload)
}

/// Turns a cache payload back into a module.
///
/// `Module::deserialize` is unsafe because wasmtime trusts the bytes to be
/// its own output: arbitrary bytes could hold arbitrary machine code. The
/// payload here carries a tag that only a holder of this user's secret key
/// can make (`verified_payload`), for this module's entry: it is the output
/// of `Module::serialize` by this user's ward. wasmtime itself checks that
/// the entry matches this engine's version and configuration and refuses
/// it otherwise.
#[expect(
    unsafe_code,
    reason = "deserializing a precompiled module; the payload is authenticated output of Module::serialize"
)]
fn deserialize_verified(engine: &wasmtime::Engine, payload: &[u8]) -> wasmtime::Result<Module> {
    // SAFETY: see the function documentation: the bytes are this user's own
    // serialized module, authenticated by its tag.
    unsafe { Module::deserialize(engine, payload) }
}

/// Reads the key, or creates it when there is no key file yet.
fn load_or_create_key(path: &Path) -> Result<Key, String> {
    if let Some(key) = read_key(path)? {
        return Ok(key);
    }
    create_key(path)?;
    read_key(path)?.ok_or_else(|| format!("the cache key {} cannot be created", path.display()))
}

/// The key in the file; `None` when there is no file.
fn read_key(path: &Path) -> Result<Option<Key>, String> {
    let shown = path.display();
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(format!("the cache key {shown} cannot be read ({error})")),
    };
    let metadata = file
        .metadata()
        .map_err(|error| format!("the cache key {shown} cannot be read ({error})"))?;
    if !metadata.is_file() {
        return Err(format!("the cache key {shown} is not a regular file"));
    }
    check_owner_and_mode(&metadata, PRIVATE_FILE)
        .map_err(|problem| format!("the cache key {shown} {problem}"))?;
    let mut text = String::new();
    file.take(1024)
        .read_to_string(&mut text)
        .map_err(|error| format!("the cache key {shown} cannot be read ({error})"))?;
    from_hex(text.trim())
        .and_then(|bytes| Key::try_from(bytes).ok())
        .map(Some)
        .ok_or_else(|| format!("the cache key {shown} is not 64 hexadecimal digits"))
}

/// Writes a new random key where there is none. Two processes creating
/// the key at once both succeed, and both then read the one that won.
fn create_key(path: &Path) -> Result<(), String> {
    let shown = path.display();
    let folder = path
        .parent()
        .ok_or_else(|| format!("the cache key {shown} has no folder"))?;
    ensure_dir(folder).map_err(|reason| format!("{reason}, where the cache key is kept"))?;
    let mut key: Key = [0; 32];
    getrandom::fill(&mut key)
        .map_err(|error| format!("no random bytes for the cache key ({error})"))?;
    let temp = folder.join(format!(
        "{TEMP_PREFIX}key-{}-{}",
        std::process::id(),
        NEXT_TEMP.fetch_add(1, Ordering::Relaxed)
    ));
    let written = create_private_file(&temp)
        .and_then(|mut file| file.write_all(format!("{}\n", hex(&key)).as_bytes()));
    let placed = written.and_then(|()| match std::fs::hard_link(&temp, path) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        // A file system without hard links: another process's key may be
        // replaced, which only costs it the entries it wrote meanwhile.
        Err(_) => std::fs::rename(&temp, path),
    });
    let _ = std::fs::remove_file(&temp);
    placed.map_err(|error| format!("the cache key {shown} cannot be created ({error})"))
}

/// Permission bits others must not have on the cache folder (and the
/// key's folder): writing.
#[cfg(unix)]
const PRIVATE_DIR: u32 = 0o022;
/// Permission bits others must not have on the key file: any.
#[cfg(unix)]
const PRIVATE_FILE: u32 = 0o077;
#[cfg(not(unix))]
const PRIVATE_FILE: u32 = 0;

/// Whether the folder exists (`Ok(false)` when it does not), and an error
/// saying why it must not be used when it is not a folder, belongs to
/// another user or others may write to it.
fn check_dir(dir: &Path) -> Result<bool, String> {
    let shown = dir.display();
    let metadata = match std::fs::metadata(dir) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(error) => return Err(format!("the folder {shown} cannot be read ({error})")),
    };
    if !metadata.is_dir() {
        return Err(format!("{shown} is not a folder"));
    }
    #[cfg(unix)]
    check_owner_and_mode(&metadata, PRIVATE_DIR)
        .map_err(|problem| format!("the folder {shown} {problem}"))?;
    Ok(true)
}

/// Makes the folder (only its owner may enter it) unless it exists, and
/// checks it.
fn ensure_dir(dir: &Path) -> Result<(), String> {
    if check_dir(dir)? {
        return Ok(());
    }
    let shown = dir.display();
    if let Some(parent) = dir.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|error| format!("the folder {shown} cannot be created ({error})"))?;
    }
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    match builder.create(dir) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(error) => return Err(format!("the folder {shown} cannot be created ({error})")),
    }
    if check_dir(dir)? {
        Ok(())
    } else {
        Err(format!("the folder {shown} cannot be created"))
    }
}

/// Creates a new file only its owner may read and write.
fn create_private_file(path: &Path) -> std::io::Result<File> {
    let mut options = File::options();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// An error saying what is wrong when the file or folder belongs to another
/// user or has any of the `forbidden` permission bits.
#[cfg(unix)]
fn check_owner_and_mode(metadata: &std::fs::Metadata, forbidden: u32) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    ownership_problem(metadata.uid(), metadata.mode(), current_user(), forbidden)
        .map_or(Ok(()), Err)
}

#[cfg(not(unix))]
fn check_owner_and_mode(_metadata: &std::fs::Metadata, _forbidden: u32) -> Result<(), String> {
    Ok(())
}

/// What is wrong with a file or folder of this owner and mode for this
/// user, if anything.
#[cfg(unix)]
fn ownership_problem(owner: u32, mode: u32, user: u32, forbidden: u32) -> Option<String> {
    if owner != user {
        return Some(format!(
            "belongs to another user (uid {owner}, this process runs as uid {user})"
        ));
    }
    let bad = mode & forbidden;
    if bad == 0 {
        return None;
    }
    let what = if bad & 0o044 != 0 && bad & 0o022 != 0 {
        "readable and writable"
    } else if bad & 0o022 != 0 {
        "writable"
    } else {
        "readable"
    };
    Some(format!(
        "is {what} by other users (mode {:03o}; `chmod go-rwx` makes it private)",
        mode & 0o7777
    ))
}

/// The effective user id of this process.
#[cfg(unix)]
#[expect(
    unsafe_code,
    reason = "geteuid is a system call without arguments that cannot fail"
)]
fn current_user() -> u32 {
    // SAFETY: geteuid takes no arguments, touches no memory of ours and
    // always succeeds.
    unsafe { libc::geteuid() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231, test cases 1, 2 and 6 (a key longer than a block).
    #[test]
    fn hmac_matches_the_rfc_vectors() {
        let cases: [(Vec<u8>, &[u8], &str); 3] = [
            (
                vec![0x0b; 20],
                b"Hi There",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                vec![0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
        ];
        for (key, message, expected) in cases {
            assert_eq!(hex(&hmac_sha256(&key, &[message])), expected);
            let (first, rest) = message.split_at(3);
            assert_eq!(hex(&hmac_sha256(&key, &[first, rest])), expected);
        }
    }

    #[test]
    fn payload_checks() {
        let key = [7u8; 32];
        let name = [1u8; 32];
        let payload = b"compiled";
        let mut file = MAGIC.to_vec();
        file.extend_from_slice(&entry_tag(&key, &name, payload));
        file.extend_from_slice(payload);
        assert_eq!(verified_payload(&file, &key, &name), Ok(&payload[..]));
        assert!(verified_payload(&file, &[8u8; 32], &name).is_err());
        assert!(verified_payload(&file, &key, &[2u8; 32]).is_err());
        let mut flipped = file.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(verified_payload(&flipped, &key, &name).is_err());
        assert!(verified_payload(&file[..file.len() - 1], &key, &name).is_err());
        assert!(verified_payload(&file[..10], &key, &name).is_err());
        assert!(verified_payload(b"", &key, &name).is_err());
        // The first format's plain digest is no tag.
        let mut old = b"WARDCWSM".to_vec();
        old.extend_from_slice(&Sha256::digest(payload));
        old.extend_from_slice(payload);
        assert!(verified_payload(&old, &key, &name).is_err());
    }

    #[test]
    fn hex_round_trips() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(from_hex(&hex(&bytes)), Some(bytes));
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
        assert_eq!(from_hex("+1"), None);
    }

    #[cfg(unix)]
    #[test]
    fn ownership_and_modes() {
        assert_eq!(ownership_problem(1000, 0o40700, 1000, PRIVATE_DIR), None);
        assert_eq!(ownership_problem(1000, 0o40755, 1000, PRIVATE_DIR), None);
        assert!(ownership_problem(1000, 0o40775, 1000, PRIVATE_DIR).is_some());
        assert!(ownership_problem(1000, 0o40757, 1000, PRIVATE_DIR).is_some());
        assert!(ownership_problem(1001, 0o40700, 1000, PRIVATE_DIR).is_some());
        assert!(ownership_problem(0, 0o40700, 1000, PRIVATE_DIR).is_some());
        assert_eq!(ownership_problem(1000, 0o100600, 1000, PRIVATE_FILE), None);
        assert!(ownership_problem(1000, 0o100640, 1000, PRIVATE_FILE).is_some());
        assert!(ownership_problem(1000, 0o100604, 1000, PRIVATE_FILE).is_some());
        assert!(ownership_problem(1000, 0o100620, 1000, PRIVATE_FILE).is_some());
        assert!(ownership_problem(1000, 0o100600, 0, PRIVATE_FILE).is_some());
    }
}
