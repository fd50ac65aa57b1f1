//! The Slurm recipe (`deploy/slurm/`, documented in docs/batch.md) on a
//! real one-node Slurm: `tests/slurm/run.sh` starts munged, slurmctld and
//! slurmd, submits the recipe, kills a task in the middle of its run,
//! requeues it, and compares the merged records with a single run's.
//!
//! Needs root and the Debian packages slurm-wlm and munge. `.ci/run`
//! installs them; when it cannot, it says why in `REFERAT_SLURM_UNAVAILABLE`
//! and this test is skipped with that reason. Elsewhere a machine without
//! them skips it with a printed reason; under `REFERAT_CI` without such a
//! reason, missing programs fail it.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

/// Why the Slurm test cannot run here, or None when it can.
fn unavailable() -> Option<String> {
    if let Ok(reason) = std::env::var("REFERAT_SLURM_UNAVAILABLE") {
        return Some(reason);
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root {
        return Some("starting slurmctld and slurmd needs root".into());
    }
    let missing: Vec<&str> = [
        "munged",
        "slurmctld",
        "slurmd",
        "sbatch",
        "scontrol",
        "sinfo",
        "pgrep",
    ]
    .into_iter()
    .filter(|cmd| {
        !Command::new("sh")
            .args(["-c", &format!("command -v {cmd}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
    .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "{} not found (Debian packages slurm-wlm, munge and procps)",
            missing.join(", ")
        )
    })
}

#[test]
fn slurm_recipe_survives_a_killed_task_and_merges_what_one_run_writes() {
    if let Some(reason) = unavailable() {
        assert!(
            !common::in_ci() || std::env::var_os("REFERAT_SLURM_UNAVAILABLE").is_some(),
            "slurm test: {reason}; REFERAT_CI is set and .ci/run installs them"
        );
        common::skipped("slurm recipe test", &reason);
        return;
    }
    let work = tempfile::tempdir().expect("temp dir");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/slurm/run.sh");
    // The script's progress and its time go straight to the terminal (or
    // CI log), past the test harness's capture. 12 copies of the fixtures
    // are 396 files: enough for every task to be caught mid-run, and a
    // minute or so with the test build.
    let status = Command::new("bash")
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_referat"))
        .arg(work.path())
        .arg("12")
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .status()
        .expect("run tests/slurm/run.sh");
    assert!(
        status.success(),
        "tests/slurm/run.sh failed ({status}); its output is above"
    );
}
