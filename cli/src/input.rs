//! Reading the files named on the command line.

use meshgate_core::workspace::InputFile;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why input could not be read (exit status 2).
#[derive(Debug)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

const EXTENSIONS: &[&str] = &["hcl", "json", "yaml", "yml"];

/// A directory's settings file (`meshgate.hcl`, `.json`, `.yaml` or `.yml`) holds workspace
/// settings, not config entries.
pub fn is_settings_file(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(meshgate_core::settings::is_settings_file_name)
}

/// What the command line named: config files, and settings files found in named directories.
pub struct Inputs {
    pub files: Vec<InputFile>,
    pub settings: Vec<PathBuf>,
}

/// Reads every path: `-` is standard input (format sniffed), a directory is every config file
/// below it in name order (its `meshgate.*` settings file is set aside).
pub fn read_inputs(paths: &[PathBuf]) -> Result<Inputs, InputError> {
    let mut files = Vec::new();
    let mut settings = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| InputError(format!("cannot read standard input: {e}")))?;
            files.push(InputFile::new("<stdin>", text));
        } else if path.is_dir() {
            let mut found = Vec::new();
            collect_dir(path, &mut found)?;
            if found.is_empty() {
                return Err(InputError(format!(
                    "{}: no .hcl, .json, .yaml or .yml files in this directory",
                    path.display()
                )));
            }
            found.sort();
            for f in found {
                if is_settings_file(&f) {
                    settings.push(f);
                } else {
                    files.push(read_file(&f)?);
                }
            }
        } else {
            files.push(read_file(path)?);
        }
    }
    Ok(Inputs { files, settings })
}

fn read_file(path: &Path) -> Result<InputFile, InputError> {
    let bytes = std::fs::read(path).map_err(|e| InputError(format!("cannot read {}: {e}", path.display())))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        InputError(format!(
            "{}: not UTF-8 text (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(InputFile::new(path.display().to_string(), text))
}

/// Every config file below `dir`. Symbolic links are followed, but each directory is read once
/// (a link back up the tree would otherwise recurse without end), and only regular files are
/// read: a FIFO or a device would block or never end.
fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), InputError> {
    let mut seen = std::collections::BTreeSet::new();
    collect(dir, out, &mut seen)
}

fn collect(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    seen: &mut std::collections::BTreeSet<PathBuf>,
) -> Result<(), InputError> {
    let real = std::fs::canonicalize(dir).map_err(|e| InputError(format!("cannot read {}: {e}", dir.display())))?;
    if !seen.insert(real) {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| InputError(format!("cannot list {}: {e}", dir.display())))?;
    for entry in entries {
        let path = entry.map_err(|e| InputError(format!("cannot list {}: {e}", dir.display())))?.path();
        // Follows links; a dangling link is skipped like any other non-file.
        let Ok(meta) = std::fs::metadata(&path) else { continue };
        if meta.is_dir() {
            collect(&path, out, seen)?;
        } else if meta.is_file()
            && path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push(path);
        }
    }
    Ok(())
}
