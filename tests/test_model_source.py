"""Where a model comes from, and how settings keep it as one string."""

import pytest

from desktop_chat.core.model_source import ModelSource, ServerAddressError, normalize_base_url


@pytest.mark.parametrize("typed, base_url", [
    ("localhost:8000", "http://localhost:8000/v1"),
    ("http://localhost:8000/", "http://localhost:8000/v1"),
    ("http://127.0.0.1:11434/v1/", "http://127.0.0.1:11434/v1"),
    ("https://api.example.com/v1/chat/completions", "https://api.example.com/v1"),
    ("https://host/openai/v1", "https://host/openai/v1"),
    ("  http://host:8080/v1/models ", "http://host:8080/v1"),
])
def test_addresses_are_normalized_to_a_base_url(typed, base_url):
    assert normalize_base_url(typed) == base_url


@pytest.mark.parametrize("typed, reason", [
    ("", "Enter the server's address"),
    ("ftp://host", "not a server address"),
    ("http://", "not a server address"),
    ("http://host:port", "port that is not a number"),
])
def test_bad_addresses_say_why(typed, reason):
    with pytest.raises(ServerAddressError, match=reason):
        normalize_base_url(typed)


def test_a_server_round_trips_through_its_string_with_any_model_name():
    source = ModelSource.server("localhost:11434", "deepseek-r1:1.5b #q4/x")
    text = source.to_string()
    assert text.startswith("http://localhost:11434/v1#")
    assert ModelSource.parse(text) == source
    assert source.display_name == "deepseek-r1:1.5b #q4/x @ localhost:11434"
    assert ModelSource.parse("http://h:1/v1") == ModelSource.server("http://h:1/v1", "")


def test_paths_stay_paths_even_with_hashes_and_colons(tmp_path):
    for path in (str(tmp_path / "model#1"), "C:\\Models\\r1.gguf", "/models/http:odd"):
        source = ModelSource.parse(path)
        assert source.kind == "local" and source.to_string() == path
    assert ModelSource.parse("/m/R1-Q4_K_M.GGUF").is_gguf
