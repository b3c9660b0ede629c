"""API keys for servers: the OS keyring (Keychain, Credential Manager, Secret Service),
or the environment variable DESKTOP_CHAT_API_KEY; never settings.json.

A key the user gives for a server (``remember_api_key``) is used at once, for this session,
and then stored in the keyring (``store_api_key``, which may block on the keyring: call it
off the GUI thread). Where no keyring works, the key stays for this session only.

Who gets which key: a key given or stored for a server goes to that server's URL only (the
session and the keyring keep it under that URL). DESKTOP_CHAT_API_KEY, one key for any
server, goes only where nobody on the way can read it: over https, or to this computer
(a loopback address); a plain-http server elsewhere gets no key from the environment.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
from urllib.parse import urlsplit

from desktop_chat.core.user_message import tr

API_KEY_ENV = "DESKTOP_CHAT_API_KEY"
KEYRING_SERVICE = "Desktop Chat"

log = logging.getLogger(__name__)
_session_keys: dict[str, str] = {}
_lock = threading.Lock()


def api_key_for(base_url: str) -> str | None:
    """The key for a server: one given in this session, else the keyring's for it, else
    the environment variable (one key for any server) where it travels safely."""
    with _lock:
        if base_url in _session_keys:
            return _session_keys[base_url] or None
    try:
        import keyring

        if key := keyring.get_password(KEYRING_SERVICE, base_url):
            return key
    except Exception as error:  # no backend, a locked keyring, a broken D-Bus: no key
        log.info("the keyring could not be read: %s", error)
    return environment_key() if carries_shared_key(base_url) else None


def environment_key() -> str | None:
    return os.environ.get(API_KEY_ENV, "").strip() or None


def carries_shared_key(base_url: str) -> bool:
    """Whether DESKTOP_CHAT_API_KEY may go to ``base_url``: https, or this computer."""
    try:
        parts = urlsplit(base_url.strip())
        host = parts.hostname or ""
    except ValueError:  # a malformed address (a bad port, a broken IPv6 literal)
        return False
    if parts.scheme.lower() == "https":
        return True
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name
        return False


def shared_key_withheld(base_url: str) -> bool:
    """DESKTOP_CHAT_API_KEY is set but not sent to ``base_url`` (plain http elsewhere)."""
    return environment_key() is not None and not carries_shared_key(base_url)


def remember_api_key(base_url: str, key: str) -> None:
    """Use ``key`` for ``base_url`` from now on in this session ("" forgets it). Instant."""
    with _lock:
        _session_keys[base_url] = key.strip()


def store_api_key(base_url: str, key: str) -> str | None:
    """Keep ``key`` in the keyring (an empty key removes it). Returns None when stored,
    else why it is kept for this session only. May block: not on the GUI thread."""
    key = key.strip()
    try:
        import keyring

        if key:
            keyring.set_password(KEYRING_SERVICE, base_url, key)
        else:
            try:
                keyring.delete_password(KEYRING_SERVICE, base_url)
            except keyring.errors.PasswordDeleteError:
                pass
    except Exception as error:
        log.info("the keyring could not be written: %s", error)
        return tr("The system keyring is not available ({error}); the API key is kept until "
                  "Desktop Chat closes.", error=str(error))
    return None


HUB_TOKEN_PREFIX = "huggingface:"  # keyring entry of a Hugging Face token, per endpoint


def hub_token_for(endpoint: str) -> str | None:
    """A Hugging Face token for ``endpoint`` given in this session or kept in the keyring;
    never the servers' API key variable (the Hub would refuse a stranger's key)."""
    account = HUB_TOKEN_PREFIX + endpoint
    with _lock:
        if account in _session_keys:
            return _session_keys[account] or None
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, account) or None
    except Exception as error:
        log.info("the keyring could not be read: %s", error)
        return None


def remember_hub_token(endpoint: str, token: str) -> None:
    remember_api_key(HUB_TOKEN_PREFIX + endpoint, token)


def store_hub_token(endpoint: str, token: str) -> str | None:
    """As ``store_api_key``: may block, not on the GUI thread."""
    return store_api_key(HUB_TOKEN_PREFIX + endpoint, token)
