//! Mapping a module file and checking it before any of its code runs.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use abi_stable::library::{lib_header_from_path, LibraryError};
use ferroswitch_abi::ModuleRef;

use super::LoaderError;

static COPY_SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// Maps a private copy of `path` and returns its checked root module.
///
/// The copy is what stays mapped (for ever: see DESIGN.md), so the original may be rebuilt or
/// replaced while the switch runs. The copy's directory entry is removed at once; the mapping
/// keeps the file alive.
pub fn open(path: &Path) -> Result<ModuleRef, LoaderError> {
    let copy = private_copy_path(path);
    std::fs::copy(path, &copy).map_err(|error| LoaderError::Copy {
        path: path.display().to_string(),
        copy: copy.display().to_string(),
        reason: error.to_string(),
    })?;
    let result = check_and_init(path, &copy);
    // Mapped (or refused): either way the directory entry is no longer needed.
    let _ = std::fs::remove_file(&copy);
    result
}

fn check_and_init(original: &Path, copy: &Path) -> Result<ModuleRef, LoaderError> {
    let shown = original.display().to_string();
    let header = lib_header_from_path(copy).map_err(|error| classify(&shown, error))?;
    header
        .init_root_module::<ModuleRef>()
        .map_err(|error| classify(&shown, error))
}

fn classify(path: &str, error: LibraryError) -> LoaderError {
    let path = path.to_owned();
    let full = error.to_string();
    let reason = match &error {
        LibraryError::AbiInstability(_) => summarize_layout_report(&full),
        _ => full.trim().to_owned(),
    };
    match error {
        LibraryError::OpenError { .. } => LoaderError::NotALibrary { path, reason },
        LibraryError::GetSymbolError { .. } => LoaderError::NotAModule {
            path,
            reason: "it exports no abi_stable root module (was it built with ferroswitch_abi::export_module!?)".to_owned(),
        },
        LibraryError::RootModule { .. } => LoaderError::LoadFailed { path, name: String::new(), reason },
        _ => LoaderError::IncompatibleAbi { path, reason },
    }
}

/// abi_stable's layout report runs to a hundred lines of both layouts; what a person needs is
/// its verdicts: each `Error:<what>` with the `Expected:` and `Found:` values that follow.
pub fn summarize_layout_report(report: &str) -> String {
    let lines: Vec<&str> = report.lines().map(str::trim).collect();
    let mut verdicts = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Some(what) = line.strip_prefix("Error:") else {
            continue;
        };
        let value_after = |label: &str| {
            lines[index..]
                .iter()
                .position(|candidate| *candidate == label)
                .and_then(|offset| lines.get(index + offset + 1))
                .map(|value| value.to_string())
                .unwrap_or_default()
        };
        verdicts.push(format!(
            "{}: expected {}, found {}",
            what.trim(),
            value_after("Expected:"),
            value_after("Found:")
        ));
    }
    if verdicts.is_empty() {
        return report
            .lines()
            .find(|line| !line.trim().is_empty())
            .unwrap_or("layout mismatch")
            .trim()
            .to_owned();
    }
    format!("root module layout differs ({})", verdicts.join("; "))
}

fn private_copy_path(path: &Path) -> PathBuf {
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sequence = COPY_SEQUENCE.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!(
        "ferroswitch-{}-{sequence}-{file_name}",
        std::process::id()
    ))
}

#[cfg(test)]
mod tests {
    use super::summarize_layout_report;

    #[test]
    fn layout_report_is_reduced_to_its_verdicts() {
        let report = "Compared <this>:\n  --- Type Layout ---\n  size:56\n\nError:mismatched package\nExpected:\n    ferroswitch-abi\nFound:\n    mod_other\n";
        assert_eq!(
            summarize_layout_report(report),
            "root module layout differs (mismatched package: expected ferroswitch-abi, found mod_other)"
        );
    }
}
