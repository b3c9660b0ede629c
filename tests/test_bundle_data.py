"""The spec's one rule for dependencies' data files (packaging/bundle_data.py), on the real
installed packages; tests/test_packaging.py checks the built bundle against it."""

import importlib.util
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bundle_data",
                                               ROOT / "packaging" / "bundle_data.py")
bundle_data = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bundle_data)


def toc(*modules: str) -> list[tuple[str, str, str]]:
    return [(name, f"/site-packages/{name.replace('.', '/')}.py", "PYMODULE")
            for name in modules]


def test_a_dependency_read_at_import_time_is_shipped_without_naming_it():
    """transformers 5.25 imports kernels, which opens kernels/_internals/python_depends.json."""
    pytest.importorskip("kernels")
    shipped = {(Path(source).name, folder) for source, folder in
               bundle_data.dependency_data(toc("transformers.models.auto", "kernels.utils"))}
    assert ("python_depends.json", "kernels/_internals") in shipped


def test_fonts_and_tables_of_the_math_renderer_are_shipped():
    shipped = {Path(source).name for source, _ in
               bundle_data.dependency_data(toc("ziamath", "ziafont", "latex2mathml"))}
    assert {"STIXTwoMath-Regular.ttf", "DejaVuSans.ttf", "unimathsymbols.txt"} <= shipped


def test_only_what_the_app_imports_is_looked_at():
    assert bundle_data.dependency_data(toc("json", "not_installed_anywhere")) == []
    names = bundle_data.top_level_names(
        [("torch/_C.cpython-311-x86_64-linux-gnu.so", "/x", "EXTENSION"),
         ("kernels.utils", "/y", "PYMODULE"), ("libfoo.so", "/z", "BINARY")])
    assert names == {"torch", "kernels"}


@pytest.mark.parametrize("path, data", [
    ("kernels/_internals/python_depends.json", True),
    ("ziamath/fonts/STIXTwoMath-Regular.ttf", True),
    ("transformers/models/auto/modeling_auto.py", False),
    ("llama_cpp/lib/libllama.so", False),
    ("torch/lib/libtorch_cpu.so.2", False),
    ("torch/include/ATen/ATen.h", False),
    ("kernels-0.19.1.dist-info/RECORD", False),
    ("../../bin/transformers", False),
])
def test_data_is_what_is_neither_code_nor_a_library_nor_a_build_input(path, data):
    assert bundle_data.is_data(PurePosixPath(path)) is data


def test_a_missing_library_or_hidden_import_fails_the_build_and_guesses_do_not():
    spec = importlib.util.spec_from_file_location("build", ROOT / "packaging" / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    fatal = ["1 WARNING: Library not found: could not resolve 'libfoo.so.1', dependency of "
             "'/x/libbar.so'.",
             "2 WARNING: Hidden import 'kernels.utils' not found",
             "3 WARNING: codesign failure: the bundle could not be signed"]
    harmless = ["4 WARNING: Library ole32 required via ctypes not found",
                "5 WARNING: Library not found: could not resolve 'libxcb-icccm.so.4', "
                "dependency of '/x/PySide6/Qt/plugins/platforms/libqxcb.so'.",
                "6 INFO: Building COLLECT"]
    assert build.fatal_warnings(fatal + harmless) == fatal
