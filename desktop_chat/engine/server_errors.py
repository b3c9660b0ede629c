"""What went wrong talking to an OpenAI-compatible server, in words a user can act on."""

from __future__ import annotations

from urllib.parse import urlsplit

from desktop_chat.core.inference import EngineError

DNS_FAILURES = ("name or service not known", "nodename nor servname", "getaddrinfo failed",
                "temporary failure in name resolution", "no address associated")


class ServerError(EngineError):
    """A request to the server failed; ``str()`` says why for the user."""


def describe(error: BaseException, base_url: str, model: str = "",
             midway: bool = False) -> ServerError:
    """A ServerError for any exception raised by the OpenAI client or its HTTP library."""
    import openai

    host = urlsplit(base_url).netloc or base_url
    details = f"{type(error).__name__}: {error}"
    timeout = isinstance(error, openai.APITimeoutError) or _is_transport(error, "Timeout")
    transport = isinstance(error, openai.APIConnectionError) or _is_transport(error)
    if midway and transport and not timeout:
        return ServerError(f"The connection to {host} was lost in the middle of the reply. "
                           f"What arrived is kept.", details)
    if timeout:
        return ServerError(f"The server at {host} did not answer in time.", details)
    if isinstance(error, openai.APIStatusError):
        return _status_error(error.status_code, _server_message(error), host, model, details)
    if transport:
        return _connection_error(error, host, details)
    if isinstance(error, openai.APIError):  # an error event inside the stream
        return ServerError(f"The server reported an error: {error.message}", details)
    return ServerError(f"Talking to the server failed: {error}", details)


def _is_transport(error: BaseException, name_part: str = "") -> bool:
    """An error of the HTTP library under the client (httpx, or httpx2 in openai 3), told
    apart by module so that neither has to be imported here."""
    return any(kind.__module__.split(".")[0] in ("httpx", "httpx2", "httpcore")
               and name_part in kind.__name__ for kind in type(error).__mro__)


def _connection_error(error: BaseException, host: str, details: str) -> ServerError:
    text = _cause_chain_text(error).lower()
    if any(marker in text for marker in DNS_FAILURES):
        return ServerError(f"The server name in “{host}” could not be found. Check the "
                           f"address, and your network connection.", details)
    if "refused" in text:
        return ServerError(f"Nothing answers at {host} (connection refused). Is the server "
                           f"running, on this address and port?", details)
    return ServerError(f"Could not connect to {host}.", details)


def _status_error(status: int, message: str, host: str, model: str,
                  details: str) -> ServerError:
    said = f" The server said: {message}" if message else ""
    if status == 401:
        return ServerError("The server refused the API key (401). Enter a valid key in "
                           "Connect to Server…, or set DESKTOP_CHAT_API_KEY." + said, details)
    if status == 403:
        return ServerError("The server does not allow this request (403)." + said, details)
    if status == 404:
        what = f"the model “{model}”" if model else "this request"
        return ServerError(f"The server at {host} does not know {what} (404). Choose "
                           f"one of the models it lists." + said, details)
    if status == 429:
        return ServerError("The server is busy or over its rate limit (429). Try again in a "
                           "moment." + said, details)
    if status >= 500:
        return ServerError(f"The server had an internal error ({status})." + said, details)
    return ServerError(f"The server refused the request ({status})." + said, details)


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
