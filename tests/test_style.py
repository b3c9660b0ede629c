import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_is_clean():
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), "check", "--no-cache", "."], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_github_workflows_match_githubs_schema():
    check = Path(sys.executable).with_name("check-jsonschema")
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows
    result = subprocess.run([str(check), "--builtin-schema", "vendor.github-workflows",
                             *workflows], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
