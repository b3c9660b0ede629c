"""The packaging workflow (.github/workflows/package.yml), as far as this machine can check it:
runners that exist, actions on Node 24, a time limit per job, the locked install, portable
llama.cpp builds, and a macOS minimum the locked wheels allow. The schema check is in
test_style.py; the run itself happens on GitHub.
"""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = yaml.safe_load((ROOT / ".github" / "workflows" / "package.yml").read_text("utf-8"))
JOBS = WORKFLOW["jobs"]
SPEC = (ROOT / "packaging" / "desktop_chat.spec").read_text(encoding="utf-8")
# Labels GitHub serves today, pinned to one image each (never *-latest, which moves under
# a release build; macos-13 and macos-14 are retired).
CURRENT_RUNNERS = {"macos-15", "windows-2025", "ubuntu-24.04"}
# The first major of each action that runs on Node 24 (Node 20 is retired on runners).
NODE24_MAJORS = {"actions/checkout": 5, "actions/setup-python": 6, "actions/cache": 5,
                 "actions/upload-artifact": 6}


def steps(job: str) -> list[dict]:
    return JOBS[job]["steps"]


def commands(job: str) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def job_env(job: str) -> dict:
    return {**WORKFLOW.get("env", {}), **JOBS[job].get("env", {})}


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def test_every_job_runs_on_a_pinned_current_runner_within_a_time_limit():
    assert set(JOBS) == {"macos", "windows", "linux"}
    for name, job in JOBS.items():
        assert job["runs-on"] in CURRENT_RUNNERS, (name, job["runs-on"])
        assert 0 < job["timeout-minutes"] <= 180, name


def test_every_action_is_a_node24_release_pinned_to_a_commit():
    text = (ROOT / ".github" / "workflows" / "package.yml").read_text(encoding="utf-8")
    uses = re.findall(r"uses:\s*(\S+)@(\S+)\s*#\s*v(\d+)", text)
    assert len(uses) == len(re.findall(r"uses:", text)), "an action without a commit and version"
    for action, ref, major in uses:
        assert re.fullmatch(r"[0-9a-f]{40}", ref), action
        assert int(major) >= NODE24_MAJORS[action], f"{action} v{major} runs on Node 20"


def test_windows_builds_llama_cpp_with_visual_studio_2026_and_without_openmp():
    env = job_env("windows")
    assert env["CMAKE_GENERATOR"] == "Visual Studio 18 2026"
    assert "-DGGML_OPENMP=OFF" in env["CMAKE_ARGS"].split()


@pytest.mark.parametrize("job", sorted(JOBS))
def test_llama_cpp_is_built_for_any_cpu_of_its_kind(job):
    flags = job_env(job)["CMAKE_ARGS"].split()
    assert "-DGGML_NATIVE=OFF" in flags
    assert not [f for f in flags if "native" in f.lower() and f != "-DGGML_NATIVE=OFF"]
    assert not [f for f in flags if "amx" in f.lower()]
    if job != "macos":  # x86-64: one CPU library per instruction set, picked at run time
        assert {"-DGGML_BACKEND_DL=ON", "-DGGML_CPU_ALL_VARIANTS=ON"} <= set(flags)


def test_the_linux_leg_builds_on_an_older_glibc():
    assert JOBS["linux"]["container"].startswith(("almalinux:9", "quay.io/pypa/manylinux_2_28",
                                                  "quay.io/pypa/manylinux_2_34"))


@pytest.mark.parametrize("job", sorted(JOBS))
def test_each_leg_installs_the_packaging_lock_and_caches_its_llama_wheel(job):
    assert "dev.py install package" in commands(job)
    cached = [s for s in steps(job) if s.get("uses", "").startswith("actions/cache@")]
    assert cached and cached[0]["with"]["path"] == ".llama-wheels"
    assert "requirements/llama-cpp-python.txt" in cached[0]["with"]["key"]
    assert job_env(job)["DESKTOP_CHAT_WHEEL_CACHE"] == ".llama-wheels"


@pytest.mark.parametrize("job", sorted(JOBS))
def test_each_leg_self_tests_both_engines_on_the_cpu_and_takes_a_tag_version(job):
    run = commands(job)
    assert "packaging/verify.py" in run and '"$MODEL" "$GGUF"' in run
    assert "--device cpu" in run or job != "macos"  # the runner's MPS does not work
    tagged = [s for s in steps(job) if "refs/tags/v" in s.get("if", "")]
    assert tagged and "GITHUB_REF_NAME#v" in tagged[0]["run"]


def test_the_installed_or_copied_app_runs_from_a_folder_with_a_space_and_non_ascii_name():
    folder = WORKFLOW["env"]["ODD_FOLDER"]
    assert " " in folder and not folder.isascii()
    assert "windows-install" in commands("windows") and "$ODD_FOLDER" in commands("windows")
    assert "copy-and-self-test" in commands("linux") and "$ODD_FOLDER" in commands("linux")
    assert "hdiutil attach" in commands("macos") and "$ODD_FOLDER" in commands("macos")


def test_macos_checks_what_every_binary_needs_and_its_signature():
    run = commands("macos")
    assert "codesign --verify --deep --strict" in run
    assert "verify.py macos-binaries" in run
    assert "notarytool submit" in run and "stapler staple" in run


def spec_macos_minimum() -> str:
    return re.search(r'^MACOS_MINIMUM = "([\d.]+)"', SPEC, re.M)[1]


@pytest.mark.parametrize("extra", ["package", "test"])
def test_the_apps_macos_minimum_allows_every_locked_wheel(extra):
    lock = (ROOT / "requirements" / "macos" / f"{extra}.txt").read_text(encoding="utf-8")
    needs = re.search(r"^# macOS minimum: ([\d.]+) \((torch-[^)]+)?", lock, re.M)
    assert needs, "scripts/lock.py writes the macOS minimum of the locked wheels"
    assert version(spec_macos_minimum()) >= version(needs[1])
    assert '"LSMinimumSystemVersion": MACOS_MINIMUM' in SPEC
    assert job_env("macos")["MACOSX_DEPLOYMENT_TARGET"] == spec_macos_minimum()
    assert f"-DCMAKE_OSX_DEPLOYMENT_TARGET={spec_macos_minimum()}" in job_env("macos")["CMAKE_ARGS"]


def test_qt_translations_are_found_where_windows_pyside6_keeps_them():
    """PySide6 on Windows has Qt's .qm files in PySide6/translations, not Qt/translations."""
    from desktop_chat.ui import language

    assert Path("translations") in language.QT_TRANSLATION_SUBFOLDERS
    assert Path("Qt", "translations") in language.QT_TRANSLATION_SUBFOLDERS
    # The spec bundles them at Qt's own path, relative to the package, on every system.
    assert "QLibraryInfo.LibraryPath.TranslationsPath" in SPEC
