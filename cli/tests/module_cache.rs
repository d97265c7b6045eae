//! The module cache as `ward check` uses it: entries are native code, so a
//! tampered or swapped entry, or a folder others may write to, is refused,
//! and the run still gives the same findings.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::repository_root;

/// A cache folder and a config folder of the test's own.
struct Homes(PathBuf);

impl Homes {
    fn new(name: &str) -> Homes {
        let root =
            std::env::temp_dir().join(format!("ward-cli-cache-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("temporary folder");
        Homes(root)
    }

    fn modules(&self) -> PathBuf {
        self.0.join("cache").join("ward").join("modules")
    }

    fn key(&self) -> PathBuf {
        self.0.join("config").join("ward").join("cache-key")
    }

    fn entries(&self) -> Vec<PathBuf> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(self.modules())
            .expect("the cache folder")
            .map(|entry| entry.expect("entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "cwasm"))
            .collect();
        entries.sort();
        entries
    }

    /// `ward check` of these policies on the example template, with the
    /// cache's notes on: exit code, standard output, standard error.
    fn check(&self, policies: &str) -> (i32, String, String) {
        let output = Command::new(env!("CARGO_BIN_EXE_ward"))
            .args([
                "check",
                "--policy",
                policies,
                "--format",
                "json",
                "examples/templates/app.yaml",
            ])
            .current_dir(repository_root())
            .env("NO_COLOR", "1")
            .env("XDG_CACHE_HOME", self.0.join("cache"))
            .env("XDG_CONFIG_HOME", self.0.join("config"))
            .env("WARD_CACHE_LOG", "1")
            .output()
            .expect("ward runs");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).to_string(),
            String::from_utf8_lossy(&output.stderr).to_string(),
        )
    }
}

impl Drop for Homes {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const ALL: &str = "examples/policies";
const ONE: &str = "examples/policies/storage.ward";

fn flip_middle_byte(path: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(path).expect("entry");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(path, &bytes).expect("tampered entry");
    bytes
}

#[test]
fn a_tampered_or_swapped_cache_entry_is_refused_and_the_findings_stay_right() {
    let homes = Homes::new("tampered");
    let (code, expected, stderr) = homes.check(ALL);
    assert_eq!(code, 1, "{stderr}");
    assert!(expected.contains("\"findings\""), "{expected}");
    assert!(!stderr.contains("module cache"), "{stderr}");
    let entries = homes.entries();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let entry = &entries[0];
    let good = std::fs::read(entry).expect("entry");

    // The key is outside the cache and private.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| {
            std::fs::metadata(path)
                .expect("exists")
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode(&homes.key()), 0o600);
        assert_eq!(mode(&homes.modules()), 0o700);
    }

    // A second run loads the entry: nothing to say.
    let (code, stdout, stderr) = homes.check(ALL);
    assert_eq!((code, stdout.as_str()), (1, expected.as_str()), "{stderr}");
    assert!(!stderr.contains("module cache"), "{stderr}");

    // One byte changed: refused, compiled again, rewritten.
    let tampered = flip_middle_byte(entry);
    let (code, stdout, stderr) = homes.check(ALL);
    assert_eq!((code, stdout.as_str()), (1, expected.as_str()), "{stderr}");
    assert!(stderr.contains("does not verify"), "{stderr}");
    let rewritten = std::fs::read(entry).expect("entry");
    assert_ne!(rewritten, tampered);
    assert_eq!(rewritten, good);

    // Another policy's valid entry under this one's name: refused too.
    let (_, one, stderr) = homes.check(ONE);
    assert_ne!(one, expected, "{stderr}");
    let other = homes
        .entries()
        .into_iter()
        .find(|path| path != entry)
        .expect("a second entry");
    std::fs::copy(&other, entry).expect("swapped entry");
    let (code, stdout, stderr) = homes.check(ALL);
    assert_eq!((code, stdout.as_str()), (1, expected.as_str()), "{stderr}");
    assert!(stderr.contains("does not verify"), "{stderr}");
    assert_eq!(std::fs::read(entry).expect("entry"), good);
}

#[cfg(unix)]
#[test]
fn a_cache_folder_others_may_write_to_is_not_used() {
    use std::os::unix::fs::PermissionsExt;
    let homes = Homes::new("shared");
    let (code, expected, stderr) = homes.check(ALL);
    assert_eq!(code, 1, "{stderr}");
    let entries = homes.entries();
    std::fs::set_permissions(homes.modules(), std::fs::Permissions::from_mode(0o777))
        .expect("chmod");
    // Tamper with the entry too: were the folder used, the tag would catch
    // it; it is not used at all, so the note names the folder.
    let tampered = flip_middle_byte(&entries[0]);
    let (code, stdout, stderr) = homes.check(ALL);
    assert_eq!((code, stdout.as_str()), (1, expected.as_str()), "{stderr}");
    assert!(stderr.contains("writable by other users"), "{stderr}");
    assert!(!stderr.contains("does not verify"), "{stderr}");
    // Nothing was written to it.
    assert_eq!(homes.entries(), entries);
    assert_eq!(std::fs::read(&entries[0]).expect("entry"), tampered);
}
