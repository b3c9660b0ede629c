"""API keys for servers: the OS keyring (Keychain, Credential Manager, Secret Service),
or the environment variable DESKTOP_CHAT_API_KEY; never settings.json.

Where no keyring works (a Linux session without a Secret Service), a key is kept in this
process only, for this session, and ``save_api_key`` says so.
"""

from __future__ import annotations

import logging
import os
import threading

API_KEY_ENV = "DESKTOP_CHAT_API_KEY"
KEYRING_SERVICE = "Desktop Chat"

log = logging.getLogger(__name__)
_session_keys: dict[str, str] = {}
_lock = threading.Lock()


def api_key_for(base_url: str) -> str | None:
    """The key for a server: the environment variable wins, then the keyring, then a key
    given earlier in this session."""
    if key := os.environ.get(API_KEY_ENV, "").strip():
        return key
    with _lock:
        if base_url in _session_keys:
            return _session_keys[base_url]
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, base_url) or None
    except Exception as error:  # no backend, a locked keyring, a broken D-Bus: no key
        log.info("the keyring could not be read: %s", error)
        return None


def save_api_key(base_url: str, key: str) -> str | None:
    """Remember ``key`` for ``base_url`` (an empty key forgets it). Returns None when the
    keyring has it, else why it is kept for this session only."""
    key = key.strip()
    with _lock:
        if key:
            _session_keys[base_url] = key
        else:
            _session_keys.pop(base_url, None)
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
        return f"The system keyring is not available ({error}); the key is kept until " \
               f"Desktop Chat closes."
    return None
