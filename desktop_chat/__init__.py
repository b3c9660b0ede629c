"""Desktop Chat: chat with language models that run on your own computer."""

from importlib import metadata

APP_NAME = "Desktop Chat"

try:
    __version__ = metadata.version("desktop-chat")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
