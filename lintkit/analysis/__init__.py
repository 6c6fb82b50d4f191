"""What rule groups share, worked out from the service model: runtimes and numbers (`facts`),
database functions (`dbfunctions`), Prisma as a fact of the service for code lintkit could not
follow (`prismaservice`), database clients (`clients`), pooling and database URLs (`pooling`), exec
calls and migrations, Prisma engines and packaging, the Serverless Framework in use (`framework`),
CloudFormation (`cfn`), secrets (`secrets`, `secretscan`) and the serverless.yml schema
(`schema_check`).

May import: `lintkit.model`, `lintkit.read`, `lintkit.formats`, `lintkit.data`. Never: rules, the
engine, reporters, the command line.
"""
