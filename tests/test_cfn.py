"""lintkit.analysis.cfn: logical ids, ServiceToken links, egress facts, database hosts and the custom-resource
response analysis (CFN003's approximation), on small services written to tmp_path."""
import textwrap
from pathlib import Path

import pytest

from lintkit.analysis.cfn import (
    custom_resources, database_host, inline_graph, lambda_logical_id, response_gap, stack_endpoint_source,
    stack_reaches_s3, token_logical_id,
)
from lintkit.formats import load_service
from lintkit.model.service import Service


def make_service(tmp_path: Path, yaml: str, files: dict[str, str] | None = None) -> Service:
    (tmp_path / "serverless.yml").write_text(textwrap.dedent(yaml))
    for name, content in (files or {}).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content))
    return load_service(tmp_path / "serverless.yml", tmp_path)


@pytest.mark.parametrize("name, logical_id", [
    ("users", "UsersLambdaFunction"),
    ("fooBar", "FooBarLambdaFunction"),
    ("seed-data", "SeedDashdataLambdaFunction"),
    ("seed_data", "SeedUnderscoredataLambdaFunction"),
])
def test_lambda_logical_id_follows_serverless_naming(name, logical_id):
    assert lambda_logical_id(name) == logical_id


@pytest.mark.parametrize("token", [
    "!GetAtt Fn.Arn",
    "!GetAtt [Fn, Arn]",
    '{"Fn::GetAtt": [Fn, Arn]}',
    "!Sub ${Fn.Arn}",
    "!Sub arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}",
])
def test_service_token_forms_name_the_function(tmp_path, token):
    service = make_service(tmp_path, f"""\
        service: app
        provider: {{name: aws}}
        resources:
          Resources:
            Thing:
              Type: Custom::Thing
              Properties:
                ServiceToken: {token}
            Fn:
              Type: AWS::Lambda::Function
              Properties: {{Runtime: nodejs22.x, Handler: index.handler}}
        """)
    assert [c.function.name for c in custom_resources(service)] == ["Fn"]


@pytest.mark.parametrize("token", ["!GetAtt Fn.Name", "!Ref Fn", "!ImportValue shared-fn",
                                   "arn:aws:lambda:us-east-1:123456789012:function:x", "!Ref Topic"])
def test_other_service_tokens_name_no_function(tmp_path, token):
    service = make_service(tmp_path, f"""\
        service: app
        provider: {{name: aws}}
        resources:
          Resources:
            Thing:
              Type: AWS::CloudFormation::CustomResource
              Properties:
                ServiceToken: {token}
            Fn:
              Type: AWS::Lambda::Function
              Properties: {{Runtime: nodejs22.x, Handler: index.handler}}
        """)
    assert custom_resources(service) == []


def test_token_logical_id_of_nothing_is_none():
    assert token_logical_id(None) is None


@pytest.mark.parametrize("service_name, reaches", [
    ("com.amazonaws.us-east-1.s3", True),
    ("!Sub com.amazonaws.${AWS::Region}.s3", True),
    ("!Join ['', [com.amazonaws., !Ref 'AWS::Region', .s3]]", True),
    ("!Ref EndpointService", True),  # unknown: assume it may be S3
    ("com.amazonaws.us-east-1.secretsmanager", False),
    ("!Sub com.amazonaws.${AWS::Region}.ssm", False),
])
def test_s3_endpoints(tmp_path, service_name, reaches):
    service = make_service(tmp_path, f"""\
        service: app
        provider: {{name: aws}}
        resources:
          Resources:
            Endpoint:
              Type: AWS::EC2::VPCEndpoint
              Properties:
                ServiceName: {service_name}
        """)
    assert stack_reaches_s3(service) is reaches


@pytest.mark.parametrize("env, schema_url, host", [
    ("postgresql://u:${ssm:/pw}@db.abc.us-east-1.rds.amazonaws.com/app", None, "rds"),
    ("${ssm:/url}", None, "unknown"),
    (None, "postgresql://u:p@db.abc.us-east-1.rds.amazonaws.com/app", "rds"),
    (None, "postgresql://u:p@ep-x.us-east-2.aws.neon.tech/db", "external"),
    (None, "prisma+postgres://accelerate.prisma-data.net/?api_key=x", "external"),
    (None, None, "unknown"),
    ("${ssm:/url}", "postgresql://u:p@db.abc.us-east-1.rds.amazonaws.com/app", "unknown"),
])
def test_database_host_falls_back_to_the_schema_url(tmp_path, env, schema_url, host):
    environment = f"\n    environment:\n      DATABASE_URL: {env}" if env else ""
    files = {"src/a.ts": "export const handler = async () => {}\n"}
    if schema_url:
        files["prisma/schema.prisma"] = f'datasource db {{\n  provider = "postgresql"\n  url = "{schema_url}"\n}}\n'
    service = make_service(tmp_path, "service: app\nprovider:\n  name: aws\nfunctions:\n  a:\n"
                           f"    handler: src/a.handler{environment}\n", files)
    assert database_host(service, service.functions[0]) == host


