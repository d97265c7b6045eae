//! Finding and reading the configuration file of `ward check`: `ward.toml`
//! from the working directory upward, or the file of `--config`. What its
//! keys mean and how their values are checked is `ward-config`'s.

use std::path::{Path, PathBuf};

pub use ward_config::Config;
use ward_config::FILE_NAME;

use crate::sources::display_name;

/// Where a run's configuration comes from: `--config FILE`, `--no-config`,
/// or else the first `ward.toml` from the working directory upward.
pub fn find(explicit: Option<&Path>, none: bool) -> Result<Option<PathBuf>, String> {
    if none {
        return Ok(None);
    }
    if let Some(path) = explicit {
        return Ok(Some(path.to_path_buf()));
    }
    let cwd = std::env::current_dir()
        .map_err(|error| format!("cannot read the working directory: {error}"))?;
    // The folders upward are named relatively (`..`, `../..`), so that the
    // paths of the file keep the names a run gives them from here.
    for depth in 0..cwd.ancestors().count() {
        let folder: PathBuf = std::iter::repeat_n("..", depth).collect();
        let candidate = folder.join(FILE_NAME);
        if candidate.is_file() {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

/// Reads a configuration file; an unknown key or a value of the wrong kind
/// is an error naming the file, line and column. The paths in the file are
/// relative to the folder that holds it.
pub fn read(path: &Path) -> Result<Config, String> {
    let name = display_name(path);
    let text = std::fs::read_to_string(path).map_err(|error| format!("{name}: {error}"))?;
    let mut config = ward_config::parse(&text).map_err(|error| error.located(&name, &text))?;
    config.folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(config)
}
