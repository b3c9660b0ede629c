"""Where a model comes from: a folder or file on this computer, or an OpenAI-compatible server.

Settings and Recent Models store a source as one string: a local path as it is, a server
as its base URL with the model name in the fragment (``http://host:8000/v1#qwen2.5``).
A URL is never a path, so old settings files (paths only) read unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from desktop_chat.core.user_message import tr

LOCAL = "local"
SERVER = "server"
SERVER_SCHEMES = ("http", "https")


class ServerAddressError(ValueError):
    def __str__(self) -> str:  # the message itself: a UserMessage stays translatable
        return self.args[0] if self.args and isinstance(self.args[0], str) else super().__str__()


@dataclass(frozen=True)
class ModelSource:
    kind: str  # LOCAL or SERVER
    location: str  # a path, or a server's normalized base URL (ending in /v1)
    model: str = ""  # the server's model name; "" when the server has one to offer

    @classmethod
    def local(cls, path: str | Path) -> ModelSource:
        return cls(LOCAL, str(path))

    @classmethod
    def server(cls, base_url: str, model: str = "") -> ModelSource:
        return cls(SERVER, normalize_base_url(base_url), model.strip())

    @classmethod
    def parse(cls, text: str) -> ModelSource:
        """The inverse of ``to_string``: a URL is a server, anything else a path."""
        if _is_url(text):
            url, _, model = text.partition("#")
            return cls.server(url, unquote(model))
        return cls.local(text)

    def to_string(self) -> str:
        if self.kind == SERVER:
            return f"{self.location}#{quote(self.model, safe='')}" if self.model \
                else self.location
        return self.location

    @property
    def is_server(self) -> bool:
        return self.kind == SERVER

    @property
    def is_gguf(self) -> bool:
        return self.kind == LOCAL and self.location.lower().endswith(".gguf")

    @property
    def display_name(self) -> str:
        if self.kind == SERVER:
            host = urlsplit(self.location).netloc
            return f"{self.model} @ {host}" if self.model else host
        return Path(self.location).name or self.location


def normalize_base_url(url: str) -> str:
    """``localhost:8000`` or ``http://host:8000/`` -> ``http://host:8000/v1``.

    OpenAI-compatible servers serve under ``/v1``; a URL that names another path
    (``https://host/openai/v1``, ``https://host/api/v2``) is kept as it is.
    """
    text = url.strip()
    if not text:
        raise ServerAddressError(tr("Enter the server's address, e.g. http://localhost:8000."))
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    if parts.scheme not in SERVER_SCHEMES or not parts.hostname:
        raise ServerAddressError(tr("“{url}” is not a server address (http://host:port).",
                                    url=url))
    try:
        parts.port  # noqa: B018  raises for a port that is not a number
    except ValueError:
        raise ServerAddressError(tr("“{url}” has a port that is not a number.",
                                    url=url)) from None
    path = parts.path.rstrip("/")
    for suffix in ("/chat/completions", "/completions", "/models"):
        path = path.removesuffix(suffix)
    if not path:
        path = "/v1"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _is_url(text: str) -> bool:
    return text.split("://", 1)[0].lower() in SERVER_SCHEMES and "://" in text