# -- the response analysis ----------------------------------------------------------------------
def gap_of(tmp_path, code: str):
    block = textwrap.indent(textwrap.dedent(code), " " * 12)
    service = make_service(tmp_path, "service: app\nprovider: {name: aws}\nresources:\n  Resources:\n"
                           "    Fn:\n      Type: AWS::Lambda::Function\n      Properties:\n"
                           "        Runtime: nodejs22.x\n        Handler: index.handler\n"
                           "        Code:\n          ZipFile: |\n" + block)
    gap = response_gap(inline_graph(service, service.functions[0]))
    return None if gap is None else (gap.kind, gap.file.span(gap.node).line - 11)


SENDS_EVERYWHERE = [
    # try and catch both send
    """\
    const response = require('cfn-response')
    exports.handler = async (event, context) => {
      try {
        await work()
        await response.send(event, context, response.SUCCESS)
      } catch (e) {
        await response.send(event, context, response.FAILED)
      }
    }
    async function work() {}
    """,
    # the classic callback style of the AWS documentation
    """\
    var response = require('cfn-response');
    exports.handler = function(event, context) {
      if (event.RequestType == 'Delete') {
        response.send(event, context, response.SUCCESS);
        return;
      }
      s3.putObject(params, function(err, data) {
        if (err) response.send(event, context, response.FAILED, {});
        else response.send(event, context, response.SUCCESS, {});
      });
    };
    """,
    # a local helper that PUTs to the ResponseURL
    """\
    const https = require('https')
    exports.handler = async (event, context) => {
      let status = 'SUCCESS'
      try { await work() } catch (e) { status = 'FAILED' }
      return sendResponse(event, status)
    }
    function sendResponse(event, status) {
      const url = new URL(event.ResponseURL)
      return new Promise((resolve, reject) => {
        const req = https.request({ hostname: url.hostname, path: url.pathname + url.search, method: 'PUT' }, resolve)
        req.on('error', reject)
        req.end(JSON.stringify({ Status: status }))
      })
    }
    async function work() {}
    """,
    # fetch to the ResponseURL in a finally
    """\
    exports.handler = async (event) => {
      let status = 'FAILED'
      try {
        await work()
        status = 'SUCCESS'
      } finally {
        await fetch(event.ResponseURL, { method: 'PUT', body: JSON.stringify({ Status: status }) })
      }
    }
    async function work() {}
    """,
    # a switch whose every case sends, and a default
    """\
    const cfn = require('cfn-response')
    exports.handler = (event, context) => {
      switch (event.RequestType) {
        case 'Create':
        case 'Update':
          cfn.send(event, context, cfn.SUCCESS, {})
          break
        default:
          cfn.send(event, context, cfn.SUCCESS)
      }
    }
    """,
    # opaque code handed the whole event may respond itself
    """\
    const { handle } = require('./lib')
    exports.handler = async (event, context) => handle(event, context)
    """,
    # a helper given the ResponseURL
    """\
    const https = require('https')
    exports.handler = async (event) => {
      const status = await work().then(() => 'SUCCESS', () => 'FAILED')
      await put(event.ResponseURL, JSON.stringify({ Status: status }))
    }
    """,
    # a promise chain that sends in then and catch
    """\
    const response = require('cfn-response')
    exports.handler = (event, context) => {
      work().then(() => response.send(event, context, response.SUCCESS))
        .catch(() => response.send(event, context, response.FAILED))
    }
    """,
]


@pytest.mark.parametrize("code", SENDS_EVERYWHERE)
def test_handlers_that_always_respond(tmp_path, code):
    assert gap_of(tmp_path, code) is None


