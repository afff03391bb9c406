"""The plugin's own suite: tests that use a two-service stack through the
berth_env fixture and os.environ, as a team's suite would. Run with
pytest -n 4 by internal/e2e/integrations (see conftest.py)."""

import os
import socket
import urllib.request

import pytest


def get(berth_env, service, port, path):
    url = "http://%s%s" % (berth_env.endpoint(service, port), path)
    with urllib.request.urlopen(url, timeout=5) as resp:
        return resp.status, resp.read().decode()


def test_api_is_healthy(berth_env):
    status, body = get(berth_env, "api", 8080, "/healthz")
    assert (status, body.strip()) == (200, "ok")


def test_db_answers_with_its_name(berth_env):
    status, body = get(berth_env, "db", 5432, "/")
    assert status == 200
    assert "db" in body


def test_variables_are_in_os_environ(berth_env):
    assert os.environ["BERTH_ENV"] == berth_env.env_id
    for key, value in berth_env.vars.items():
        assert os.environ[key] == value
    assert os.environ["BERTH_API_PORT_8080"] == str(berth_env.port("api", 8080))
    assert "BERTH_LEASE" not in os.environ


def test_endpoint_parts(berth_env):
    host, port = berth_env.endpoint("db", 5432).rsplit(":", 1)
    assert host == berth_env.host("db")
    assert int(port) == berth_env.port("db", 5432)
    with socket.create_connection((host, int(port)), timeout=5):
        pass


def test_unknown_port_names_what_exists(berth_env):
    with pytest.raises(LookupError, match="BERTH_API_PORT_8080"):
        berth_env.endpoint("api", 9999)


@pytest.mark.parametrize("n", range(6))
def test_api_serves_many_requests(berth_env, n):
    assert get(berth_env, "api", 8080, "/healthz")[0] == 200
