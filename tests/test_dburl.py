import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lintkit.read.dburl import (
    PLACEHOLDER_CREDENTIALS,
    find_db_urls,
    is_placeholder_credential,
    is_variable_only,
    is_variable_text,
    parse_db_url,
    redact_url,
)


def piece(text, span):
    return text[span[0]:span[1]]


# -- parsing ---------------------------------------------------------------------------------------
def test_postgres_url_fields_and_offsets():
    text = "postgresql://admin:s3cr%40t@db.abc.us-east-1.rds.amazonaws.com:5432/app?schema=public&connection_limit=1"
    url = parse_db_url(text)
    assert (url.scheme, url.family) == ("postgresql", "postgresql")
    assert (url.user, url.password, url.password_decoded) == ("admin", "s3cr%40t", "s3cr@t")
    assert (url.host, url.port, url.database) == ("db.abc.us-east-1.rds.amazonaws.com", 5432, "app")
    assert url.params == [("schema", "public"), ("connection_limit", "1")]
    assert url.connection_limit == "1"
    assert piece(text, url.user_span) == "admin"
    assert piece(text, url.password_span) == "s3cr%40t"
    assert piece(text, url.host_span) == "db.abc.us-east-1.rds.amazonaws.com:5432"
    assert piece(text, url.port_span) == "5432"
    assert piece(text, url.database_span) == "app"
    assert piece(text, url.query_span) == url.query_raw == "schema=public&connection_limit=1"
    assert [piece(text, v) for _, v in url.param_spans] == ["public", "1"]
    assert url.is_rds and not url.is_rds_proxy and not url.is_pooler and not url.is_local
    assert not url.is_managed_external and not url.extra_question_marks


def test_surrounding_whitespace_keeps_offsets_into_the_original_text():
    text = "  postgres://u:pw@h/db \n"
    url = parse_db_url(text)
    assert piece(text, url.password_span) == "pw"
    assert url.database == "db"


@pytest.mark.parametrize("text, user, password", [
    ("postgres://u:p@ss@host/db", "u", "p@ss"),
    ("postgres://u:p@ss/w?rd@host/db", "u", "p@ss/w?rd"),
    ("postgres://u:a:b:c@host/db", "u", "a:b:c"),
    ("postgres://u:p#x@host/db", "u", "p#x"),
    ("postgres://u:p?a=b@host/db", "u", "p?a=b"),
    ("mysql://root:@host/db", "root", ""),
])
def test_passwords_with_special_characters(text, user, password):
    url = parse_db_url(text)
    assert (url.user, url.password, url.host, url.database) == (user, password, "host", "db")
    assert piece(text, url.password_span) == password


def test_no_userinfo_and_at_sign_in_query():
    url = parse_db_url("postgres://host/db?email=a@b.com")
    assert url.user is None and url.password is None
    assert url.host == "host" and url.params == [("email", "a@b.com")]


def test_user_without_password():
    url = parse_db_url("postgresql://alice@host:5433/db")
    assert (url.user, url.password, url.port) == ("alice", None, 5433)
    assert url.password_span is None and url.secret_spans == []


def test_second_question_mark_and_percent_3f():
    url = parse_db_url("postgresql://u:p@h/db?schema=public?connection_limit=1")
    assert url.extra_question_marks
    assert url.params == [("schema", "public?connection_limit=1")]
    assert url.connection_limit is None
    fine = parse_db_url("postgresql://u:p@h/db?schema=a%3Fb&connection_limit=5")
    assert not fine.extra_question_marks
    assert fine.params == [("schema", "a?b"), ("connection_limit", "5")]


def test_duplicate_params_kept_in_order_last_wins():
    url = parse_db_url("postgres://h/db?connection_limit=1&x&connection_limit=abc")
    assert url.params == [("connection_limit", "1"), ("x", ""), ("connection_limit", "abc")]
    assert url.connection_limit == "abc"
    assert url.has_param("X")


def test_variables_are_not_split():
    text = "postgresql://user:${ssm:/db/pw}@${ssm:/db/host}:5432/app"
    url = parse_db_url(text)
    assert url.password == "${ssm:/db/pw}" and url.has_variable_password
    assert url.host == "${ssm:/db/host}" and url.has_variable_host
    assert url.database == "app" and url.port == 5432
    assert not url.is_local and not url.has_literal_password


