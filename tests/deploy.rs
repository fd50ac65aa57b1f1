//! The cluster recipes in `deploy/`, as far as they can be checked without
//! a cluster: the Kubernetes manifests against the API schemas, and the
//! containers' own shell commands run with `sh` on the fixtures (every
//! index's ingest, a merge refused while a shard is missing, the merge).
//! The Slurm recipe runs on a real Slurm in `tests/slurm.rs`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use yaml_rust2::{Yaml, YamlLoader};

const BIN: &str = env!("CARGO_BIN_EXE_referat");

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn manifest(name: &str) -> Yaml {
    let path = repo().join("deploy/kubernetes").join(name);
    let text = std::fs::read_to_string(&path).expect("manifest");
    YamlLoader::load_from_str(&text)
        .expect("manifest is YAML")
        .remove(0)
}

/// The Job's container: its command and the one argument of `sh -c`.
fn container_script(job: &Yaml) -> String {
    let container = &job["spec"]["template"]["spec"]["containers"][0];
    let command: Vec<&str> = container["command"]
        .as_vec()
        .expect("command")
        .iter()
        .map(|c| c.as_str().expect("string"))
        .collect();
    assert_eq!(
        command,
        ["sh", "-c"],
        "the container runs its script with sh -c"
    );
    container["args"][0].as_str().expect("args[0]").to_string()
}

/// Run a container's script with `sh`, the volumes' mount points replaced
/// by folders here and the referat binary first on the PATH.
fn run_script(
    script: &str,
    archive: &Path,
    results: &Path,
    index: Option<usize>,
) -> (bool, String) {
    let script = script
        .replace("/archive", archive.to_str().unwrap())
        .replace("/results", results.to_str().unwrap());
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("sh");
    cmd.args(["-c", &script]).env("PATH", path);
    if let Some(k) = index {
        cmd.env("JOB_COMPLETION_INDEX", k.to_string());
    }
    let out = cmd.output().expect("sh");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn kubernetes_commands_shard_and_merge_like_one_run() {
    let ingest = manifest("ingest-job.yaml");
    let merge = manifest("merge-job.yaml");
    let spec = &ingest["spec"];
    assert_eq!(spec["completionMode"].as_str(), Some("Indexed"));
    let n = spec["completions"].as_i64().expect("completions") as usize;
    let ingest_script = container_script(&ingest);
    let merge_script = container_script(&merge);
    // N is written in three places; they must agree.
    assert!(
        ingest_script.contains(&format!("--shard $JOB_COMPLETION_INDEX/{n}")),
        "ingest's --shard uses N = completions ({n}): {ingest_script}"
    );
    assert!(
        merge_script.contains(&format!("N={n};")),
        "merge's N is completions ({n}): {merge_script}"
    );
    assert_eq!(
        spec["template"]["spec"]["restartPolicy"].as_str(),
        Some("Never"),
        "backoffLimitPerIndex and podFailurePolicy need restartPolicy Never"
    );

    let dir = tempfile::tempdir().unwrap();
    let archive = repo().join("fixtures");
    let results = dir.path().join("results");
    std::fs::create_dir(&results).unwrap();
    let single = dir.path().join("single");
    let status = Command::new(BIN)
        .args(["ingest", "-q", "--out"])
        .arg(&single)
        .arg(&archive)
        .status()
        .unwrap();
    assert!(status.success());

    for k in 0..n - 1 {
        let (ok, out) = run_script(&ingest_script, &archive, &results, Some(k));
        assert!(ok, "index {k}: {out}");
    }
    // The last index has not run: the merge pod refuses and merges nothing.
    let (ok, out) = run_script(&merge_script, &archive, &results, None);
    assert!(!ok, "merge with a shard missing succeeded: {out}");
    assert!(
        out.contains("missing"),
        "status names the missing shard: {out}"
    );
    assert!(!results.join("all").exists());

    let (ok, out) = run_script(&ingest_script, &archive, &results, Some(n - 1));
    assert!(ok, "index {}: {out}", n - 1);
    let (ok, out) = run_script(&merge_script, &archive, &results, None);
    assert!(ok, "merge: {out}");
    let merged = std::fs::read(results.join("all/records.jsonl")).unwrap();
    let whole = std::fs::read(single.join("records.jsonl")).unwrap();
    assert!(merged == whole, "merged records.jsonl equals one run's");
}

/// Where `kubernetes-validate` is, or why the test is skipped.
fn kubernetes_validate() -> Option<PathBuf> {
    let found = Command::new("kubernetes-validate")
        .arg("--version")
        .output();
    if found.is_ok_and(|o| o.status.success()) {
        return Some("kubernetes-validate".into());
    }
    let reason = "kubernetes-validate (PyPI) is not installed";
    assert!(
        !common::in_ci(),
        "{reason}; REFERAT_CI is set and .ci/run installs it"
    );
    common::skipped("Kubernetes schema check", reason);
    None
}

#[test]
fn kubernetes_manifests_validate_against_the_api_schemas() {
    let Some(validate) = kubernetes_validate() else {
        return;
    };
    // 1.29: the first with backoffLimitPerIndex on by default; 1.33: GA.
    for version in ["1.29.0", "1.33.0"] {
        let out = Command::new(&validate)
            .args(["--strict", "-k", version])
            .arg(repo().join("deploy/kubernetes/ingest-job.yaml"))
            .arg(repo().join("deploy/kubernetes/merge-job.yaml"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "Kubernetes {version}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn slurm_scripts_parse() {
    for name in ["submit.sh", "ingest.sbatch", "merge.sbatch"] {
        let status = Command::new("bash")
            .arg("-n")
            .arg(repo().join("deploy/slurm").join(name))
            .status()
            .unwrap();
        assert!(status.success(), "bash -n deploy/slurm/{name}");
    }
}
