import pytest

from lintkit.analysis.tls import url_tls
from lintkit.read.dburl import parse_db_url

HOST = "postgresql://app:pw@orders.cluster-abc.eu-west-1.rds.amazonaws.com:5432/orders"


@pytest.mark.parametrize("query, state", [
    ("", "none"),
    ("?sslmode=disable", "off"),
    ("?sslmode=no-verify", "unverified"),
    # pg-connection-string 2.x: prefer/require/verify-ca are aliases of verify-full
    ("?sslmode=require", "verified"),
    ("?sslmode=prefer", "verified"),
    ("?sslmode=verify-full", "verified"),
    ("?ssl=true", "verified"),
    ("?sslmode=verify-full&sslrootcert=/var/task/global-bundle.pem", "ca"),
    # libpq semantics: prefer, and require without a root certificate, verify nothing
    ("?uselibpqcompat=true&sslmode=require", "unverified"),
    ("?uselibpqcompat=true&sslmode=prefer", "unverified"),
    ("?uselibpqcompat=true&sslmode=require&sslrootcert=ca.pem", "ca"),
    ("?uselibpqcompat=true&sslmode=verify-full", "verified"),
])
def test_what_sslmode_means_to_node_postgres(query, state):
    assert url_tls(parse_db_url(HOST + query)) == state