GAPS = [
    # no response at all
    ("""\
    exports.handler = async (event) => {
      await work()
    }
    """, ("never", 1)),
    # an await that may throw, no try
    ("""\
    const response = require('cfn-response')
    exports.handler = async (event, context) => {
      const data = await s3.send(new GetObjectCommand(params))
      await response.send(event, context, response.SUCCESS, data)
    }
    """, ("throw", 3)),
    # an early return on Delete
    ("""\
    const response = require('cfn-response')
    exports.handler = async (event, context) => {
      if (event.RequestType === 'Delete') return
      await response.send(event, context, response.SUCCESS)
    }
    """, ("return", 3)),
    # the catch only logs
    ("""\
    const response = require('cfn-response')
    exports.handler = async (event, context) => {
      try {
        await work()
        await response.send(event, context, response.SUCCESS)
      } catch (e) {
        console.error(e)
      }
    }
    """, ("end", 9)),
    # an if without else that is the only sender
    ("""\
    const response = require('cfn-response')
    exports.handler = (event, context) => {
      if (event.RequestType === 'Create') {
        response.send(event, context, response.SUCCESS)
      }
    }
    """, ("end", 6)),
    # reading the ResponseURL is not sending to it
    ("""\
    exports.handler = async (event) => {
      const url = new URL(event.ResponseURL)
      await work()
      await fetch(url, { method: 'PUT', body: '{"Status":"SUCCESS"}' })
    }
    """, ("throw", 3)),
    # a catch that rethrows
    ("""\
    const response = require('cfn-response')
    exports.handler = async (event, context) => {
      try {
        await work()
      } catch (e) {
        throw e
      }
      await response.send(event, context, response.SUCCESS)
    }
    """, ("throw", 6)),
]


@pytest.mark.parametrize("code, gap", GAPS)
def test_handlers_that_can_end_without_a_response(tmp_path, code, gap):
    assert gap_of(tmp_path, code) == gap


def test_wrapped_and_framework_handlers_are_not_analysed(tmp_path):
    assert gap_of(tmp_path, """\
        const wrap = require('./wrap')
        exports.handler = wrap(async (event) => { await work() })
        """) is None
    assert gap_of(tmp_path, """\
        const { CustomResource } = require('aws-cdk-lib')
        exports.handler = async (event) => { await work() }
        """) is None



@pytest.mark.parametrize("url, source", [
    ("postgresql://u:${ssm:/pw}@${cf:data.DatabaseEndpoint}/app", "`${cf:data.DatabaseEndpoint}`"),
    ("${cf:data.RdsUrl}", "`${cf:data.RdsUrl}`"),
    ("!ImportValue data-AuroraHost", "`Fn::ImportValue`"),
    ("!GetAtt Database.Endpoint.Address", "`Fn::GetAtt Database.Endpoint.Address`"),
    ('!Sub "postgresql://u:${Pw}@${Database.Endpoint.Address}/app"', "`${Database.Endpoint.Address}`"),
    # not a database endpoint, or not from CloudFormation: no evidence
    ("${cf:network.QueueUrl}", None),
    ("!ImportValue shared-ApiKey", None),
    ("!GetAtt Queue.Arn", None),
    ('!Sub "postgresql://u:${Pw}@${Host}/app"', None),
    ("${ssm:/app/database-url}", None),
    ("${env:DATABASE_URL}", None),
])
def test_stack_endpoint_source_names_only_database_endpoints(tmp_path, url, source):
    service = make_service(tmp_path, "service: app\nprovider:\n  name: aws\nfunctions:\n  a:\n"
                           f"    handler: src/a.handler\n    environment:\n      DATABASE_URL: {url}\n")
    node = service.functions[0].environment["DATABASE_URL"][1]
    assert stack_endpoint_source(node) == source

# -- severities the concise fixtures do not show ------------------------------------------------
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize("case, code, severities", [
    ("CFN004/bad-vpc-in-this-stack", "CFN004", ["warning"]),
    ("CFN004/bad-imported-vpc-info", "CFN004", ["info"]),
    ("VPC004/bad-no-egress", "VPC004", ["info", "info"]),
    ("VPC001/bad-schema-url-rds", "VPC001", ["error"]),
])
def test_severities(run_lintkit, case, code, severities):
    import json

    _, out, err = run_lintkit("check", ".", "--format", "json", "--as-of", "2026-11-27",
                              "--select", code, cwd=FIXTURES / case)
    found = json.loads(out)
    diagnostics = found["diagnostics"] if isinstance(found, dict) else found
    assert [d["severity"] for d in diagnostics] == severities, err
