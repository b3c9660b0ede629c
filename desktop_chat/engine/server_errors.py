"""What went wrong talking to an OpenAI-compatible server, in words a user can act on."""

from __future__ import annotations

from urllib.parse import urlsplit

from desktop_chat.core.inference import EngineError
from desktop_chat.core.secrets import shared_key_withheld
from desktop_chat.core.user_message import join, tr
from desktop_chat.engine.errors import failure_details

DNS_FAILURES = ("name or service not known", "nodename nor servname", "getaddrinfo failed",
                "temporary failure in name resolution", "no address associated")


class ServerError(EngineError):
    """A request to the server failed; ``str()`` says why for the user."""


def describe(error: BaseException, base_url: str, model: str = "",
             midway: bool = False) -> ServerError:
    """A ServerError for any exception raised by the OpenAI client or its HTTP library."""
    import openai

    host = urlsplit(base_url).netloc or base_url
    details = failure_details(error)  # its type, message and traceback, for a bug report
    timeout = isinstance(error, openai.APITimeoutError) or _is_transport(error, "Timeout")
    transport = isinstance(error, openai.APIConnectionError) or _is_transport(error)
    if midway and transport and not timeout:
        return ServerError(tr("The connection to {host} was lost in the middle of the reply. "
                              "What arrived is kept.", host=host), details)
    if timeout:
        return ServerError(tr("The server at {host} did not answer in time.", host=host),
                           details)
    if isinstance(error, openai.APIStatusError):
        if error.status_code == 401 and shared_key_withheld(base_url):
            return ServerError(join(
                tr("The server asks for an API key (401). DESKTOP_CHAT_API_KEY is sent only "
                   "over https or to this computer, and {host} uses plain http: enter the "
                   "key for this server in Connect to Server….", host=host),
                _said(_server_message(error))), details)
        return _status_error(error.status_code, _server_message(error), host, model, details)
    if transport:
        return _connection_error(error, host, details)
    if isinstance(error, openai.APIError):  # an error event inside the stream
        return ServerError(tr("The server reported an error: {error}", error=error.message),
                           details)
    return ServerError(tr("Talking to the server failed: {error}", error=str(error)), details)


def _is_transport(error: BaseException, name_part: str = "") -> bool:
    """An error of the HTTP library under the client (httpx, or httpx2 in openai 3), told
    apart by module so that neither has to be imported here."""
    return any(kind.__module__.split(".")[0] in ("httpx", "httpx2", "httpcore")
               and name_part in kind.__name__ for kind in type(error).__mro__)


def _connection_error(error: BaseException, host: str, details: str) -> ServerError:
    text = _cause_chain_text(error).lower()
    if any(marker in text for marker in DNS_FAILURES):
        return ServerError(tr("The server name in “{host}” could not be found. Check the "
                              "address, and your network connection.", host=host), details)
    if "refused" in text:
        return ServerError(tr("Nothing answers at {host} (connection refused). Is the server "
                              "running, on this address and port?", host=host), details)
    return ServerError(tr("Could not connect to {host}.", host=host), details)


def _status_error(status: int, message: str, host: str, model: str,
                  details: str) -> ServerError:
    said = _said(message)
    if status == 401:
        problem = tr("The server refused the API key (401). Enter a valid key in Connect to "
                     "Server…, or set DESKTOP_CHAT_API_KEY.")
    elif status == 403:
        problem = tr("The server does not allow this request (403).")
    elif status == 404 and model:
        problem = tr("The server at {host} does not know the model “{model}” (404). Choose "
                     "one of the models it lists.", host=host, model=model)
    elif status == 404:
        problem = tr("The server at {host} does not know this request (404). Choose one of "
                     "the models it lists.", host=host)
    elif status == 429:
        problem = tr("The server is busy or over its rate limit (429). Try again in a "
                     "moment.")
    elif status >= 500:
        problem = tr("The server had an internal error ({status}).", status=status)
    else:
        problem = tr("The server refused the request ({status}).", status=status)
    return ServerError(join(problem, said), details)


def _said(message: str) -> str:
    return tr("The server said: {message}", message=message) if message else ""


def _server_message(error: BaseException) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            body = inner.get("message") or inner.get("detail") or ""
        elif isinstance(inner, str):
            body = inner
        else:
            body = body.get("detail") or ""
    text = body if isinstance(body, str) else ""
    return " ".join(text.split())[:300]


def _cause_chain_text(error: BaseException) -> str:
    parts, seen = [], set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts.append(f"{type(current).__name__}: {current}")
        current = current.__cause__ or current.__context__
    return " | ".join(parts)
