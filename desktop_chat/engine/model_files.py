"""What a chosen path holds, told without torch: a GGUF file, or a model folder.

The registry decides the engine from this; the engines check the rest. Messages say what
is wrong in the user's terms.
"""

from __future__ import annotations

from pathlib import Path

from desktop_chat.core.user_message import tr
from desktop_chat.engine.errors import ModelLoadError

GGUF_MAGIC = b"GGUF"


def gguf_file_of(path: str | Path) -> Path | None:
    """The GGUF file a path means (the file, or the only one in a folder without
    config.json); None for a model folder. Raises ModelLoadError for anything else."""
    path = Path(path).expanduser()
    if not path.exists():
        raise ModelLoadError(tr("“{path}” does not exist.", path=str(path)))
    if path.is_file():
        if path.suffix.lower() != ".gguf":
            raise ModelLoadError(tr(
                "“{name}” is a file. Choose the model's folder (the one holding "
                "config.json), or a .gguf file.", name=path.name))
        check_gguf_header(path)
        return path
    if not path.is_dir():
        raise ModelLoadError(tr("“{path}” is not a folder.", path=str(path)))
    if (path / "config.json").exists():
        return None
    ggufs = sorted(path.glob("*.gguf"))
    if len(ggufs) == 1:
        check_gguf_header(ggufs[0])
        return ggufs[0]
    if len(ggufs) > 1:
        raise ModelLoadError(
            tr("“{name}” holds several .gguf files; choose the one you want to open.",
               name=path.name),
            "\n".join(p.name for p in ggufs),
        )
    raise ModelLoadError(
        tr("“{name}” is not a model folder: it has no config.json.", name=path.name),
        tr("A Hugging Face model folder holds config.json, tokenizer files and weights "
           "(*.safetensors). Download every file of the model into one folder."),
    )


def check_gguf_header(file: Path) -> None:
    try:
        with file.open("rb") as handle:
            magic = handle.read(4)
    except OSError as error:
        raise ModelLoadError(tr("“{name}” could not be read.", name=file.name),
                             str(error)) from None
    if magic != GGUF_MAGIC:
        raise ModelLoadError(tr("“{name}” is not a GGUF file, or it is damaged.",
                                name=file.name))