@pytest.mark.parametrize("password, variable", [
    ("${DB_PASSWORD}", True),
    ("{{resolve:secretsmanager:db:SecretString:password}}", True),
    ("pre${x}post", True),
    ("$DB_PASSWORD", True),
    ("pa$word", False),
    ("P@$$w0rd", False),
    ("hunter2", False),
])
def test_variable_passwords(password, variable):
    url = parse_db_url(f"postgres://u:{password}@h/db")
    assert url.password == password
    assert url.has_variable_password is variable


def test_variable_only():
    assert is_variable_only("${a}${b:c}")
    assert is_variable_only("{{resolve:ssm:x}}")
    assert not is_variable_only("x${a}")
    assert not is_variable_only("${open")
    assert not is_variable_only("")


def test_ipv6_and_multi_host():
    url = parse_db_url("postgresql://u:p@[::1]:5432/db")
    assert (url.host, url.port) == ("::1", 5432) and url.is_local
    mongo = parse_db_url("mongodb://u:p@h1.example.com:27017,h2.example.com:27017/db?replicaSet=rs")
    assert mongo.hosts == ["h1.example.com", "h2.example.com"]
    assert (mongo.host, mongo.port, mongo.database) == ("h1.example.com", 27017, "db")


def test_mongodb_srv_without_database():
    url = parse_db_url("mongodb+srv://u:p@cluster0.abc.mongodb.net/?retryWrites=true&w=majority")
    assert url.family == "mongodb" and url.database is None
    assert url.is_managed_external and url.params[0] == ("retryWrites", "true")


def test_sqlserver_prisma_format():
    text = "sqlserver://db.example.com:1433;database=mydb;user=SA;password={p;ss};encrypt=true"
    url = parse_db_url(text)
    assert (url.host, url.port, url.database, url.user, url.password) == (
        "db.example.com", 1433, "mydb", "SA", "p;ss")
    assert piece(text, url.password_span) == "p;ss"
    assert piece(text, url.user_span) == "SA"
    assert url.query_raw == "database=mydb;user=SA;password={p;ss};encrypt=true"
    assert url.param("encrypt") == "true"
    assert redact_url(text) == "sqlserver://db.example.com:1433;database=mydb;user=SA;password={****};encrypt=true"


def test_sqlserver_aliases_and_instance():
    url = parse_db_url(r"sqlserver://host\SQLEXPRESS;initial catalog=x;username=bob;pwd=pw")
    assert (url.host, url.database, url.user, url.password) == (r"host\SQLEXPRESS", "x", "bob", "pw")


def test_sqlite_file_url():
    url = parse_db_url("file:./dev.db?connection_limit=1")
    assert url.family == "sqlite" and url.database == "./dev.db"
    assert url.host is None and url.params == [("connection_limit", "1")]
    assert not url.is_local and not url.is_managed_external


def test_prisma_accelerate_and_prisma_postgres():
    text = "prisma://accelerate.prisma-data.net/?api_key=eyJhbGciOi"
    url = parse_db_url(text)
    assert url.is_pooler and url.is_managed_external and url.family == "prisma"
    assert [piece(text, s) for s in url.secret_spans] == ["eyJhbGciOi"]
    assert redact_url(text) == "prisma://accelerate.prisma-data.net/?api_key=****"
    local = parse_db_url("prisma+postgres://localhost:51213/?api_key=abc")
    assert local.is_pooler and local.is_local and not local.is_managed_external


@pytest.mark.parametrize("text", ["mysql2://h", "http://u:p@h", "postgres:/h", "", "   ", "xpostgres://h"])
def test_not_a_db_url(text):
    assert parse_db_url(text) is None


def test_empty_host_is_a_local_socket():
    url = parse_db_url("postgresql://u:p@/db?host=/var/run/postgresql")
    assert url.host is None and url.is_local and url.database == "db"


# -- classification --------------------------------------------------------------------------------
@pytest.mark.parametrize("text, pooler, proxy, managed", [
    ("postgres://u:p@h/db?pgbouncer=true", True, False, False),
    ("postgres://u:p@h/db?pgbouncer=TRUE", True, False, False),
    ("postgres://u:p@h/db?pgbouncer=false", False, False, False),
    ("postgresql://u:p@ep-cool-123-pooler.us-east-2.aws.neon.tech/neondb", True, False, True),
    ("postgresql://u:p@ep-cool-123.us-east-2.aws.neon.tech/neondb", False, False, True),
    ("postgres://u:p@aws-0-us-east-1.pooler.supabase.com:6543/postgres", True, False, True),
    ("postgres://u:p@db.abcd.supabase.co:5432/postgres", False, False, True),
    ("mysql://u:p@aws.connect.psdb.cloud/db", False, False, True),
    ("postgres://u:p@myproxy.proxy-abc123.us-east-1.rds.amazonaws.com/db", True, True, False),
    ("postgres://u:p@ep.endpoint.proxy-abc123.eu-west-1.rds.amazonaws.com/db", True, True, False),
    ("postgres://u:p@dpg-abc.oregon-postgres.render.com/db", False, False, True),
    ("postgres://u:p@roundhouse.proxy.rlwy.net:12345/railway", False, False, True),
    ("postgres://u:p@db.example.com/db", False, False, False),
])
def test_pooler_proxy_managed(text, pooler, proxy, managed):
    url = parse_db_url(text)
    assert url.is_pooler is pooler
    assert url.is_rds_proxy is proxy
    assert url.is_managed_external is managed


@pytest.mark.parametrize("host, local", [
    ("localhost", True), ("127.0.0.1", True), ("127.1.2.3", True), ("0.0.0.0", True),
    ("host.docker.internal", True), ("db", True), ("postgres", True), ("my_db-1", True),
    ("app.localhost", True), ("db.example.com", False), ("10.0.0.5", False), ("${DB_HOST}", False),
])
def test_local_hosts(host, local):
    assert parse_db_url(f"postgres://u:p@{host}:5432/db").is_local is local


# -- finding and redacting -------------------------------------------------------------------------
def test_find_db_urls_in_free_text():
    text = ("url: 'postgres://a:b@h/db' and DATABASE_URL=mysql://x:y@z/w, "
            "see (postgres://q:r@s/t). file:./dev.db")
    found = [piece(text, span) for span in find_db_urls(text)]
    assert found == ["postgres://a:b@h/db", "mysql://x:y@z/w", "postgres://q:r@s/t", "file:./dev.db"]


def test_find_db_urls_keeps_variables_whole():
    text = "DB=postgres://u:${ssm:/db/pw, 'a b'}@host/${self:custom.db} # comment"
    [span] = find_db_urls(text)
    assert piece(text, span) == "postgres://u:${ssm:/db/pw, 'a b'}@host/${self:custom.db}"


def test_find_db_urls_inside_a_variable_default():
    text = "${env:DB_URL, 'postgres://u:hunter2@h/db'}"
    [span] = find_db_urls(text)
    assert piece(text, span) == "postgres://u:hunter2@h/db"
    assert redact_url(text) == "${env:DB_URL, 'postgres://u:****@h/db'}"


def test_find_db_urls_ignores_prose_and_other_schemes():
    assert find_db_urls("See file: notes. Visit https://example.com and jdbcpostgres://x") == []
    text = "jdbc:postgresql://h/db"
    assert [piece(text, s) for s in find_db_urls(text)] == ["postgresql://h/db"]


def test_redact_every_url_and_keep_variables():
    text = ('A="postgresql://admin:hunter2@host:5432/db" B=mysql://root:pw@h/x '
            'C=postgres://u:${ssm:/pw}@h/db D=postgres://h/db?password=topsecret')
    assert redact_url(text) == ('A="postgresql://admin:****@host:5432/db" B=mysql://root:****@h/x '
                                'C=postgres://u:${ssm:/pw}@h/db D=postgres://h/db?password=****')


def test_redact_without_urls_is_identity():
    assert redact_url("nothing to see: postgres") == "nothing to see: postgres"


# -- placeholders ----------------------------------------------------------------------------------
@pytest.mark.parametrize("user, password", [
    ("USER", "PASSWORD"), ("user", "password"), ("user", "pass"), ("username", "password"),
    ("<user>", "<password>"), ("admin", "<password>"), ("admin", "__PASSWORD__"),
    ("johndoe", "randompassword"), ("admin", "xxx"), ("admin", "XXXX"), ("admin", "***"),
    ("admin", "changeme"), ("admin", "CHANGEME"), ("admin", "your-password"), ("admin", "yourpassword"),
    ("admin", "YOUR_PASSWORD"), ("admin", "[password]"), ("admin", "{password}"), ("admin", "mypassword"),
    ("DB_USER", "DB_PASSWORD"), ("admin", "%3Cpassword%3E"), ("user", "secret"), ("admin", ""),
    ("admin", None), ("admin", "YourStrongPassword"), ("USER", "password"),
])
def test_placeholder_credentials(user, password):
    assert is_placeholder_credential(user, password)


@pytest.mark.parametrize("user, password", [
    ("postgres", "postgres"), ("admin", "password"), ("postgres", "secret"), ("admin", "hunter2"),
    ("admin", "MyPassword2024!"), ("root", "root"), ("app", "s3cr%40t"), ("", "password"),
    ("admin", "PASSWORD123"),
])
def test_real_credentials(user, password):
    assert not is_placeholder_credential(user, password)


def test_documented_placeholder_list():
    assert all(is_placeholder_credential(user, password) for user, password in PLACEHOLDER_CREDENTIALS)


def test_dburl_is_placeholder_property():
    assert parse_db_url("postgresql://johndoe:randompassword@localhost:5432/mydb").is_placeholder
    assert not parse_db_url("postgresql://app:Zx81kq@db.example.com/mydb").is_placeholder


# -- properties ------------------------------------------------------------------------------------
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
_URLISH = st.builds(
    lambda scheme, rest: scheme + rest,
    st.sampled_from(["postgres://", "postgresql://", "mysql://", "sqlserver://", "mongodb+srv://",
                     "prisma://", "file:", "  postgres://"]),
    st.lists(st.sampled_from(list("ab:@/?&=;,{}[]$%#.-_ 1") + ["${", "{{", "}}"]), max_size=40).map("".join),
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(_TEXT, _URLISH))
def test_parse_never_raises_and_offsets_are_inside(text):
    url = parse_db_url(text)
    if url is None:
        return
    spans = [url.user_span, url.password_span, url.host_span, url.port_span, url.database_span,
             url.query_span] + [s for pair in url.param_spans for s in pair]
    for span in spans:
        if span is not None:
            assert 0 <= span[0] <= span[1] <= len(text)
    if url.password_span:
        assert piece(text, url.password_span) == url.password or url.scheme == "sqlserver"


@settings(max_examples=200, deadline=None)
@given(st.one_of(_TEXT, _URLISH))
def test_find_and_redact_never_raise(text):
    for start, end in find_db_urls(text):
        assert 0 <= start < end <= len(text)
    assert isinstance(redact_url(text), str)


_PASSWORD_CHARS = st.sampled_from(list("abcXYZ019!#$%^&*()-_+=[]<>~|/?:;,.@{}"))
_PASSWORDS = st.text(_PASSWORD_CHARS, min_size=1, max_size=24).filter(lambda p: not is_variable_text(p))


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["postgres", "postgresql", "mysql", "mongodb", "mongodb+srv"]),
    st.from_regex(r"[a-z][a-z0-9_.\-]{0,10}", fullmatch=True),
    _PASSWORDS,
    st.sampled_from(["db.example.com", "db.example.com:5432", "localhost", "a.rds.amazonaws.com"]),
    st.sampled_from(["", "/app", "/app?schema=public", "/app?connection_limit=1&sslmode=require"]),
    st.sampled_from(["", "DATABASE_URL=", "url: '", 'x = "']),
)
def test_redaction_hides_planted_password(scheme, user, password, host, tail, prefix):
    url = f"{scheme}://{user}:{password}@{host}{tail}"
    parsed = parse_db_url(url)
    assert parsed.password == password and parsed.user == user
    text = prefix + url + ("'" if prefix.endswith("'") else "")
    redacted = redact_url(text)
    assert redacted == text.replace(f":{password}@{host}", f":****@{host}", 1)


@pytest.mark.parametrize("user, password, default", [
    ("postgres", "postgres", True), ("root", "root", True), ("root", "password", True),
    ("prisma", "prisma", True), ("Postgres", "POSTGRES", True),
    ("postgres", "devpass", False), ("app", "S3cr3t-pw", False), ("postgres", None, False),
])
def test_default_local_credentials(user, password, default):
    from lintkit.read.dburl import is_default_local_credential

    assert is_default_local_credential(user, password) is default


@pytest.mark.parametrize("host, machine, loopback", [
    ("localhost", True, True), ("127.0.0.2", True, True), ("[::1]", True, True), ("0.0.0.0", True, True),
    ("api.localhost", True, True), ("host.docker.internal", True, False), ("db", False, False),
    ("db.abc123.eu-west-1.rds.amazonaws.com", False, False),
])
def test_this_machine_hosts(host, machine, loopback):
    from lintkit.read.dburl import is_loopback, is_this_machine

    assert (is_this_machine(host), is_loopback(host)) == (machine, loopback)
